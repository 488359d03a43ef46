/// The text of fractions a render found with a general shortest-digits search (`ShortestDigits.decimal`
/// or, for the forms with an exponent, the standard library's), kept by value in a small direct-mapped
/// table.
///
/// Those searches cost ~270 and ~1,000 instructions a number, and a scrape repeats many values: a
/// summary's quantile estimates are the midpoints of its sketch's bins, which every series of a family
/// shares. A lookup is a multiply, a shift and a compare; a value not kept costs that and a copy.
struct FractionTexts: ~Copyable {
    /// Slots in the table (a power of two).
    static let slotCount = 512
    /// Room for one text; `description` writes at most 24 characters.
    static let slotSize = 32

    /// Allocated on first use: most scrapes write few fractions.
    private var bits: UnsafeMutablePointer<UInt64>?
    private var lengths: UnsafeMutablePointer<UInt8>?
    private var texts: UnsafeMutableRawPointer?

    init() {}

    deinit {
        bits?.deallocate()
        lengths?.deallocate()
        texts?.deallocate()
    }

    /// The kept text of `value`, valid until the next `keep`; `nil` when not kept.
    @inline(__always)
    func text(of value: Double) -> UnsafeRawBufferPointer? {
        guard let bits, let lengths, let texts else { return nil }
        let slot = Self.slot(of: value)
        // Zero bits are never kept (`0` is written as an integer), so an empty slot matches nothing.
        guard bits[slot] == value.bitPattern, value.bitPattern != 0 else { return nil }
        return UnsafeRawBufferPointer(start: texts + slot * Self.slotSize, count: Int(lengths[slot]))
    }

    /// Keeps `text` as the text of `value`, replacing what its slot held, unless it is longer than a slot.
    mutating func keep(_ value: Double, text: UnsafeRawBufferPointer) {
        guard text.count <= Self.slotSize, let source = text.baseAddress else { return }
        if bits == nil {
            let allocated = UnsafeMutablePointer<UInt64>.allocate(capacity: Self.slotCount)
            allocated.initialize(repeating: 0, count: Self.slotCount)
            bits = allocated
            lengths = .allocate(capacity: Self.slotCount)
            texts = .allocate(byteCount: Self.slotCount * Self.slotSize, alignment: 8)
        }
        guard let bits, let lengths, let texts else { return }
        let slot = Self.slot(of: value)
        (texts + slot * Self.slotSize).copyMemory(from: source, byteCount: text.count)
        lengths[slot] = UInt8(text.count)
        bits[slot] = value.bitPattern
    }

    /// The slot of `value`: the top bits of its bit pattern times an odd constant (Fibonacci hashing).
    @inline(__always)
    private static func slot(of value: Double) -> Int {
        Int(truncatingIfNeeded: (value.bitPattern &* 0x9E37_79B9_7F4A_7C15) >> 55)
    }
}
