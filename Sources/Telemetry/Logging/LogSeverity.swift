import Logging

/// A log record's severity: OpenTelemetry's number (1–24) and a text.
public struct LogSeverity: Sendable, Hashable {
    /// The severity number (TRACE 1–4, DEBUG 5–8, INFO 9–12, WARN 13–16, ERROR 17–20, FATAL 21–24).
    public let number: Int
    /// The severity as the source names it.
    public let text: String

    /// Creates a severity.
    public init(number: Int, text: String) {
        self.number = min(24, max(1, number))
        self.text = text
    }

    /// The severity of a swift-log level: trace 1, debug 5, info 9, notice 10 (INFO2), warning 13,
    /// error 17, critical 21 (FATAL); the text is the level's name in capitals.
    public init(_ level: Logger.Level) {
        switch level {
        case .trace: self.init(number: 1, text: "TRACE")
        case .debug: self.init(number: 5, text: "DEBUG")
        case .info: self.init(number: 9, text: "INFO")
        case .notice: self.init(number: 10, text: "NOTICE")
        case .warning: self.init(number: 13, text: "WARNING")
        case .error: self.init(number: 17, text: "ERROR")
        case .critical: self.init(number: 21, text: "CRITICAL")
        }
    }
}
