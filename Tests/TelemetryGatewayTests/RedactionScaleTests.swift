import Foundation
import PropertyBased
import TelemetryOTLPData
import TelemetryYAML
import Testing

@testable import TelemetryGatewayCore

/// The redaction processor on large and hostile inputs: removal order against a model of
/// `pcommon.Map.Remove`, time that grows with the input (not its square), memory charged before use.
@Suite("Processors: redaction at scale")
struct RedactionScaleTests {
    private static func redactor(_ yaml: String) throws -> AttributeRedactor {
        AttributeRedactor(settings: try RedactionSettings.parse(try ConfigDocument.root(yaml: yaml, file: "redaction.yaml", environment: [:])))
    }

    /// A trace request with one span carrying `attributes`.
    private static func span(_ attributes: [(String, String)]) throws -> OTLPPayload {
        let list = attributes.map { #"{"key":"\#($0.0)","value":{"stringValue":"\#($0.1)"}}"# }.joined(separator: ",")
        let json = #"""
            {"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174",
            "name":"s","startTimeUnixNano":"1","endTimeUnixNano":"2","attributes":[\#(list)]}]}]}]}
            """#
        return try OTLPPayload(json: Array(json.utf8), signal: .traces, limits: DecodeLimits())
    }

    private static func spanKeys(_ payload: OTLPPayload?) throws -> [String] {
        let request = try EditableRequest(try #require(payload))
        return withExtendedLifetime(request) { request.resourceSpans[0].scopeSpans[0].spans[0].attributes.keys }
    }

    /// pcommon's `Remove(key)` for each removed key in map order: the first pair with the key goes and
    /// the last pair takes its place (a quadratic model, for checking).
    private static func modelRemoval(_ keys: [String], allowed: Set<String>) -> [String] {
        var list = keys
        for key in keys where !allowed.contains(key) {
            guard let index = list.firstIndex(of: key) else { continue }
            list[index] = list[list.count - 1]
            list.removeLast()
        }
        return list
    }

    static let key = Gen.element(of: ["a", "b", "c", "d", "e", "f", "g"]).map { $0 ?? "a" }
    static let value = Gen.element(of: ["x", "yy", "card", "ann@mycompany.com", "", "é"]).map { $0 ?? "" }

    @Test("Removal order equals pcommon's on generated maps with duplicate keys")
    func removalMatchesModel() async throws {
        let redactor = try Self.redactor("allowed_keys: [a, b, c]")
        await propertyCheck(count: 200, input: Self.key.array(of: 1...24)) { keys in
            do {
                let request = try EditableRequest(try Self.span(keys.map { ($0, "v") }))
                try RedactionProcessorFactory.redact(request, with: redactor)
                let result = try Self.spanKeys(try request.encoded())
                #expect(result == Self.modelRemoval(keys, allowed: ["a", "b", "c"]), "\(keys)")
            } catch {
                Issue.record("\(error)")
            }
        }
    }

    @Test("Generated maps no rule matches leave the request byte for byte as it came")
    func nothingMatchesIsIdentity() async throws {
        let redactor = try Self.redactor(#"{allow_all_keys: true, blocked_values: ["[0-9]{4}"], blocked_key_patterns: [secret], summary: debug}"#)
        await propertyCheck(count: 200, input: zip(Self.key, Self.value).array(of: 0...16)) { pairs in
            do {
                let payload = try Self.span(pairs)
                let request = try EditableRequest(payload)
                try RedactionProcessorFactory.redact(request, with: redactor)
                #expect(try request.encoded()?.bytes == payload.bytes, "\(pairs)")
            } catch {
                Issue.record("\(error)")
            }
        }
    }

    @Test("Removing 60,000 attributes (many sharing keys) and masking 60,000 matches each take time proportional to the input")
    func linearTime() throws {
        let count = 60_000
        let removal = try EditableRequest(try Self.span((0..<count).map { ("k\($0 % 1000)", "v") }))
        let started = ContinuousClock.now
        try RedactionProcessorFactory.redact(removal, with: try Self.redactor("allowed_keys: [keep]"))
        #expect(try Self.spanKeys(try removal.encoded()).isEmpty)
        let value = String(repeating: "4111111111111111 ", count: count)
        let masking = try EditableRequest(try Self.span([("card", value)]))
        try RedactionProcessorFactory.redact(masking, with: try Self.redactor(#"{allow_all_keys: true, blocked_values: ["4[0-9]{12}(?:[0-9]{3})?"]}"#))
        let output = try EditableRequest(try #require(try masking.encoded()))
        let masked = withExtendedLifetime(output) { output.resourceSpans[0].scopeSpans[0].spans[0].attributes.string("card") }
        #expect(masked == String(repeating: "**** ", count: count), "\(masked?.prefix(40) ?? "nil")")
        // A quadratic pass over 60,000 pairs (3.6e9 steps) would take minutes; both take well under a second.
        #expect(ContinuousClock.now - started < .seconds(20))
    }

    @Test("Hashing every digit of a long value needs 64× its size: refused by the budget before it is allocated")
    func maskingMemoryIsChargedFirst() throws {
        let payload = try Self.span([("digits", String(repeating: "7", count: 200_000))])
        let limit = 4 << 20
        var asked = 0
        let request = try EditableRequest(payload) { total in
            asked = max(asked, total)
            return total <= limit
        }
        #expect(throws: EditMemoryRefused.self) {
            try RedactionProcessorFactory.redact(request, with: try Self.redactor("{allow_all_keys: true, blocked_values: ['[0-9]'], hash_function: sha3}"))
        }
        #expect(asked > 200_000 * 64 && request.session.heldBytes <= limit)
    }

    @Test("A log body nested as deep as decoding allows is walked to the bottom; its path is reported")
    func deepBody() throws {
        let depth = 18
        var body = #"{"stringValue":"card 4111111111111111"}"#
        for _ in 0..<depth { body = #"{"kvlistValue":{"values":[{"key":"a","value":\#(body)}]}}"# }
        let json = #"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":\#(body)}]}]}]}"#
        let request = try EditableRequest(try OTLPPayload(json: Array(json.utf8), signal: .logs, limits: DecodeLimits()))
        try RedactionProcessorFactory.redact(
            request, with: try Self.redactor(#"{allow_all_keys: true, blocked_values: ["4[0-9]{15}"], summary: debug}"#))
        let output = try EditableRequest(try #require(try request.encoded()))
        let record = withExtendedLifetime(output) { output.resourceLogs[0].scopeLogs[0].logRecords[0] }
        let (value, masked) = withExtendedLifetime(output) { (record.body, record.attributes.string("redaction.body.masked.keys")) }
        var leaf = value
        for _ in 0..<depth { leaf = leaf.map?.first?.value ?? .empty }
        #expect(leaf == .string("card ****"))
        #expect(masked == Array(repeating: "a", count: depth).joined(separator: "."))
    }
}
