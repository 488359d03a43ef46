import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads `OTEL_*` environment variables; an invalid value is logged with its name and ignored.
package struct TelemetryEnvironment: Sendable {
    /// The variables, by name.
    package let variables: [String: String]
    /// Where invalid values are reported.
    package let logger: Logger

    package init(variables: [String: String], logger: Logger) {
        self.variables = variables
        self.logger = logger
    }

    /// The `OTEL_*` variables of this process.
    package static func process(logger: Logger) -> TelemetryEnvironment {
        var variables: [String: String] = [:]
        var entry = environ
        while let pointer = entry.pointee {
            let pair = String(cString: pointer)
            if pair.hasPrefix("OTEL_"), let equals = pair.firstIndex(of: "=") {
                variables[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
            }
            entry += 1
        }
        return TelemetryEnvironment(variables: variables, logger: logger)
    }

    /// The trimmed value of `name`, or `nil` when unset or blank.
    package func value(_ name: String) -> String? {
        guard let raw = variables[name] else { return nil }
        var slice = Substring(raw)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return slice.isEmpty ? nil : String(slice)
    }

    /// Logs that `name` holds an unusable value, saying what was expected.
    package func reportInvalid(_ name: String, _ value: String, expected: String) {
        logger.warning("ignoring invalid \(name)=\"\(value)\": expected \(expected)")
    }

    /// `name` as a positive integer.
    package func positiveInteger(_ name: String) -> Int? {
        guard let text = value(name) else { return nil }
        guard let number = Int(text), number > 0 else {
            reportInvalid(name, text, expected: "a positive integer")
            return nil
        }
        return number
    }

    /// `name` as a positive number of milliseconds.
    package func positiveMilliseconds(_ name: String) -> Duration? {
        positiveInteger(name).map { .milliseconds($0) }
    }
}
