/// Writing a pair by its position: an editor that walks a map (`truncate_all`, `replace_all_patterns`,
/// redaction) reads, rewrites or removes the pairs it visits without looking each key up again, so a
/// pass stays linear in the map.
extension AttributesRef {
    /// Sets the value at `index` (0..<count), keeping its key and slot; an index out of range changes nothing.
    public func setValue(at index: Int, _ value: OTLPValue) throws(EditMemoryRefused) {
        guard let pair = pair(at: index) else { return }
        if let stored = pair.pointee.value {
            try session.store(value, into: stored, isChange: !isScratch)
        } else {
            try session.write(field(pair, \.value), try session.newValue(value), isChange: !isScratch)
        }
    }

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
