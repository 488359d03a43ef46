/// The text of the last few `le`/`quantile` values a render wrote, in one fixed block of memory.
///
/// Every series of a histogram or summary family repeats the same bounds in the same order, and
/// formatting a fraction (`0.005`) costs more than writing the rest of its line. A lookup starts at the
/// slot after the last one found, so a family's bounds in order are found at the first comparison, and
/// reads nothing that is reference counted (an array of arrays retained each text it compared).
struct ExtraLabelTexts: ~Copyable {
    /// How many values are kept; the oldest is replaced first.
    static let slotCount = 32
    /// Room for one value's text; longer texts (none that `formatNumber` writes) are not kept.
    static let slotSize = 32

    private let bits: UnsafeMutablePointer<UInt64>
    private let lengths: UnsafeMutablePointer<Int>
    private let texts: UnsafeMutableRawPointer
    private var used = 0
    private var nextReplaced = 0
    private var lastFound = 0

    init() {
        bits = .allocate(capacity: Self.slotCount)
        lengths = .allocate(capacity: Self.slotCount)
        texts = .allocate(byteCount: Self.slotCount * Self.slotSize, alignment: 8)
    }

    deinit {
        bits.deallocate()
        lengths.deallocate()
        texts.deallocate()
    }

    /// Calls `body` with the text of `value` (as `format` writes it), formatting it only when it is not kept.
    mutating func withText(of value: Double, format: (Double) -> String, _ body: (UnsafeRawBufferPointer) -> Void) {
        let wanted = value.bitPattern
        var slot = lastFound + 1 < used ? lastFound + 1 : 0
        for _ in 0..<used {
            if bits[slot] == wanted {
                lastFound = slot
                return body(UnsafeRawBufferPointer(start: texts + slot * Self.slotSize, count: lengths[slot]))
            }
            slot = slot + 1 < used ? slot + 1 : 0
        }
        var text = format(value)
        text.withUTF8 { utf8 in
            if utf8.count <= Self.slotSize, let source = utf8.baseAddress { keep(wanted, source, utf8.count) }
            body(UnsafeRawBufferPointer(utf8))
        }
    }

    private mutating func keep(_ wanted: UInt64, _ source: UnsafePointer<UInt8>, _ length: Int) {
        let slot: Int
        if used < Self.slotCount {
            slot = used
            used += 1
        } else {
            slot = nextReplaced
            nextReplaced = (nextReplaced + 1) % Self.slotCount
        }
        (texts + slot * Self.slotSize).copyMemory(from: source, byteCount: length)
        bits[slot] = wanted
        lengths[slot] = length
        lastFound = slot
    }
}
