import TelemetryOTLPData

extension OTLPValue {
    /// The value as text exactly as pdata's `Value.AsString` writes it (what the redaction processor's
    /// `redact_all_types` and log bodies match): ints in decimal, doubles as Go's `float64AsString` (plain
    /// between 1e-6 and 1e21, else `1e-7`, `1.5e+21`), booleans `true`/`false`, bytes in standard base64,
    /// maps and lists as Go's `encoding/json` writes their raw form (keys sorted; `<`, `>`, `&` as they are,
    /// as current pdata's `marshalJSONNoHTMLEscape` — older releases used `json.Marshal`, which escapes
    /// them; "" when a NaN is inside, as the encoder fails), empty as "".
    package var pdataText: String {
        switch self {
        case .empty: ""
        case .string(let text): text
        case .bool(let flag): flag ? "true" : "false"
        case .int(let number): String(number)
        case .double(let number): (try? GoJSON.float(number)) ?? "json: unsupported value: \(GoFloat.format(number))"
        case .bytes(let bytes): Base64.encode(bytes)
        case .array, .map: (try? GoJSON.encode(self, escapingHTML: false)) ?? ""
        }
    }
}
