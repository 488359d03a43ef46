import NIOCore
import Telemetry

extension EventLoopFuture where Value: Sendable {
    /// The future's result, waited for with a condition variable rather than NIO's `wait()`, which traps
    /// on any event-loop thread. Only for futures of an event loop the caller cannot be running on (a
    /// component's own loop), so blocking cannot deadlock.
    package func blockingResult() throws -> Value {
        let outcome = ConditionLock<Result<Value, any Error>?>(nil)
        whenComplete { result in outcome.withLockAndBroadcast { $0 = result } }
        let result = outcome.wait(until: { $0 != nil }, deadlineNanos: nil) { value, _ in value }
        guard let result else { throw ChannelError.ioOnClosedChannel }
        return try result.get()
    }
}
