internal import COTLP

extension EditSession {
    /// An empty map in the arena, outside the request: scratch space for one evaluation (OTTL's `cache`),
    /// charged like every edit, never encoded, and whose writes do not count as changes.
    public func scratchMap() throws(EditMemoryRefused) -> AttributesRef {
        let list = try allocate(KeyValueListMessage.self)
        opentelemetry__proto__common__v1__key_value_list__init(list)
        var map = AttributesRef(self, count: field(list, \.n_values), list: field(list, \.values))
        map.isScratch = true
        return map
    }
}
