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
    /// The longest text `appendNumber` writes: a sign and 17 significant digits with exponent, or 15 digits.
    private static let maxNumberLength = 32
    /// The longest extra label `putExtra` writes: `,quantile=""` and a number.
    private static let maxExtraLength = 12 + maxNumberLength
    let format: PrometheusFormat
    private var writer: ByteWriter
    /// The text of the last few `le`/`quantile` values: every series of a family repeats the same bounds.
    private var extraTexts = ExtraLabelTexts()
    /// The text of fractions written so far that took the standard library's general algorithm.
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
        if putShortDecimal(value) { return }
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
        // The standard library's shortest round-trip digits (what `description` gives) for the rest (the
        // forms with an exponent), written straight into the line: a fraction's `String` would take an
        // allocation beyond 15 characters.
        writer.putInPlace(limit: Self.maxNumberLength) { room in
            var digits = NumberDigits(room: room)
            value.write(to: &digits)
            return digits.count
        }
        fractionTexts.keep(value, text: writer.written(from: start))
    }

    /// Writes a fraction of at most nine decimals the way `description` writes it (shortest round-trip
    /// digits, no exponent from `1e-4` on), and returns whether it did: the standard library's general
    /// algorithm costs ~1,000 instructions a number, this a few dozen for the short decimals metrics
    /// often hold (`0.25`, `3.7`, `1234.56`), and a handful to give up on any other value.
    ///
    /// With `value · 10^j` (the most decimals `j ≤ 9` for which that stays below `2^52`) near an integer
    /// `n`, and `n / 10^j` parsing back to `value`, `n` without its trailing zeros is the shortest form:
    /// `n < 2^52` and `10^j` are exact doubles, so `Double(n) / 10^j` rounds once, to the double nearest
    /// `n / 10^j`, which is what parsing the text gives; below `2^52` the doubles near `value` are closer
    /// together than `10^-j`, so no other `n` parses back, and a shorter form `m / 10^i` would be the
    /// same `n` with trailing zeros.
    @inline(__always)
    private mutating func putShortDecimal(_ value: Double) -> Bool {
        let magnitude = abs(value)
        let (scale, decimals): (Double, Int)
        if magnitude < 4_503_599.627_370_496 {
            (scale, decimals) = (1e9, 9)
        } else if magnitude < 4_503_599_627.370_496 {
            (scale, decimals) = (1e6, 6)
        } else {
            return false
        }
        guard magnitude >= 0.0001 else { return false }
        let scaled = magnitude * scale
        let truncated = Int64(scaled)
        // `value` is within an ulp of `n / 10^j`, so `scaled` is within a few of `n`; anything farther
        // from an integer has more decimals.
        let distance = scaled - Double(truncated)
        let tolerance = scaled * 0x1p-49
        guard distance <= tolerance || distance >= 1 - tolerance else { return false }
        var candidate = UInt64(truncated)
        if Double(candidate) / scale != magnitude {
            candidate += 1
            guard Double(candidate) / scale == magnitude else { return false }
        }
        var shortest = decimals
        while candidate % 10 == 0, shortest > 0 {
            candidate /= 10
            shortest -= 1
        }
        guard shortest > 0 else { return false }  // an integer: written by the caller's integer path
        if value < 0 { writer.put(UInt8(ascii: "-")) }
        putDecimal(candidate, decimals: shortest)
        return true
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
