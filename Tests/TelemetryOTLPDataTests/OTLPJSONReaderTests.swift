import TelemetryOTLPData
import Testing

/// The OTLP/JSON reader's rules, checked on the exact protobuf bytes it writes.
@Suite("OTLP/JSON reader: rules")
struct OTLPJSONReaderTests {
    /// A logs request holding one log record written as `record` (JSON).
    static func logs(_ record: String) -> [UInt8] { logs(Array(record.utf8)) }

    static func logs(_ record: [UInt8]) -> [UInt8] {
        Array(#"{"resourceLogs":[{"scopeLogs":[{"logRecords":["#.utf8) + record + Array("]}]}]}".utf8)
    }

    /// The protobuf of that request with the record's fields `record` (wire bytes).
    static func logsWire(_ record: [UInt8]) -> [UInt8] {
        Wire.field(1, Wire.field(2, Wire.field(2, record)))
    }

    static func decode(_ json: [UInt8], _ signal: OTLPSignal = .logs) throws(OTLPDecodeError) -> [UInt8] {
        try OTLPPayload(json: json, signal: signal, limits: DecodeLimits()).bytes
    }

    /// A log record with `body` as its `AnyValue` (field 5).
    static func body(_ value: [UInt8]) -> [UInt8] { Wire.field(5, value) }

    @Test("Escapes, surrogate pairs and raw UTF-8 decode to the string's UTF-8")
    func escapes() throws {
        let json = Self.logs(#"{"body":{"stringValue":"a\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00\u0000é"}}"#)
        let text = "a\"\\/\u{8}\u{c}\n\r\t\u{e9}😀\u{0}é"
        #expect(try Self.decode(json) == Self.logsWire(Self.body(Wire.string(1, text))))
    }

    @Test("Invalid UTF-8 or an unpaired surrogate is refused as invalid_utf8, in unknown fields too", arguments: [
        [0x22, 0xC3, 0x28, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0xC0, 0xAF, 0x22], Array(#""\ud83d""#.utf8),
        Array(#""\ude00x""#.utf8), Array(#""\ud83d\u0041""#.utf8),
    ] as [[UInt8]])
    func invalidUTF8(string: [UInt8]) {
        for record in [Array(#"{"severityText":"#.utf8) + string + [0x7D], Array(#"{"unknown":{"x":["#.utf8) + string + Array("]}}".utf8)] {
            do throws(OTLPDecodeError) {
                _ = try Self.decode(Self.logs(record))
                Issue.record("accepted \(record)")
            } catch {
                #expect(error.kind == .invalidUTF8, "\(error)")
            }
        }
    }

    @Test("Integers: numbers (also 1e3, 2.0, 1E+2) or decimal strings, exactly; fractions, exponents in strings and overflow are refused")
    func integers() throws {
        for (text, value) in [("1e3", 1000), ("2.0", 2), ("1E+2", 100), ("\"1000\"", 1000), ("-5", -5), ("\"-5\"", -5), ("0.5e1", 5),
            ("9223372036854775807", Int64.max), ("\"-9223372036854775808\"", Int64.min), ("-0", 0)] as [(String, Int64)] {
            let wire = try Self.decode(Self.logs(#"{"body":{"intValue":\#(text)}}"#))
            #expect(wire == Self.logsWire(Self.body(Wire.varintField(3, UInt64(bitPattern: value)))), "\(text)")
        }
        for text in ["1.5", "\"1e3\"", "9223372036854775808", "1e19", "\"\"", "\" 1\"", "true", "{}", "[]", "\"0x10\""] {
            do throws(OTLPDecodeError) {
                _ = try Self.decode(Self.logs(#"{"body":{"intValue":\#(text)}}"#))
                Issue.record("accepted \(text)")
            } catch {
                #expect(error.description == "$.resourceLogs[0].scopeLogs[0].logRecords[0].body.intValue: expected an integer", "\(text): \(error)")
            }
        }
        let unsigned = try Self.decode(Self.logs(#"{"timeUnixNano":"18446744073709551615","observedTimeUnixNano":1.8446744073709551615e19}"#))
        #expect(unsigned == Self.logsWire(Wire.varint(1 << 3 | 1) + [UInt8](repeating: 0xFF, count: 8) + Wire.varint(11 << 3 | 1)
            + [UInt8](repeating: 0xFF, count: 8)))
    }

    @Test("Doubles: numbers, numeric strings, NaN and ±Infinity as strings")
    func doubles() throws {
        for (text, value) in [("1.5", 1.5), ("\"1.5\"", 1.5), ("\"NaN\"", Double.nan), ("\"Infinity\"", .infinity),
            ("\"-Infinity\"", -.infinity), ("-1e-3", -0.001), ("0.30000000000000004", 0.30000000000000004), ("-0.0", -0.0)] {
            let wire = try Self.decode(Self.logs(#"{"body":{"doubleValue":\#(text)}}"#))
            #expect(wire == Self.logsWire(Self.body(Wire.varint(4 << 3 | 1) + Self.littleEndian(value.bitPattern))), "\(text)")
        }
        for text in ["\"nan\"", "\"inf\"", "\"1.5 \"", "\"0x1p3\"", "true", "\"\""] {
            #expect(throws: OTLPDecodeError.self, "\(text)") { try Self.decode(Self.logs(#"{"body":{"doubleValue":\#(text)}}"#)) }
        }
    }

    static func littleEndian(_ value: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }

    @Test("Bytes: ids as hex (either case), other bytes as base64, standard or URL-safe, padding optional")
    func bytes() throws {
        let json = Self.logs(#"{"traceId":"0102030405060708090A0B0C0D0E0F10","spanId":"a1b2c3d4e5f60718","body":{"bytesValue":"-_8"}}"#)
        let record = Wire.field(9, Array(1...16)) + Wire.field(10, [0xA1, 0xB2, 0xC3, 0xD4, 0xE5, 0xF6, 0x07, 0x18]) + Self.body(Wire.field(7, [0xFB, 0xFF]))
        #expect(try Self.decode(json) == Self.logsWire(record))
        for encoded in ["+/8=", "+/8", "-_8="] {
            #expect(try Self.decode(Self.logs(#"{"body":{"bytesValue":"\#(encoded)"}}"#)) == Self.logsWire(Self.body(Wire.field(7, [0xFB, 0xFF]))))
        }
        #expect(try Self.decode(Self.logs(#"{"body":{"bytesValue":"\u0041QID"}}"#)) == Self.logsWire(Self.body(Wire.field(7, [1, 2, 3]))))
        for (record, message) in [(#"{"spanId":"a1b2c3d4e5f6071"}"#, "spanId: expected hex digits"), (#"{"spanId":"+1b2c3d4e5f60718"}"#, "expected hex digits"),
            (#"{"body":{"bytesValue":"A"}}"#, "bytesValue: expected base64"), (#"{"body":{"bytesValue":"AQ=I"}}"#, "expected base64"),
            (#"{"body":{"bytesValue":7}}"#, "bytesValue: expected an encoded string")] {
            do throws(OTLPDecodeError) {
                _ = try Self.decode(Self.logs(record))
                Issue.record("accepted \(record)")
            } catch {
                #expect(error.description.contains(message), "\(error)")
            }
        }
    }

    @Test("Enums by number or name; proto names as keys; zero scalars left out unless in a oneof; null leaves a field unset")
    func enumsNamesAndDefaults() throws {
        let json = Self.logs(#"""
            {"severity_number":"SEVERITY_NUMBER_WARN","severityText":"","droppedAttributesCount":0,"flags":0,"time_unix_nano":"0",
             "body":{"intValue":0},"attributes":null,"traceId":null,"eventName":"e"}
            """#)
        #expect(try Self.decode(json) == Self.logsWire(Wire.varintField(2, 13) + Self.body(Wire.varintField(3, 0)) + Wire.string(12, "e")))
        #expect(try Self.decode(Self.logs(#"{"severityNumber":9.0}"#)) == Self.logsWire(Wire.varintField(2, 9)))
        #expect(throws: OTLPDecodeError.self) { try Self.decode(Self.logs(#"{"severityNumber":"WARN"}"#)) }
    }

    @Test("Unknown fields are skipped whatever they hold, nested objects and arrays included")
    func unknownFields() throws {
        let json = Self.logs(#"""
            {"future":{"a":[1,{"b":null,"c":[[],{}],"d":"\u00e9"}],"e":-1.5e3},"body":{"stringValue":"x","later":[true,false]},
             "another":"x","numbers":[0,1e400,-0.0]}
            """#)
        #expect(try Self.decode(json) == Self.logsWire(Self.body(Wire.string(1, "x"))))
    }

    @Test("A key given twice follows protobuf's merge, like the Collector: the last scalar wins (a later zero too), lists append")
    func duplicateKeys() throws {
        let json = Self.logs(#"{"severityText":"a","severityNumber":9,"severityText":"b","severityNumber":0,"attributes":[{"key":"k"}],"attributes":[{"key":"l"}]}"#)
        let record = Wire.string(3, "a") + Wire.varintField(2, 9) + Wire.string(3, "b") + Wire.varintField(2, 0)
            + Wire.field(6, Wire.string(1, "k")) + Wire.field(6, Wire.string(1, "l"))
        #expect(try Self.decode(json) == Self.logsWire(record))
    }

    @Test("Repeated scalars are packed; an empty list writes nothing")
    func packed() throws {
        let json = Array(#"""
            {"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"h","histogram":{"dataPoints":[
              {"bucketCounts":[1,"2",0],"explicitBounds":[],"count":"3"}]}}]}]}]}
            """#.utf8)
        let counts = [1, 2, 0].flatMap { Self.littleEndian($0) }
        let point = Wire.field(6, counts) + Wire.varint(4 << 3 | 1) + Self.littleEndian(3)
        let metric = Wire.string(1, "h") + Wire.field(9, Wire.field(1, point))
        #expect(try Self.decode(json, .metrics) == Wire.field(1, Wire.field(2, Wire.field(2, metric))))
    }

    @Test("Invalid JSON is refused as such, even after a value of the wrong type", arguments: [
        #"{"resourceLogs":[],}"#, #"{"resourceLogs":[1,]}"#, #"{"resourceLogs":01}"#, #"{"resourceLogs":[]} x"#, "{\"resourceLogs\":\"\u{1}\"}",
        #"{"resourceLogs":[{"scopeLogs":7}] "#, #"{"resourceLogs":7,"x":tru}"#, #"{"a" 1}"#, #"{"a":1.}"#, #"{"a":-}"#, #"{'a':1}"#, "",
        #"{"a":"\x"}"#, #"{"a":"\u12"}"#,
    ])
    func invalidJSON(json: String) {
        do throws(OTLPDecodeError) {
            _ = try Self.decode(Array(json.utf8))
            Issue.record("accepted \(json)")
        } catch {
            #expect(error.description.hasPrefix("invalid JSON"), "\(json): \(error)")
        }
    }

    @Test("The first value of the wrong type is reported with its path once the text is known to be JSON")
    func firstProblem() {
        let json = #"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"severityNumber":true},{"flags":"x"}]}]}],"resource":7}"#
        do throws(OTLPDecodeError) {
            _ = try Self.decode(Array(json.utf8))
            Issue.record("accepted")
        } catch {
            #expect(error.description == "$.resourceLogs[0].scopeLogs[0].logRecords[0].severityNumber: expected an enum number or name")
        }
    }
}
