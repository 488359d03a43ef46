/// The shortest decimal digits that read back as a given double, for the values `description` writes
/// without an exponent (`1e-4 ≤ |value| < 2^53`): the text `description` gives, for less.
///
/// The standard library finds them for any double in ~1,000 instructions (its 128-bit arithmetic is
/// not inlined); a scrape of summaries and histogram sums writes several per series. `shortDecimal`
/// answers short decimals by scaling; `decimal` any value of the range: the value
/// `m · 2^e` and the bounds of the interval of reals that round to it (halfway to its neighbours,
/// inclusive when `m` is even, as round-half-even reading does) are scaled by `10^k` into 128-bit
/// integers, with `k` chosen so the value has 17 to 19 digits before the point; trailing digits are
/// then dropped while some integer still lies within the bounds, and of the integers left the one
/// nearest the value is taken (ties to even). This is the search every shortest-digits algorithm
/// makes; what lets it be this short is the range: `m · 10^k < 2^123` fits in 128 bits.
enum ShortestDigits {
    /// Digits and the place of the decimal point: the value is `digits / 10^decimals`, with
    /// `decimals ≥ 1` and `digits` not a multiple of 10.
    struct Decimal: Equatable {
        let digits: UInt64
        let decimals: Int
    }

    /// The shortest digits of `magnitude` (positive, finite, not an integer, in `1e-4 ..< 2^53`), or
    /// `nil` outside that range.
    static func decimal(of magnitude: Double) -> Decimal? {
        guard magnitude >= 0.0001, magnitude < 9_007_199_254_740_992, magnitude.rounded(.towardZero) != magnitude else {
            return nil
        }
        // `magnitude = m · 2^e`, `m` with its leading bit (normal numbers only in this range).
        let m = magnitude.significandBitPattern | (1 << 52)
        let e = Int(magnitude.exponentBitPattern) - 1075
        // k puts the value in 10^16 ..< 10^19 (the estimate of its decimal exponent may be one low).
        let k = 17 - decimalExponentEstimate(magnitude)
        guard k >= 0, k <= 21 else { return nil }
        let power = powerOfTen128(k)
        // Four times the value and its bounds, so the lower bound of a power of two (a quarter ulp
        // below, where the spacing halves) is an integer too.
        let isPowerOfTwo = magnitude.significandBitPattern == 0
        let center = UInt128(4 * m) * power
        let low = UInt128(4 * m - (isPowerOfTwo ? 1 : 2)) * power
        let high = UInt128(4 * m + 2) * power
        let shift = 2 - e  // 5 ... 68 in this range
        let inclusive = m % 2 == 0
        // The integers (of 10^-k) the bounds allow.
        var lowest = UInt64(truncatingIfNeeded: low >> shift)
        let lowFraction = low & ((1 << shift) - 1) != 0
        if lowFraction || !inclusive { lowest += 1 }
        var highest = UInt64(truncatingIfNeeded: high >> shift)
        let highFraction = high & ((1 << shift) - 1) != 0
        if !highFraction && !inclusive { highest -= 1 }
        // Drop trailing digits while a multiple of the coarser unit lies within the bounds.
        var dropped = 0
        var unit: UInt64 = 1
        while true {
            let coarserLowest = (lowest + 9) / 10
            let coarserHighest = highest / 10
            guard coarserLowest <= coarserHighest else { break }
            lowest = coarserLowest
            highest = coarserHighest
            dropped += 1
            unit &*= 10
        }
        var digits = lowest
        if lowest < highest {
            // More than one: the one nearest the value, center / (unit · 2^shift), rounded half to even.
            let denominator = UInt128(unit) << shift
            let (quotient, remainder) = center.quotientAndRemainder(dividingBy: denominator)
            digits = UInt64(truncatingIfNeeded: quotient)
            let twice = remainder << 1
            if twice > denominator || (twice == denominator && digits % 2 == 1) { digits += 1 }
            digits = Swift.min(Swift.max(digits, lowest), highest)
        }
        var decimals = k - dropped
        while digits % 10 == 0, decimals > 0 {
            digits /= 10
            decimals -= 1
        }
        guard decimals > 0 else { return nil }
        return Decimal(digits: digits, decimals: decimals)
    }

    /// The shortest digits of `magnitude` (positive, finite, not an integer) when they have at most
    /// nine decimals and `magnitude ≥ 1e-4`, found with a multiply and one or two divisions; `nil`
    /// otherwise, after a handful of instructions. Metrics often hold such values (`0.25`, `3.7`).
    ///
    /// With `magnitude · 10^j` (the most decimals `j ≤ 9` for which that stays below `2^52`) near an
    /// integer `n`, and `n / 10^j` reading back as `magnitude`, `n` without its trailing zeros is the
    /// shortest form: `n < 2^52` and `10^j` are exact doubles, so `Double(n) / 10^j` rounds once, to the
    /// double nearest `n / 10^j`, which is what reading the text gives; below `2^52` the doubles near
    /// `magnitude` are closer together than `10^-j`, so no other `n` reads back, and a shorter form
    /// `m / 10^i` would be the same `n` with trailing zeros.
    @inline(__always)
    static func shortDecimal(of magnitude: Double) -> Decimal? {
        let (scale, decimals): (Double, Int)
        if magnitude < 4_503_599.627_370_496 {
            (scale, decimals) = (1e9, 9)
        } else if magnitude < 4_503_599_627.370_496 {
            (scale, decimals) = (1e6, 6)
        } else {
            return nil
        }
        guard magnitude >= 0.0001 else { return nil }
        let scaled = magnitude * scale
        let truncated = Int64(scaled)
        // `magnitude` is within an ulp of `n / 10^j`, so `scaled` is within a few of `n`; anything
        // farther from an integer has more decimals.
        let distance = scaled - Double(truncated)
        let tolerance = scaled * 0x1p-49
        guard distance <= tolerance || distance >= 1 - tolerance else { return nil }
        var candidate = UInt64(truncated)
        if Double(candidate) / scale != magnitude {
            candidate += 1
            guard Double(candidate) / scale == magnitude else { return nil }
        }
        var shortest = decimals
        while candidate % 10 == 0, shortest > 0 {
            candidate /= 10
            shortest -= 1
        }
        return shortest > 0 ? Decimal(digits: candidate, decimals: shortest) : nil
    }

    /// `⌊log10(value)⌋` or one less, for `1e-4 ≤ value < 2^53`, never more: `⌊x · log10(2)⌋` for the
    /// binary exponent `x` (with `1233 / 4096` a little below `log10(2)`, which moves no result for the
    /// exponents of this range), raised to -4.
    private static func decimalExponentEstimate(_ value: Double) -> Int {
        let binaryExponent = Int(value.exponentBitPattern) - 1023
        return Swift.max(-4, (binaryExponent * 1233) >> 12)
    }

    private static func powerOfTen128(_ exponent: Int) -> UInt128 {
        exponent <= 19
            ? UInt128(DecimalDigits.powersOfTen[exponent])
            : UInt128(DecimalDigits.powersOfTen[19]) * UInt128(DecimalDigits.powersOfTen[exponent - 19])
    }
}
