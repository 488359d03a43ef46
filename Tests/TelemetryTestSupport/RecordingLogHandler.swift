import Logging
import Synchronization

/// A log handler that keeps every message, for asserting what was logged.
public final class LogRecorder: Sendable {
    /// One recorded log line.
    public struct Entry: Sendable {
        /// The level it was logged at.
        public let level: Logger.Level
        /// The rendered message.
        public let message: String
        /// Its metadata, rendered as strings.
        public let metadata: [String: String]
    }

    private let entries = Mutex<[Entry]>([])

    /// Creates an empty recorder.
    public init() {}

    /// A logger that writes into this recorder.
    public func logger(label: String = "test") -> Logger {
        var logger = Logger(label: label) { _ in Handler(recorder: self) }
        logger.logLevel = .trace
        return logger
    }

    /// Everything logged so far.
    public var all: [Entry] { entries.withLock { $0 } }

    fileprivate func append(_ entry: Entry) {
        entries.withLock { $0.append(entry) }
    }

    private struct Handler: LogHandler {
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            recorder.append(
                Entry(
                    level: event.level, message: "\(event.message)",
                    metadata: merged.mapValues { "\($0)" }))
        }
    }
}
