/// The label a histogram bucket or summary quantile line adds after the series' labels.
enum ExtraLabel: UInt8 {
    /// A histogram bucket's upper bound.
    case le
    /// A summary's quantile.
    case quantile

    /// The label name.
    var name: String {
        switch self {
        case .le: "le"
        case .quantile: "quantile"
        }
    }
}

/// The text of the last few `le="…"`/`quantile="…"` labels a render wrote, in one fixed block of memory.
///
/// Every series of a histogram or summary family repeats the same bounds in the same order, and
/// formatting a fraction (`0.005`) costs more than writing the rest of its line. A lookup starts at the
/// slot after the last one found, so a family's bounds in order are found at the first comparison, and
/// reads nothing that is reference counted (an array of arrays retained each text it compared).
struct ExtraLabelTexts: ~Copyable {
    /// How many labels are kept; the oldest is replaced first.
    static let slotCount = 32
    /// Room for one label's text (`quantile="` and a 24-character number fit); longer ones are not kept.
    static let slotSize = 48

    private let bits: UnsafeMutablePointer<UInt64>
    private let labels: UnsafeMutablePointer<ExtraLabel>
    private let lengths: UnsafeMutablePointer<Int>
    private let texts: UnsafeMutableRawPointer
    private var used = 0
    private var nextReplaced = 0
    private var lastFound = 0

    init() {
        bits = .allocate(capacity: Self.slotCount)
        labels = .allocate(capacity: Self.slotCount)
        lengths = .allocate(capacity: Self.slotCount)
        texts = .allocate(byteCount: Self.slotCount * Self.slotSize, alignment: 8)
    }

    deinit {
        bits.deallocate()
        labels.deallocate()
        lengths.deallocate()
        texts.deallocate()
    }

    /// The kept text of `label` with `value` (`le="0.5"`), valid until the next `keep`; `nil` if not kept.
    @inline(__always)
    mutating func text(_ label: ExtraLabel, _ value: Double) -> UnsafeRawBufferPointer? {
        let wanted = value.bitPattern
        var slot = lastFound + 1 < used ? lastFound + 1 : 0
        for _ in 0..<used {
            if bits[slot] == wanted, labels[slot] == label {
                lastFound = slot
                return UnsafeRawBufferPointer(start: texts + slot * Self.slotSize, count: lengths[slot])
            }
            slot = slot + 1 < used ? slot + 1 : 0
        }
        return nil
    }

    /// Keeps `text` as the text of `label` with `value`, unless it is longer than a slot.
    mutating func keep(_ label: ExtraLabel, _ value: Double, text: UnsafeRawBufferPointer) {
        guard text.count <= Self.slotSize, let source = text.baseAddress else { return }
        let slot: Int
        if used < Self.slotCount {
            slot = used
            used += 1
        } else {
            slot = nextReplaced
            nextReplaced = (nextReplaced + 1) % Self.slotCount
        }
        (texts + slot * Self.slotSize).copyMemory(from: source, byteCount: text.count)
        bits[slot] = value.bitPattern
        labels[slot] = label
        lengths[slot] = text.count
        lastFound = slot
    }
}
