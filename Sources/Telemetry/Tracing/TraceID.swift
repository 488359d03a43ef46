/// A 16-byte trace identifier; prints as 32 lowercase hex digits.
public struct TraceID: Sendable, Hashable, CustomStringConvertible {
    /// The first 8 bytes, big-endian.
    public let high: UInt64
    /// The last 8 bytes, big-endian.
    public let low: UInt64

    /// Creates an identifier from its two big-endian halves.
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// Creates an identifier from exactly 16 bytes; `nil` for any other length.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 16 else { return nil }
        high = HexCoding.bigEndianWord(bytes.prefix(8))
        low = HexCoding.bigEndianWord(bytes.dropFirst(8))
    }

    /// Parses 32 hex digits (either case); `nil` for anything else.
    public init?(hex: some StringProtocol) {
        guard hex.utf8.count == 32, let high = HexCoding.word(hex.utf8.prefix(16)),
            let low = HexCoding.word(hex.utf8.dropFirst(16))
        else { return nil }
        self.init(high: high, low: low)
    }

    /// A random identifier, never all zeros.
    public static func random() -> TraceID {
        var generator = SystemRandomNumberGenerator()
        return random(using: &generator)
    }

    /// A random identifier from `generator`, never all zeros.
    public static func random(using generator: inout some RandomNumberGenerator) -> TraceID {
        while true {
            let id = TraceID(high: generator.next(), low: generator.next())
            if id.isValid { return id }
        }
    }

    /// False for the all-zero identifier, which W3C Trace Context and OTLP treat as invalid.
    public var isValid: Bool { high != 0 || low != 0 }

    /// The 16 bytes, big-endian.
    public var bytes: [UInt8] { HexCoding.bytes(high) + HexCoding.bytes(low) }

    /// 32 lowercase hex digits.
    public var description: String { HexCoding.hex(high) + HexCoding.hex(low) }
}

/// An 8-byte span identifier; prints as 16 lowercase hex digits.
public struct SpanID: Sendable, Hashable, CustomStringConvertible {
    /// The 8 bytes as a big-endian integer.
    public let value: UInt64

    /// Creates an identifier from its big-endian integer value.
    public init(_ value: UInt64) {
        self.value = value
    }

    /// Creates an identifier from exactly 8 bytes; `nil` for any other length.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 8 else { return nil }
        value = HexCoding.bigEndianWord(bytes)
    }

    /// Parses 16 hex digits (either case); `nil` for anything else.
    public init?(hex: some StringProtocol) {
        guard hex.utf8.count == 16, let value = HexCoding.word(hex.utf8) else { return nil }
        self.value = value
    }

    /// A random identifier, never all zeros.
    public static func random() -> SpanID {
        var generator = SystemRandomNumberGenerator()
        return random(using: &generator)
    }

    /// A random identifier from `generator`, never all zeros.
    public static func random(using generator: inout some RandomNumberGenerator) -> SpanID {
        while true {
            let value: UInt64 = generator.next()
            if value != 0 { return SpanID(value) }
        }
    }

    /// False for the all-zero identifier.
    public var isValid: Bool { value != 0 }

    /// The 8 bytes, big-endian.
    public var bytes: [UInt8] { HexCoding.bytes(value) }

    /// 16 lowercase hex digits.
    public var description: String { HexCoding.hex(value) }
}

/// Hex and big-endian conversions for identifiers.
enum HexCoding {
    private static let digits = Array("0123456789abcdef".utf8)

    static func hex(_ value: UInt64) -> String {
        String(unsafeUninitializedCapacity: 16) { buffer in
            for position in 0..<16 {
                buffer[position] = digits[Int((value >> UInt64(60 - 4 * position)) & 0xF)]
            }
            return 16
        }
    }

    static func word(_ hexDigits: some Collection<UInt8>) -> UInt64? {
        var value: UInt64 = 0
        for digit in hexDigits {
            guard let nibble = nibble(digit) else { return nil }
            value = value << 4 | UInt64(nibble)
        }
        return value
    }

    static func bigEndianWord(_ bytes: some Collection<UInt8>) -> UInt64 {
        bytes.reduce(0) { $0 << 8 | UInt64($1) }
    }

    static func bytes(_ value: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> UInt64(56 - 8 * $0)) }
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
