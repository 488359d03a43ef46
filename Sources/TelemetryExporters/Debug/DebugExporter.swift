import Foundation
import Logging
import Telemetry

/// Shows what the pipeline sends, without any backend: one JSON line per batch appended to a file, or a
/// one-line summary in the log when no file is given.
///
/// Each JSON line has `signal`, `time` (Unix seconds) and either `spans` (name, trace and span ids, parent,
/// status, duration), `metrics` (name, kind, series count) or `logs` (severity, body, scope, trace and
/// span ids, attributes). Without a file, log records are written to standard error as JSON lines, not
/// to the log (which may be the pipeline being debugged).
public final class DebugExporter: SpanExporter, MetricsExporter, LogRecordExporter {
    /// The file written to, or `nil` for the log.
    public let path: String?
    private let logger: Logger
    private let file: LockedValue<FileHandle?>

    /// Creates an exporter that appends to `path` (created if missing), or logs when `path` is `nil`.
    ///
    /// - Throws: when the file cannot be created or opened.
    public init(path: String? = nil, logger: Logger = Logger(label: "swift-telemetry.debug")) throws {
        self.path = path
        self.logger = logger
        var handle: FileHandle?
        if let path {
            if !FileManager.default.fileExists(atPath: path) {
                guard FileManager.default.createFile(atPath: path, contents: nil) else {
                    throw DebugExporterError(message: "cannot create \(path)")
                }
            }
            handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try handle?.seekToEnd()
        }
        file = LockedValue(handle)
    }

    /// Records a summary of `spans`.
    public func export(_ spans: [SpanData], resource: Resource) throws {
        let entries: [[String: Any]] = spans.map { span in
            var entry: [String: Any] = [
                "name": span.name, "trace_id": span.context.traceID.description,
                "span_id": span.context.spanID.description, "status": span.status.code.description,
                "duration_ms": Double(span.endTimeNanos.subtractingSaturated(span.startTimeNanos)) / 1e6,
            ]
            if let parent = span.parent { entry["parent_span_id"] = parent.spanID.description }
            return entry
        }
        try write(["signal": "traces", "service": resource.serviceName, "spans": entries],
                  summary: "\(spans.count) spans from \(resource.serviceName)")
    }

    /// Records `records` with their attributes.
    public func export(_ records: [LogRecordData], resource: Resource) throws {
        let entries: [[String: Any]] = records.map { record in
            var entry: [String: Any] = [
                "severity": record.severity.text, "severity_number": record.severity.number, "body": Self.json(record.body),
                "scope": record.scope,
                "attributes": Dictionary(record.attributes.map { ($0.key, Self.json($0.value)) }) { _, last in last },
            ]
            if let traceID = record.traceID, let spanID = record.spanID {
                entry["trace_id"] = traceID.description
                entry["span_id"] = spanID.description
            }
            return entry
        }
        let object: [String: Any] = ["signal": "logs", "service": resource.serviceName, "logs": entries]
        if path == nil {
            var line = try Self.line(object)
            line.append(contentsOf: Data("\n".utf8))
            FileHandle.standardError.write(line)
        } else {
            try write(object, summary: "\(records.count) log records")
        }
    }

    /// Nothing is buffered: every export is written before it returns.
    public func forceFlush(timeout: Duration) -> Bool { true }

    private static func json(_ value: LogValue) -> Any {
        switch value {
        case .string(let text): text
        case .int(let number): number
        case .double(let number): number.isFinite ? number : String(number)
        case .bool(let flag): flag
        case .bytes(let bytes): Data(bytes).base64EncodedString()
        case .array(let values): values.map { json($0) }
        case .map(let entries): Dictionary(entries.map { ($0.key, json($0.value)) }) { _, last in last }
        }
    }

    /// Records a summary of `snapshot`.
    public func export(_ snapshot: MetricsSnapshot) throws {
        let metrics: [[String: Any]] = snapshot.families.filter { !$0.points.isEmpty }.map {
            ["name": $0.name, "kind": $0.kind.description, "series": $0.points.count]
        }
        try write(["signal": "metrics", "metrics": metrics], summary: "\(metrics.count) metrics")
    }

    /// Closes the file.
    public func shutdown() {
        file.withLock { handle in
            try? handle?.close()
            handle = nil
        }
    }

    private func write(_ object: [String: Any], summary: @autoclosure () -> String) throws {
        let line = try Self.line(object) + Data("\n".utf8)
        let wrote = try file.withLock { handle -> Bool in
            guard let handle else { return false }
            try handle.write(contentsOf: line)
            return true
        }
        if !wrote && path == nil { logger.info("debug exporter received \(summary())") }
    }

    private static func line(_ object: [String: Any]) throws -> Data {
        var object = object
        object["time"] = Date().timeIntervalSince1970
        return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }
}

/// A debug exporter that could not open its file.
public struct DebugExporterError: Error, CustomStringConvertible {
    /// What went wrong.
    public let message: String

    /// The message.
    public var description: String { message }
}
