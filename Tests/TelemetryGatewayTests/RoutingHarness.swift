import Foundation
import Logging
import Synchronization
import Telemetry
@testable import TelemetryGatewayCore
import TelemetryOTLPData
import TelemetryYAML
import Testing

/// A `routing` connector built from the YAML of its section, fed directly (no service around it), whose
/// outputs are recording consumers named by pipeline id.
struct RoutingHarness {
    /// Records the items it takes, or refuses them all.
    final class Recorder: PayloadConsumer {
        private let items = Mutex<[PipelineItem]>([])
        let refusal: Refusal?

        init(refusing refusal: Refusal? = nil) {
            self.refusal = refusal
        }

        func consume(_ item: PipelineItem) throws(Refusal) {
            if let refusal { throw refusal }
            items.withLock { $0.append(item) }
        }

        /// The items taken, in order.
        var taken: [PipelineItem] { items.withLock { $0 } }
    }

    let collector = MetricsCollector()
    let budget: MemoryBudget
    let recorders: [String: Recorder]
    let consumer: any PayloadConsumer

    /// The connector of `section` for `signal`, feeding `pipelines` (each a recorder; `refusing` ones refuse
    /// with a retryable refusal), reserving in a budget of `budgetBytes`.
    init(_ section: String, signal: OTLPSignal, pipelines: [String], refusing: Set<String> = [], budgetBytes: Int = 256 << 20) throws {
        budget = MemoryBudget(limitBytes: budgetBytes)
        let definition = try RoutingConnectorFactory.definition(try ConfigDocument.root(yaml: section, file: "routing.yaml", environment: [:]))
        var recorders: [String: Recorder] = [:]
        var outputs: [ComponentID: any PayloadConsumer] = [:]
        for pipeline in pipelines {
            let recorder = Recorder(refusing: refusing.contains(pipeline) ? .retryLater(reason: "queue_full", "full") : nil)
            recorders[pipeline] = recorder
            outputs[try #require(ComponentID(pipeline))] = recorder
        }
        self.recorders = recorders
        let context = BuildContext(
            id: try #require(ComponentID("routing")), metrics: GatewaySelfMetrics(collector: collector), budget: budget, logger: Logger(label: "routing"),
            transports: nil)
        consumer = try definition.build(context).consumer(from: signal, to: signal, outputs: outputs)
    }

    /// The definition of `section`.
    static func definition(_ section: String) throws -> ConnectorDefinition {
        try RoutingConnectorFactory.definition(try ConfigDocument.root(yaml: section, file: "routing.yaml", environment: [:]))
    }

    /// The error a section is refused with.
    static func configError(_ section: String) -> ConfigError? {
        do {
            _ = try RoutingConnectorFactory.definition(try ConfigDocument.root(yaml: section, file: "routing.yaml", environment: [:]))
            return nil
        } catch {
            return error
        }
    }

    /// Sends an OTLP/JSON request of `signal` with `headers` as its metadata, its lease taken from the budget.
    func send(_ json: String, _ signal: OTLPSignal, headers: [(name: String, value: String)] = []) throws(Refusal) {
        let payload: OTLPPayload
        do {
            payload = try OTLPPayload(json: Array(json.utf8), signal: signal, limits: DecodeLimits())
        } catch {
            throw Refusal(.invalid, reason: "malformed", "\(error)")
        }
        guard let lease = budget.reserve(payload.bytes.count + payload.decodedBytesEstimate) else {
            throw .retryLater(reason: "memory_limit", "test budget")
        }
        try consumer.consume(PipelineItem(payload: payload, lease: lease, metadata: RequestMetadata(headers)))
    }

    /// The items `pipeline` took.
    func taken(_ pipeline: String) -> [PipelineItem] { recorders[pipeline]?.taken ?? [] }

    /// The log bodies (strings) `pipeline` took, in order.
    func logBodies(_ pipeline: String) throws -> [String] {
        let requests = try taken(pipeline).map { try EditableRequest($0.payload) }  // alive while read
        return requests.flatMap { request in
            request.resourceLogs.flatMap { resource in
                resource.scopeLogs.flatMap { scope in scope.logRecords.map { record in if case .string(let text) = record.body { text } else { "" } } }
            }
        }
    }

    /// The span names `pipeline` took, in order.
    func spanNames(_ pipeline: String) throws -> [String] {
        let requests = try taken(pipeline).map { try EditableRequest($0.payload) }  // alive while read
        return requests.flatMap { request in
            request.resourceSpans.flatMap { resource in resource.scopeSpans.flatMap { scope in scope.spans.map(\.name.value) } }
        }
    }

    /// A self-metric's value (0 when absent).
    func metric(_ name: String, _ labels: [String: String]) -> Double {
        let family = collector.collectAll().families.first { $0.name == name }
        let wanted = Set(labels.map { Label(name: $0.key, value: $0.value) })
        return family?.points.first { Set($0.labels) == wanted }.flatMap { point in
            switch point.value {
            case .counter(let value), .gauge(let value): value
            default: nil
            }
        } ?? 0
    }

    /// Items dropped because no route took them and there are no default pipelines.
    func unrouted(_ signal: OTLPSignal) -> Double {
        metric("telemetry_gateway_processor_dropped_items_total", ["processor": "routing", "signal": signal.rawValue, "reason": "no_route"])
    }

    // MARK: OTLP/JSON

    /// A log record: body, severity number, attributes.
    struct Log {
        var body: String
        var severity = 9
        var attributes: [(String, String)] = []
    }

    /// A logs request: each resource (its attributes) with one scope of `logs`.
    static func logs(_ resources: [(attributes: [(String, String)], logs: [Log])]) -> String {
        let groups = resources.map { resource in
            let records = resource.logs.map { log in
                "{\"timeUnixNano\":\"1\",\"severityNumber\":\(log.severity),\"body\":{\"stringValue\":\(quoted(log.body))},\"attributes\":\(json(log.attributes))}"
            }
            return "{\"resource\":{\"attributes\":\(json(resource.attributes))},\"scopeLogs\":[{\"scope\":{\"name\":\"scope\"},\"logRecords\":[\(records.joined(separator: ","))]}]}"
        }
        return "{\"resourceLogs\":[\(groups.joined(separator: ","))]}"
    }

    /// A traces request: each resource (its attributes) with one scope of spans named `spans`.
    static func traces(_ resources: [(attributes: [(String, String)], spans: [String])]) -> String {
        var spanID = 0
        let groups = resources.map { resource in
            let spans = resource.spans.map { name in
                spanID += 1
                return "{\"traceId\":\"0102030405060708090a0b0c0d0e0f10\",\"spanId\":\"\(String(format: "%016x", spanID))\",\"name\":\(quoted(name)),"
                    + "\"kind\":1,\"startTimeUnixNano\":\"1\",\"endTimeUnixNano\":\"2\"}"
            }
            return "{\"resource\":{\"attributes\":\(json(resource.attributes))},\"scopeSpans\":[{\"scope\":{\"name\":\"scope\"},\"spans\":[\(spans.joined(separator: ","))]}]}"
        }
        return "{\"resourceSpans\":[\(groups.joined(separator: ","))]}"
    }

    static func json(_ pairs: [(String, String)]) -> String {
        "[" + pairs.map { "{\"key\":\(quoted($0.0)),\"value\":{\"stringValue\":\(quoted($0.1))}}" }.joined(separator: ",") + "]"
    }

    static func quoted(_ text: String) -> String { AttributesHarness.quoted(text) }
}
