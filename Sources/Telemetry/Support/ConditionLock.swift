#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A value guarded by a pthread mutex with a condition variable, for worker threads that sleep until
/// there is work, a deadline passes, or they are told to stop.
package final class ConditionLock<Value: Sendable>: @unchecked Sendable {
    // @unchecked: `value` is only touched while `mutex` is held, which also makes the runtime's
    // exclusivity checks (a call on every access) redundant.
    @exclusivity(unchecked) private var value: Value
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    package init(_ value: Value) {
        self.value = value
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        condition = .allocate(capacity: 1)
        condition.initialize(to: pthread_cond_t())
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Runs `body` with exclusive access to the value, then wakes every waiter.
    @discardableResult
    package func withLockAndBroadcast<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer {
            pthread_cond_broadcast(condition)
            pthread_mutex_unlock(mutex)
        }
        return try body(&value)
    }

    /// Runs `body` with exclusive access to the value without waking waiters.
    package func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }

    /// Waits until `isReady` holds or the monotonic clock reaches `deadlineNanos`, then runs `body`.
    ///
    /// - Returns: `body`'s result; `body` learns from its second argument whether `isReady` held.
    package func wait<Result>(
        until isReady: (Value) -> Bool, deadlineNanos: UInt64?, _ body: (inout Value, Bool) throws -> Result
    ) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while !isReady(value) {
            if let deadlineNanos {
                guard WallClock.monotonicNanos() < deadlineNanos else { break }
                var deadline = timespec(
                    tv_sec: Int(deadlineNanos / 1_000_000_000), tv_nsec: Int(deadlineNanos % 1_000_000_000))
                pthread_cond_timedwait(condition, mutex, &deadline)
            } else {
                pthread_cond_wait(condition, mutex)
            }
        }
        return try body(&value, isReady(value))
    }
}

/// A flag that interrupts waits: retries and worker sleeps end early once it is raised.
package final class CancellationSignal: Sendable {
    private let state = ConditionLock(false)

    package init() {}

    /// Raises the flag and wakes every waiter.
    package func cancel() {
        state.withLockAndBroadcast { $0 = true }
    }

    /// Whether the flag is raised.
    package var isCancelled: Bool { state.withLock { $0 } }

    /// Sleeps for `duration` unless cancelled first; returns false when cancelled.
    package func sleep(for duration: Duration) -> Bool {
        let deadline = duration.deadlineFromNow
        return state.wait(until: { $0 }, deadlineNanos: deadline) { cancelled, _ in !cancelled }
    }
}
