import Foundation

/// Runs `body` on `count` separate OS threads at once and waits for all of them.
public func runOnThreads(_ count: Int, _ body: @escaping @Sendable (_ index: Int) -> Void) {
    let group = DispatchGroup()
    let start = DispatchSemaphore(value: 0)
    var threads: [Thread] = []
    for index in 0..<count {
        group.enter()
        let thread = Thread {
            start.wait()
            body(index)
            group.leave()
        }
        thread.stackSize = 1 << 20
        threads.append(thread)
        thread.start()
    }
    for _ in 0..<count { start.signal() }
    group.wait()
}

/// Runs blocking `body` (a peer process, a synchronous HTTP call) on its own OS thread and awaits it, so
/// that it never holds one of the few threads of Swift's cooperative pool: a gateway in the test's
/// process serves gRPC on that pool and would wait for the very call that waits for it.
public func offCooperativePool<Value: Sendable>(_ body: @escaping @Sendable () throws -> Value) async throws -> Value {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.stackSize = 1 << 20
        thread.start()
    }
}
