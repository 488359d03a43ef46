import PropertyBased
import TelemetryOTLPData
import TelemetryYAML
import Testing

@testable import TelemetryGatewayCore

/// Properties of the attribute actions over generated attribute lists (odd keys, repeated keys, every
/// value type), in spans and log records: actions that find nothing leave the request byte for byte as
/// it came, and upsert/delete leave exactly the attributes they promise.
@Suite("Attributes processor: properties")
struct AttributesPropertyTests {
    static let keys = ["a", "b", "k", "dup", "é", " ", "a.b", "k2", ""]
    static let attribute = zip(Gen.element(of: keys), Gen.int(in: 0...5), Gen.int(in: -1000...1000)).map { key, type, number -> (String, OTLPValue) in
        let value: OTLPValue =
            switch type {
            case 0: .string("s\(number)")
            case 1: .int(Int64(number))
            case 2: .double(Double(number) / 8)
            case 3: .bool(number % 2 == 0)
            case 4: .array([.int(Int64(number)), .string("x")])
            default: .map([OTLPKeyValue(key: "n", value: .int(Int64(number)))])
            }
        return (key ?? "a", value)
    }
    static let items = attribute.array(of: 0...6).array(of: 1...4)

    static func settings(_ yaml: String) throws -> AttributesSettings {
        try AttributesSettings.parse(try ConfigDocument.root(yaml: yaml, file: "property.yaml", environment: [:]))
    }

    /// The request of `signal` with one item per attribute list.
    static func request(_ items: [[(String, OTLPValue)]], _ signal: OTLPSignal) throws -> OTLPPayload {
        let json: String
        switch signal {
        case .traces:
            let spans = items.map {
                "{\"traceId\":\"0102030405060708090a0b0c0d0e0f10\",\"spanId\":\"0102030405060708\",\"name\":\"s\",\"attributes\":\(AttributesHarness.json($0))}"
            }
            json = "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[\(spans.joined(separator: ","))]}]}]}"
        default:
            let records = items.map { "{\"timeUnixNano\":\"1\",\"attributes\":\(AttributesHarness.json($0))}" }
            json = "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[\(records.joined(separator: ","))]}]}]}"
        }
        return try OTLPPayload(json: Array(json.utf8), signal: signal, limits: DecodeLimits())
    }

    static func edit(_ settings: AttributesSettings, _ payload: OTLPPayload) throws -> EditableRequest {
        let request = try EditableRequest(payload)
        if payload.signal == .traces { try settings.editSpans(request) } else { try settings.editLogs(request) }
        return request
    }

    static func attributeLists(_ request: EditableRequest) -> [[OTLPKeyValue]] {
        request.signal == .traces
            ? request.resourceSpans.flatMap { $0.scopeSpans.flatMap { $0.spans.map(\.attributes.pairs) } }
            : request.resourceLogs.flatMap { $0.scopeLogs.flatMap { $0.logRecords.map(\.attributes.pairs) } }
    }

    @Test("Actions that find nothing to act on leave the request byte-identical")
    func nothingFoundNothingChanged() async throws {
        let settings = try Self.settings("""
            actions:
              - {key: absent, from_attribute: also_absent, action: insert}
              - {key: absent, value: 1, action: update}
              - {key: absent, action: delete}
              - {pattern: '^zz', action: hash}
              - {key: absent, pattern: '(?P<x>.)', action: extract}
              - {key: absent, action: convert, converted_type: int}
            include: {match_type: regexp, attributes: [{key: absent_too}]}
            """)
        let everything = try Self.settings("actions: [{key: absent, action: delete}, {pattern: '^zz', action: delete}]")
        await propertyCheck(count: 100, input: Self.items) { generated in
            // An empty key is what `delete` and `hash` without `key` act on (as upstream), so none here.
            let items = generated.map { $0.map { ($0.0.isEmpty ? "empty" : $0.0, $0.1) } }
            for signal in [OTLPSignal.traces, .logs] where !items.isEmpty {
                guard let payload = try? Self.request(items, signal) else {
                    Issue.record("the generated request did not decode")
                    return
                }
                for configured in [settings, everything] {
                    let request = try? Self.edit(configured, payload)
                    #expect(request?.session.changed == false)
                    #expect((try? request?.encoded())??.bytes == payload.bytes)
                }
            }
        }
    }

    @Test("After upsert k the first k holds the value and nothing else moved; after delete k the first k is gone and the rest kept in pcommon order")
    func upsertAndDelete() async throws {
        let upsert = try Self.settings("actions: [{key: k, value: set, action: upsert}]")
        let delete = try Self.settings("actions: [{key: k, action: delete}]")
        await propertyCheck(count: 100, input: Self.items) { items in
            for signal in [OTLPSignal.traces, .logs] where !items.isEmpty {
                guard let payload = try? Self.request(items, signal),
                    let upserted = try? Self.edit(upsert, payload), let deleted = try? Self.edit(delete, payload)
                else {
                    Issue.record("the generated request did not decode or edit")
                    return
                }
                let before = items.map { $0.map { OTLPKeyValue(key: $0.0, value: $0.1) } }
                var expectedUpsert = before, expectedDelete = before
                for index in before.indices {
                    if let at = before[index].firstIndex(where: { $0.key == "k" }) {
                        expectedUpsert[index][at].value = .string("set")
                        expectedDelete[index][at] = expectedDelete[index][expectedDelete[index].count - 1]
                        expectedDelete[index].removeLast()
                    } else {
                        expectedUpsert[index].append(OTLPKeyValue(key: "k", value: .string("set")))
                    }
                }
                #expect(Self.attributeLists(upserted) == expectedUpsert)
                #expect(Self.attributeLists(deleted) == expectedDelete)
            }
        }
    }
}
