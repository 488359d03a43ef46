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
