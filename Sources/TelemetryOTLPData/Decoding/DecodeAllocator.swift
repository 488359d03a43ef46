internal import CProtobufC

/// The allocator protobuf-c unpacks a request with: it holds the unpack to the bytes the pre-scan
/// charged (`WireSummary.decodedBytes`, already reserved in the gateway's budget), so decoding can never
/// hold more than was paid for, whatever the estimate's proof missed — past the cap an allocation fails
/// and the unpack returns nothing, which the caller answers as overload.
///
/// Each allocation is checked against the cap *before* `malloc` with its worst case (`size +
/// WireScanner.allocationOverhead`), then counted as glibc really sizes it (`malloc_usable_size` + its
/// 8-byte header), and uncounted the same way when freed. One unpack and, later, one free run at a time
/// per allocator (an `UnpackedMessage` owns it), so the counts need no lock.
final class DecodeAllocator: @unchecked Sendable {
    // @unchecked: used by one unpack, then by the one free of what it made (see above).
    /// The most bytes the unpack may hold.
    let capBytes: Int
    /// Bytes held now.
    private(set) var heldBytes = 0
    /// The most bytes held at once.
    private(set) var peakBytes = 0
    /// Whether an allocation was refused for passing the cap.
    private(set) var refused = false
    /// The C allocator handed to protobuf-c; valid while this object lives.
    let allocator: UnsafeMutablePointer<ProtobufCAllocator>

    init(capBytes: Int) {
        self.capBytes = capBytes
        allocator = .allocate(capacity: 1)
        allocator.initialize(to: ProtobufCAllocator(alloc: Self.allocate, free: Self.release, allocator_data: nil))
        allocator.pointee.allocator_data = Unmanaged.passUnretained(self).toOpaque()
    }

    deinit {
        allocator.deallocate()
    }

    private static let allocate: @convention(c) (UnsafeMutableRawPointer?, Int) -> UnsafeMutableRawPointer? = { data, size in
        guard let data else { return nil }
        let state = Unmanaged<DecodeAllocator>.fromOpaque(data).takeUnretainedValue()
        let (worst, overflow) = state.heldBytes.addingReportingOverflow(size.addingSaturated(WireScanner.allocationOverhead))
        guard !overflow, worst <= state.capBytes, let memory = malloc(size) else {
            state.refused = true
            return nil
        }
        state.heldBytes += malloc_usable_size(memory) + 8
        state.peakBytes = max(state.peakBytes, state.heldBytes)
        return memory
    }

    private static let release: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutableRawPointer?) -> Void = { data, memory in
        guard let data, let memory else { return }
        let state = Unmanaged<DecodeAllocator>.fromOpaque(data).takeUnretainedValue()
        state.heldBytes -= malloc_usable_size(memory) + 8
        free(memory)
    }
}

extension Int {
    fileprivate func addingSaturated(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? .max : sum
    }
}
