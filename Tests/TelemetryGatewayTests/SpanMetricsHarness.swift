import Foundation
import Telemetry
import TelemetryConfig
@testable import TelemetryGatewayCore
import TelemetryGatewayTesting
import TelemetryOTLPData
import TelemetryYAML

/// A `spanmetrics` connector on a hand-moved clock, without its flush thread: tests send spans, call
/// `flush()` and read the metrics requests it handed to `output`.
struct SpanMetricsHarness {
    /// One span to send.
    struct Span {
        var name = "get_shipping/{shippingId}"
        var kind: TelemetrySpanKind = .server
        var status: StatusCode = .unset
        var durationNanos: UInt64 = 10_000_000
        var attributes: AttributeMap = [:]
        var trace = TraceID.random()
    }

    let clock = ManualGatewayClock()
    let output = InMemoryExporter()
    let collector = MetricsCollector()
    let budget: MemoryBudget
    let connector: SpanMetricsConnector
    let consumer: any PayloadConsumer

    /// A connector configured by the YAML of a `spanmetrics` section, reserving in a budget of `budgetBytes`.
    init(_ section: String = "{}", budgetBytes: Int = 256 << 20) throws {
        budget = MemoryBudget(limitBytes: budgetBytes)
        let node = try ConfigDocument.root(yaml: section, file: "spanmetrics.yaml", environment: [:])
        connector = SpanMetricsConnector(
            settings: try SpanMetricsSettings.parse(node), name: "spanmetrics", metrics: GatewaySelfMetrics(collector: collector),
            budget: budget, clock: clock, runsWorker: false)
        guard let memory = ComponentID("memory") else { throw GatewayError("no component id") }
        consumer = try connector.consumer(from: .traces, to: .metrics, outputs: [memory: output])
    }

    /// The error a section is refused with.
    static func configError(_ section: String) -> ConfigError? {
        do {
            _ = try SpanMetricsSettings.parse(try ConfigDocument.root(yaml: section, file: "spanmetrics.yaml", environment: [:]))
            return nil
        } catch {
            return error
        }
    }

    /// Sends `spans` as one request from a resource with `resource` attributes (`service.name` among them).
    func send(_ spans: [Span], resource: [String: AttributeValue] = ["service.name": .string("shipping")]) throws(Refusal) {
        let start: UInt64 = 1_700_000_000_000_000_000
        let data = spans.map { span in
            SpanData(
                name: span.name, context: SpanContext(traceID: span.trace, spanID: .random()), parent: nil, kind: span.kind,
                startTimeNanos: start, endTimeNanos: start + span.durationNanos, attributes: span.attributes,
                status: TelemetrySpanStatus(code: span.status))
        }
        let bytes = OTLPTraceEncoder(resource: Resource(attributes: resource)).encode(data)
        let payload: OTLPPayload
        do {
            payload = try OTLPPayload(validating: bytes, signal: .traces, limits: DecodeLimits())
        } catch {
            throw Refusal(.invalid, reason: "malformed", "\(error)")
        }
        try consumer.consume(PipelineItem(payload: payload))
    }

    /// Flushes and returns the metrics requests handed on by this flush.
    func flush() throws -> [MetricsView] {
        let before = output.payloads(.metrics).count
        connector.flush()
        return try output.payloads(.metrics).dropFirst(before).map { try MetricsView($0) }
    }

    /// A self-metric's value (0 when absent), labels besides `connector`.
    func metric(_ name: String, _ labels: [String: String] = [:]) -> Double {
        let family = collector.collectAll().families.first { $0.name == name }
        let wanted = Set(labels.merging(["connector": "spanmetrics"]) { $1 }.map { Label(name: $0.key, value: $0.value) })
        return family?.points.first { Set($0.labels) == wanted }.flatMap { point in
            switch point.value {
            case .counter(let value), .gauge(let value): value
            default: nil
            }
        } ?? 0
    }
}

/// A data point read back, its attributes as text.
struct SpanMetricsPoint {
    var attributes: [String: String]
    var value: Double?
    var histogram: HistogramPointView?
    var exponential: ExponentialHistogramPointView?
    var exemplars: [ExemplarView]
    var start: UInt64
    var time: UInt64
}

extension [MetricsView] {
    /// The points of metric `name` over every request and resource.
    func points(_ name: String) -> [SpanMetricsPoint] {
        flatMap { view in
            view.resourceMetrics.flatMap { resource in
                resource.scopeMetrics.flatMap { scope in
                    scope.metrics.filter { $0.name == name }.flatMap { metric -> [SpanMetricsPoint] in
                        func text(_ attributes: AttributeList) -> [String: String] {
                            Dictionary(attributes.map { ($0.key, $0.value.text()) }, uniquingKeysWith: { first, _ in first })
                        }
                        switch metric.data {
                        case .sum(let points, _, _):
                            return points.map {
                                SpanMetricsPoint(
                                    attributes: text($0.header.attributes), value: $0.value, exemplars: $0.exemplars,
                                    start: $0.header.startTimeUnixNano, time: $0.header.timeUnixNano)
                            }
                        case .histogram(let points, _):
                            return points.map {
                                SpanMetricsPoint(
                                    attributes: text($0.header.attributes), histogram: $0, exemplars: $0.exemplars,
                                    start: $0.header.startTimeUnixNano, time: $0.header.timeUnixNano)
                            }
                        case .exponentialHistogram(let points, _):
                            return points.map {
                                SpanMetricsPoint(
                                    attributes: text($0.header.attributes), exponential: $0, exemplars: [],
                                    start: $0.header.startTimeUnixNano, time: $0.header.timeUnixNano)
                            }
                        default:
                            return []
                        }
                    }
                }
            }
        }
    }
}
