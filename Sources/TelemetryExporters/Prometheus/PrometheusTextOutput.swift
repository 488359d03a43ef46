import Telemetry

/// A byte buffer with the escaping and number formatting rules of the Prometheus text formats.
struct PrometheusTextOutput {
    let format: PrometheusFormat
    private(set) var bytes: [UInt8] = []

    init(format: PrometheusFormat) {
        self.format = format
    }

    mutating func reserve(_ capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    mutating func append(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    /// `# HELP` (when there is help text) and `# TYPE` lines.
    mutating func header(name: String, kind: String, help: String) {
        if !help.isEmpty {
            append("# HELP ")
            append(name)
            append(" ")
            appendEscaped(help, quotes: format == .openMetrics)
            append("\n")
        }
        append("# TYPE ")
        append(name)
        append(" ")
        append(kind)
        append("\n")
    }

    /// One sample line: `name{labels} value`, with an optional extra label (`le`, `quantile`) last.
    mutating func sample(_ name: String, _ labels: [Label], _ value: Double, extra: (String, Double)? = nil) {
        append(name)
        if !labels.isEmpty || extra != nil {
            bytes.append(UInt8(ascii: "{"))
            var first = true
            for label in labels {
                if !first { bytes.append(UInt8(ascii: ",")) }
                first = false
                appendLabel(label.name, label.value)
            }
            if let (extraName, extraValue) = extra {
                if !first { bytes.append(UInt8(ascii: ",")) }
                appendLabel(extraName, Self.formatNumber(extraValue))
            }
            bytes.append(UInt8(ascii: "}"))
        }
        bytes.append(UInt8(ascii: " "))
        append(Self.formatNumber(value))
        bytes.append(UInt8(ascii: "\n"))
    }

    private mutating func appendLabel(_ name: String, _ value: String) {
        append(name)
        append("=\"")
        appendEscaped(value, quotes: true)
        bytes.append(UInt8(ascii: "\""))
    }

    /// Escapes `\` and newlines (and `"` when `quotes`), as label values and help texts require.
    private mutating func appendEscaped(_ text: String, quotes: Bool) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): append("\\\\")
            case UInt8(ascii: "\n"): append("\\n")
            case UInt8(ascii: "\"") where quotes: append("\\\"")
            default: bytes.append(byte)
            }
        }
    }

    /// Integers without a fraction, `+Inf`/`-Inf`/`NaN`, other values in shortest round-trip form.
    static func formatNumber(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value == .infinity { return "+Inf" }
        if value == -.infinity { return "-Inf" }
        if value.rounded(.towardZero) == value, abs(value) < 1e15 {
            return String(Int64(value))
        }
        return value.description
    }
}
