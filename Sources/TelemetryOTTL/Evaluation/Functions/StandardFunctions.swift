/// The functions of the Collector's `ottlfuncs` this gateway supports.
extension OTTLFunctionTable {
    /// Every editor and converter of this library: `set`, `delete_key`, `delete_matching_keys`, `keep_keys`,
    /// `keep_matching_keys`, `replace_pattern`, `replace_all_patterns`, `replace_match`,
    /// `replace_all_matches`, `truncate_all`, `limit`, `merge_maps`, `flatten`; `IsMatch`, `Concat`, `Split`,
    /// `Substring`, `ToLowerCase`, `ToUpperCase`, `SHA256`, `SHA1`, `MD5`, `Int`, `Double`, `String`, `Len`, `IsString`, `IsInt`,
    /// `ParseJSON`, `Now`, `UnixNano`, `TraceID`, `SpanID`.
    public static let standard = OTTLFunctionTable(OTTLFunction.editors + OTTLFunction.converters)
}

extension OTTLFunction {
    /// The editors, in the order the Collector's README lists them.
    static let editors: [OTTLFunction] = [
        deleteKey, deleteMatchingKeys, flatten, keepKeys, keepMatchingKeys, limit, mergeMaps, replaceAllMatches, replaceAllPatterns,
        replaceMatch, replacePattern, set, truncateAll,
    ]

    /// The converters, in the order the Collector's README lists them.
    static let converters: [OTTLFunction] = [
        concat, double, int, isInt, isMatch, isString, len, md5, now, parseJSON, sha1, sha256, spanID, split, string, substring, toLowerCase,
        toUpperCase, traceID, unixNano,
    ]
}
