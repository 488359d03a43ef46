import Synchronization

/// The lookup half of a `SeriesTable`: from label values to their series, read without a lock.
///
/// Records (hash, label values, series) are appended and never changed or moved while the directory
/// is in use: a writer fills a record, then publishes its position in an open-addressing slot array
/// with a releasing store, and a reader that acquires the slot sees the whole record. A full
/// directory, or a removal, is replaced by a new one; the table frees the old one once
/// `ReaderGate.waitForReaders()` says no reader can still see it. Readers touch only plain memory and
/// the slots, so a lookup retains and releases nothing.
final class SeriesDirectory<Series: AnyObject>: @unchecked Sendable {
    // @unchecked: records are written once, before the slot that publishes them; `count` and appends
    // belong to the table's writer, under its lock.

    /// How many records fit; the slot array is kept at most half full.
    let capacity: Int
    /// The records so far (writer only).
    private(set) var count = 0
    private let labelCount: Int
    private let slotMask: Int
    /// Position + 1 of a record, or 0 for an empty slot.
    private let slots: UnsafeMutablePointer<Atomic<Int>>
    private let hashes: UnsafeMutablePointer<Int>
    /// `labelCount` values a record, in declared order.
    private let values: UnsafeMutablePointer<String>
    /// Retained once by the directory.
    private let series: UnsafeMutablePointer<Unmanaged<Series>>

    init(labelCount: Int, capacity: Int) {
        self.labelCount = labelCount
        self.capacity = capacity
        var slotCount = 16
        while slotCount < 2 * capacity { slotCount *= 2 }
        slotMask = slotCount - 1
        slots = .allocate(capacity: slotCount)
        for slot in 0..<slotCount { (slots + slot).initialize(to: Atomic(0)) }
        hashes = .allocate(capacity: capacity)
        values = .allocate(capacity: capacity * labelCount)
        series = .allocate(capacity: capacity)
    }

    deinit {
        for position in 0..<count { series[position].release() }
        values.deinitialize(count: count * labelCount)
        slots.deinitialize(count: slotMask + 1)
        slots.deallocate()
        hashes.deallocate()
        values.deallocate()
        series.deallocate()
    }

    var isFull: Bool { count == capacity }

    /// The series recorded under `declared` (whose hash is `hash`), if any.
    @inline(__always)
    func find(_ hash: Int, _ declared: some DeclaredValueSource) -> Unmanaged<Series>? {
        var slot = hash & slotMask
        while true {
            let stored = slots[slot].load(ordering: .acquiring)
            if stored == 0 { return nil }
            let position = stored &- 1
            if hashes[position] == hash, declared.matches(values + position * labelCount) { return series[position] }
            slot = (slot &+ 1) & slotMask
        }
    }

    /// Appends a record and publishes it to readers (writer only, while not full).
    func append(hash: Int, values recordValues: some Collection<String>, series recordSeries: Series) {
        precondition(count < capacity && recordValues.count == labelCount, "SeriesDirectory.append beyond its capacity")
        let position = count
        hashes[position] = hash
        let start = values + position * labelCount
        for (offset, value) in recordValues.enumerated() { (start + offset).initialize(to: value) }
        series[position] = Unmanaged.passRetained(recordSeries)
        count += 1
        var slot = hash & slotMask
        while slots[slot].load(ordering: .relaxed) != 0 { slot = (slot &+ 1) & slotMask }
        slots[slot].store(position + 1, ordering: .releasing)
    }

    /// A new directory with room for `capacity` records, holding this one's except the one of `removed`.
    func copy(capacity newCapacity: Int, removing removed: Series? = nil) -> SeriesDirectory {
        let copy = SeriesDirectory(labelCount: labelCount, capacity: newCapacity)
        for position in 0..<count where series[position].takeUnretainedValue() !== removed {
            let start = values + position * labelCount
            copy.append(
                hash: hashes[position], values: UnsafeBufferPointer(start: start, count: labelCount),
                series: series[position].takeUnretainedValue())
        }
        return copy
    }
}

/// Label values in declared order that a lookup compares with a record's values in place.
protocol DeclaredValueSource {
    /// Whether the record's values (as many as the metric declares) are these.
    func matches(_ record: UnsafePointer<String>) -> Bool
}
