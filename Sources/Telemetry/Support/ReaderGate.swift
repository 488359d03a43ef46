import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Lets threads read shared structures without a lock while writers replace them, and tells a writer
/// when no reader can still be looking at a structure it replaced, so that it may be freed (the scheme
/// of the Linux kernel's sleepable RCU).
///
/// A reader adds one to a counter of the current phase, in a cell picked by `ThreadStripe` (so threads
/// rarely share a cache line), reads, and takes the one away: two
/// atomic adds and no waiting, whatever writers do. A writer first publishes the new structure, then
/// `waitForReaders()` flips the phase and waits until the old phase's counters add up to zero, twice:
/// a reader that loaded the old phase just before a flip is counted in one of the two. Every reader that
/// could have loaded the replaced structure has then finished; later ones load the new one.
///
/// Readers must not wait for writers inside `read`; writers wait for readers, so they call
/// `waitForReaders()` rarely (a table growing or a series removed), never from inside `read`.
final class ReaderGate: @unchecked Sendable {
    // @unchecked: the counters are allocated once in init and only touched through `Atomic`.

    /// The gate the metric tables share: writers are rare, and one gate costs 2 KiB, not 2 KiB a metric.
    static let shared = ReaderGate()

    private static let cellCount = 16
    private static let cellStride = 64 / MemoryLayout<Atomic<Int>>.stride
    private static let phaseStride = cellCount * cellStride

    private let phase = Atomic<Int>(0)
    /// Two phases × `cellCount` counters, each on its own cache line.
    private let counters: UnsafeMutablePointer<Atomic<Int>>
    /// One writer flips at a time (a `Mutex`, not a `LockedValue` of `Void`: ThreadSanitizer saw the
    /// latter's empty access outside the lock).
    private let writers = Mutex(())

    init() {
        let count = 2 * Self.phaseStride
        let raw = UnsafeMutableRawPointer.allocate(byteCount: count * MemoryLayout<Atomic<Int>>.stride, alignment: 64)
        counters = raw.bindMemory(to: Atomic<Int>.self, capacity: count)
        for index in 0..<count { (counters + index).initialize(to: Atomic(0)) }
    }

    deinit {
        counters.deinitialize(count: 2 * Self.phaseStride)
        UnsafeMutableRawPointer(counters).deallocate()
    }

    /// Runs `body` as a reader: structures loaded inside stay valid until it returns.
    @inline(__always)
    func read<Result>(_ body: () -> Result) -> Result {
        let cell = counter(phase: phase.load(ordering: .relaxed))
        // Sequentially consistent: the count must be visible before `body` loads anything a writer
        // replaces, and a writer's check of the counts comes after its publication in the same order.
        cell.pointee.wrappingAdd(1, ordering: .sequentiallyConsistent)
        defer { cell.pointee.wrappingSubtract(1, ordering: .releasing) }
        return body()
    }

    /// Waits until every reader that may have loaded a structure published before the call has finished.
    func waitForReaders() {
        writers.withLock { _ in
            for _ in 0..<2 {
                let old = phase.load(ordering: .relaxed)
                phase.store(old ^ 1, ordering: .sequentiallyConsistent)
                var spins = 0
                while readers(in: old) != 0 {
                    // A reader finishes within nanoseconds unless it was descheduled: yield, then sleep.
                    spins += 1
                    if spins < 100 { sched_yield() } else { usleep(50) }
                }
            }
        }
    }

    private func readers(in phase: Int) -> Int {
        var total = 0
        for cell in 0..<Self.cellCount {
            total &+= counters[phase * Self.phaseStride + cell * Self.cellStride].load(ordering: .sequentiallyConsistent)
        }
        return total
    }

    /// The calling thread's counter for `phase` (`ThreadStripe`).
    @inline(__always)
    private func counter(phase: Int) -> UnsafeMutablePointer<Atomic<Int>> {
        counters + (phase & 1) * Self.phaseStride + ThreadStripe.index(among: Self.cellCount) * Self.cellStride
    }
}
