/// Writing a pair by its position: an editor that walks a map (`truncate_all`, `replace_all_patterns`)
/// rewrites the values it visits without looking each key up again, so a pass stays linear in the map.
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
}
