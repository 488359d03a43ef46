/// A configuration problem, located by file, key path, line and column.
///
/// Its description reads like a compiler diagnostic:
/// `gateway.yaml:12:11: exporters[1].type: unknown value "otel"; allowed: otlp, statsd, cloudwatch, datadog, debug`.
public struct ConfigError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file (or a label for in-memory YAML).
    public let file: String
    /// The key path, such as `exporters[1].endpoint`; empty for the whole document.
    public let path: String
    /// The 1-based line, or 0 when unknown.
    public let line: Int
    /// The 1-based column, or 0 when unknown.
    public let column: Int
    /// What is wrong, and what is allowed.
    public let message: String

    /// Creates an error.
    public init(file: String, path: String, line: Int, column: Int, message: String) {
        self.file = file
        self.path = path
        self.line = line
        self.column = column
        self.message = message
    }

    /// `file:line:column: path: message`.
    public var description: String {
        let location = line > 0 ? "\(file):\(line):\(column)" : file
        return path.isEmpty ? "\(location): \(message)" : "\(location): \(path): \(message)"
    }
}

/// Where a value is set (file, key path, line, column), kept with what was parsed from it so that a
/// problem found later (a port that cannot be bound, a file that cannot be opened) is still located.
public struct ConfigLocation: Sendable, Equatable {
    /// The file (or a label for in-memory YAML).
    public let file: String
    /// The key path, such as `exporters[1].path`.
    public let path: String
    /// The 1-based line.
    public let line: Int
    /// The 1-based column.
    public let column: Int

    /// A location.
    public init(file: String, path: String, line: Int, column: Int) {
        self.file = file
        self.path = path
        self.line = line
        self.column = column
    }

    /// The first character of `file`: for problems of the whole file (unreadable, empty, too large).
    public static func start(of file: String) -> ConfigLocation {
        ConfigLocation(file: file, path: "", line: 1, column: 1)
    }

    /// The error `message` at this location.
    public func error(_ message: String) -> ConfigError {
        ConfigError(file: file, path: path, line: line, column: column, message: message)
    }
}
