import Foundation
import Telemetry
import TelemetryGatewayTesting
import TelemetryOTLP
import TelemetryOTLPData
import TelemetryTestSupport
import Testing

/// The README's first example (a counter with labels and a span, exported over OTLP), compiled and run
/// as written against a gateway in process. Only the endpoint differs: the README sends to the
/// gateway's default `127.0.0.1:4318`, the test to a free port.
@Suite("README: the first screen's hello")
struct ReadmeHelloTests {
    /// The endpoint the README's copy sends to, replaced here by the gateway's free port.
    static let readmeEndpoint = "\"http://127.0.0.1:4318\""

    // README hello: begin
    static func hello(endpoint: String) throws {
        let exporter = OTLPExporter(endpoint: endpoint)   // telemetry-gateway, or any OTLP collector
        let tracer = OpenTelemetryTracer(serviceName: "hello", exporter: exporter)
        let collector = MetricsCollector()
        let requests = try collector.counter("hello_requests_total", help: "Requests served", labels: ["route", "status"])

        traceContext(tracer, "GET /hello") { span in
            span.setAttribute("user_id", 42)
            requests.inc(["route": "/hello", "status": "200"])
        }
        try exporter.export(collector.collectAll())   // the metrics, now
        tracer.shutdown()                              // the span: queued, flushed on shutdown
    }
    // README hello: end

    @Test("The hello delivers its span and its labelled counter to a gateway")
    func helloDelivers() throws {
        let gateway = try InProcessGateway(yaml: """
            receivers:
              otlp:
                protocols:
                  http:
                    endpoint: 127.0.0.1:0
            exporters:
              memory:
            service:
              pipelines:
                traces: {receivers: [otlp], exporters: [memory]}
                metrics: {receivers: [otlp], exporters: [memory]}
              telemetry: {metrics: {level: none}}
            """)
        defer { gateway.shutdown() }
        try Self.hello(endpoint: gateway.url)

        let traces = try gateway.memory.payloads(.traces).map { try TracesView($0) }
        let resourceSpans = traces.flatMap(\.resourceSpans)
        let spans = resourceSpans.flatMap { $0.scopeSpans.flatMap(\.spans) }
        try #require(spans.count == 1, "spans received: \(spans.map(\.name))")
        #expect(resourceSpans.first?.resource.serviceName == "hello")
        #expect(spans[0].name == "GET /hello")
        #expect(spans[0].attributes["user_id"]?.attributeValue == .int(42))
        #expect(spans[0].statusCode == 1, "traceContext sets .ok on success")

        let metrics = try gateway.memory.payloads(.metrics).map { try MetricsView($0) }
        let counters = metrics.flatMap { $0.resourceMetrics.flatMap { $0.scopeMetrics.flatMap(\.metrics) } }
            .filter { $0.name == "hello_requests_total" }
        try #require(counters.count == 1, "metrics received: \(metrics.count) requests")
        guard case .sum(let points, _, let isMonotonic) = counters[0].data else {
            Issue.record("hello_requests_total is not a sum")
            return
        }
        #expect(isMonotonic)
        #expect(points.map(\.value) == [1])
        let labels = points.first.map { point in point.header.attributes.map { "\($0.key)=\($0.value.text())" } }
        #expect(labels?.sorted() == ["route=/hello", "status=200"])
    }

    @Test("README.md's first Swift program is this file's hello, line for line")
    func readmeShowsThisCode() throws {
        let readme = try String(contentsOf: TestPeers.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let thisFile = try String(contentsOf: URL(fileURLWithPath: #filePath), encoding: .utf8)
        let example = try #require(Self.firstProgram(readme), "README.md has no ```swift block starting with an import")
        let imports = example.filter { $0.hasPrefix("import ") }
        let readmeBody = example.filter { !$0.hasPrefix("import ") }
            .map { $0.replacingOccurrences(of: Self.readmeEndpoint, with: "endpoint") }
        let body = try #require(Self.helloBody(thisFile), "the hello markers are missing from this file")
        #expect(readmeBody == body, "README.md's hello and ReadmeHelloTests.hello differ")
        let importedHere = Set(thisFile.split(separator: "\n").map(String.init).filter { $0.hasPrefix("import ") })
        #expect(!imports.isEmpty && Set(imports).isSubset(of: importedHere), "README imports \(imports)")
    }

    /// The lines of README.md's first ```swift block that starts with an import (the one before it is
    /// the `Package.swift` line), without blank lines, spaces collapsed.
    static func firstProgram(_ markdown: String) -> [String]? {
        let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var start = lines.startIndex
        while let open = lines[start...].firstIndex(of: "```swift"),
            let close = lines[(open + 1)...].firstIndex(where: { $0.hasPrefix("```") })
        {
            if lines[open + 1].hasPrefix("import ") { return Self.significant(lines[(open + 1)..<close]) }
            start = close + 1
        }
        return nil
    }

    /// The lines of `hello`'s body in this file's source, without blank lines, spaces collapsed.
    static func helloBody(_ source: String) -> [String]? {
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let begin = lines.firstIndex(where: { $0.hasSuffix("// README hello: begin") }),
            let end = lines.firstIndex(where: { $0.hasSuffix("// README hello: end") }), begin + 3 <= end
        else { return nil }
        // Between the markers: the signature line, the body, and the closing brace.
        return Self.significant(lines[(begin + 2)..<(end - 1)])
    }

    /// Indentation and the alignment of trailing comments do not count.
    private static func significant(_ lines: ArraySlice<String>) -> [String] {
        lines.map { $0.split(whereSeparator: \.isWhitespace).joined(separator: " ") }.filter { !$0.isEmpty }
    }
}
