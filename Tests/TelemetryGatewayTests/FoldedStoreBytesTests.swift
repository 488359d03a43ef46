import Telemetry
import TelemetryOTLPData
import Testing

@testable import TelemetryGatewayCore

/// The folded store's charge is never below what its tables and arrays allocate (issue 28, item 7).
@Suite("Folded metrics: the charge bounds the allocations")
struct FoldedStoreBytesTests {
    /// What an array's storage takes: its capacity, the 32-byte object header, malloc's 16-byte rounding.
    private static func allocated<Element>(_ array: [Element]) -> Int {
        array.capacity == 0 ? 0 : array.capacity * MemoryLayout<Element>.stride + 32 + 16
    }

    @Test("A series entry's 4 slots cover its share of the table, also while the table doubles")
    func dictionaryEntries() {
        let slot = MemoryLayout<[Label]>.stride + MemoryLayout<FoldedSeries>.stride
        let charge = FoldedStoreBytes.entry([Label].self, FoldedSeries.self)
        var table: [[Label]: FoldedSeries] = [:]
        var buckets = 0
        for count in 1...20_000 {
            table[[Label(name: "n", value: String(count))]] = FoldedSeries(
                startTimeNanos: 0, lastTimeNanos: 0, touchedNanos: 0, value: .number(0))
            // A table of capacity c has the power of two of buckets that c fills to at most 3/4.
            var grown = 1
            while grown * 3 / 4 < table.capacity { grown *= 2 }
            // When it grew, the old table was alive while the entries moved.
            let held = grown == buckets ? grown : grown + buckets
            buckets = grown
            if held * slot > count * charge {
                Issue.record("\(count) entries: \(held) slots of \(slot) bytes, charged \(count * charge)")
                return
            }
        }
    }

    @Test("Label sets and histogram arrays as the store builds them are charged at least their storage")
    func arrays() throws {
        for count in [1, 2, 3, 5, 17, 100] {
            let attributes = (0..<count).map { "{\"key\":\"k\($0)\",\"value\":{\"stringValue\":\"v\"}}" }.joined(separator: ",")
            let bounds = (0..<count).map { String($0) }.joined(separator: ",")
            let counts = (0...count).map { "\"\($0)\"" }.joined(separator: ",")
            let json = """
                {"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"h","histogram":{"aggregationTemporality":2,"dataPoints":[
                  {"count":"1","explicitBounds":[\(bounds)],"bucketCounts":[\(counts)],"attributes":[\(attributes)]}]}}]}]}]}
                """
            let view = try MetricsView(OTLPPayload(json: Array(json.utf8), signal: .metrics, limits: DecodeLimits()))
            guard case .histogram(let points, _) = view.resourceMetrics.first?.scopeMetrics.first?.metrics.first?.data,
                let point = points.first
            else {
                Issue.record("no histogram point")
                return
            }
            let labels = ExpositionNames.labels(point.header.attributes, service: "svc", kind: .histogram)
            #expect(FoldedStoreBytes.array(labels.count, of: Label.self) >= Self.allocated(labels))
            let value = HistogramValue(bounds: point.explicitBounds, bucketCounts: point.bucketCounts, sum: 0, min: nil, max: nil)
            #expect(
                FoldedStoreBytes.value(.histogram(value)) >= Self.allocated(value.bounds) + Self.allocated(value.bucketCounts),
                "\(count) bounds")
        }
    }
}
