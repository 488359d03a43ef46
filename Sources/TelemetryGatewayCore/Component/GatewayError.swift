/// A problem building or starting the gateway (a port in use, a file that cannot be opened).
public struct GatewayError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public let description: String

    /// Creates an error.
    public init(_ description: String) {
        self.description = description
    }
}
