import TelemetryOTLPData
import TelemetryOTTL
import Testing

/// `OTLPValue.pdataText`: pdata's `Value.AsString`, which the redaction processor matches non-string
/// values by (pcommon/value.go: strconv for ints and bools, float64AsString for doubles, base64 for
/// bytes, encoding/json of the raw value for maps and slices).
@Suite("OTLP values as pdata's AsString writes them")
struct OTLPValuePdataTextTests {
    @Test("Scalars", arguments: [
        (OTLPValue.int(4_111_111_111_111_111), "4111111111111111"), (.int(-5), "-5"), (.bool(true), "true"), (.bool(false), "false"),
        (.string("as is"), "as is"), (.empty, ""), (.bytes([0xDE, 0xAD, 0xBE, 0xEF]), "3q2+7w=="), (.bytes([1, 2]), "AQI="), (.bytes([]), ""),
    ])
    func scalars(value: OTLPValue, expected: String) {
        #expect(value.pdataText == expected)
    }

    @Test("Doubles as JavaScript prints numbers: plain between 1e-6 and 1e21, shortest digits, exponent without padding", arguments: [
        (1.5, "1.5"), (100.0, "100"), (0.1, "0.1"), (3.14, "3.14"), (-2.0, "-2"), (0.0, "0"), (1e20, "100000000000000000000"),
        (1e21, "1e+21"), (1.5e21, "1.5e+21"), (1e-7, "1e-7"), (1.25e-10, "1.25e-10"), (0.000001, "0.000001"), (123456789.125, "123456789.125"),
        (Double.infinity, "json: unsupported value: +Inf"),
    ])
    func doubles(value: Double, expected: String) {
        #expect(OTLPValue.double(value).pdataText == expected)
    }

    @Test("Maps and slices as encoding/json writes them: keys sorted, HTML characters as they are (pdata's marshalJSONNoHTMLEscape)")
    func structured() {
        let map = OTLPValue.map([
            OTLPKeyValue(key: "b", value: .array([.int(1), .double(2.5), .bool(true), .empty])),
            OTLPKeyValue(key: "a", value: .string("<tag> & \"q\"\n")),
            OTLPKeyValue(key: "c", value: .bytes([0xFF])),
        ])
        #expect(map.pdataText == #"{"a":"<tag> & \"q\"\n","b":[1,2.5,true,null],"c":"/w=="}"#)
        #expect(OTLPValue.array([]).pdataText == "[]")
    }
}
