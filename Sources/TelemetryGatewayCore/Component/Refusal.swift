/// Why a receiver, processor or exporter did not take data: the one refusal type every transport maps
/// to its own answer (HTTP 429 + `Retry-After` or 400; gRPC UNAVAILABLE + `RetryInfo` or
/// INVALID_ARGUMENT).
public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// Whether the client should send the same data again.
    public enum Kind: Sendable, Equatable {
        /// Overload (memory limit, full queues): send the same data again after `after`.
        case retryable(after: Duration)
        /// The data itself is wrong: sending it again cannot help.
        case invalid
    }

    /// Retry or not.
    public let kind: Kind
    /// A short machine-readable reason, used as a self-metric label (`memory_limit`, `queue_full`,
    /// `malformed`, `too_deep`, …).
    public let reason: String
    /// The explanation for the client.
    public let message: String

    /// Creates a refusal.
    public init(_ kind: Kind, reason: String, _ message: String) {
        self.kind = kind
        self.reason = reason
        self.message = message
    }

    /// `message`.
    public var description: String { message }

    /// The data can be sent again after `delay`.
    public static func retryLater(after delay: Duration = .seconds(1), reason: String, _ message: String) -> Refusal {
        Refusal(.retryable(after: delay), reason: reason, message)
    }

    /// Whether the client may send the data again.
    public var isRetryable: Bool {
        if case .retryable = kind { return true }
        return false
    }
}
