/// UTF-8 text built in an edit session's arena (charged before it is allocated), stored into values
/// without another copy: for edits whose result has a size known before it is written (a value with
/// its matches masked).
public struct ArenaText {
    let pointer: UnsafeMutablePointer<CChar>
    /// The length in bytes.
    public let count: Int

    /// The text's bytes.
    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: pointer, count: count) }
}

extension AttributesRef {
    /// Charges `bytes` that an edit of this map holds outside the arena (its working values) for as
    /// long as the request lives, before the edit allocates them.
    public func reserveWorkspace(bytes: Int) throws(EditMemoryRefused) {
        try session.reserveWorkspace(bytes: bytes)
    }
}

extension EditSession {
    /// Charges `bytes` that an edit holds outside the arena (its working lists) for as long as the
    /// request lives, before the edit allocates them.
    public func reserveWorkspace(bytes: Int) throws(EditMemoryRefused) {
        try charge(max(0, bytes))
    }

    /// `byteCount` bytes of text in the arena, written by `fill` (given exactly that many bytes; when it
    /// fails, the bytes stay charged until the request goes).
    public func text(
        byteCount: Int, fill: (UnsafeMutableRawBufferPointer) throws(EditMemoryRefused) -> Void
    ) throws(EditMemoryRefused) -> ArenaText {
        guard byteCount >= 0, byteCount < Int.max else { throw EditMemoryRefused(bytes: byteCount) }
        let pointer = try allocate(CChar.self, count: byteCount + 1)
        try fill(UnsafeMutableRawBufferPointer(start: pointer, count: byteCount))
        pointer[byteCount] = 0
        return ArenaText(pointer: pointer, count: byteCount)
    }
}

extension EditMemoryRefused {
    /// A refusal of memory an edit needed outside the session (a regex search whose working memory could
    /// not be allocated), so that it is answered like the budget's own refusals.
    public static func outsideSession(bytes: Int) -> EditMemoryRefused {
        EditMemoryRefused(bytes: bytes)
    }
}
