/// Quantiles over a sliding time window: `slotCount` sketches, each covering `window / slotCount`.
///
/// A value goes into the current slot; a query merges the slots still inside the window, so the
/// estimate covers between `(slotCount - 1) / slotCount` of the window and the whole window. The last
/// answer is kept until a value is added or the window moves on, so scraping a series that did not
/// change merges nothing.
struct SlidingWindowSketch: Sendable {
    /// The last answer: for these quantiles, in this slot epoch.
    private struct Answer: Sendable {
        let epoch: UInt64
        let quantiles: [Double]
        let values: [QuantileValue]
    }

    private struct Slot: Sendable {
        var epoch: UInt64
        var sketch: QuantileSketch
    }

    private let slotNanos: UInt64
    private var slots: [Slot]
    private var lastAnswer: Answer?

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
        lastAnswer = nil
    }

    /// The estimate of each of `quantiles` over the window as it stands at `nowNanos`.
    mutating func quantiles(_ quantiles: [Double], nowNanos: UInt64) -> [QuantileValue] {
        let current = nowNanos / slotNanos
        if let lastAnswer, lastAnswer.epoch == current, lastAnswer.quantiles == quantiles { return lastAnswer.values }
        var merged = QuantileSketch()
        for slot in slots where slot.epoch != .max && slot.epoch <= current && current - slot.epoch < UInt64(slots.count) {
            merged.merge(slot.sketch)
        }
        let values = quantiles.map { QuantileValue(quantile: $0, value: merged.quantile($0)) }
        lastAnswer = Answer(epoch: current, quantiles: quantiles, values: values)
        return values
    }
}
