import Telemetry

/// Renders finished spans as an indented tree, children under their parents in start order.
enum SpanTreePrinter {
    static func render(_ spans: [TelemetrySpan]) -> String {
        let ids = Set(spans.map(\.spanID))
        let children = Dictionary(grouping: spans) { span in span.parentSpanID.flatMap { ids.contains($0) ? $0 : nil } }
        var lines: [String] = []
        func visit(_ span: TelemetrySpan, depth: Int) {
            let indent = String(repeating: "  ", count: depth)
            let milliseconds = (span.duration * 1000 * 100).rounded() / 100
            var line = "\(indent)\(span.name) [\(span.spanID)] \(milliseconds) ms \(span.status.code)"
            if let message = span.status.message { line += " (\(message))" }
            let attributes = span.attributes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            if !attributes.isEmpty { line += " {\(attributes.joined(separator: ", "))}" }
            lines.append(line)
            for event in span.events {
                lines.append("\(indent)  · event \(event.name)")
            }
            for child in (children[span.spanID] ?? []).sorted(by: { $0.startTimeNanos < $1.startTimeNanos }) {
                visit(child, depth: depth + 1)
            }
        }
        for root in (children[nil] ?? []).sorted(by: { $0.startTimeNanos < $1.startTimeNanos }) {
            lines.append("trace \(root.traceID)")
            visit(root, depth: 1)
        }
        return lines.joined(separator: "\n")
    }
}
