internal import CProtobufC

/// The allocator protobuf-c unpacks a request with: it holds the unpack to the bytes the pre-scan
/// charged (`WireSummary.decodedBytes`, already reserved in the gateway's budget), so decoding can never
/// hold more than was paid for, whatever the estimate's proof missed — past the cap an allocation fails
/// and the unpack returns nothing, which the caller answers as overload.
///
/// Each allocation of `size` bytes is counted as the pre-scan charges it, `size +
/// WireScanner.allocationOverhead` (glibc's chunk of `max(32, roundUp(size + 8, 16))`, with the 16-byte
/// header this allocator keeps the size in), checked against the cap *before* `malloc`, and uncounted when
/// freed. (An allocation glibc serves by `mmap`, 128 KiB or more, holds whole pages: at most 4 KiB, 3 %, more.)
/// One unpack and, later, one free run at a time per allocator (an `UnpackedMessage` owns it), so the
/// counts need no lock.
final class DecodeAllocator: @unchecked Sendable {
    // @unchecked: used by one unpack, then by the one free of what it made (see above).
    /// The most bytes the unpack may hold.
    let capBytes: Int
    /// Bytes held now.
    private(set) var heldBytes = 0
    /// The most bytes held at once.
    private(set) var peakBytes = 0
    /// The C allocator handed to protobuf-c; valid while this object lives.
    let allocator: UnsafeMutablePointer<ProtobufCAllocator>

    /// Where the size is kept, before the bytes handed out (16, so they stay 16-byte aligned).
    private static let header = 16

    init(capBytes: Int) {
        self.capBytes = capBytes
        allocator = .allocate(capacity: 1)
        allocator.initialize(to: ProtobufCAllocator(alloc: Self.allocate, free: Self.release, allocator_data: nil))
        allocator.pointee.allocator_data = Unmanaged.passUnretained(self).toOpaque()
    }

    deinit {
        allocator.deallocate()
    }

    /// What an allocation of `size` bytes counts.
    static func charge(_ size: Int) -> Int {
        let (charge, overflow) = size.addingReportingOverflow(WireScanner.allocationOverhead)
        return overflow ? .max : charge
    }

    private static let allocate: @convention(c) (UnsafeMutableRawPointer?, Int) -> UnsafeMutableRawPointer? = { data, size in
        guard let data else { return nil }
        let state = Unmanaged<DecodeAllocator>.fromOpaque(data).takeUnretainedValue()
        let (held, overflow) = state.heldBytes.addingReportingOverflow(charge(size))
        guard !overflow, held <= state.capBytes, size <= Int.max - header, let memory = malloc(size + header) else { return nil }
        memory.storeBytes(of: size, as: Int.self)
        state.heldBytes = held
        state.peakBytes = max(state.peakBytes, held)
        return memory + header
    }

    private static let release: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutableRawPointer?) -> Void = { data, pointer in
        guard let data, let pointer else { return }
        let state = Unmanaged<DecodeAllocator>.fromOpaque(data).takeUnretainedValue()
        let memory = pointer - header
        state.heldBytes -= charge(memory.load(as: Int.self))
        free(memory)
    }
}
