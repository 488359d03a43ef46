/// Random trace and span ids from a fast generator (xoshiro256**) seeded from the system's randomness.
///
/// Every bit of a trace id is random, so its low 56 bits can drive consistent ratio sampling
/// (W3C Trace Context level 2 "random" flag).
final class SpanIDGenerator: Sendable {
    private let state: LockedValue<Xoshiro256StarStar>

    init() {
        var system = SystemRandomNumberGenerator()
        state = LockedValue(Xoshiro256StarStar(seededFrom: &system))
    }

    func traceID() -> TraceID {
        state.withLock { TraceID.random(using: &$0) }
    }

    func spanID() -> SpanID {
        state.withLock { SpanID.random(using: &$0) }
    }
}

/// The xoshiro256** generator: fast, 256 bits of state, good statistical quality; not for cryptography.
struct Xoshiro256StarStar: RandomNumberGenerator, Sendable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    init(seededFrom source: inout some RandomNumberGenerator) {
        repeat {
            (s0, s1, s2, s3) = (source.next(), source.next(), source.next(), source.next())
        } while s0 | s1 | s2 | s3 == 0
    }

    mutating func next() -> UInt64 {
        let result = (s1 &* 5).rotatedLeft(by: 7) &* 9
        let shifted = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= shifted
        s3 = s3.rotatedLeft(by: 45)
        return result
    }
}

extension UInt64 {
    fileprivate func rotatedLeft(by amount: UInt64) -> UInt64 {
        (self << amount) | (self >> (64 - amount))
    }
}
