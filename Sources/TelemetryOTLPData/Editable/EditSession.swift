#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// The memory and the undo log of the edits made to one decoded request.
///
/// Edits change the unpacked protobuf-c tree in place. Everything new they need (strings, attribute
/// arrays, values, messages) is carved out of this session's arena, whose chunks are charged to the
/// budget (`reserve`) *before* they are allocated; a refusal throws `EditMemoryRefused` and nothing is
/// allocated. Every write of a pointer, a length, a oneof case or a union into the tree is logged with the
/// bytes it overwrote, and `undoAll()` puts them back in reverse order, so protobuf-c frees exactly the
/// tree it unpacked (arena memory is never handed to it). Plain scalar fields (times, kinds, counts) are
/// written without a log entry: freeing does not read them.
public final class EditSession {
    /// Bytes held now: the arena's chunks, the undo log's capacity and the list-capacity table.
    public private(set) var heldBytes = 0
    /// Whether anything was changed (a request nobody changed keeps its original bytes).
    public private(set) var changed = false

    private let reserve: (_ totalBytes: Int) -> Bool
    private var chunks: [UnsafeMutableRawPointer] = []
    private var cursor: UnsafeMutableRawPointer?
    private var remaining = 0
    private var undoLog: [UndoEntry] = []
    /// The largest transient working memory charged (see `reserveTransient`).
    private var transientBytes = 0
    /// Spare room of the pointer arrays this session allocated, by array address, so appending to the
    /// same list again does not copy it each time.
    private var spareCapacity: [UnsafeMutableRawPointer: Int] = [:]

    /// A chunk of the arena (larger allocations get a chunk of their own size).
    static let chunkSize = 16 << 10
    /// What one entry of the capacity table is charged (key, value and the table's load factor).
    static let capacityEntryCharge = 64

    /// One overwritten field: where, how many bytes, and the bytes that were there.
    private struct UndoEntry {
        let address: UnsafeMutableRawPointer
        let size: Int
        let old: (UInt64, UInt64)
    }

    /// Creates a session whose memory is approved by `reserve`, asked with the total bytes it would hold
    /// (and told 0 when the session ends).
    public init(reserve: @escaping (_ totalBytes: Int) -> Bool = { _ in true }) {
        self.reserve = reserve
    }

    deinit {
        for chunk in chunks { chunk.deallocate() }
        _ = reserve(0)
    }

    // MARK: Memory

    /// Charges `bytes` more, or throws without charging.
    func charge(_ bytes: Int) throws(EditMemoryRefused) {
        let (total, overflow) = heldBytes.addingReportingOverflow(bytes)
        guard !overflow, reserve(total) else { throw EditMemoryRefused(bytes: bytes) }
        heldBytes = total
    }

    /// Charges the working memory of one evaluation step (a parsed JSON value, a split list) before it is
    /// allocated: steps run one after another and free theirs before the next, so the session holds the
    /// largest such charge once (a high-water mark), not their sum.
    public func reserveTransient(bytes: Int) throws(EditMemoryRefused) {
        guard bytes > transientBytes else { return }
        try charge(bytes - transientBytes)
        transientBytes = bytes
    }

    /// Uninitialised memory for `count` values of `T`, 16-byte aligned, charged before it is allocated.
    func allocate<T>(_: T.Type, count: Int = 1) throws(EditMemoryRefused) -> UnsafeMutablePointer<T> {
        let (bytes, overflow) = MemoryLayout<T>.stride.multipliedReportingOverflow(by: max(1, count))
        guard !overflow, bytes <= Int.max - 16 else { throw EditMemoryRefused(bytes: .max) }
        let size = (bytes + 15) & ~15
        if size > remaining {
            let chunkSize = max(Self.chunkSize, size)
            try charge(chunkSize)
            let chunk = UnsafeMutableRawPointer.allocate(byteCount: chunkSize, alignment: 16)
            chunks.append(chunk)
            cursor = chunk
            remaining = chunkSize
        }
        guard let start = cursor else { throw EditMemoryRefused(bytes: size) }
        cursor = start + size
        remaining -= size
        return start.bindMemory(to: T.self, capacity: max(1, count))
    }

    /// A NUL-terminated copy of `text` in the arena. A NUL inside `text` (which a C string cannot hold:
    /// it would cut the string there) is written as U+FFFD.
    func string(_ text: String) throws(EditMemoryRefused) -> UnsafeMutablePointer<CChar> {
        var text = text
        let holdsNUL = text.withUTF8 { utf8 in utf8.baseAddress.map { memchr($0, 0, utf8.count) != nil } ?? false }
        if holdsNUL { text = String(text.map { $0 == "\u{0}" ? "\u{FFFD}" : $0 }) }
        let pointer = try allocate(CChar.self, count: text.utf8.count + 1)
        text.withUTF8 { utf8 in
            utf8.withMemoryRebound(to: CChar.self) { source in
                if let base = source.baseAddress { pointer.update(from: base, count: source.count) }
            }
            pointer[utf8.count] = 0
        }
        return pointer
    }

    /// A copy of `bytes` in the arena, as protobuf-c binary data.
    func binary(_ bytes: [UInt8]) throws(EditMemoryRefused) -> (len: Int, data: UnsafeMutablePointer<UInt8>?) {
        guard !bytes.isEmpty else { return (0, nil) }
        let pointer = try allocate(UInt8.self, count: bytes.count)
        pointer.initialize(from: bytes, count: bytes.count)
        return (bytes.count, pointer)
    }

    /// A pointer array for a list of `count` elements that will grow to `needed`, with spare room
    /// remembered so the next append to it is not another copy.
    func pointerArray<T>(copying list: UnsafeMutablePointer<T?>?, count: Int, needed: Int) throws(EditMemoryRefused)
        -> UnsafeMutablePointer<T?>
    {
        if let list, let spare = spareCapacity[UnsafeMutableRawPointer(list)], spare >= needed {
            return list
        }
        let capacity = max(4, needed + needed / 2)
        try charge(Self.capacityEntryCharge)
        let array = try allocate(T?.self, count: capacity)
        if let list, count > 0 { array.initialize(from: list, count: count) }
        (array + count).initialize(repeating: nil, count: capacity - count)
        spareCapacity[UnsafeMutableRawPointer(array)] = capacity
        return array
    }

    // MARK: Writes

    /// Writes `value` into the tree at `field`, logging what was there (for pointers, lengths, cases and
    /// unions, which freeing reads). `isChange: false` is for filling in what an absent message means
    /// (an empty resource), which changes nothing a reader sees.
    func write<T>(_ field: UnsafeMutablePointer<T>, _ value: T, isChange: Bool = true) throws(EditMemoryRefused) {
        let size = MemoryLayout<T>.size
        precondition(size <= 16, "only fields of at most 16 bytes are logged")
        if undoLog.count == undoLog.capacity {
            try charge(max(16, undoLog.capacity) * MemoryLayout<UndoEntry>.stride)
            undoLog.reserveCapacity(max(16, undoLog.capacity * 2))
        }
        var old: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &old) { $0.copyMemory(from: UnsafeRawBufferPointer(start: field, count: size)) }
        undoLog.append(UndoEntry(address: UnsafeMutableRawPointer(field), size: size, old: old))
        field.pointee = value
        if isChange { changed = true }
    }

    /// Writes a plain scalar field (not read when freeing), without a log entry.
    func writeScalar<T>(_ field: UnsafeMutablePointer<T>, _ value: T) {
        field.pointee = value
        changed = true
    }

    /// Puts every logged field back as it was, newest first, so the tree is the one protobuf-c unpacked.
    func undoAll() {
        for entry in undoLog.reversed() {
            var old = entry.old
            withUnsafeBytes(of: &old) { entry.address.copyMemory(from: $0.baseAddress.unsafelyUnwrapped, byteCount: entry.size) }
        }
        undoLog.removeAll(keepingCapacity: true)  // charged already; a request cut several ways logs again
    }
}

/// The memory budget refused what an edit needed.
public struct EditMemoryRefused: Error, Sendable, Equatable, CustomStringConvertible {
    /// The bytes asked for.
    public let bytes: Int

    public var description: String { "the memory budget refused \(bytes) bytes for editing the request" }
}

/// The address of the field `path` of the message at `base` (a stored field of a C struct, so it always
/// has one; the address stays valid as long as the message does, unlike an `&` argument's).
func field<Root, Value>(_ base: UnsafeMutablePointer<Root>, _ path: WritableKeyPath<Root, Value>) -> UnsafeMutablePointer<Value> {
    guard let offset = MemoryLayout<Root>.offset(of: path) else { preconditionFailure("\(path) is not a stored field") }
    return (UnsafeMutableRawPointer(base) + offset).assumingMemoryBound(to: Value.self)
}
