/// Quantiles over a sliding time window: `slotCount` sketches, each covering `window / slotCount`.
///
/// A value goes into the current slot; a query merges the slots still inside the window, so the
/// estimate covers between `(slotCount - 1) / slotCount` of the window and the whole window.
struct SlidingWindowSketch: Sendable {
    private struct Slot: Sendable {
        var epoch: UInt64
        var sketch: QuantileSketch
    }

    private let slotNanos: UInt64
    private var slots: [Slot]

    init(windowNanos: UInt64, slotCount: Int) {
        slotNanos = Swift.max(1, windowNanos / UInt64(slotCount))
        slots = Array(repeating: Slot(epoch: .max, sketch: QuantileSketch()), count: slotCount)
    }

    /// The same window with no values.
    func emptied() -> SlidingWindowSketch {
        SlidingWindowSketch(slotNanos: slotNanos, slotCount: slots.count)
    }

    private init(slotNanos: UInt64, slotCount: Int) {
        self.slotNanos = slotNanos
        slots = Array(repeating: Slot(epoch: .max, sketch: QuantileSketch()), count: slotCount)
    }

    mutating func add(_ value: Double, nowNanos: UInt64) {
        let epoch = nowNanos / slotNanos
        let position = Int(epoch % UInt64(slots.count))
        if slots[position].epoch != epoch {
            slots[position] = Slot(epoch: epoch, sketch: QuantileSketch())
        }
        slots[position].sketch.add(value)
    }

    func quantiles(_ quantiles: [Double], nowNanos: UInt64) -> [Double] {
        let current = nowNanos / slotNanos
        var merged = QuantileSketch()
        for slot in slots where slot.epoch != .max && slot.epoch <= current && current - slot.epoch < UInt64(slots.count) {
            merged.merge(slot.sketch)
        }
        return quantiles.map { merged.quantile($0) }
    }
}
