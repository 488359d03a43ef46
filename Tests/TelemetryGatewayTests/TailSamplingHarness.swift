import Foundation
import Telemetry
import TelemetryConfig
@testable import TelemetryGatewayCore
import TelemetryGatewayTesting
import TelemetryOTLPData

/// A `tail_sampling` processor on a hand-moved clock, without its decision thread: tests call
/// `decideDue()` after moving the clock. Kept spans land in `output`.
struct TailSamplingHarness {
    /// One span to send.
    struct Span {
        var trace: TraceID
        var root = true
        var name = "span"
        var startNanos: UInt64 = 1_000_000_000
        var durationMillis: UInt64 = 10
        var status: StatusCode = .unset
        var attributes: AttributeMap = [:]
        var traceState = ""
    }

    let clock = ManualGatewayClock()
    let output = InMemoryExporter()
    let collector = MetricsCollector()
    /// The memory budget the processor reserves in.
    let budget: MemoryBudget
    let processor: TailSamplingProcessor
    let consumer: TailSamplingConsumer

    /// A processor configured by the YAML of a `tail_sampling` section, reserving in a budget of `budgetBytes`.
    init(_ section: String, budgetBytes: Int = 256 << 20) throws {
        budget = MemoryBudget(limitBytes: budgetBytes)
        let node = try ConfigDocument.root(yaml: section, file: "tail_sampling.yaml", environment: [:])
        processor = TailSamplingProcessor(
            settings: try TailSamplingSettings.parse(node), name: "tail_sampling", metrics: GatewaySelfMetrics(collector: collector),
            budget: budget, clock: clock, runsWorker: false)
        guard let consumer = processor.consumer(signal: .traces, next: output) as? TailSamplingConsumer else {
            throw GatewayError("not a tail sampling consumer")
        }
        self.consumer = consumer
    }

    /// The error a section is refused with.
    static func configError(_ section: String) -> ConfigError? {
        do {
            _ = try TailSamplingSettings.parse(try ConfigDocument.root(yaml: section, file: "tail_sampling.yaml", environment: [:]))
            return nil
        } catch {
            return error
        }
    }

    /// Sends `spans` as one request.
    func send(_ spans: [Span]) throws {
        let parent = SpanID(0x0102_0304_0506_0708)
        let data = spans.map { span in
            SpanData(
                name: span.name, context: SpanContext(traceID: span.trace, spanID: .random(), traceFlags: 1, traceState: span.traceState),
                parent: span.root ? nil : SpanContext(traceID: span.trace, spanID: parent), kind: .internal,
                startTimeNanos: span.startNanos, endTimeNanos: span.startNanos + span.durationMillis * 1_000_000,
                attributes: span.attributes, status: TelemetrySpanStatus(code: span.status))
        }
        let bytes = OTLPTraceEncoder(resource: Resource(serviceName: "checkout")).encode(data)
        try consumer.consume(PipelineItem(payload: try OTLPPayload(validating: bytes, signal: .traces, limits: DecodeLimits())))
    }

    /// Moves the clock and decides what is due.
    func advance(_ duration: Duration) {
        clock.advance(by: duration)
        consumer.decideDue()
    }

    /// Every kept span: its trace and its trace state.
    func kept() throws -> [(trace: TraceID, traceState: String)] {
        try output.payloads(.traces).flatMap { payload in
            try TracesView(payload).resourceSpans.flatMap { resource in
                resource.scopeSpans.flatMap { scope in scope.spans.compactMap { span in span.traceID.map { ($0, span.traceState) } } }
            }
        }
    }

    /// The traces with at least one kept span, and how many spans each.
    func keptTraces() throws -> [TraceID: Int] {
        try kept().reduce(into: [:]) { $0[$1.trace, default: 0] += 1 }
    }

    /// A self-metric's value (0 when absent).
    func metric(_ name: String, _ labels: [String: String] = [:]) -> Double {
        let family = collector.collectAll().families.first { $0.name == name }
        let wanted = Set(labels.merging(["processor": "tail_sampling"]) { $1 }.map { Label(name: $0.key, value: $0.value) })
        return family?.points.first { Set($0.labels) == wanted }.flatMap { point in
            switch point.value {
            case .counter(let value), .gauge(let value): value
            default: nil
            }
        } ?? 0
    }
}
