extension SeriesTable {
    /// `width` values per series of `entries`, series after series, in one array: `read` is given each
    /// series, its index and its room (filled with `filler` first; empty when `width` is 0). Histogram
    /// and summary snapshots keep their series' values this way, one array for all rather than arrays
    /// per series.
    static func flatValues<Element>(
        of entries: [Entry], width: Int, filler: Element,
        _ read: (_ series: Series, _ index: Int, _ room: UnsafeMutableBufferPointer<Element>) -> Void
    ) -> [Element] {
        func readEach(into base: UnsafeMutablePointer<Element>?) {
            entries.withUnsafeBufferPointer { entries in
                for index in entries.indices {
                    let room = UnsafeMutableBufferPointer(start: base.map { $0 + index * width }, count: width)
                    // The array keeps every series alive: reading through an unretained reference saves
                    // a retain and a release per series.
                    Unmanaged.passUnretained(entries[index].series)._withUnsafeGuaranteedRef { read($0, index, room) }
                }
            }
        }
        // Nothing to keep: the empty array, not `unsafeUninitializedCapacity: 0`, which writes the count
        // into the storage every empty array shares (a data race with their readers).
        guard width > 0, !entries.isEmpty else {
            readEach(into: nil)
            return []
        }
        return [Element](unsafeUninitializedCapacity: entries.count * width) { values, initialized in
            values.initialize(repeating: filler)
            initialized = values.count
            readEach(into: values.baseAddress)
        }
    }

    /// Calls `body` with each series' index, its labels in exposition syntax and its `width` values of
    /// `values` (as `flatValues` made them), in order, reading everything in place.
    static func forEachRow<Element>(
        of entries: [Entry], _ values: [Element], width: Int,
        _ body: (_ index: Int, _ exposedLabels: UnsafeRawBufferPointer?, _ values: UnsafeBufferPointer<Element>) -> Void
    ) {
        entries.withUnsafeBufferPointer { entries in
            values.withUnsafeBufferPointer { values in
                guard values.count >= entries.count * width else { return }
                for index in entries.indices {
                    let row = UnsafeBufferPointer(start: values.baseAddress.map { $0 + index * width }, count: width)
                    body(index, entries[index].seriesLabels.exposedBytes, row)
                }
            }
        }
    }
}
