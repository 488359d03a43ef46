import Foundation
import Logging
import Telemetry

/// Shows what the pipeline sends, without any backend: one JSON line per batch appended to a file, or a
/// one-line summary in the log when no file is given.
///
/// Each JSON line has `signal`, `time` (Unix seconds) and either `spans` (name, trace and span ids, parent,
/// status, duration) or `metrics` (name, kind, series count).
public final class DebugExporter: SpanExporter, MetricsExporter {
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

    /// Records a summary of an already encoded OTLP request (as the gateway forwards them).
    public func exportEncoded(signal: String, items: Int, bytes: Int) throws {
        try write(["signal": signal, "items": items, "bytes": bytes], summary: "\(items) \(signal) items (\(bytes) bytes)")
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
        var object = object
        object["time"] = Date().timeIntervalSince1970
        let line = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) + Data("\n".utf8)
        let wrote = try file.withLock { handle -> Bool in
            guard let handle else { return false }
            try handle.write(contentsOf: line)
            return true
        }
        if !wrote && path == nil { logger.info("debug exporter received \(summary())") }
    }
}

/// A debug exporter that could not open its file.
public struct DebugExporterError: Error, CustomStringConvertible {
    /// What went wrong.
    public let message: String

    /// The message.
    public var description: String { message }
}
