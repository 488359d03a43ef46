import Foundation
import PropertyBased
import Telemetry
import TelemetryExporters
import TelemetryOTLPData
import TelemetryTestSupport
import Testing

@testable import TelemetryGatewayCore

/// Whatever names clients send, the exposition of the folded metrics stays valid.
@Suite("Folded metrics: the exposition is valid for any names")
struct ExpositionPropertyTests {
    /// Pieces names are made of: valid characters, separators, reserved words, non-ASCII.
    static let pieces = ["a", "b", "x", "_", ".", "-", " ", "1", "9", "le", "quantile", "__", "é", "_total", "total", "service_name",
                         ":", "otel_metric_overflow", "\"", "\\", "\n", "{"]
    static let name = Gen.element(of: pieces).array(of: 0...5).map { $0.compactMap { $0 }.joined() }
    static let metric = zip(name, Gen.int(in: 0...4), name.array(of: 0...4))

    /// One OTLP/JSON metrics request with a metric of each generated name, kind and attribute keys.
    static func request(_ metrics: [(String, Int, [String])]) -> String {
        let entries = metrics.enumerated().map { index, metric -> String in
            let (_, kind, keys) = metric
            let attributes = keys.map { "{\"key\":\"\(JSONText.escaped($0))\",\"value\":{\"stringValue\":\"v\($0.count)\"}}" }.joined(separator: ",")
            let header = "\"attributes\":[\(attributes)],\"startTimeUnixNano\":\"1\",\"timeUnixNano\":\"\(index + 2)\""
            let data: String = switch kind {
            case 0: "\"sum\":{\"aggregationTemporality\":2,\"isMonotonic\":true,\"dataPoints\":[{\(header),\"asInt\":\"3\"}]}"
            case 1: "\"gauge\":{\"dataPoints\":[{\(header),\"asDouble\":-1.5}]}"
            case 2: "\"histogram\":{\"aggregationTemporality\":1,\"dataPoints\":[{\(header),\"count\":\"2\",\"sum\":3,\"bucketCounts\":[\"1\",\"1\"],\"explicitBounds\":[2]}]}"
            case 3: "\"summary\":{\"dataPoints\":[{\(header),\"count\":\"2\",\"sum\":3,\"quantileValues\":[{\"quantile\":0.5,\"value\":1}]}]}"
            default: "\"sum\":{\"aggregationTemporality\":1,\"isMonotonic\":false,\"dataPoints\":[{\(header),\"asDouble\":2}]}"
            }
            return "{\"name\":\"\(JSONText.escaped(metric.0))\",\"description\":\"help \\\\ \\\" \\n\",\(data)}"
        }
        return "{\"resourceMetrics\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"s\\\"1\"}}]},"
            + "\"scopeMetrics\":[{\"metrics\":[\(entries.joined(separator: ","))]}]}]}"
    }

    @Test("Random names and label sets always render to text that prometheus_client parses, in both formats")
    func randomNames() async throws {
        let collected = LockedTexts()
        await propertyCheck(count: 150, input: Self.metric.array(of: 1...6)) { metrics in
            let store = FoldedMetricsStore()
            guard let payload = try? OTLPPayload(json: Array(Self.request(metrics).utf8), signal: .metrics, limits: DecodeLimits()),
                let view = try? MetricsView(payload)
            else {
                Issue.record("the generated request did not decode")
                return
            }
            _ = store.fold(view)
            for format in [PrometheusFormat.text, .openMetrics] {
                let text = String(decoding: PrometheusTextRenderer(prefix: "gw").render(store.collectAll().families, format: format), as: UTF8.self)
                #expect(Self.samplesAreWellFormed(text), "\(text)")
                collected.append(format == .text ? "text" : "openmetrics", text)
            }
        }
        let input = try JSONSerialization.data(withJSONObject: collected.entries)
        let output = try runProcess(try TestPeers.python(), [TestPeers.script("parse_prometheus_many.py")], bytes: Array(input))
        try #require(output.status == 0, "the parser script failed: \(output.stderr)")
        let errors = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [Any] ?? []
        #expect(errors.count == collected.entries.count)
        for (entry, error) in zip(collected.entries, errors) where !(error is NSNull) {
            Issue.record("prometheus_client refused: \(error)\n\(entry["text"] ?? "")")
        }
    }

    /// Every sample line: a valid name, then valid and distinct label names.
    static func samplesAreWellFormed(_ text: String) -> Bool {
        text.split(separator: "\n").allSatisfy { line in
            guard !line.hasPrefix("#") else { return true }
            let name = line.prefix { $0 != "{" && $0 != " " }
            guard PrometheusNames.isValidMetricName(String(name)) else { return false }
            guard line.dropFirst(name.count).first == "{" else { return true }
            var names = Set<String>()
            var rest = line.dropFirst(name.count + 1)
            while let equals = rest.firstIndex(of: "=") {
                let label = String(rest[..<equals]).trimmingCharacters(in: CharacterSet(charactersIn: ","))
                guard PrometheusNames.isValidLabelName(label), names.insert(label).inserted else { return false }
                // Skip the quoted value, honouring escapes.
                var index = rest.index(after: rest.index(after: equals))
                while index < rest.endIndex, rest[index] != "\"" {
                    index = rest[index] == "\\" ? rest.index(index, offsetBy: 2) : rest.index(after: index)
                }
                rest = rest[rest.index(after: index)...]
                if rest.first == "}" { break }
            }
            return true
        }
    }
}

/// Texts gathered across property iterations.
final class LockedTexts: @unchecked Sendable {
    // @unchecked: all access is under `lock`.
    private let lock = NSLock()
    private var stored: [[String: String]] = []

    func append(_ format: String, _ text: String) { lock.withLock { stored.append(["format": format, "text": text]) } }

    var entries: [[String: String]] { lock.withLock { stored } }
}
