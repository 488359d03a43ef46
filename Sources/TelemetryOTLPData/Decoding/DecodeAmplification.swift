internal import CProtobufC

/// What decoding really costs against what was charged for it, for the tests and the
/// `decode-amplification` fuzz target that check the pre-scan's estimate (`WireScanner`).
package enum DecodeAmplification {
    /// Why an accepted `payload` breaks the decode charge, or nil when it keeps it: its estimate past
    /// `bound` of its length, an unpack that fails, or one that holds more than the estimate.
    package static func violation(_ payload: OTLPPayload) -> String? {
        let bound = bound(payload.signal)
        let estimate = payload.decodedBytesEstimate
        guard estimate <= bound.perWireByte * payload.bytes.count + bound.constant else {
            return "\(payload.bytes.count) bytes charged \(estimate), past the bound"
        }
        guard let peak = peakBytes(payload) else { return "an accepted request does not unpack" }
        guard peak <= estimate else { return "unpacking held \(peak) bytes, charged \(estimate)" }
        return nil
    }

    /// What unpacking `payload` holds at its peak, counted as `DecodeAllocator` counts (each allocation
    /// as the pre-scan charges it), with no cap; nil when protobuf-c refuses the bytes.
    private static func peakBytes(_ payload: OTLPPayload) -> Int? {
        let allocation = DecodeAllocator(capBytes: .max)
        let unpacked = payload.bytes.withUnsafeBufferPointer { bytes in
            protobuf_c_message_unpack(OTLPSchema.request(payload.signal), allocation.allocator, bytes.count, bytes.baseAddress)
        }
        guard let unpacked else { return nil }
        protobuf_c_message_free_unpacked(unpacked, allocation.allocator)
        return allocation.peakBytes
    }

    /// The most an accepted request of `signal` may be charged: `perWireByte` × its length + `constant`.
    ///
    /// The costliest wire bytes are an empty embedded message: two bytes (tag, zero length) charged its
    /// pointer in a repeated field (8), its struct, a chunk's overhead and a new array of its parent (each
    /// `WireScanner.allocationOverhead`), and its scan record (at most 2 × 32 bytes and a slab header per 16); every other
    /// element is charged less for at least as many bytes (a packed scalar 8 a byte). The request's own
    /// struct is the constant.
    package static func bound(_ signal: OTLPSignal) -> (perWireByte: Int, constant: Int) {
        let root = OTLPSchema.request(signal)
        let largest = OTLPSchema.messageTypes(from: root).map { Int($0.pointee.sizeof_message) }.max() ?? 0
        let scanRecord = 2 * WireScanner.scannedMemberSize + (WireScanner.allocationOverhead + 15) / 16
        let emptyMessage = 8 + largest + 2 * WireScanner.allocationOverhead + scanRecord
        return ((emptyMessage + 1) / 2, Int(root.pointee.sizeof_message) + WireScanner.allocationOverhead)
    }
}
