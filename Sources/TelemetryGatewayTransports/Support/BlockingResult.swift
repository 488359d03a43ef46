import Dispatch
import TelemetryGatewayCore

/// A value produced by a task and waited for by a thread.
final class BlockingResult<Value: Sendable>: @unchecked Sendable {
    // @unchecked: `result` is written once before the semaphore is signalled and read after waiting.
    private var result: Result<Value, any Error>?
    private let ready = DispatchSemaphore(value: 0)

    /// Runs `operation` in a task and blocks the calling thread until it ends. Call it from a thread of
    /// its own, never from a task: on a one-core machine the concurrency pool has one thread, and a task
    /// blocked here would leave none to run `operation`.
    /// The task prefers `executor` (none: Swift's cooperative pool).
    static func run(
        on executor: (any TaskExecutor)? = nil, _ operation: @escaping @Sendable () async throws -> Value
    ) -> Result<Value, any Error> {
        let result = BlockingResult<Value>()
        Task(executorPreference: executor) {
            do {
                result.set(.success(try await operation()))
            } catch {
                result.set(.failure(error))
            }
        }
        return Result { try result.wait() }
    }

    private func set(_ result: Result<Value, any Error>) {
        self.result = result
        ready.signal()
    }

    private func wait() throws -> Value {
        ready.wait()
        guard let result else { throw GatewayError("no result") }
        return try result.get()
    }
}
