/// The memory a decoder holds, reserved through its caller's `reserve` before every allocation: the
/// caller (the gateway's intake) charges it to the request's memory lease, so a decoder never holds
/// more than the budget allows.
final class DecoderMemory {
    /// Sets the total bytes the decoder holds; false refuses a growth (it never refuses to shrink).
    private let reserve: (Int) -> Bool
    /// Bytes reserved now.
    private(set) var held = 0

    init(reserve: @escaping (Int) -> Bool) {
        self.reserve = reserve
    }

    /// Reserves `bytes` more, before they are allocated.
    func grow(by bytes: Int) throws(OTLPDecodeError) {
        let (total, overflow) = held.addingReportingOverflow(bytes)
        guard !overflow, reserve(total) else {
            throw OTLPDecodeError(
                .memoryLimit, "decoding the JSON needs more memory than the gateway's memory limit leaves (memory_limiter); retry later")
        }
        held = total
    }

    /// Gives back `bytes` that were freed.
    func shrink(by bytes: Int) {
        settle(at: held - bytes)
    }

    /// Holds exactly `bytes` (at most what is held now): what is left once the decoder's buffers are gone.
    func settle(at bytes: Int) {
        held = max(0, min(held, bytes))
        _ = reserve(held)
    }
}
