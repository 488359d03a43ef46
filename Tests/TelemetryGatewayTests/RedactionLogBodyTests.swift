import Foundation
import TelemetryGatewayTesting
import TelemetryOTLPData
import TelemetryTestSupport
import Testing

/// The redaction of log bodies (the Collector's `processLogBody`): scalars by their text, maps and lists
/// at every depth, with `redaction.body.*` reports on the record's attributes.
@Suite("Processors: redaction of log bodies")
struct RedactionLogBodyTests {
    /// Sends one log record with `body` (OTLP/JSON) through `processor` and returns the record.
    private func redacted(_ processor: String, body: String) throws -> (body: OTLPValue, attributes: [OTLPKeyValue]) {
        let harness = try RedactionHarness(processor: processor)
        defer { harness.gateway.shutdown() }
        let json = #"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano":"1","body":\#(body)}]}]}]}"#
        let response = try OTLPRequests.post(Array(json.utf8), to: "\(harness.gateway.url)/v1/logs", contentType: "application/json")
        #expect(response.status == 200)
        let request = try EditableRequest(try #require(harness.gateway.memory.payloads(.logs).first))
        return withExtendedLifetime(request) {
            let record = request.resourceLogs[0].scopeLogs[0].logRecords[0]
            return (record.body, record.attributes.pairs)
        }
    }

    private static let config = """
          redaction:
            allowed_keys: [id, email, credit_card, nested, slice]
            blocked_values: ["4[0-9]{12}(?:[0-9]{3})?"]
            ignored_keys: [safe_attribute]
            allowed_values: [".+@mycompany.com"]
            summary: debug
        """

    @Test("TestLogBodyRedactionDifferentTypes (processor_test.go@a6b52ab), string body: masked, reported as \"body\"")
    func stringBody() throws {
        let (body, attributes) = try redacted(Self.config, body: #"{"stringValue":"placeholder 4111111111111111"}"#)
        #expect(body == .string("placeholder ****"))
        #expect(attributes == [
            OTLPKeyValue(key: "redaction.body.masked.keys", value: .string("body")), OTLPKeyValue(key: "redaction.body.masked.count", value: .int(1)),
        ])
    }

    @Test("TestLogBodyRedactionDifferentTypes, map body: keys off the list removed at every depth, leaves masked or allowed, paths reported")
    func mapBody() throws {
        let card = #"{"stringValue":"4111111111111111"}"#
        let inner = #"""
            [{"key":"credit_card","value":\#(card)},{"key":"not_allowed_key","value":{"stringValue":"temp"}},
             {"key":"id","value":{"stringValue":"user123"}},{"key":"safe_attribute","value":\#(card)},
             {"key":"email","value":{"stringValue":"user@mycompany.com"}}]
            """#
        let body = #"""
            {"kvlistValue":{"values":[{"key":"credit_card","value":\#(card)},{"key":"not_allowed_key","value":{"stringValue":"temp"}},
             {"key":"id","value":{"stringValue":"user123"}},{"key":"nested","value":{"kvlistValue":{"values":\#(inner)}}},
             {"key":"slice","value":{"arrayValue":{"values":[\#(card),{"stringValue":"user123"}]}}}]}}
            """#
        let (redactedBody, attributes) = try redacted(Self.config, body: body)
        let map = try #require(redactedBody.map)
        // pcommon's Remove: the last key (slice) moves into not_allowed_key's place.
        #expect(map.map(\.key) == ["credit_card", "slice", "id", "nested"])
        #expect(map.first { $0.key == "credit_card" }?.value == .string("****"))
        #expect(map.first { $0.key == "slice" }?.value == .array([.string("****"), .string("user123")]))
        let nested = try #require(map.first { $0.key == "nested" }?.value.map)
        #expect(nested.map(\.key) == ["credit_card", "email", "id", "safe_attribute"])
        #expect(nested.first { $0.key == "credit_card" }?.value == .string("****"))
        #expect(nested.first { $0.key == "safe_attribute" }?.value == .string("4111111111111111"))
        let report = Dictionary(attributes.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        #expect(report == [
            "redaction.body.redacted.keys": .string("nested.not_allowed_key,not_allowed_key"), "redaction.body.redacted.count": .int(2),
            "redaction.body.masked.keys": .string("credit_card,nested.credit_card,slice.[0]"), "redaction.body.masked.count": .int(3),
            "redaction.body.allowed.keys": .string("nested.email"), "redaction.body.allowed.count": .int(1),
            "redaction.body.ignored.count": .int(1),
        ])
    }

    @Test("A scalar body is matched by its text whatever redact_all_types; an allowed one is left without a report")
    func scalarBodies() throws {
        let masked = try redacted(Self.config, body: #"{"intValue":"4111111111111111"}"#)
        #expect(masked.body == .string("****") && masked.attributes.contains { $0.key == "redaction.body.masked.count" })
        let allowed = try redacted(Self.config, body: #"{"stringValue":"4111111111111111 to ann@mycompany.com"}"#)
        #expect(allowed.body == .string("4111111111111111 to ann@mycompany.com") && allowed.attributes.isEmpty)
    }

    @Test("A blocked key in a body map has its value replaced whatever it holds (a map becomes \"****\")")
    func blockedKeyInBody() throws {
        let (body, _) = try redacted(
            """
              redaction:
                allow_all_keys: true
                blocked_key_patterns: [token]
            """, body: #"{"kvlistValue":{"values":[{"key":"token","value":{"kvlistValue":{"values":[]}}},{"key":"user","value":{"stringValue":"ann"}}]}}"#)
        #expect(body == .map([OTLPKeyValue(key: "token", value: .string("****")), OTLPKeyValue(key: "user", value: .string("ann"))]))
    }
}
