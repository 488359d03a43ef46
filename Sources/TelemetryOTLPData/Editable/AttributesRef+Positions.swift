internal import COTLP
internal import CProtobufC

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

/// Edits by position, each in constant time (the by-key edits look the key up first).
extension AttributesRef {
    /// Calls `body` with the UTF-8 bytes of the value at `index` when it is a string (without copying
    /// them); nil when the value is something else.
    public func withStringBytes<Result, Failure: Error>(
        at index: Int, _ body: (UnsafeRawBufferPointer) throws(Failure) -> Result
    ) throws(Failure) -> Result? {
        guard let value = pair(at: index)?.pointee.value else { return nil }
        return try ValueRef(session: session, pointer: value).withStringBytes(body)
    }

    /// Sets the value at `index` (0..<count) to the string `text`, in place.
    public func setString(at index: Int, _ text: ArenaText) throws(EditMemoryRefused) {
        try valueRef(at: index)?.setString(text)
    }

    /// Removes the pair at `index` (0..<count): the last pair takes its place, as `pcommon.Map.Remove` does.
    public func removeSwapping(at index: Int) throws(EditMemoryRefused) {
        guard index >= 0, index < count, let list = listField.pointee else { return }
        let last = count - 1
        if index != last { try session.write(list + index, list[last]) }
        try session.write(countField, last)
    }
}
