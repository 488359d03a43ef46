import Telemetry

/// Sends requests with a `RetryPolicy`: retries 429, 502, 503, 504 and connection failures or
/// timeouts, honours `Retry-After`, and never retries any other status.
public struct RetryingSender: Sendable {
    /// Why an attempt is being retried.
    public enum RetryReason: Sendable, Equatable, CustomStringConvertible {
        /// The server answered with a retryable status.
        case status(Int)
        /// No response: connection failure or timeout.
        case transport(HTTPClientError.Kind)

        /// `HTTP 503`, `connection failure`, `timeout`.
        public var description: String {
            switch self {
            case .status(let status): "HTTP \(status)"
            case .transport(.timeout): "timeout"
            case .transport: "connection failure"
            }
        }
    }

    /// The HTTP statuses worth retrying (OTLP/HTTP specification).
    public static let retryableStatuses: Set<Int> = [429, 502, 503, 504]

    /// The client requests go through.
    public let client: HTTPClient
    /// How often and when to retry.
    public let policy: RetryPolicy
    private let cancellation: CancellationSignal

    /// Creates a sender; raising `cancellation` stops any wait between attempts.
    package init(client: HTTPClient, policy: RetryPolicy, cancellation: CancellationSignal = CancellationSignal()) {
        self.client = client
        self.policy = policy
        self.cancellation = cancellation
    }

    /// Creates a sender.
    public init(client: HTTPClient, policy: RetryPolicy) {
        self.init(client: client, policy: policy, cancellation: CancellationSignal())
    }

    /// Sends `request` until it gets a response that is not retryable, or the policy is exhausted.
    ///
    /// - Parameter onRetry: called before each wait with the retry number, the reason and the wait.
    /// - Returns: the final response, whatever its status.
    /// - Throws: the last `HTTPClientError` when the final attempt got no response.
    public func send(
        _ request: HTTPRequest, onRetry: (_ retry: Int, _ reason: RetryReason, _ wait: Duration) -> Void = { _, _, _ in }
    ) throws(HTTPClientError) -> HTTPResponse {
        let start = WallClock.monotonicNanos()
        let budget = policy.maxElapsed.nanoseconds
        var generator = SystemRandomNumberGenerator()
        var attempt = 1
        while true {
            let outcome: Result<HTTPResponse, HTTPClientError>
            do throws(HTTPClientError) {
                outcome = .success(try client.send(request))
            } catch {
                outcome = .failure(error)
            }
            let reason: RetryReason
            var requested: Duration?
            switch outcome {
            case .success(let response) where Self.retryableStatuses.contains(response.status):
                reason = .status(response.status)
                requested = response.header("Retry-After").flatMap { RetryAfter.delay($0) }
            case .failure(let error) where error.isRetryable:
                reason = .transport(error.kind)
            default:
                return try outcome.get()
            }
            let wait = requested ?? policy.backoff(forRetry: attempt, using: &generator)
            let elapsed = WallClock.monotonicNanos() - start
            guard attempt < policy.maxAttempts, elapsed + wait.nanoseconds <= budget, !cancellation.isCancelled else {
                return try outcome.get()
            }
            onRetry(attempt, reason, wait)
            guard cancellation.sleep(for: wait) else { return try outcome.get() }
            attempt += 1
        }
    }
}
