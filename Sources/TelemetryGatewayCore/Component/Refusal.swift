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
    /// What the refusing components count when the data is taken anyway: a fan-out refuses only when
    /// every branch refused, so a branch's refusal that is overruled becomes that branch's drop. A
    /// refusal that reaches the client is counted once, as refused, by the receiver.
    private var countsWhenOverruled: [@Sendable () -> Void] = []
    /// Whether a must-keep consumer refused (a disk queue with `when_full: block`, which promises the
    /// client keeps what it cannot take): a fan-out answers this refusal even when other consumers took
    /// the data, and never counts it as a drop.
    public private(set) var isMustKeep = false

    /// Creates a refusal.
    public init(_ kind: Kind, reason: String, _ message: String) {
        self.kind = kind
        self.reason = reason
        self.message = message
    }

    /// `message`.
    public var description: String { message }

    /// Refusals are equal when kind, reason and message are.
    public static func == (lhs: Refusal, rhs: Refusal) -> Bool {
        lhs.kind == rhs.kind && lhs.reason == rhs.reason && lhs.message == rhs.message
    }

    /// This refusal, calling `countDrop` if it is overruled (the refused data was taken by another
    /// branch of a fan-out, so it is lost only for the refusing component).
    public func countingWhenOverruled(_ countDrop: @escaping @Sendable () -> Void) -> Refusal {
        var refusal = self
        refusal.countsWhenOverruled.append(countDrop)
        return refusal
    }

    /// This refusal, from a must-keep consumer: no fan-out overrules it.
    public func mustKeep() -> Refusal {
        var refusal = self
        refusal.isMustKeep = true
        return refusal
    }

    /// Counts the drops of every component behind this refusal: the data was taken anyway.
    public func overruled() {
        for count in countsWhenOverruled { count() }
    }

    /// This refusal's answer, carrying the counts of `other` too (for a fan-out whose branches refused),
    /// must-keep when either is.
    public func merging(_ other: Refusal) -> Refusal {
        var refusal = self
        refusal.countsWhenOverruled += other.countsWhenOverruled
        refusal.isMustKeep = isMustKeep || other.isMustKeep
        return refusal
    }

    /// The data can be sent again after `delay`.
    public static func retryLater(after delay: Duration = .seconds(1), reason: String, _ message: String) -> Refusal {
        Refusal(.retryable(after: delay), reason: reason, message)
    }

    /// The reason of `tooLarge` refusals.
    public static let tooLargeReason = "too_large"

    /// The data can never be taken, whatever the load (it is larger than a queue can ever hold): not to
    /// be sent again. Receivers answer it as a body over the limit (HTTP 413, gRPC RESOURCE_EXHAUSTED).
    public static func tooLarge(_ message: String) -> Refusal {
        Refusal(.invalid, reason: tooLargeReason, message)
    }

    /// Whether the client may send the data again.
    public var isRetryable: Bool {
        if case .retryable = kind { return true }
        return false
    }
}
