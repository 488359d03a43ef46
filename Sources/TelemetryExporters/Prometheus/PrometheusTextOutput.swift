import Telemetry

/// Where a sample line's labels come from.
enum SampleLabels {
    /// Labels already in exposition syntax (`nil`: no labels).
    case exposed(UnsafeRawBufferPointer?)
    /// A point's labels, read where the point is (copying a point out of its array retains and releases
    /// its labels, which costs as much as writing the line); escaped when the point has no exposition bytes.
    case point(UnsafePointer<MetricPoint>)
}

/// A byte buffer with the escaping and number formatting rules of the Prometheus text formats.
///
/// Written for speed: each sample line reserves its room once and is then written through a raw
/// pointer; label sets come pre-rendered per series (`MetricPoint.exposedLabels`), sample names are
/// converted to bytes once per family, and integers are formatted in place.
struct PrometheusTextOutput: ~Copyable {
    /// Room for the longest text `putNumber` writes: a sign and 17 significant digits with an exponent, or a
    /// sign and at most 23 characters of plain decimal (`0.` and 21 decimals).
    private static let maxNumberLength = 32
    /// The longest extra label `putExtra` writes: `,quantile=""` and a number.
    private static let maxExtraLength = 12 + maxNumberLength
    let format: PrometheusFormat
    private var writer: ByteWriter
    /// The text of the last few `le`/`quantile` values: every series of a family repeats the same bounds.
    private var extraTexts = ExtraLabelTexts()
    /// The text of fractions written so far that took a general shortest-digits search (`FractionTexts`);
    /// apart from `extraTexts`, so the many values a scrape writes once do not push out its few bounds.
    private var fractionTexts = FractionTexts()

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

    /// One sample line: `name{labels} value`, with an optional extra label (`le`, `quantile`) last.
    mutating func sample(
        _ name: [UInt8], _ labels: SampleLabels, _ value: Double, extra: (label: ExtraLabel, value: Double)? = nil
    ) {
        switch labels {
        case .exposed(let exposed):
            sample(name, exposedLabels: exposed ?? UnsafeRawBufferPointer(start: nil, count: 0), value, extra: extra)
        case .point(let point):
            guard let exposed = point.pointee.seriesLabels.exposedBytes else {
                sampleEscapingLabels(name, point.pointee, value, extra: extra)
                return
            }
            sample(name, exposedLabels: exposed, value, extra: extra)
        }
    }

    private mutating func sample(
        _ name: [UInt8], exposedLabels exposed: UnsafeRawBufferPointer, _ value: Double,
        extra: (label: ExtraLabel, value: Double)?
    ) {
        writer.reserve(name.count + exposed.count + Self.maxNumberLength + 4 + (extra == nil ? 0 : Self.maxExtraLength))
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
        _ name: [UInt8], _ point: MetricPoint, _ value: Double, extra: (label: ExtraLabel, value: Double)?
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
                writer.reserve(Self.maxExtraLength)
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
    private mutating func putExtra(_ extra: (label: ExtraLabel, value: Double), first: Bool) {
        if !first { writer.put(UInt8(ascii: ",")) }
        if let kept = extraTexts.text(extra.label, extra.value) {
            writer.put(kept)
            return
        }
        var text = extra.label.name + "=\"" + Self.formatNumber(extra.value) + "\""
        text.withUTF8 { utf8 in
            let bytes = UnsafeRawBufferPointer(utf8)
            writer.put(bytes)
            extraTexts.keep(extra.label, extra.value, text: bytes)
        }
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
        // A truncating conversion and a compare, where `rounded(.towardZero)` is a call to `trunc`.
        if abs(value) < 1e15, Double(Int64(value)) == value {
            let integer = Int64(value)
            if integer < 0 { writer.put(UInt8(ascii: "-")) }
            putDigits(integer.magnitude)
            return
        }
        guard value.isFinite else {
            var text = Self.formatNumber(value)
            text.withUTF8 { writer.put(UnsafeRawBufferPointer($0)) }
            return
        }
        // Cheapest first: a short decimal (a multiply and a compare or two), a fraction written before in
        // this scrape (a table lookup), the exact search (~270 instructions), and for the forms with an
        // exponent the standard library's (~1,000), all giving the text `description` gives.
        if let decimal = ShortestDigits.shortDecimal(of: abs(value)) {
            if value < 0 { writer.put(UInt8(ascii: "-")) }
            putDecimal(decimal.digits, decimals: decimal.decimals)
            return
        }
        if let kept = fractionTexts.text(of: value) {
            writer.put(kept)
            return
        }
        let start = writer.count
        if let decimal = ShortestDigits.decimal(of: abs(value)) {
            if value < 0 { writer.put(UInt8(ascii: "-")) }
            putDecimal(decimal.digits, decimals: decimal.decimals)
            fractionTexts.keep(value, text: writer.written(from: start))
            return
        }
        // Written straight into the line: a fraction's `String` would take an allocation beyond 15 characters.
        writer.putInPlace(limit: Self.maxNumberLength) { room in
            var digits = NumberDigits(room: room)
            value.write(to: &digits)
            return digits.count
        }
        fractionTexts.keep(value, text: writer.written(from: start))
    }

    /// `digits / 10^decimals` in plain decimal notation (`0.00012`, `1234.5`); `decimals` at least 1.
    @inline(__always)
    private mutating func putDecimal(_ digits: UInt64, decimals: Int) {
        let integerLength = Swift.max(DecimalDigits.count(digits) - decimals, 1)
        let total = integerLength + 1 + decimals
        writer.putInPlace(limit: total) { room in
            guard let base = room.baseAddress else { return 0 }
            let integerPart = DecimalDigits.write(digits, count: decimals, endingAt: base + total)
            base.storeBytes(of: UInt8(ascii: "."), toByteOffset: integerLength, as: UInt8.self)
            _ = DecimalDigits.write(integerPart, count: integerLength, endingAt: base + integerLength)
            return total
        }
    }

    /// The decimal digits of `magnitude`, written straight into the reserved room.
    @inline(__always)
    private mutating func putDigits(_ magnitude: UInt64) {
        let length = DecimalDigits.count(magnitude)
        writer.putInPlace(limit: length) { room in
            guard let base = room.baseAddress else { return 0 }
            _ = DecimalDigits.write(magnitude, count: length, endingAt: base + length)
            return length
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
