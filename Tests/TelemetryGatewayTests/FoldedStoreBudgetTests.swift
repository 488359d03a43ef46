import Telemetry
import TelemetryGatewayTesting
import TelemetryOTLPData
import Testing

@testable import TelemetryGatewayCore

/// The store behind the `prometheus`, `statsd`, `cloudwatch` and `datadog` exporters is bounded in bytes
/// and charged in the memory budget (issue 28, item 7).
@Suite("Folded metrics: bytes charged in the budget")
struct FoldedStoreBudgetTests {
    private static func points(_ store: FoldedMetricsStore) -> Int {
        store.collectAll().families.reduce(0) { $0 + $1.points.count }
    }

    private static func fold(_ body: [UInt8], into store: FoldedMetricsStore) throws -> FoldedMetricsStore.Outcome {
        store.fold(try MetricsView(OTLPPayload(validating: body, signal: .metrics, limits: DecodeLimits())))
    }

    @Test("New series past the store's share of the budget are refused as memory_limit; what is kept is charged, updates go on, expiry gives it back")
    func boundedAndCharged() throws {
        let budget = MemoryBudget(limitBytes: 8 << 20)
        let clock = ManualGatewayClock()
        let store = FoldedMetricsStore(expiration: .seconds(300), budget: budget, clock: clock)
        #expect(store.maxBytes == 2 << 20)
        var refused = 0
        for request in 0..<10 {
            refused += try Self.fold(FoldedMetricsMemoryTests.gauges(count: 100, valueBytes: 8192, tag: "r\(request)"), into: store).refused["memory_limit", default: 0]
        }
        // 1,000 series of 8 KiB labels are 8 MiB of strings: at most a quarter of the budget is taken.
        #expect(refused > 0)
        #expect(store.bytes <= store.maxBytes && store.bytes > store.maxBytes / 2, "\(store.bytes)")
        #expect(budget.usedBytes == store.bytes)
        let kept = Self.points(store)
        #expect(kept > 0 && kept + refused == 1000)
        // At least twice the label bytes each kept series holds are charged.
        #expect(store.bytes >= kept * 2 * 8192)

        // Series already kept still update while new ones are refused.
        clock.advance(by: .seconds(200))
        let update = try Self.fold(FoldedMetricsMemoryTests.gauges(count: 100, valueBytes: 8192, tag: "r0", time: 3), into: store)
        #expect(update.accepted == 100 && update.refused.isEmpty, "\(update)")

        // Expired series give their bytes back; then new series fit again.
        clock.advance(by: .seconds(250))
        #expect(Self.points(store) == 100)
        clock.advance(by: .seconds(301))
        #expect(store.collectAll().families.isEmpty)
        #expect(store.bytes == 0 && budget.usedBytes == 0)
        let again = try Self.fold(FoldedMetricsMemoryTests.gauges(count: 10, valueBytes: 8192, tag: "new"), into: store)
        #expect(again.accepted == 10)
    }

    @Test("A store whose budget is spent elsewhere refuses new series instead of passing it")
    func budgetSpentElsewhere() throws {
        let budget = MemoryBudget(limitBytes: 8 << 20)
        let store = FoldedMetricsStore(budget: budget)
        let held = try #require(budget.reserve((8 << 20) - 4096))
        let outcome = try Self.fold(FoldedMetricsMemoryTests.gauges(count: 10, valueBytes: 8192, tag: "spent"), into: store)
        #expect(outcome.refused["memory_limit"] == 10 && store.bytes == 0)
        #expect(budget.usedBytes == held.bytes)
    }
}
