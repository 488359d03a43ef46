import Telemetry
import TelemetryConfig
import TelemetryExporters
import TelemetryGatewayCore
import TelemetryHTTP
import TelemetryOTLPData
import TelemetryOTTL

#if canImport(Glibc)
import Glibc
#endif

/// What each fuzz target does with one input, shared by the libFuzzer targets (Fuzz/) and the test that
/// replays their seed corpora and every crash found (Tests/Fixtures/fuzz-regressions/).
public enum FuzzInputs {
    /// The names of the targets (as `scripts/fuzz --list` prints them).
    public static let targets = [
        "gateway-request", "gateway-config", "propagation", "retry-after", "exposition", "disk-queue-files", "decode-amplification",
        "ottl-parser", "ottl-eval",
    ]

    /// Runs target `name` on `input`.
    public static func run(_ name: String, _ input: [UInt8]) {
        switch name {
        case "gateway-request": gatewayRequest(input)
        case "gateway-config": gatewayConfig(input)
        case "propagation": propagation(input)
        case "retry-after": retryAfter(input)
        case "disk-queue-files": DiskQueueProbe.check(input)
        case "decode-amplification": decodeAmplification(input)
        case "ottl-parser": ottlParser(input)
        case "ottl-eval": ottlEval(input)
        default: exposition(input)
        }
    }

    /// The gateway's request path: the first byte picks the signal and the encoding (protobuf, OTLP/JSON,
    /// gzip), the rest is the body. Whatever the intake accepts is sampled and split by trace and by
    /// service as tail sampling and load balancing do (traces), folded for Prometheus, rendered and split
    /// by service (metrics), or viewed record by record (logs), as the real components do. OTLP/JSON is
    /// also decoded alone, failing when the decoder reserves more than its proven bound.
    public static func gatewayRequest(_ input: [UInt8]) {
        guard let selector = input.first, let lease = RequestPath.budget.reserve(input.count) else { return }
        let body = Array(input.dropFirst())
        let signal = OTLPSignal.allCases[Int(selector % 3)]
        let gzip = selector & 0x20 != 0
        let json = selector & 0x10 != 0
        if json { jsonWithinBound(body, signal: signal) }
        _ = RequestPath.intake.process(gzip ? Gzip.compress(body) : body, signal: signal, gzip: gzip, json: json, lease: lease)
    }

    private static func jsonWithinBound(_ body: [UInt8], signal: OTLPSignal) {
        let limits = RequestPath.intake.decodeLimits
        let bound = OTLPPayload.jsonDecodingBound(jsonBytes: body.count, limits: limits)
        let peak = PeakReservation()
        let bytes = try? OTLPPayload(json: body, signal: signal, limits: limits, reserve: peak.reserve).bytes
        precondition(peak.highest <= bound, "decoding \(body.count) bytes of JSON reserved \(peak.highest), over its bound \(bound)")
        precondition(peak.current == (bytes?.count ?? 0), "the decoder still holds \(peak.current) bytes")
    }

    /// Decode amplification: the first byte picks the signal, the rest is a protobuf request. A request
    /// the pre-scan accepts must keep its charge (`DecodeAmplification.violation`: unpacked within its
    /// estimate, the estimate within `DecodeAmplification.bound` of its length), and scanning plus unpacking must
    /// take CPU time linear in it (5 µs a byte, generous for a sanitizer build; protobuf-c's quadratic merge
    /// of a repeated singular message took seconds on 100 KB).
    public static func decodeAmplification(_ input: [UInt8]) {
        guard let selector = input.first else { return }
        let signal = OTLPSignal.allCases[Int(selector % 3)]
        let body = Array(input.dropFirst())
        let started = threadCPUNanos()
        guard let payload = try? OTLPPayload(validating: body, signal: signal, limits: DecodeLimits(maxDecodedBytes: 1 << 30)) else {
            return
        }
        if let violation = DecodeAmplification.violation(payload) { preconditionFailure(violation) }
        let spent = threadCPUNanos() - started
        precondition(spent <= 5_000 * body.count + 200_000_000, "\(body.count) bytes took \(spent) ns of CPU")
    }

    static func threadCPUNanos() -> Int {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return time.tv_sec * 1_000_000_000 + time.tv_nsec
    }

    /// OTTL text from configuration, parsed as a statement, a condition and a value expression: whatever
    /// parses prints to text that parses to the same tree, the `context:` style's prefixed text parses
    /// with every path prefixed, and parsing takes CPU time linear in the text.
    public static func ottlParser(_ input: [UInt8]) {
        let text = String(decoding: input, as: UTF8.self)
        let started = threadCPUNanos()
        if let statement = try? OTTLParser.statement(text) {
            let printed = OTTLPrinter.print(statement)
            precondition((try? OTTLParser.statement(printed)) == statement, "statement \(text.debugDescription) printed as \(printed.debugDescription)")
            let names: Set<String> = ["span", "resource"]
            let prefixed = OTTLPath.insertingContext("span", into: text, at: statement.references.paths, unlessNamed: names)
            let reparsed = try? OTTLParser.statement(prefixed)
            precondition(
                reparsed?.references.paths.allSatisfy { $0.contextName.map(names.contains) == true } == true,
                "\(text.debugDescription) prefixed as \(prefixed.debugDescription)")
        }
        if let condition = try? OTTLParser.condition(text) {
            let printed = OTTLPrinter.print(condition)
            precondition((try? OTTLParser.condition(printed)) == condition, "condition \(text.debugDescription) printed as \(printed.debugDescription)")
        }
        if let value = try? OTTLParser.expression(text) {
            let printed = OTTLPrinter.print(value)
            precondition((try? OTTLParser.expression(printed)) == value, "expression \(text.debugDescription) printed as \(printed.debugDescription)")
        }
        let spent = threadCPUNanos() - started
        precondition(spent <= 20_000 * input.count + 200_000_000, "\(input.count) bytes took \(spent) ns of CPU")
    }

    /// The gateway's and the library's YAML configuration parsers.
    public static func gatewayConfig(_ input: [UInt8]) {
        let text = String(decoding: input, as: UTF8.self)
        let environment = ["TOKEN": "t", "EMPTY": "", "URL": "http://127.0.0.1:1"]
        _ = try? GatewayConfiguration.parse(yaml: text, file: "fuzz.yaml", environment: environment)
        _ = try? TelemetryConfiguration.parse(yaml: text, file: "fuzz.yaml", environment: environment)
    }

    /// W3C `traceparent` (line 1), `tracestate` (line 2) and `baggage` (line 3), and the `ot` entry.
    public static func propagation(_ input: [UInt8]) {
        let parts = String(decoding: input, as: UTF8.self).split(separator: "\n", maxSplits: 2, omittingEmptySubsequences: false)
            .map(String.init)
        let traceState = parts.count > 1 ? parts[1] : ""
        if let context = W3CTraceParent.parse(parts[0], traceState: traceState) { _ = W3CTraceParent.format(context) }
        _ = W3CBaggage.format(W3CBaggage.parse(parts.last ?? ""))
        _ = TraceState.members(traceState)
        _ = TraceState.openTelemetryValue("rv", in: traceState)
        _ = TraceState.settingOpenTelemetryValue("th", "8", in: traceState)
        _ = TraceState.removingOpenTelemetryValue("th", in: traceState)
    }

    /// `Retry-After` values: a delay within `RetryAfter.maxDelay`, or nothing.
    /// The server-requested retry delays: the input as a `Retry-After` value and as a
    /// `grpc-status-details-bin` (`google.rpc.Status` with RetryInfo); both must stay within 0…their maximum.
    public static func retryAfter(_ input: [UInt8]) {
        if let delay = GRPCStatusDetails.retryDelay(in: input), delay > GRPCStatusDetails.maxRetryDelay || delay < .zero {
            preconditionFailure("RetryInfo delay \(delay) outside 0…maxRetryDelay")
        }
        let text = String(decoding: input, as: UTF8.self)
        for now: Int64 in [0, 1_764_547_200, Int64.max / 4] {
            if let delay = RetryAfter.delay(text, nowSeconds: now), delay > RetryAfter.maxDelay || delay < .zero {
                preconditionFailure("delay \(delay) outside 0…maxDelay for \(text.debugDescription)")
            }
        }
    }

    /// Names from anywhere (`name|label|label|value`), registered in a collector and rendered, and raw
    /// families handed to the renderer, which must leave out what it cannot expose validly.
    public static func exposition(_ input: [UInt8]) {
        let words = String(decoding: input, as: UTF8.self).split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard words.count >= 3 else { return }
        let collector = MetricsCollector()
        let labels = Array(words[1...].prefix(3))
        let values = Dictionary(labels.map { ($0, $0) }, uniquingKeysWith: { first, _ in first })
        let value = Double(words.last ?? "") ?? 1
        if let counter = try? collector.counter(words[0], help: words[1], labels: labels) { counter.inc(by: value, values) }
        if let histogram = try? collector.histogram(words[0] + "_h", labels: labels, buckets: [value.isFinite ? value : 1]) {
            histogram.observe(value, values)
        }
        let raw = MetricFamily(
            name: words[0], help: words[1], kind: [MetricKind.counter, .gauge, .histogram, .summary][input.count % 4], labelNames: [],
            points: [MetricPoint(labels: labels.map { Label(name: $0, value: words[2]) }, startTimeNanos: 0, value: .gauge(value))])
        for format in [PrometheusFormat.text, .openMetrics] {
            _ = PrometheusTextRenderer(prefix: PrometheusTextRenderer.sanitizedPrefix(words[2])).render(
                collector.collectAll().families + [raw], format: format)
        }
    }
}

/// What a decoder reserved: now and at the most (one decode, one thread).
private final class PeakReservation {
    var current = 0
    var highest = 0

    func reserve(_ total: Int) -> Bool {
        current = total
        highest = max(highest, total)
        return true
    }
}

/// The request path the gateway-request target drives.
private enum RequestPath {
    static let budget = MemoryBudget(limitBytes: 512 << 20)
    static let metrics = GatewaySelfMetrics(collector: MetricsCollector())
    static let sampler = TraceSamplingProcessor(sampler: .traceIDRatio(0.5), name: "fuzz", metrics: metrics)
    static let intake = RequestIntake(
        maxBodyBytes: 1 << 20, decodeLimits: DecodeLimits(maxDecodedBytes: 64 << 20),
        pipelines: [.traces: sampler.consumer(signal: .traces, next: SplitTraces()), .metrics: FoldAndRender(), .logs: ViewLogs()],
        budget: budget, receiver: "fuzz", decodedSignals: [.traces], metrics: metrics)

    /// Splits by trace and by service; every part (and all trace fragments joined again) must decode
    /// again and hold exactly its spans.
    struct SplitTraces: PayloadConsumer {
        func consume(_ item: PipelineItem) throws(Refusal) {
            guard let view = try? TracesView(item.payload) else { return }
            let fragments = view.splitByTrace()
            let joined = fragments.isEmpty ? [] : [OTLPPayload.joined(fragments)].compactMap { $0 }
            let parts = fragments.compactMap { OTLPPayload.joined([$0]) } + joined + view.splitByService().map(\.payload)
            for part in parts {
                guard let decoded = try? TracesView(part) else { preconditionFailure("a split part does not decode") }
                let spans = decoded.resourceSpans.reduce(0) { total, resource in total + resource.scopeSpans.reduce(0) { $0 + $1.spans.count } }
                precondition(spans == part.itemCount, "a split part holds \(spans) spans but counts \(part.itemCount)")
            }
        }
    }

    struct FoldAndRender: PayloadConsumer {
        func consume(_ item: PipelineItem) throws(Refusal) {
            let store = FoldedMetricsStore()
            guard let view = try? MetricsView(item.payload) else { return }
            _ = store.fold(view)
            _ = PrometheusTextRenderer().render(store.collectAll().families, format: .openMetrics)
            let parts = view.splitByService()
            precondition(parts.reduce(0) { $0 + $1.payload.itemCount } <= item.itemCount, "service parts hold more points than the request")
            for part in parts where (try? MetricsView(part.payload)) == nil { preconditionFailure("a service part does not decode") }
        }
    }

    struct ViewLogs: PayloadConsumer {
        func consume(_ item: PipelineItem) throws(Refusal) {
            guard let view = try? LogsView(item.payload) else { return }
            for resource in view.resourceLogs {
                for scope in resource.scopeLogs {
                    for record in scope.logRecords { _ = (record.body.text(), record.traceID, record.attributes.count) }
                }
            }
        }
    }
}
