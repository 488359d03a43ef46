#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A dedicated OS thread for a pipeline worker, so blocking exports never occupy Swift's cooperative pool.
package final class WorkerThread: @unchecked Sendable {
    // @unchecked: `thread` is written once in init and read once in join().
    private var thread: pthread_t?

    /// Starts a thread running `body`.
    package init(_ body: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(ClosureBox(body: body)).toOpaque()
        var created = pthread_t()
        let status = pthread_create(&created, nil, { context in
            guard let context else { return nil }
            let box = Unmanaged<ClosureBox>.fromOpaque(context).takeRetainedValue()
            box.body()
            return nil
        }, box)
        if status == 0 {
            thread = created
        } else {
            // No thread: run nothing, release the box; callers see an inactive worker.
            Unmanaged<ClosureBox>.fromOpaque(box).release()
            thread = nil
        }
    }

    deinit {
        // A thread nobody waits for releases its resources when it ends.
        if let thread { pthread_detach(thread) }
    }

    /// Whether the thread was created.
    package var isRunning: Bool { thread != nil }

    /// Waits for the thread to finish.
    package func join() {
        guard let thread else { return }
        pthread_join(thread, nil)
        self.thread = nil
    }

    private final class ClosureBox {
        let body: @Sendable () -> Void

        init(body: @escaping @Sendable () -> Void) {
            self.body = body
        }
    }
}
