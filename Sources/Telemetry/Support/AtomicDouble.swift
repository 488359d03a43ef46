import Synchronization

/// A `Double` that can be read and updated from any thread without a lock.
///
/// Stored as its bit pattern in an `Atomic<UInt64>`; additions use a compare-and-swap loop.
@usableFromInline
struct AtomicDouble: ~Copyable, Sendable {
    @usableFromInline let bits: Atomic<UInt64>

    init(_ value: Double) {
        bits = Atomic(value.bitPattern)
    }

    func load() -> Double {
        Double(bitPattern: bits.load(ordering: .relaxed))
    }

    /// Loads with acquiring ordering: what the writer did before its releasing update is visible after.
    func loadAcquiring() -> Double {
        Double(bitPattern: bits.load(ordering: .acquiring))
    }

    func store(_ value: Double) {
        bits.store(value.bitPattern, ordering: .relaxed)
    }

    /// Adds `delta`; the update is releasing, so earlier writes are visible to an acquiring reader of it.
    @inlinable
    func add(_ delta: Double) {
        var current = bits.load(ordering: .relaxed)
        while true {
            let next = (Double(bitPattern: current) + delta).bitPattern
            let (exchanged, original) = bits.weakCompareExchange(
                expected: current, desired: next, successOrdering: .releasing, failureOrdering: .relaxed)
            if exchanged { return }
            current = original
        }
    }

    /// Replaces the value with `candidate` when `isBetter(candidate, current)`; used for min and max.
    /// The update is releasing, as `add`'s.
    @inlinable
    func update(_ candidate: Double, if isBetter: (Double, Double) -> Bool) {
        var current = bits.load(ordering: .relaxed)
        while isBetter(candidate, Double(bitPattern: current)) {
            let (exchanged, original) = bits.weakCompareExchange(
                expected: current, desired: candidate.bitPattern, successOrdering: .releasing,
                failureOrdering: .relaxed)
            if exchanged { return }
            current = original
        }
    }
}
