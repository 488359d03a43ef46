import Telemetry

/// The bytes the folded store is charged for what it keeps: a bound that is never below what is
/// allocated, and at most about twice it plus 64 bytes an allocation (the worst-case ratio).
/// `FoldedStoreBytesTests` checks tables and arrays against their real capacities, and
/// `FoldedMetricsMemoryTests` the gateway's RSS under a flood of large series.
///
/// - A string: nothing when it is small (up to 15 UTF-8 bytes live inside the `String` value), else
///   twice its UTF-8 bytes (a string built by appending has at most twice the capacity it uses) plus
///   64 (the storage header, the trailing NUL and malloc's rounding and bookkeeping).
/// - An array: twice its elements' bytes (same reason) plus 64.
/// - A dictionary entry: 4 slots of key and value. A table grows by doubling when 3/4 full, so it
///   holds at most 8/3 slots per entry, and while it grows the old table (at most 4/3 per entry) is
///   alive too.
enum FoldedStoreBytes {
    static func string(_ text: String) -> Int {
        let count = text.utf8.count
        return count <= 15 ? 0 : 2 * count + 64
    }

    static func array<Element>(_ count: Int, of _: Element.Type) -> Int {
        count == 0 ? 0 : 2 * count * MemoryLayout<Element>.stride + 64
    }

    static func entry<Key, Value>(_: Key.Type, _: Value.Type) -> Int {
        4 * (MemoryLayout<Key>.stride + MemoryLayout<Value>.stride)
    }

    /// A series: its entry in its family, its label set, and its value.
    static func series(_ labels: [Label], _ value: FoldedSeries.Value) -> Int {
        entry([Label].self, FoldedSeries.self) + array(labels.count, of: Label.self)
            + labels.reduce(0) { $0 + string($1.name) + string($1.value) } + self.value(value)
    }

    /// What a value holds beyond its place in the series.
    static func value(_ value: FoldedSeries.Value) -> Int {
        switch value {
        case .number: 0
        case .histogram(let data): array(data.bounds.count, of: Double.self) + array(data.bucketCounts.count, of: UInt64.self)
        case .summary(let data): array(data.quantiles.count, of: QuantileValue.self)
        }
    }

    /// A family without its series: its entry (the series table's header included), its name and
    /// help, and the owner entry of each sample name it exposes.
    static func family(_ name: String, help: String, exposedNames: [String], entryBytes: Int) -> Int {
        entryBytes + 2 * string(name) + string(help)
            + exposedNames.reduce(0) { $0 + entry(String.self, String.self) + string($1) + string(name) }
            + array(exposedNames.count, of: String.self)
    }
}
