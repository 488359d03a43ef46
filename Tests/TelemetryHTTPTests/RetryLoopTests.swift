import Foundation
import Telemetry
import Testing

@testable import TelemetryHTTP

/// The one retry loop, under the disk queue's `untilDelivered` policy.
@Suite("Retry loop: until delivered")
struct RetryLoopTests {
    struct Unavailable: Error {}

    /// Fails retryably `failures` times (asking for `requestedDelay`), then succeeds; returns the waits
    /// the loop chose.
    static func run(_ policy: RetryPolicy, failures: Int, requestedDelay: Duration? = nil) throws -> (attempts: Int, waits: [Duration]) {
        var attempts = 0
        var waits: [Duration] = []
        try RetryLoop(policy: policy, cancellation: CancellationSignal()).run {
            () -> RetryAttempt<Void, Unavailable, String> in
            attempts += 1
            return attempts > failures ? .final(.success(())) : .retryable(.failure(Unavailable()), reason: "503", requestedDelay: requestedDelay)
        } onRetry: { _, _, wait in
            waits.append(wait)
        } onGiveUp: { reason in
            Issue.record("gave up: \(reason)")
        }
        return (attempts, waits)
    }

    @Test("Retries past any attempt or time limit, with jittered waits doubling from the initial backoff and capped at the maximum")
    func jitteredCappedBackoff() throws {
        let policy = RetryPolicy.untilDelivered(initialBackoff: .microseconds(200), maxBackoff: .microseconds(800))
        let (attempts, waits) = try Self.run(policy, failures: 40)
        #expect(attempts == 41)
        #expect(waits.count == 40)
        // Retry n waits a random value in [b/2, b], b = min(800 µs, 200 µs × 2^(n-1)).
        for (index, wait) in waits.enumerated() {
            let backoff = min(Duration.microseconds(800), .microseconds(200) * (1 << min(index, 10)))
            #expect(wait >= backoff / 2 && wait <= backoff, "retry \(index + 1): \(wait)")
        }
        // Jitter: the capped waits are not one fixed value.
        #expect(Set(waits.dropFirst(2)).count > 1, "\(waits)")
    }

    @Test("A server-requested delay is honoured up to the maximum backoff, never beyond, and never ends the retries")
    func requestedDelayCapped() throws {
        let policy = RetryPolicy.untilDelivered(initialBackoff: .microseconds(100), maxBackoff: .milliseconds(2))
        #expect(try Self.run(policy, failures: 3, requestedDelay: .milliseconds(1)).waits == Array(repeating: .milliseconds(1), count: 3))
        #expect(try Self.run(policy, failures: 3, requestedDelay: .seconds(3600)).waits == Array(repeating: .milliseconds(2), count: 3))
    }

    @Test("A zero server-requested delay (Retry-After: 0, a date in the past) waits the initial backoff, never spins")
    func zeroRequestedDelayWaitsTheInitialBackoff() throws {
        let policy = RetryPolicy.untilDelivered(initialBackoff: .microseconds(300), maxBackoff: .milliseconds(2))
        #expect(try Self.run(policy, failures: 3, requestedDelay: .zero).waits == Array(repeating: .microseconds(300), count: 3))
    }

    @Test("No multiplier, however large, overflows the backoff: it stops at the maximum")
    func hugeMultiplierStaysWithinTheMaximum() {
        var generator = SystemRandomNumberGenerator()
        let policy = RetryPolicy(
            maxAttempts: 10, initialBackoff: .seconds(1), maxBackoff: .seconds(Int64.max / 4), multiplier: 1e300, maxElapsed: .seconds(60))
        let wait = policy.backoff(forRetry: 5, using: &generator)
        #expect(wait <= .seconds(Int64.max / 4) && wait >= .seconds(Int64.max / 8))
    }

    @Test("Cancellation ends a wait at once: the last failure is thrown and the give-up says shutdown")
    func cancellationInterrupts() throws {
        let cancellation = CancellationSignal()
        let loop = RetryLoop(policy: .untilDelivered(initialBackoff: .seconds(60), maxBackoff: .seconds(60)), cancellation: cancellation)
        let canceller = Thread { usleep(100_000); cancellation.cancel() }
        canceller.start()
        let start = Date()
        var reasons: [RetryGiveUpReason] = []
        #expect(throws: Unavailable.self) {
            try loop.run {
                () -> RetryAttempt<Void, Unavailable, String> in .retryable(.failure(Unavailable()), reason: "503", requestedDelay: nil)
            } onRetry: { _, _, _ in } onGiveUp: { reasons.append($0) }
        }
        #expect(Date().timeIntervalSince(start) < 10)
        #expect(reasons == [.cancelled])
    }

    @Test("The backoff of any retry number stays within the maximum, without looping or overflowing")
    func backoffOfLargeRetryNumbers() {
        var generator = SystemRandomNumberGenerator()
        let policy = RetryPolicy.untilDelivered(initialBackoff: .seconds(1), maxBackoff: .seconds(30))
        for retry in [1, 2, 5, 6, 1000, Int.max] {
            let wait = policy.backoff(forRetry: retry, using: &generator)
            #expect(wait >= .milliseconds(500) && wait <= .seconds(30), "retry \(retry): \(wait)")
        }
        #expect(policy.backoff(forRetry: Int.max, using: &generator) >= .seconds(15))
    }
}
