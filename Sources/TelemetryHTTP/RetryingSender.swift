import Telemetry

/// Sends requests with a `RetryPolicy`: retries the statuses its classifier names (by default 429, 502,
/// 503, 504) and connection failures or timeouts, honours `Retry-After`, and never retries anything else.
///
/// Every value read from the server is clamped: a `Retry-After` longer than what is left of the retry
/// budget ends the retries at once (reported as `.retryAfterBeyondBudget`) instead of sleeping or
/// overflowing.
package struct RetryingSender: Sendable {
    /// Why an attempt is being retried.
    package enum RetryReason: Sendable, Equatable, CustomStringConvertible {
        /// The server answered with a retryable status.
        case status(Int)
        /// No response: connection failure or timeout.
        case transport(HTTPClientError.Kind)

        /// `HTTP 503`, `connection failure`, `timeout`.
        package var description: String {
            switch self {
            case .status(let status): "HTTP \(status)"
            case .transport(.timeout): "timeout"
            case .transport: "connection failure"
            }
        }
    }

    /// Why a retryable failure was not retried again.
    package typealias GiveUpReason = RetryGiveUpReason

    /// The HTTP statuses worth retrying (OTLP/HTTP specification).
    package static let retryableStatuses: Set<Int> = [429, 502, 503, 504]

    /// The client requests go through.
    package let client: HTTPClient
    /// How often and when to retry.
    package let policy: RetryPolicy
    private let cancellation: CancellationSignal
    private let isRetryable: @Sendable (HTTPResponse) -> Bool

    /// Creates a sender; raising `cancellation` stops any wait between attempts. `isRetryable` decides
    /// which responses are tried again (by default the statuses in `retryableStatuses`).
    package init(
        client: HTTPClient, policy: RetryPolicy, cancellation: CancellationSignal = CancellationSignal(),
        isRetryable: @escaping @Sendable (HTTPResponse) -> Bool = { RetryingSender.retryableStatuses.contains($0.status) }
    ) {
        self.client = client
        self.policy = policy
        self.cancellation = cancellation
        self.isRetryable = isRetryable
    }

    /// Creates a sender.
    package init(client: HTTPClient, policy: RetryPolicy) {
        self.init(client: client, policy: policy, cancellation: CancellationSignal())
    }

    /// Sends `request` until it gets a response that is not retryable, or the policy is exhausted.
    ///
    /// - Parameters:
    ///   - onRetry: called before each wait with the retry number, the reason and the wait.
    ///   - onGiveUp: called once when a retryable failure is not retried again, with why.
    /// - Returns: the final response, whatever its status.
    /// - Throws: the last `HTTPClientError` when the final attempt got no response.
    package func send(
        _ request: HTTPRequest, onRetry: (_ retry: Int, _ reason: RetryReason, _ wait: Duration) -> Void = { _, _, _ in },
        onGiveUp: (GiveUpReason) -> Void = { _ in }
    ) throws(HTTPClientError) -> HTTPResponse {
        try RetryLoop(policy: policy, cancellation: cancellation).run(
            { Self.attempt(request, on: client, isRetryable: isRetryable) }, onRetry: onRetry, onGiveUp: onGiveUp)
    }

    /// Sends `request` once on `client`, classified for the retry loop: a response `isRetryable` names
    /// (with its `Retry-After`) and a retryable transport failure are worth another attempt.
    package static func attempt(
        _ request: HTTPRequest, on client: HTTPClient, isRetryable: (HTTPResponse) -> Bool = { retryableStatuses.contains($0.status) }
    ) -> RetryAttempt<HTTPResponse, HTTPClientError, RetryReason> {
        do throws(HTTPClientError) {
            let response = try client.send(request)
            guard isRetryable(response) else { return .final(.success(response)) }
            return .retryable(
                .success(response), reason: .status(response.status), requestedDelay: response.header("Retry-After").flatMap { RetryAfter.delay($0) })
        } catch {
            return error.isRetryable ? .retryable(.failure(error), reason: .transport(error.kind), requestedDelay: nil) : .final(.failure(error))
        }
    }
}
