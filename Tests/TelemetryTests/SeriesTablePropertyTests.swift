import PropertyBased
import Telemetry
import Testing

/// Any sequence of recordings, reads, removals and collections gives the totals a plain dictionary
/// model gives, across directory growth, removal (which replaces the directory) and the cardinality limit.
@Suite("Series tables against a model")
struct SeriesTablePropertyTests {
    /// One step: 0 inc through a literal, 1 inc through a dictionary, 2 remove, 3 get, 4 collect; and a label value.
    static let step = zip(Gen.int(in: 0...4), Gen.int(in: 0...39))
    static let limit = 25

    @Test("Random recordings, removals and reads agree with a dictionary, overflow included")
    func randomSequences() async {
        await propertyCheck(count: 200, input: Self.step.array(of: 1...300)) { steps in
            let collector = MetricsCollector(cardinalityLimit: Self.limit)
            guard let counter = try? collector.counter("model_total", labels: ["item", "kind"]) else {
                Issue.record("registration failed")
                return
            }
            var model: [String: Double] = [:]
            var overflow = 0.0
            for (operation, value) in steps {
                let item = "item-\(value)"
                let labels = ["item": item, "kind": "k"]
                switch operation {
                case 0, 1:
                    if operation == 0 { counter.inc(["item": item, "kind": "k"]) } else { counter.inc(labels) }
                    if model[item] != nil || model.count < Self.limit {
                        model[item, default: 0] += 1
                    } else {
                        overflow += 1
                    }
                case 2:
                    #expect(counter.remove(labels) == (model.removeValue(forKey: item) != nil))
                case 3:
                    #expect(counter.get(labels) == (model[item] ?? 0), "\(item)")
                default:
                    let points = collector.collectAll().families.first { $0.name == "model_total" }?.points ?? []
                    let seen = Dictionary(
                        points.compactMap { point -> (String, Double)? in
                            guard case .counter(let total) = point.value else { return nil }
                            return (point.labels.map(\.value).joined(separator: "/"), total)
                        }, uniquingKeysWith: +)
                    var expected = Dictionary(uniqueKeysWithValues: model.map { ("\($0.key)/k", $0.value) })
                    if overflow > 0 { expected["true"] = overflow }
                    #expect(seen == expected)
                }
            }
        }
    }
}
