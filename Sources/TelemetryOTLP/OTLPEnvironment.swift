import Logging
import TelemetryHTTP
import Telemetry
import TelemetryOTLPData

/// Reads the OpenTelemetry SDK environment variables. An invalid value is logged (naming the variable)
/// and ignored, so the built-in default applies; nothing here ever traps.
struct OTLPEnvironment: Sendable {
    let base: TelemetryEnvironment

    init(variables: [String: String], logger: Logger) {
        base = TelemetryEnvironment(variables: variables, logger: logger)
    }

    private init(base: TelemetryEnvironment) {
        self.base = base
    }

    /// The process environment.
    static func process(logger: Logger) -> OTLPEnvironment {
        OTLPEnvironment(base: .process(logger: logger))
    }

    private var logger: Logger { base.logger }

    private func value(_ name: String) -> String? { base.value(name) }

    private func invalid(_ name: String, _ value: String, expected: String) {
        base.reportInvalid(name, value, expected: expected)
    }

    private func positiveInteger(_ name: String) -> Int? { base.positiveInteger(name) }

    /// `OTEL_SDK_DISABLED=true` turns the SDK into a no-op.
    var sdkDisabled: Bool {
        guard let text = value("OTEL_SDK_DISABLED") else { return false }
        switch text.lowercased() {
        case "true": return true
        case "false": return false
        default:
            invalid("OTEL_SDK_DISABLED", text, expected: "true or false")
            return false
        }
    }

    /// `OTEL_SERVICE_NAME`.
    var serviceName: String? { value("OTEL_SERVICE_NAME") }

    /// `OTEL_RESOURCE_ATTRIBUTES`: comma-separated `key=value` pairs, percent-decoded, as strings.
    var resourceAttributes: [String: AttributeValue] {
        guard let text = value("OTEL_RESOURCE_ATTRIBUTES") else { return [:] }
        var attributes: [String: AttributeValue] = [:]
        let pairs = Self.pairs(text) { pair in
            invalid("OTEL_RESOURCE_ATTRIBUTES", String(pair), expected: "key=value pairs separated by commas")
        }
        for (key, value) in pairs { attributes[key] = .string(value) }
        return attributes
    }

    /// The full URL for `signal`: `OTEL_EXPORTER_OTLP_<SIGNAL>_ENDPOINT` as is, else
    /// `OTEL_EXPORTER_OTLP_ENDPOINT` plus `/v1/traces` or `/v1/metrics`.
    func endpoint(_ signal: OTLPSignal) -> String? {
        let specific = "OTEL_EXPORTER_OTLP_\(signal.environmentName)_ENDPOINT"
        if let url = value(specific) {
            if Self.isHTTPURL(url) { return url }
            invalid(specific, url, expected: "an http:// or https:// URL")
        }
        if let base = value("OTEL_EXPORTER_OTLP_ENDPOINT") {
            if Self.isHTTPURL(base) { return OTLPEndpoint.signalURL(base: base, signal: signal) }
            invalid("OTEL_EXPORTER_OTLP_ENDPOINT", base, expected: "an http:// or https:// URL")
        }
        return nil
    }

    /// Headers from `OTEL_EXPORTER_OTLP_HEADERS`, overridden by `OTEL_EXPORTER_OTLP_<SIGNAL>_HEADERS`.
    func headers(_ signal: OTLPSignal) -> [String: String] {
        var headers: [String: String] = [:]
        for name in ["OTEL_EXPORTER_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_\(signal.environmentName)_HEADERS"] {
            guard let text = value(name) else { continue }
            let pairs = Self.pairs(text) { _ in
                // The value may be a secret: name the variable, never print the pair.
                logger.warning("ignoring a malformed entry in \(name): expected key=value pairs separated by commas")
            }
            // A name that is not an HTTP token, or a value decoding to a control character (`%0D%0A`), would
            // inject a header or break every request.
            for (key, value) in pairs {
                guard HeaderField.isValidName(key), HeaderField.isValidValue(value) else {
                    logger.warning("ignoring an entry of \(name): not a valid HTTP header name and value")
                    continue
                }
                headers[key] = value
            }
        }
        return headers
    }

    /// Comma-separated `key=value` pairs, each side trimmed and percent-decoded (the W3C Baggage
    /// encoding the OpenTelemetry specification uses for these variables); `malformed` is told of
    /// every entry that is not one.
    private static func pairs(_ text: String, malformed: (Substring) -> Void) -> [(key: String, value: String)] {
        text.split(separator: ",").compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let key = PercentEncoding.decoded(parts[0].trimmingWhitespace()), !key.isEmpty,
                let value = PercentEncoding.decoded(parts[1].trimmingWhitespace())
            else {
                malformed(pair)
                return nil
            }
            return (key, value)
        }
    }

    /// `OTEL_EXPORTER_OTLP_[<SIGNAL>_]COMPRESSION`: `gzip` or `none`.
    func compression(_ signal: OTLPSignal) -> OTLPExporter.Compression? {
        for name in ["OTEL_EXPORTER_OTLP_\(signal.environmentName)_COMPRESSION", "OTEL_EXPORTER_OTLP_COMPRESSION"] {
            guard let text = value(name) else { continue }
            switch text.lowercased() {
            case "gzip": return .gzip
            case "none": return OTLPExporter.Compression.none
            default: invalid(name, text, expected: "gzip or none")
            }
        }
        return nil
    }

    /// `OTEL_EXPORTER_OTLP_[<SIGNAL>_]CERTIFICATE`, `…CLIENT_CERTIFICATE` and `…CLIENT_KEY`: the trusted CA
    /// bundle and the client certificate and key (PEM files), the signal's own value first.
    func tls(_ signal: OTLPSignal) -> ClientTLS {
        func file(_ suffix: String) -> String? {
            value("OTEL_EXPORTER_OTLP_\(signal.environmentName)_\(suffix)") ?? value("OTEL_EXPORTER_OTLP_\(suffix)")
        }
        return ClientTLS(caFile: file("CERTIFICATE"), certificateFile: file("CLIENT_CERTIFICATE"), keyFile: file("CLIENT_KEY"))
    }

    /// `OTEL_EXPORTER_OTLP_[<SIGNAL>_]TIMEOUT` in milliseconds.
    func timeout(_ signal: OTLPSignal) -> Duration? {
        for name in ["OTEL_EXPORTER_OTLP_\(signal.environmentName)_TIMEOUT", "OTEL_EXPORTER_OTLP_TIMEOUT"] {
            if let milliseconds = positiveInteger(name) { return .milliseconds(milliseconds) }
        }
        return nil
    }

    /// `OTEL_TRACES_SAMPLER` with `OTEL_TRACES_SAMPLER_ARG`.
    var sampler: Sampler? {
        guard let name = value("OTEL_TRACES_SAMPLER") else { return nil }
        func ratio() -> Double {
            guard let text = value("OTEL_TRACES_SAMPLER_ARG") else { return 1 }
            guard let ratio = Double(text), ratio >= 0, ratio <= 1 else {
                invalid("OTEL_TRACES_SAMPLER_ARG", text, expected: "a number in 0...1")
                return 1
            }
            return ratio
        }
        switch name.lowercased() {
        case "always_on": return .alwaysOn
        case "always_off": return .alwaysOff
        case "traceidratio": return .traceIDRatio(ratio())
        case "parentbased_always_on": return .parentBased(root: .alwaysOn)
        case "parentbased_always_off": return .parentBased(root: .alwaysOff)
        case "parentbased_traceidratio": return .parentBased(root: .traceIDRatio(ratio()))
        default:
            invalid(
                "OTEL_TRACES_SAMPLER", name,
                expected: "always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off "
                    + "or parentbased_traceidratio")
            return nil
        }
    }

    /// `OTEL_BSP_*` (spans) applied over `base`.
    func batch(over base: BatchConfiguration) -> BatchConfiguration {
        batch(prefix: "OTEL_BSP", over: base)
    }

    /// `OTEL_BLRP_*` (log records) applied over `base`.
    func logBatch(over base: BatchConfiguration) -> BatchConfiguration {
        batch(prefix: "OTEL_BLRP", over: base)
    }

    private func batch(prefix: String, over base: BatchConfiguration) -> BatchConfiguration {
        BatchConfiguration(
            maxQueueSize: positiveInteger("\(prefix)_MAX_QUEUE_SIZE") ?? base.maxQueueSize,
            maxExportBatchSize: positiveInteger("\(prefix)_MAX_EXPORT_BATCH_SIZE") ?? base.maxExportBatchSize,
            scheduleDelay: positiveInteger("\(prefix)_SCHEDULE_DELAY").map { .milliseconds($0) } ?? base.scheduleDelay,
            exportTimeout: positiveInteger("\(prefix)_EXPORT_TIMEOUT").map { .milliseconds($0) } ?? base.exportTimeout)
    }

    private static func isHTTPURL(_ text: String) -> Bool {
        (text.hasPrefix("http://") || text.hasPrefix("https://")) && text.count > 8
    }
}

/// Building OTLP/HTTP URLs.
package enum OTLPEndpoint {
    /// `base` with the signal's path appended (a trailing `/v1/traces` or `/v1/metrics` on `base` is dropped).
    package static func signalURL(base: String, signal: OTLPSignal) -> String {
        var trimmed = Substring(base)
        for suffix in ["/v1/traces", "/v1/metrics", "/v1/logs"] where trimmed.hasSuffix(suffix) {
            trimmed = trimmed.dropLast(suffix.count)
        }
        while trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        return "\(trimmed)/\(signal.path)"
    }
}

extension StringProtocol {
    fileprivate func trimmingWhitespace() -> Substring {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return slice
    }
}
