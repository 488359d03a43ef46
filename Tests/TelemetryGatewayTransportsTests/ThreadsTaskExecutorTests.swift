@testable import TelemetryGatewayTransports
import Testing

/// The executor `GatewayTransports.standardOnOwnThreads` runs the gRPC receiver's tasks on.
@Suite("ThreadsTaskExecutor")
struct ThreadsTaskExecutorTests {
    @Test("A task preferring it runs on its threads, and so do its 200 child tasks; other tasks do not")
    func runsTasksOnItsThreads() async {
        let executor = ThreadsTaskExecutor(threads: 2)
        let onItsThreads = await Task(executorPreference: executor) {
            await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<200 { group.addTask { executor.ownsCurrentThread } }
                return await group.reduce(into: [executor.ownsCurrentThread]) { $0.append($1) }
            }
        }.value
        #expect(onItsThreads.count == 201 && onItsThreads.allSatisfy { $0 })
        #expect(await Task { executor.ownsCurrentThread }.value == false)
    }
}
