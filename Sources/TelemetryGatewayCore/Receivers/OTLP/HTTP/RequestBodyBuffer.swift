import NIOCore

/// A request body gathered as its bytes arrive, its storage reserved in the memory budget before it is
/// allocated: never from the declared `Content-Length`, so a head alone holds nothing.
///
/// The storage grows in power-of-two steps from `minimumCapacity`, never past the declared length (the
/// HTTP decoder delivers no more than it) nor the body limit, so it is allocated once per step and
/// never copied again after the last one. Bound, with `n` the bytes received:
/// - held: capacity + `allocationSlack` ≤ max(`minimumCapacity`, 2n) + `allocationSlack`;
/// - while growing (old and new storage both alive for the copy): ≤ 3n + 2 × (`minimumCapacity` +
///   `allocationSlack`), reserved before the new storage is allocated and given back after.
/// When the body ends with its storage larger than it (a body without `Content-Length`), it is copied
/// into storage of its exact size, the copy reserved first.
struct RequestBodyBuffer {
    /// The first storage step.
    static let minimumCapacity = 4096
    /// What an allocation may hold beyond the capacity asked: the array header and malloc's rounding
    /// (at most a page for the large allocations that use mmap).
    static let allocationSlack = 4096

    /// The bytes received so far.
    private(set) var bytes: [UInt8] = []
    /// The capacity reserved for `bytes` (its storage was allocated with exactly this capacity).
    private var capacity = 0
    /// The most bytes this body may grow to: its declared length, or the body limit.
    private let limit: Int
    /// The body limit.
    private let maxBodyBytes: Int
    /// What the lease holds besides the body (the request's metadata), kept in every resize.
    private let heldBesides: Int

    /// Why a chunk was not taken.
    enum Failure: Error {
        /// The body would pass the body limit.
        case tooLarge
        /// The memory budget cannot hold the storage.
        case memoryLimit
    }

    /// An empty body of at most `maxBodyBytes`, declared (when known) as `declaredLength` bytes, whose
    /// lease also holds `heldBesides` bytes for something else (the request's metadata).
    init(maxBodyBytes: Int, declaredLength: Int?, heldBesides: Int = 0) {
        limit = min(maxBodyBytes, max(0, declaredLength ?? maxBodyBytes))
        self.maxBodyBytes = maxBodyBytes
        self.heldBesides = heldBesides
    }

    /// Appends `chunk`, first growing (and reserving in `lease`) the storage if it cannot hold it.
    mutating func append(_ chunk: ByteBuffer, lease: MemoryLease) throws(Failure) {
        let (size, overflow) = bytes.count.addingReportingOverflow(chunk.readableBytes)
        guard !overflow, size <= maxBodyBytes else { throw .tooLarge }
        if size > capacity {
            let grown = Self.capacity(for: size, limit: limit)
            let held = capacity > 0 ? capacity + Self.allocationSlack : 0
            guard lease.resize(to: heldBesides + held + grown + Self.allocationSlack) else { throw .memoryLimit }
            bytes.reserveCapacity(grown)
            capacity = grown
            lease.resize(to: heldBesides + grown + Self.allocationSlack)
        }
        bytes.append(contentsOf: chunk.readableBytesView)
    }

    /// The body, in storage of its own size, with `lease` holding exactly that storage; `nil` when the
    /// budget cannot hold the copy that trims it.
    mutating func take(lease: MemoryLease) -> [UInt8]? {
        defer { (bytes, capacity) = ([], 0) }
        guard capacity > bytes.count + Self.allocationSlack else { return bytes }
        let count = bytes.count
        guard lease.resize(to: heldBesides + capacity + count + 2 * Self.allocationSlack) else { return nil }
        let trimmed = [UInt8](unsafeUninitializedCapacity: count) { storage, initialized in
            initialized = storage.initialize(fromContentsOf: bytes)
        }
        bytes = []
        lease.resize(to: heldBesides + count + Self.allocationSlack)
        return trimmed
    }

    /// The storage step for `size` bytes: the next power of two from `minimumCapacity`, at most
    /// `limit` (and at least `size`): never more than max(`minimumCapacity`, 2 × `size`).
    static func capacity(for size: Int, limit: Int) -> Int {
        var step = minimumCapacity
        while step < size, step <= limit / 2 { step *= 2 }
        return max(size, step >= size ? min(step, limit) : limit)
    }
}
