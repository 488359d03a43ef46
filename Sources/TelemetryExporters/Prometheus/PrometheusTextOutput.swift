import Telemetry

/// A byte buffer with the escaping and number formatting rules of the Prometheus text formats.
///
/// Written for speed: each sample line reserves its room once and is then written through a raw
/// pointer; label sets come pre-rendered per series (`MetricPoint.exposedLabels`), sample names are
/// converted to bytes once per family, and integers are formatted in place.
struct PrometheusTextOutput: ~Copyable {
    /// The longest text `appendNumber` writes: a sign and 17 significant digits with exponent, or 15 digits.
    private static let maxNumberLength = 32
    let format: PrometheusFormat
    private var writer: ByteWriter
    /// The text of the last few `le`/`quantile` values: every series of a family repeats the same bounds.
    private var extraTexts = ExtraLabelTexts()

    init(format: PrometheusFormat, capacity: Int) {
        self.format = format
        writer = ByteWriter(capacity: capacity)
    }

    /// The rendered bytes.
    consuming func finish() -> [UInt8] {
        writer.finish()
    }

    /// The rendered text.
    consuming func finishText() -> String {
        writer.finishText()
    }

    mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { writer.append(UnsafeRawBufferPointer($0)) }
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

    /// One sample line of the point at `point`, read where it is (copying a point out of its array
    /// retains and releases its labels, which costs as much as writing the line): `name{labels} value`,
    /// with an optional extra label (`le`, `quantile`) last.
    mutating func sample(
        _ name: [UInt8], _ point: UnsafePointer<MetricPoint>, _ value: Double, extra: (name: StaticString, value: Double)? = nil
    ) {
        guard let exposed = point.pointee.seriesLabels.exposedBytes else {
            sampleEscapingLabels(name, point.pointee, value, extra: extra)
            return
        }
        sample(name, exposedLabels: exposed, value, extra: extra)
    }

    /// One sample line from labels already in exposition syntax (`nil`: no labels).
    mutating func sample(_ name: [UInt8], exposedLabels: UnsafeRawBufferPointer?, _ value: Double) {
        sample(name, exposedLabels: exposedLabels ?? UnsafeRawBufferPointer(start: nil, count: 0), value, extra: nil)
    }

    private mutating func sample(
        _ name: [UInt8], exposedLabels exposed: UnsafeRawBufferPointer, _ value: Double,
        extra: (name: StaticString, value: Double)?
    ) {
        let extraLength: Int = extra?.name.utf8CodeUnitCount ?? 0
        writer.reserve(name.count + exposed.count + extraLength + 2 * Self.maxNumberLength + 8)
        name.withUnsafeBytes { writer.put($0) }
        if !exposed.isEmpty || extra != nil {
            writer.put(UInt8(ascii: "{"))
            writer.put(exposed)
            if let extra { putExtra(extra, first: exposed.isEmpty) }
            writer.put(UInt8(ascii: "}"))
        }
        writer.put(UInt8(ascii: " "))
        putNumber(value)
        writer.put(UInt8(ascii: "\n"))
    }

    /// A sample whose labels were not pre-rendered (points built outside a collector).
    private mutating func sampleEscapingLabels(
        _ name: [UInt8], _ point: MetricPoint, _ value: Double, extra: (name: StaticString, value: Double)?
    ) {
        writer.append(name)
        if !point.labels.isEmpty || extra != nil {
            append("{")
            for (index, label) in point.labels.enumerated() {
                if index > 0 { append(",") }
                append(label.name)
                append("=\"")
                appendEscaped(label.value, quotes: true)
                append("\"")
            }
            if let extra {
                writer.reserve(extra.name.utf8CodeUnitCount + Self.maxNumberLength + 4)
                putExtra(extra, first: point.labels.isEmpty)
            }
            append("}")
        }
        writer.reserve(Self.maxNumberLength + 2)
        writer.put(UInt8(ascii: " "))
        putNumber(value)
        writer.put(UInt8(ascii: "\n"))
    }

    /// `,le="0.5"`; room must have been reserved.
    private mutating func putExtra(_ extra: (name: StaticString, value: Double), first: Bool) {
        if !first { writer.put(UInt8(ascii: ",")) }
        extra.name.withUTF8Buffer { writer.put(UnsafeRawBufferPointer($0)) }
        writer.put(UInt8(ascii: "="))
        writer.put(UInt8(ascii: "\""))
        extraTexts.withText(of: extra.value, format: Self.formatNumber) { writer.put($0) }
        writer.put(UInt8(ascii: "\""))
    }

    /// Escapes `\` and newlines (and `"` when `quotes`), as label values and help texts require.
    private mutating func appendEscaped(_ text: String, quotes: Bool) {
        var text = text
        text.withUTF8 { utf8 in
            // At most two bytes out per byte in.
            writer.reserve(utf8.count * 2)
            for byte in utf8 {
                switch byte {
                case UInt8(ascii: "\\"): writer.put(UInt8(ascii: "\\")); writer.put(UInt8(ascii: "\\"))
                case UInt8(ascii: "\n"): writer.put(UInt8(ascii: "\\")); writer.put(UInt8(ascii: "n"))
                case UInt8(ascii: "\"") where quotes: writer.put(UInt8(ascii: "\\")); writer.put(UInt8(ascii: "\""))
                default: writer.put(byte)
                }
            }
        }
    }

    /// Integers without a fraction, `+Inf`/`-Inf`/`NaN`, other values in shortest round-trip form;
    /// room (`maxNumberLength`) must have been reserved.
    private mutating func putNumber(_ value: Double) {
        if value.rounded(.towardZero) == value, abs(value) < 1e15 {
            var integer = Int64(value)
            if integer < 0 {
                writer.put(UInt8(ascii: "-"))
                integer = -integer
            }
            var digits: (UInt64, UInt64) = (0, 0)
            var count = 0
            withUnsafeMutableBytes(of: &digits) { buffer in
                var remaining = UInt64(integer)
                repeat {
                    buffer[15 - count] = UInt8(ascii: "0") + UInt8(remaining % 10)
                    remaining /= 10
                    count += 1
                } while remaining > 0
                writer.put(UnsafeRawBufferPointer(rebasing: buffer[(16 - count)...]))
            }
            return
        }
        guard value.isFinite else {
            var text = Self.formatNumber(value)
            text.withUTF8 { writer.put(UnsafeRawBufferPointer($0)) }
            return
        }
        // The standard library's shortest round-trip digits (what `description` gives), written straight
        // into the line: a fraction's `String` would take an allocation beyond 15 characters.
        writer.putInPlace(limit: Self.maxNumberLength) { room in
            var digits = NumberDigits(room: room)
            value.write(to: &digits)
            return digits.count
        }
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

/// Takes one number's characters from `Double.write(to:)` into the room reserved for it in the line
/// (at most 24 characters; more than the room holds are cut, which `maxNumberLength` rules out).
private struct NumberDigits: TextOutputStream {
    let room: UnsafeMutableRawBufferPointer
    private(set) var count = 0

    init(room: UnsafeMutableRawBufferPointer) {
        self.room = room
    }

    mutating func write(_ string: String) {
        var string = string
        string.withUTF8 { _writeASCII($0) }
    }

    /// What `Double.write(to:)` calls with its digits; a `String` is made only for streams without it.
    mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) {
        let length = Swift.min(buffer.count, room.count - count)
        guard length > 0, let source = buffer.baseAddress, let target = room.baseAddress else { return }
        (target + count).copyMemory(from: source, byteCount: length)
        count += length
    }
}
