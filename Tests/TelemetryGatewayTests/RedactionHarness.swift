import Foundation
import Telemetry
import TelemetryGatewayTesting
import TelemetryOTLPData
import TelemetryTestSupport
import Testing

/// Runs the redaction processor as the Collector's own tests do: the same attributes on the resource,
/// the scope and the item (span and span event; log record and, as a map, its body; a data point of each
/// of the five metric types), sent as OTLP/JSON through an in-process gateway, read back from what its
/// exporter received. The body's `redaction.body.*` summary, written on the record's attributes, is
/// shown on the "log body" map under the attributes' names (as the Collector's `getLogBodyWithDebugAttrs`).
struct RedactionHarness {
    /// One attribute map of an exported request and where it was.
    struct Map {
        let place: String
        let pairs: [OTLPKeyValue]

        /// The first value of `key` (as pdata's `Get`).
        subscript(_ key: String) -> OTLPValue? { pairs.first { $0.key == key }?.value }
        /// The keys, in order.
        var keys: [String] { pairs.map(\.key) }
    }

    let gateway: InProcessGateway

    /// A gateway whose three pipelines run `processor` (the body of `processors:`, indented by two).
    init(processor: String, name: String = "redaction") throws {
        gateway = try InProcessGateway(yaml: """
            receivers:
              otlp:
                protocols:
                  http:
                    endpoint: 127.0.0.1:0
            processors:
            \(processor)
            exporters:
              memory:
            service:
              pipelines:
                traces: {receivers: [otlp], processors: [\(name)], exporters: [memory]}
                metrics: {receivers: [otlp], processors: [\(name)], exporters: [memory]}
                logs: {receivers: [otlp], processors: [\(name)], exporters: [memory]}
              telemetry: {metrics: {level: none}}
            """)
    }

    /// Sends `attributes` in a request of each signal (with `bodyMap`, also as the log body; else the
    /// body is the string "hello") and returns every attribute map the exporter got.
    func run(_ attributes: [(String, OTLPValue)], bodyMap: Bool = true) throws -> [Map] {
        let list = Self.json(attributes)
        for signal in OTLPSignal.allCases {
            let body = bodyMap ? #"{"kvlistValue":{"values":\#(list)}}"# : #"{"stringValue":"hello"}"#
            let request = Self.request(signal, attributes: list, body: body)
            let response = try OTLPRequests.post(Array(request.utf8), to: "\(gateway.url)/v1/\(signal.rawValue)", contentType: "application/json")
            #expect(response.status == 200, "\(signal): \(String(decoding: response.body, as: UTF8.self))")
        }
        return try gateway.memory.payloads.flatMap { try Self.maps(in: $0) }
    }

    /// The attribute maps of `payload`, labelled by place.
    static func maps(in payload: OTLPPayload) throws -> [Map] {
        let request = try EditableRequest(payload)
        defer { withExtendedLifetime(request) {} }  // the references below point into its tree
        var maps: [Map] = []
        for resource in request.resourceSpans {
            maps.append(Map(place: "span resource", pairs: resource.resource.attributes.pairs))
            for scope in resource.scopeSpans {
                maps.append(Map(place: "span scope", pairs: scope.scope.attributes.pairs))
                for span in scope.spans {
                    maps.append(Map(place: "span", pairs: span.attributes.pairs))
                    for event in span.events { maps.append(Map(place: "span event", pairs: event.attributes.pairs)) }
                }
            }
        }
        for resource in request.resourceMetrics {
            maps.append(Map(place: "metric resource", pairs: resource.resource.attributes.pairs))
            for scope in resource.scopeMetrics {
                maps.append(Map(place: "metric scope", pairs: scope.scope.attributes.pairs))
                for metric in scope.metrics {
                    for point in metric.dataPoints { maps.append(Map(place: "\(metric.name.value) point", pairs: point.attributes.pairs)) }
                }
            }
        }
        for resource in request.resourceLogs {
            maps.append(Map(place: "log resource", pairs: resource.resource.attributes.pairs))
            for scope in resource.scopeLogs {
                maps.append(Map(place: "log scope", pairs: scope.scope.attributes.pairs))
                for record in scope.logRecords {
                    maps.append(Map(place: "log record", pairs: record.attributes.pairs))
                    guard let body = record.body.map else { continue }
                    var pairs = body
                    for pair in record.attributes.pairs where pair.key.hasPrefix("redaction.body.") {
                        let key = "redaction." + pair.key.dropFirst("redaction.body.".count)
                        pairs.removeAll { $0.key == key }
                        pairs.append(OTLPKeyValue(key: key, value: pair.value))
                    }
                    maps.append(Map(place: "log body", pairs: pairs))
                }
            }
        }
        return maps
    }

    /// Every place the Collector's tests look at (span events too, as `TestSpanEventRedacted` does), with
    /// the log body when it is a map.
    static func places(bodyMap: Bool = true) -> [String] {
        [
            "span resource", "span scope", "span", "span event", "metric resource", "metric scope", "gauge point", "sum point",
            "histogram point", "exponential_histogram point", "summary point", "log resource", "log scope", "log record",
        ] + (bodyMap ? ["log body"] : [])
    }

    /// An OTLP/JSON request of `signal` with `attributes` (a JSON array) everywhere and, for logs, `body`
    /// (an OTLP/JSON value).
    static func request(_ signal: OTLPSignal, attributes: String, body: String) -> String {
        let scope = #"{"name":"scope","attributes":\#(attributes)}"#
        let resource = #"{"attributes":\#(attributes)}"#
        switch signal {
        case .traces:
            return #"""
                {"resourceSpans":[{"resource":\#(resource),"scopeSpans":[{"scope":\#(scope),"spans":[{"traceId":"5b8efff798038103d269b633813fc60c",
                "spanId":"eee19b7ec3c1b174","name":"span","startTimeUnixNano":"1","endTimeUnixNano":"2","attributes":\#(attributes),
                "events":[{"timeUnixNano":"1","name":"event","attributes":\#(attributes)}]}]}]}]}
                """#
        case .logs:
            return #"""
                {"resourceLogs":[{"resource":\#(resource),"scopeLogs":[{"scope":\#(scope),"logRecords":[{"timeUnixNano":"1",
                "body":\#(body),"attributes":\#(attributes)}]}]}]}
                """#
        case .metrics:
            let point = #""timeUnixNano":"2","startTimeUnixNano":"1","attributes":\#(attributes)"#
            return #"""
                {"resourceMetrics":[{"resource":\#(resource),"scopeMetrics":[{"scope":\#(scope),"metrics":[
                {"name":"gauge","gauge":{"dataPoints":[{"asInt":"1",\#(point)}]}},
                {"name":"sum","sum":{"aggregationTemporality":2,"isMonotonic":true,"dataPoints":[{"asDouble":1.5,\#(point)}]}},
                {"name":"histogram","histogram":{"aggregationTemporality":2,"dataPoints":[{"count":"1","sum":1,"bucketCounts":["1"],\#(point)}]}},
                {"name":"exponential_histogram","exponentialHistogram":{"aggregationTemporality":2,"dataPoints":[{"count":"1","zeroCount":"1",\#(point)}]}},
                {"name":"summary","summary":{"dataPoints":[{"count":"1","sum":1,\#(point)}]}}]}]}]}
                """#
        }
    }

    /// `attributes` as an OTLP/JSON `attributes` array.
    static func json(_ attributes: [(String, OTLPValue)]) -> String {
        "[" + attributes.map { key, value in #"{"key":\#(quoted(key)),"value":\#(json(value))}"# }.joined(separator: ",") + "]"
    }

    private static func json(_ value: OTLPValue) -> String {
        switch value {
        case .string(let text): #"{"stringValue":\#(quoted(text))}"#
        case .int(let number): #"{"intValue":"\#(number)"}"#
        case .double(let number): #"{"doubleValue":\#(number)}"#
        case .bool(let flag): #"{"boolValue":\#(flag)}"#
        default: "{}"
        }
    }

    private static func quoted(_ text: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [text], options: [.fragmentsAllowed])) ?? Data("[\"\"]".utf8)
        return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
    }
}
