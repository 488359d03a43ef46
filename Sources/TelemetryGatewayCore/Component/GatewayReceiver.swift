/// A running receiver.
public protocol GatewayReceiver: Sendable {
    /// Where it listens (`http://127.0.0.1:4318`), for the startup log and tests.
    var endpoints: [String] { get }
    /// Stops accepting, and waits for the requests being processed.
    func shutdown()
}
