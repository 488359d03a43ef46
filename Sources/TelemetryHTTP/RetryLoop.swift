import Telemetry

/// Why a retryable failure was not retried again.
package enum RetryGiveUpReason: String, Sendable, Equatable, CaseIterable {
    /// The policy's `maxAttempts` were used.
    case maxAttempts = "max_attempts"
    /// The next backoff would start after the policy's `maxElapsed`.
    case maxElapsed = "max_elapsed"
    /// The server asked (`Retry-After`, gRPC `RetryInfo`) for a wait longer than what is left of `maxElapsed`.
    case retryAfterBeyondBudget = "retry_after_beyond_budget"
    /// The sender was cancelled (shutdown).
    case cancelled = "shutdown"
}

/// One attempt's result, as the retry loop sees it.
package enum RetryAttempt<Value, Failure: Error, Reason> {
    /// Final: return (or throw) this.
    case final(Result<Value, Failure>)
    /// Worth another attempt for `reason`, after `requestedDelay` when the server asked for one; `outcome`
    /// is returned (or thrown) if no attempt follows.
    case retryable(Result<Value, Failure>, reason: Reason, requestedDelay: Duration?)
}

/// The OTLP retry loop shared by every transport: exponential backoff with jitter from a `RetryPolicy`,
/// a server-requested delay honoured when it fits in what is left of the budget (a longer one ends the
/// retries at once, never sleeps or overflows), waits interrupted by the cancellation signal.
package struct RetryLoop: Sendable {
    /// How often and when to retry.
    package let policy: RetryPolicy
    private let cancellation: CancellationSignal

    /// A loop; raising `cancellation` stops any wait between attempts.
    package init(policy: RetryPolicy, cancellation: CancellationSignal) {
        self.policy = policy
        self.cancellation = cancellation
    }

    /// Runs `attempt` until it is final or the policy is exhausted.
    ///
    /// - Parameters:
    ///   - onRetry: called before each wait with the retry number, the reason and the wait.
    ///   - onGiveUp: called once when a retryable failure is not retried again, with why.
    package func run<Value, Failure: Error, Reason>(
        _ attempt: () -> RetryAttempt<Value, Failure, Reason>,
        onRetry: (_ retry: Int, _ reason: Reason, _ wait: Duration) -> Void, onGiveUp: (RetryGiveUpReason) -> Void
    ) throws(Failure) -> Value {
        let start = WallClock.monotonicNanos()
        let budget = policy.maxElapsed.nanoseconds
        var generator = SystemRandomNumberGenerator()
        var number = 1
        while true {
            let (outcome, reason, requested): (Result<Value, Failure>, Reason, Duration?)
            switch attempt() {
            case .final(let result):
                return try result.get()
            case .retryable(let result, let why, let delay):
                (outcome, reason, requested) = (result, why, delay)
            }
            // Until delivered, a server's delay is kept within [initialBackoff, maxBackoff]: no wait
            // beyond the cap, and no zero wait (`Retry-After: 0`, a date in the past) that would spin.
            let wait = requested.map { policy.retriesUntilDelivered ? min(max($0, policy.initialBackoff), policy.maxBackoff) : $0 }
                ?? policy.backoff(forRetry: number, using: &generator)
            let remaining = budget.subtractingSaturated(WallClock.monotonicNanos().subtractingSaturated(start))
            let giveUp: RetryGiveUpReason? =
                if cancellation.isCancelled { .cancelled }
                else if number >= policy.maxAttempts { .maxAttempts }
                else if wait.nanoseconds > remaining { requested == nil ? .maxElapsed : .retryAfterBeyondBudget }
                else { nil }
            if let giveUp {
                onGiveUp(giveUp)
                return try outcome.get()
            }
            onRetry(number, reason, wait)
            guard cancellation.sleep(for: wait) else {
                onGiveUp(.cancelled)
                return try outcome.get()
            }
            number = number < Int.max ? number + 1 : number
        }
    }

    /// Runs `attempt` like `run(_:onRetry:onGiveUp:)`, counting retries and give-ups in `report`'s
    /// self-metrics and logging them (rate-limited) as the OTLP exporters do.
    package func run<Value, Failure: Error, Reason: CustomStringConvertible>(
        _ attempt: () -> RetryAttempt<Value, Failure, Reason>, reporting report: RetryReport
    ) throws(Failure) -> Value {
        try run(attempt) { retry, reason, wait in
            report.selfMetrics.retry()
            report.log.log(.warning, key: "retry \(report.target)", "\(report.export) failed (\(reason)); retry \(retry) in \(wait)")
        } onGiveUp: { reason in
            report.selfMetrics.retriesExhausted(reason: reason.rawValue)
            if reason == .retryAfterBeyondBudget {
                report.log.log(
                    .warning, key: "retry-after \(report.target)", "\(report.target) asked to retry later than the retry budget allows; giving up")
            }
        }
    }
}

/// Where a retry loop counts and logs its retries: one signal's exporter self-metrics, the exporter's
/// log, and the words naming the export (`OTLP export to <url>`) and its target (`<url>`).
package struct RetryReport: Sendable {
    /// The `telemetry_exporter_*` series of the exporter and signal.
    package let selfMetrics: ExporterSelfMetrics
    /// The exporter's rate-limited log.
    package let log: RateLimitedLogger
    /// `OTLP export to http://…/v1/traces`, `OTLP/gRPC export to https://host:4317`.
    package let export: String
    /// The URL or `scheme://host:port` the export goes to.
    package let target: String

    /// A report to `selfMetrics` and `log`.
    package init(selfMetrics: ExporterSelfMetrics, log: RateLimitedLogger, export: String, target: String) {
        self.selfMetrics = selfMetrics
        self.log = log
        self.export = export
        self.target = target
    }
}
