import Dispatch
import TelemetryGatewayCore

/// A value produced by a task and waited for by a thread.
final class BlockingResult<Value: Sendable>: @unchecked Sendable {
    // @unchecked: `result` is written once before the semaphore is signalled and read after waiting.
    private var result: Result<Value, any Error>?
    private let ready = DispatchSemaphore(value: 0)

    /// Runs `operation` in a task and waits for it on the calling thread (never call from a task).
    static func run(_ operation: @escaping @Sendable () async throws -> Value) -> Result<Value, any Error> {
        let result = BlockingResult<Value>()
        Task {
            do {
                result.set(.success(try await operation()))
            } catch {
                result.set(.failure(error))
            }
        }
        return Result { try result.wait() }
    }

    func set(_ result: Result<Value, any Error>) {
        self.result = result
        ready.signal()
    }

    func wait() throws -> Value {
        ready.wait()
        guard let result else { throw GatewayError("no result") }
        return try result.get()
    }
}
