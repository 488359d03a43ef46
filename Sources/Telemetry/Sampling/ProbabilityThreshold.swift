/// OpenTelemetry consistent probability sampling: 56-bit randomness compared with a rejection threshold.
///
/// A span is sampled when `randomness >= threshold`, where `threshold = (1 - p) × 2^56`. The
/// threshold is written to trace state as `th:` followed by up to 14 hex digits without trailing zeros.
enum ProbabilityThreshold {
    /// 2^56, the size of the randomness space.
    static let maxThreshold: UInt64 = 1 << 56

    /// The rejection threshold for sampling probability `p` in (0, 1].
    static func rejectionThreshold(forProbability p: Double) -> UInt64 {
        // p × 2^56 is exact to the unit below 2^53; (1 - p) × 2^56 would lose the low bits.
        let accepted = UInt64(min(Double(maxThreshold), max(0, (p * Double(maxThreshold)).rounded())))
        return min(maxThreshold - 1, maxThreshold - accepted)
    }

    /// The 56 bits of randomness: `ot=rv:` from trace state when valid, else the trace id's low 56 bits.
    static func randomness(traceID: TraceID, traceState: String) -> UInt64 {
        if let explicit = TraceState.openTelemetryValue("rv", in: traceState), explicit.utf8.count == 14,
            let value = UInt64(explicit, radix: 16)
        {
            return value
        }
        return traceID.low & (maxThreshold - 1)
    }

    /// `th` encoding: 14 hex digits with trailing zeros removed; `0` for a zero threshold.
    static func encode(_ threshold: UInt64) -> String {
        guard threshold > 0 else { return "0" }
        var digits = String(threshold, radix: 16)
        digits = String(repeating: "0", count: 14 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return digits
    }

    /// Parses a `th` value back to a threshold; `nil` when invalid.
    static func decode(_ text: String) -> UInt64? {
        guard (1...14).contains(text.utf8.count), let value = UInt64(text, radix: 16) else { return nil }
        return value << (4 * UInt64(14 - text.utf8.count))
    }
}
