import Logging
import Synchronization

/// Keeps what an in-process gateway logs, as lines (`level message key=value…`), for tests that read the
/// log as they would a spawned gateway's output.
public final class GatewayLogRecorder: Sendable {
    private let lines = Mutex<[String]>([])
    private let level: Logger.Level

    /// A recorder keeping messages at `level` and above.
    public init(level: Logger.Level = .info) {
        self.level = level
    }

    /// Every line kept so far.
    public var text: String { lines.withLock { $0.joined(separator: "\n") } }

    /// A handler writing into this recorder.
    public func handler() -> any LogHandler { Handler(recorder: self, logLevel: level) }

    fileprivate func append(_ line: String) {
        lines.withLock { $0.append(line) }
    }

    private struct Handler: LogHandler {
        let recorder: GatewayLogRecorder
        var logLevel: Logger.Level
        var metadata: Logger.Metadata = [:]

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            let rendered = merged.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
            recorder.append("\(event.level) \(event.message)\(rendered)")
        }
    }
}
