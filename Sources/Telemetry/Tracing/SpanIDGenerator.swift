import Synchronization

/// Random trace and span ids without a lock: SplitMix64 over an atomic counter seeded from the system's
/// randomness. Each call is one atomic add and a few multiplications; the output is a bijection of the
/// counter, so ids never repeat within a process, and every bit is well mixed (the low 56 bits of a trace
/// id drive consistent ratio sampling). Not for cryptography.
final class SpanIDGenerator: Sendable {
    private static let increment: UInt64 = 0x9E37_79B9_7F4A_7C15
    private let counter: Atomic<UInt64>

    init() {
        var system = SystemRandomNumberGenerator()
        counter = Atomic(system.next())
    }

    func traceID() -> TraceID {
        while true {
            let id = TraceID(high: next(), low: next())
            if id.isValid { return id }
        }
    }

    func spanID() -> SpanID {
        while true {
            let value = next()
            if value != 0 { return SpanID(value) }
        }
    }

    private func next() -> UInt64 {
        var value = counter.wrappingAdd(Self.increment, ordering: .relaxed).newValue
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
