import Telemetry

/// A byte buffer with the escaping and number formatting rules of the Prometheus text formats.
///
/// Written for speed: strings are copied as whole UTF-8 runs (escaping only when a special byte is
/// present), sample names are converted to bytes once per family, and integers are formatted in place.
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
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// `# HELP` (when there is help text) and `# TYPE` lines.
    mutating func header(name: String, kind: String, help: String) {
        if !help.isEmpty {
            append("# HELP ")
            append(name)
            bytes.append(UInt8(ascii: " "))
            appendEscaped(help, quotes: format == .openMetrics)
            bytes.append(UInt8(ascii: "\n"))
        }
        append("# TYPE ")
        append(name)
        bytes.append(UInt8(ascii: " "))
        append(kind)
        bytes.append(UInt8(ascii: "\n"))
    }

    /// One sample line: `name{labels} value`, with an optional extra label (`le`, `quantile`) last.
    mutating func sample(
        _ name: [UInt8], _ point: MetricPoint, _ value: Double, extra: (name: StaticString, value: Double)? = nil
    ) {
        bytes.append(contentsOf: name)
        let labels = point.labels
        if !labels.isEmpty || extra != nil {
            bytes.append(UInt8(ascii: "{"))
            var first = true
            if let exposed = point.exposedLabels {
                bytes.append(contentsOf: exposed)
                first = exposed.isEmpty
            } else {
                for label in labels {
                    if !first { bytes.append(UInt8(ascii: ",")) }
                    first = false
                    append(label.name)
                bytes.append(UInt8(ascii: "="))
                bytes.append(UInt8(ascii: "\""))
                appendEscaped(label.value, quotes: true)
                bytes.append(UInt8(ascii: "\""))
                }
            }
            if let extra {
                if !first { bytes.append(UInt8(ascii: ",")) }
                extra.name.withUTF8Buffer { bytes.append(contentsOf: $0) }
                bytes.append(UInt8(ascii: "="))
                bytes.append(UInt8(ascii: "\""))
                appendNumber(extra.value)
                bytes.append(UInt8(ascii: "\""))
            }
            bytes.append(UInt8(ascii: "}"))
        }
        bytes.append(UInt8(ascii: " "))
        appendNumber(value)
        bytes.append(UInt8(ascii: "\n"))
    }

    /// Escapes `\` and newlines (and `"` when `quotes`), as label values and help texts require.
    private mutating func appendEscaped(_ text: String, quotes: Bool) {
        var text = text
        text.withUTF8 { utf8 in
            var special = false
            for byte in utf8 where byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\"") {
                special = true
                break
            }
            guard special else {
                bytes.append(contentsOf: utf8)
                return
            }
            for byte in utf8 {
                switch byte {
                case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
                case UInt8(ascii: "\n"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
                case UInt8(ascii: "\"") where quotes: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
                default: bytes.append(byte)
                }
            }
        }
    }

    /// Integers without a fraction, `+Inf`/`-Inf`/`NaN`, other values in shortest round-trip form.
    private mutating func appendNumber(_ value: Double) {
        if value.rounded(.towardZero) == value, abs(value) < 1e15 {
            var integer = Int64(value)
            if integer < 0 {
                bytes.append(UInt8(ascii: "-"))
                integer = -integer
            }
            if integer == 0 {
                bytes.append(UInt8(ascii: "0"))
                return
            }
            var digits: (UInt64, UInt64) = (0, 0)
            var count = 0
            withUnsafeMutableBytes(of: &digits) { buffer in
                var remaining = UInt64(integer)
                while remaining > 0 {
                    buffer[15 - count] = UInt8(ascii: "0") + UInt8(remaining % 10)
                    remaining /= 10
                    count += 1
                }
                bytes.append(contentsOf: buffer[(16 - count)...])
            }
            return
        }
        append(Self.formatNumber(value))
    }

    /// The text of a sample value: integers without a fraction, `+Inf`/`-Inf`/`NaN`, others shortest round-trip.
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
