import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A task executor with threads of its own: jobs enqueued on it run there, in order of arrival, never
/// on Swift's cooperative pool.
final class ThreadsTaskExecutor: TaskExecutor {
    private let jobs = Mutex<[UnownedJob]>([])
    private let available = DispatchSemaphore(value: 0)
    private let threads = Mutex<Set<pthread_t>>([])
    private let started = Atomic<Int>(0)

    /// Starts `threads` threads that run the jobs (they live as long as the process). If none can be
    /// started, its jobs go to Swift's global executor instead of waiting forever.
    init(threads count: Int) {
        for _ in 0..<max(1, count) {
            var thread = pthread_t()
            let context = Unmanaged.passRetained(self)
            let result = pthread_create(&thread, nil, { context in
                guard let context else { return nil }
                Unmanaged<ThreadsTaskExecutor>.fromOpaque(context).takeRetainedValue().work()
            }, context.toOpaque())
            if result == 0 {
                pthread_detach(thread)
                started.add(1, ordering: .relaxed)
            } else {
                context.release()
            }
        }
    }

    /// Whether the calling thread is one of its threads.
    var ownsCurrentThread: Bool { threads.withLock { $0.contains(pthread_self()) } }

    func enqueue(_ job: consuming ExecutorJob) {
        guard started.load(ordering: .relaxed) > 0 else {
            globalConcurrentExecutor.enqueue(job)
            return
        }
        let unowned = UnownedJob(job)
        jobs.withLock { $0.append(unowned) }
        available.signal()
    }

    private func work() -> Never {
        _ = threads.withLock { $0.insert(pthread_self()) }
        while true {
            available.wait()
            if let job = jobs.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) {
                job.runSynchronously(on: asUnownedTaskExecutor())
            }
        }
    }
}
