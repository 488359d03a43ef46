import Foundation
import Telemetry
import TelemetryExporters
import TelemetryTestSupport
import Testing

@Suite("Prometheus text rendering")
struct PrometheusRenderingTests {
    /// A collector with every kind of metric, labels that need escaping, and special values.
    static func sampleCollector() throws -> MetricsCollector {
        let collector = MetricsCollector()
        let executions = try collector.counter(
            "pipeline_executions_total", help: "Total pipeline executions", labels: ["pipeline_name", "status"])
        executions.inc(["pipeline_name": "data_processor", "status": "success"])
        executions.inc(by: 2, ["pipeline_name": "data_processor", "status": "success"])
        executions.inc(["pipeline_name": "quote\"back\\slash\nnewline", "status": "failure"])
        let requests = try collector.counter("requests", help: "Requests without the suffix")
        requests.inc(by: 0.25)
        let connections = try collector.gauge("active_connections", help: "Current active connections")
        connections.set(-42)
        let temperature = try collector.gauge("temperature_celsius", help: "Help with \\ and\nnewline")
        temperature.set(.infinity)
        let duration = try collector.histogram(
            "request_duration_seconds", help: "Request duration", labels: ["endpoint"],
            buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10])
        for value in [0.125, 0.0078125, 7.0] {
            duration.observe(value, ["endpoint": "/api/users"])
        }
        let latency = try collector.summary(
            "request_latency_seconds", help: "Request latency", labels: ["service"], quantiles: [0.5, 0.9, 0.95, 0.99])
        for value in 1...100 {
            latency.observe(Double(value) / 1000, ["service": "api"])
        }
        return collector
    }

    @Test("Label sets and names of every length are copied exactly (word copies with an overlapping tail)")
    func everyCopyLength() throws {
        let collector = MetricsCollector(cardinalityLimit: 1_000)
        let counter = try collector.counter("c", labels: ["v"])
        let values = (0...200).map { length in String((0..<length).map { Character(UnicodeScalar(UInt8(97 + $0 % 26))) }) }
        for value in values { counter.inc(["v": value]) }
        let exporter = PrometheusExporter()
        exporter.register(collector)
        let lines = exporter.metricsText().split(separator: "\n").filter { $0.hasPrefix("c_total{") }
        #expect(Set(lines) == Set(values.map { "c_total{v=\"\($0)\"} 1" }))
        #expect(lines.count == 201)
    }

    /// Value classes for `fractionText`: each a few hundred doubles.
    enum FractionClass: String, CaseIterable, CustomTestStringConvertible {
        case randomBits = "random bit patterns", shortDecimals = "short decimals (n / 10^k)"
        case plainRange = "full-precision values from 1e-4 to 1e15", boundaries = "edges of the forms"

        var testDescription: String { rawValue }

        func values() -> [Double] {
            var generator = SystemRandomNumberGenerator()
            switch self {
            case .randomBits:
                return (0..<400).map { _ in Double(bitPattern: generator.next()) }.filter(\.isFinite)
            case .shortDecimals:
                return (0..<400).map { _ in
                    let decimals = Int.random(in: 1...12, using: &generator)
                    let length = Int.random(in: 1...15, using: &generator)
                    let digits = Int64.random(in: 1...Int64(pow(10, Double(length))), using: &generator)
                    let value = Double(digits) / pow(10, Double(decimals))
                    return Bool.random(using: &generator) ? value : -value
                }
            case .plainRange:
                return (0..<400).map { _ in
                    let value = pow(10, Double.random(in: -4...15, using: &generator))
                    return Bool.random(using: &generator) ? value : -value
                }
            case .boundaries:
                let twoTo52 = 4_503_599_627_370_496.0
                return [
                    0.1, -0.1, 1e-300, .leastNonzeroMagnitude, .ulpOfOne, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1e15,
                    -1e15 - 0.5, 123_456_789.123_456_78, 0.000_012_345, 2.2250738585072014e-308, -0.000_1, 0.000_1.nextDown,
                    0.000_1.nextUp, 1e15.nextDown, 0.3, 0.1 + 0.2, 1.005, 2.675, 0.000_123_456_789_012_345_6, twoTo52 / 10 + 0.5,
                    (twoTo52 / 10).nextDown, 999_999_999_999_999.9, 0.999_999_999_999_999_9, 9.5, 0.05, 1.0.nextUp, 1.0.nextDown,
                ]
            }
        }
    }

    @Test("Fractions are written as description writes them (shortest round-trip form), read back to the same double",
          arguments: FractionClass.allCases)
    func fractionText(_ kind: FractionClass) throws {
        let values = kind.values()
        let collector = MetricsCollector(cardinalityLimit: 1_000)
        let gauge = try collector.gauge("g", labels: ["i"])
        for (index, value) in values.enumerated() { gauge.set(value, ["i": String(index)]) }
        let exporter = PrometheusExporter()
        exporter.register(collector)
        var rendered: [Int: Substring] = [:]
        for line in exporter.metricsText().split(separator: "\n") where line.hasPrefix("g{") {
            let parts = line.split(separator: " ")
            let index = Int(parts[0].dropFirst("g{i=\"".count).dropLast(2))
            rendered[try #require(index)] = parts[1]
        }
        #expect(rendered.count == values.count)
        for (index, value) in values.enumerated() {
            let text = try #require(rendered[index])
            let integral = value.rounded(.towardZero) == value && abs(value) < 1e15
            #expect(String(text) == (integral ? String(Int64(value)) : value.description), "\(value)")
            #expect(Double(text) == value, "\(text)")
        }
    }

    @Test("20,000 fractions from 1e-4 to 2^53 (the digits found with 128-bit integers) are written as description writes them")
    func manyPlainFractions() throws {
        var generator = SystemRandomNumberGenerator()
        let values = (0..<20_000).map { index -> Double in
            let value: Double
            switch index % 4 {
            case 0: value = pow(10, Double.random(in: -4...15.9, using: &generator))
            case 1: value = Double(sign: .plus, exponent: Int.random(in: -13...52, using: &generator), significand: 1).nextDown
            case 2: value = Double.random(in: 0.000_1...1, using: &generator)
            default: value = Double(Int64.random(in: 1...1 << 53, using: &generator)) / pow(10, Double(Int.random(in: 1...20, using: &generator)))
            }
            return index % 2 == 0 ? value : -value
        }
        let points = values.enumerated().map { index, value in
            MetricPoint(labels: [Label(name: "i", value: String(index))], startTimeNanos: 0, value: .gauge(value))
        }
        let family = MetricFamily(name: "g", help: "", kind: .gauge, labelNames: ["i"], points: points)
        let text = String(decoding: PrometheusTextRenderer().render([family], format: .text), as: UTF8.self)
        let lines = text.split(separator: "\n").filter { $0.hasPrefix("g{") }
        #expect(lines.count == values.count)
        var differing: [String] = []
        for (line, value) in zip(lines, values) {
            let written = line.split(separator: " ").last.map(String.init) ?? ""
            let integral = value.rounded(.towardZero) == value && abs(value) < 1e15
            let expected = integral ? String(Int64(value)) : value.description
            if written != expected { differing.append("\(expected) written as \(written)") }
        }
        #expect(differing.isEmpty, "\(differing.prefix(5))")
    }

    @Test("Text 0.0.4: HELP/TYPE, _total, cumulative buckets with +Inf, escaping, prefix, order")
    func textFormat() throws {
        let exporter = PrometheusExporter(prefix: "myapp")
        try exporter.export(Self.sampleCollector().collectAll())
        let text = exporter.metricsText()
        let (before, summaryAndAfter) = try #require(Self.split(text, at: "# HELP myapp_request_latency_seconds"))
        #expect(before == """
            # HELP myapp_active_connections Current active connections
            # TYPE myapp_active_connections gauge
            myapp_active_connections -42
            # HELP myapp_pipeline_executions_total Total pipeline executions
            # TYPE myapp_pipeline_executions_total counter
            myapp_pipeline_executions_total{pipeline_name="data_processor",status="success"} 3
            myapp_pipeline_executions_total{pipeline_name="quote\\"back\\\\slash\\nnewline",status="failure"} 1
            # HELP myapp_request_duration_seconds Request duration
            # TYPE myapp_request_duration_seconds histogram
            myapp_request_duration_seconds_bucket{endpoint="/api/users",le="0.01"} 1
            myapp_request_duration_seconds_bucket{endpoint="/api/users",le="0.05"} 1
            myapp_request_duration_seconds_bucket{endpoint="/api/users",le="0.1"} 1
            myapp_request_duration_seconds_bucket{endpoint="/api/users",le="0.5"} 2
            myapp_request_duration_seconds_bucket{endpoint="/api/users",le="1"} 2
            myapp_request_duration_seconds_bucket{endpoint="/api/users",le="5"} 2
            myapp_request_duration_seconds_bucket{endpoint="/api/users",le="10"} 3
            myapp_request_duration_seconds_bucket{endpoint="/api/users",le="+Inf"} 3
            myapp_request_duration_seconds_sum{endpoint="/api/users"} 7.1328125
            myapp_request_duration_seconds_count{endpoint="/api/users"} 3

            """)
        let summaryLines = summaryAndAfter.split(separator: "\n").map(String.init)
        #expect(summaryLines.prefix(2) == [
            "# HELP myapp_request_latency_seconds Request latency", "# TYPE myapp_request_latency_seconds summary",
        ])
        let quantileLines = summaryLines.filter { $0.hasPrefix("myapp_request_latency_seconds{") }
        #expect(quantileLines.map { $0.split(separator: " ")[0] } == [0.5, 0.9, 0.95, 0.99].map {
            "myapp_request_latency_seconds{service=\"api\",quantile=\"\($0)\"}"
        })
        let sumLine = try #require(summaryLines.first { $0.hasPrefix("myapp_request_latency_seconds_sum{service=\"api\"} ") })
        #expect(abs((Double(sumLine.split(separator: " ")[1]) ?? 0) - 5.05) < 1e-9)
        #expect(summaryLines.contains("myapp_request_latency_seconds_count{service=\"api\"} 100"))
        #expect(summaryLines.contains("# HELP myapp_requests_total Requests without the suffix"))
        #expect(summaryLines.contains("# TYPE myapp_requests_total counter"))
        #expect(summaryLines.contains("myapp_requests_total 0.25"))
        #expect(summaryLines.contains("# HELP myapp_temperature_celsius Help with \\\\ and\\nnewline"))
        #expect(summaryLines.contains("myapp_temperature_celsius +Inf"))
        let familyNames = text.split(separator: "\n").filter { $0.hasPrefix("# TYPE") }.map { $0.split(separator: " ")[2] }
        #expect(familyNames == familyNames.sorted())
        #expect(!text.contains("# EOF"))
        #expect(exporter.metricsText() == text)
    }

    /// Splits `text` before the first occurrence of `marker`.
    static func split(_ text: String, at marker: String) -> (String, String)? {
        guard let range = text.range(of: marker) else { return nil }
        return (String(text[..<range.lowerBound]), String(text[range.lowerBound...]))
    }

    @Test("OpenMetrics 1.0: base names on TYPE lines, _total samples, # EOF last")
    func openMetricsFormat() throws {
        let exporter = PrometheusExporter(prefix: "myapp")
        try exporter.export(Self.sampleCollector().collectAll())
        let text = exporter.metricsText(format: .openMetrics)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.last == "# EOF")
        #expect(lines.contains("# TYPE myapp_pipeline_executions counter"))
        #expect(lines.contains("# TYPE myapp_requests counter"))
        #expect(lines.contains("myapp_requests_total 0.25"))
        #expect(lines.contains("# HELP myapp_temperature_celsius Help with \\\\ and\\nnewline"))
    }

    @Test("Bucket bounds are written right when there are more distinct ones than the render remembers (40 bounds, two families)")
    func manyDistinctBounds() throws {
        let collector = MetricsCollector()
        let fine = (1...40).map { Double($0) / 8 }
        let coarse = (1...40).map { Double($0) * 0.3 }
        for (name, buckets) in [("fine_seconds", fine), ("coarse_seconds", coarse)] {
            let histogram = try collector.histogram(name, labels: ["path"], buckets: buckets)
            for path in ["/a", "/b"] { histogram.observe(1, ["path": path]) }
        }
        let exporter = PrometheusExporter()
        try exporter.export(collector.collectAll())
        let lines = Set(exporter.metricsText().split(separator: "\n").map(String.init))
        for (name, buckets) in [("fine_seconds", fine), ("coarse_seconds", coarse)] {
            for path in ["/a", "/b"] {
                for bound in buckets {
                    let count = bound >= 1 ? 1 : 0
                    let text = bound == bound.rounded() ? String(Int(bound)) : bound.description  // 2 → "2", 0.125 → "0.125"
                    #expect(lines.contains("\(name)_bucket{path=\"\(path)\",le=\"\(text)\"} \(count)"), "\(name) \(bound)")
                }
            }
        }
    }

    @Test("A summary without quantiles exposes _sum and _count per series")
    func summaryWithoutQuantiles() throws {
        let collector = MetricsCollector()
        let summary = try collector.summary("plain_bytes", labels: ["route"], quantiles: [])
        summary.observe(2.5, ["route": "/a"])
        summary.observe(4, ["route": "/a"])
        let exporter = PrometheusExporter()
        exporter.register(collector)
        let lines = exporter.metricsText().split(separator: "\n").filter { $0.hasPrefix("plain_bytes") }
        #expect(lines == ["plain_bytes_sum{route=\"/a\"} 6.5", "plain_bytes_count{route=\"/a\"} 2"])
    }

    @Test("A histogram point with more counts than bounds + 1 still exposes every observation in +Inf and _count")
    func histogramExtraCounts() throws {
        let value = HistogramValue(bounds: [1], bucketCounts: [2, 3, 4], sum: 10, min: nil, max: nil)
        let point = MetricPoint(labels: [], startTimeNanos: 0, value: .histogram(value))
        let family = MetricFamily(name: "h", help: "", kind: .histogram, labelNames: [], points: [point])
        let text = String(decoding: PrometheusTextRenderer().render([family], format: .text), as: UTF8.self)
        let lines = text.split(separator: "\n").filter { $0.hasPrefix("h_") }
        #expect(lines == ["h_bucket{le=\"1\"} 2", "h_bucket{le=\"+Inf\"} 9", "h_sum 10", "h_count 9"])
        #expect(value.count == 9)
    }

    @Test("Invalid prefix characters are replaced")
    func prefixSanitised() throws {
        let exporter = PrometheusExporter(prefix: "my-app.v2")
        #expect(exporter.prefix == "my_app_v2")
        let collector = MetricsCollector()
        _ = try collector.gauge("up")
        try exporter.export(collector.collectAll())
        #expect(exporter.metricsText().contains("my_app_v2_up 0"))
    }

    @Test("promtool check metrics accepts the text output")
    func promtoolAccepts() throws {
        let exporter = PrometheusExporter(prefix: "myapp")
        try exporter.export(Self.sampleCollector().collectAll())
        let result = try runProcess(try TestPeers.executable("promtool"), ["check", "metrics"], input: exporter.metricsText())
        #expect(result.status == 0, "promtool: \(result.stdout) \(result.stderr)")
        // promtool only lints; prove it rejects broken input so the check above means something.
        let broken = try runProcess(
            try TestPeers.executable("promtool"), ["check", "metrics"], input: "# TYPE x counter\nx{a=\"1\" 1\n")
        #expect(broken.status != 0)
    }

    @Test("prometheus_client parses text 0.0.4 and OpenMetrics output to the recorded values", arguments: [
        PrometheusFormat.text, .openMetrics,
    ])
    func pythonParserAgrees(format: PrometheusFormat) throws {
        let collector = try Self.sampleCollector()
        let exporter = PrometheusExporter(prefix: "myapp")
        try exporter.export(collector.collectAll())
        let text = exporter.metricsText(format: format)
        let parsed = try TestPeers.runPython(
            "parse_prometheus.py", [format == .text ? "text" : "openmetrics"], input: text)
        try #require(parsed.status == 0, "parser failed: \(parsed.stderr)")
        let families = try #require(
            try JSONSerialization.jsonObject(with: Data(parsed.stdout.utf8)) as? [[String: Any]])
        func sampleValue(_ name: String, _ labels: [String: String]) -> Any? {
            for family in families {
                for sample in family["samples"] as? [[String: Any]] ?? []
                where sample["name"] as? String == name && sample["labels"] as? [String: String] == labels {
                    return sample["value"]
                }
            }
            return nil
        }
        #expect(sampleValue("myapp_pipeline_executions_total", ["pipeline_name": "data_processor", "status": "success"]) as? Double == 3)
        #expect(sampleValue("myapp_pipeline_executions_total", ["pipeline_name": "quote\"back\\slash\nnewline", "status": "failure"]) as? Double == 1)
        #expect(sampleValue("myapp_active_connections", [:]) as? Double == -42)
        #expect(sampleValue("myapp_temperature_celsius", [:]) as? String == "+Inf")
        #expect(sampleValue("myapp_request_duration_seconds_bucket", ["endpoint": "/api/users", "le": "0.5"]) as? Double == 2)
        #expect(sampleValue("myapp_request_duration_seconds_bucket", ["endpoint": "/api/users", "le": "+Inf"]) as? Double == 3)
        #expect(sampleValue("myapp_request_duration_seconds_count", ["endpoint": "/api/users"]) as? Double == 3)
        let p99 = try #require(sampleValue("myapp_request_latency_seconds", ["service": "api", "quantile": "0.99"]) as? Double)
        #expect(abs(p99 - 0.099) / 0.099 <= 0.01)
        let documentation = families.first { ($0["name"] as? String)?.hasPrefix("myapp_temperature") == true }?["documentation"]
        #expect(documentation as? String == "Help with \\ and\nnewline")
        let types = Dictionary(uniqueKeysWithValues: families.compactMap { family -> (String, String)? in
            guard let name = family["name"] as? String, let type = family["type"] as? String else { return nil }
            return (name, type)
        })
        #expect(types["myapp_request_duration_seconds"] == "histogram")
        #expect(types["myapp_request_latency_seconds"] == "summary")
        #expect(types["myapp_pipeline_executions"] == "counter")
    }
}
