/// The series of a counter or gauge family at collection time (see `CollectedSeries`): the values in
/// one array beside the table's list of series.
package protocol ScalarSeriesSnapshot: CollectedSeries {
    /// Calls `body` with each series' labels in exposition syntax and its value, in output order.
    func forEachSample(_ body: (UnsafeRawBufferPointer?, Double) -> Void)
}

extension SeriesTable {
    /// A snapshot of every series in output order (sorted by label values, the overflow series last)
    /// with the value `read` takes from each, made into points as `value` says.
    func scalarSnapshot(
        _ read: (Series) -> Double, as value: @escaping @Sendable (Double) -> MetricValue
    ) -> any ScalarSeriesSnapshot {
        reviveRecordedSeries()
        let entries = orderedEntries()
        // No series: the empty array, not `unsafeUninitializedCapacity: 0`, which writes the count into the
        // shared empty-array storage (a data race with every other empty array's reader; ThreadSanitizer).
        let values = entries.isEmpty ? [] : entries.withUnsafeBufferPointer { buffer in
            [Double](unsafeUninitializedCapacity: buffer.count) { output, count in
                guard let first = buffer.baseAddress, let target = output.baseAddress else { return }
                for index in buffer.indices {
                    // The array keeps every series alive: reading through an unretained reference saves
                    // a retain and a release per series.
                    let value = Unmanaged.passUnretained(first[index].series)._withUnsafeGuaranteedRef { read($0) }
                    (target + index).initialize(to: value)
                }
                count = buffer.count
            }
        }
        return Snapshot(entries: entries, values: values, starts: entries.map(\.startTimeNanos), value: value)
    }

    private final class Snapshot: ScalarSeriesSnapshot {
        private let entries: [Entry]
        private let values: [Double]
        private let starts: [UInt64]
        private let value: @Sendable (Double) -> MetricValue
        private let cachedPoints = LockedValue<[MetricPoint]?>(nil)

        init(entries: [Entry], values: [Double], starts: [UInt64], value: @escaping @Sendable (Double) -> MetricValue) {
            self.entries = entries
            self.values = values
            self.starts = starts
            self.value = value
        }

        var count: Int { entries.count }

        var firstExposedLabelsCount: Int? { entries.first?.seriesLabels.exposedBytes?.count }

        func forEachSample(_ body: (UnsafeRawBufferPointer?, Double) -> Void) {
            entries.withUnsafeBufferPointer { entries in
                for index in entries.indices { body(entries[index].seriesLabels.exposedBytes, values[index]) }
            }
        }

        var points: [MetricPoint] {
            cachedPoints.withLock { cached in
                if let cached { return cached }
                let made = entries.indices.map { index in
                    MetricPoint(
                        seriesLabels: entries[index].seriesLabels, startTimeNanos: starts[index], value: value(values[index]))
                }
                cached = made
                return made
            }
        }
    }
}
