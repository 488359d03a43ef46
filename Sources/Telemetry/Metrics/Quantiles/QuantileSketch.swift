#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A streaming quantile sketch with a relative-error guarantee and bounded memory (DDSketch).
///
/// Every estimate is within 1% of the true value at the requested rank, for values whose magnitude is
/// at least `minIndexableValue` (smaller ones are counted as zero). Each sign keeps at most `maxBins`
/// logarithmic bins, which covers more than 17 orders of magnitude at full accuracy. The smallest and
/// largest values are kept exactly: the extreme ranks are answered with them, and no estimate lies
/// outside them (a window of one value answers that value).
struct QuantileSketch: Sendable {
    /// The guaranteed relative accuracy; a hair under 1% so float rounding never crosses 1%.
    static let relativeAccuracy = 0.0099
    /// Magnitudes below this are counted as zero.
    static let minIndexableValue = 1e-9
    /// The bin budget per sign.
    static let maxBins = 2048

    private static let gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy)
    private static let inverseLogGamma = 1 / log(gamma)

    private var positive = LogarithmicBinStore(maxBins: maxBins)
    private var negative = LogarithmicBinStore(maxBins: maxBins)
    private var zeroCount: UInt64 = 0
    private var minimum = Double.infinity
    private var maximum = -Double.infinity

    /// The number of values added.
    var count: UInt64 { positive.total &+ negative.total &+ zeroCount }

    /// Adds a finite value.
    mutating func add(_ value: Double) {
        minimum = Swift.min(minimum, value)
        maximum = Swift.max(maximum, value)
        let magnitude = Swift.abs(value)
        if magnitude < Self.minIndexableValue {
            zeroCount &+= 1
        } else if value > 0 {
            positive.add(index: Self.index(of: magnitude))
        } else {
            negative.add(index: Self.index(of: magnitude))
        }
    }

    mutating func merge(_ other: QuantileSketch) {
        positive.merge(other.positive)
        negative.merge(other.negative)
        zeroCount &+= other.zeroCount
        minimum = Swift.min(minimum, other.minimum)
        maximum = Swift.max(maximum, other.maximum)
    }

    /// The value at rank `q * (count - 1)`, or NaN when the sketch is empty.
    func quantile(_ q: Double) -> Double {
        let total = count
        guard total > 0 else { return .nan }
        let rank = UInt64((Swift.min(Swift.max(q, 0), 1) * Double(total - 1)).rounded(.down))
        if rank == 0 { return minimum }
        if rank == total - 1 { return maximum }
        return Swift.min(Swift.max(estimate(rank: rank), minimum), maximum)
    }

    private func estimate(rank: UInt64) -> Double {
        var seen: UInt64 = 0
        // Most negative values first: highest magnitude index of the negative store.
        if let index = negative.firstDescending(where: { _, count in
            seen &+= count
            return seen > rank
        }) {
            return -Self.value(at: index)
        }
        seen &+= zeroCount
        if seen > rank { return 0 }
        if let index = positive.firstAscending(where: { _, count in
            seen &+= count
            return seen > rank
        }) {
            return Self.value(at: index)
        }
        return .nan
    }

    private static func index(of magnitude: Double) -> Int {
        Int((log(magnitude) * inverseLogGamma).rounded(.up))
    }

    private static func value(at index: Int) -> Double {
        2 * pow(gamma, Double(index)) / (gamma + 1)
    }
}
