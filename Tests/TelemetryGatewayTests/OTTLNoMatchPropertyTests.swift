import PropertyBased
import TelemetryOTLPData
import TelemetryOTTL
import TelemetryYAML
import Testing

@testable import TelemetryGatewayCore

/// Statements and conditions that match nothing leave a request byte for byte as it came, on generated
/// attribute lists (odd and repeated keys, every value type), in spans and log records.
@Suite("transform and filter: properties")
struct OTTLNoMatchPropertyTests {
    static func node(_ yaml: String) throws -> ConfigNode {
        try ConfigDocument.root(yaml: yaml, file: "property.yaml", environment: [:])
    }

    static let transform = """
        trace_statements:
          - set(span.attributes["x"], "y") where span.attributes["never"] == "there"
          - delete_key(span.attributes, "absent")
          - delete_matching_keys(span.attributes, "^zz")
          - replace_pattern(span.attributes["a"], "^zz", "y")
          - replace_all_patterns(span.attributes, "value", "^zz", "y")
          - replace_all_matches(span.attributes, "zz*", "y")
          - truncate_all(span.attributes, 1000)
          - limit(span.attributes, 100, [])
          - merge_maps(span.attributes, {}, "upsert")
          - set(span.attributes["copy"], span.attributes["absent"])
        log_statements:
          - set(log.attributes["x"], "y") where log.attributes["never"] == "there" or IsMatch(log.body, "^zz")
          - delete_key(log.attributes, "absent")
          - truncate_all(log.attributes, 1000)
          - replace_all_patterns(log.attributes, "key", "^zz", "y")
        """

    static let filter = """
        trace_conditions:
          - span.name == "never"
          - IsMatch(span.attributes["a"], "^zz")
          - resource.attributes["never"] != nil
        log_conditions:
          - log.attributes["b"] == "never"
          - log.severity_number > 100
        """

    @Test("Statements and conditions that match nothing: nothing changed, the same bytes come out")
    func nothingMatchedNothingChanged() async throws {
        let transform = try TransformSettings.parse(try Self.node(Self.transform))
        let filter = try FilterSettings.parse(try Self.node(Self.filter))
        await propertyCheck(count: 100, input: AttributesPropertyTests.items) { items in
            for signal in [OTLPSignal.traces, .logs] where !items.isEmpty {
                guard let payload = try? AttributesPropertyTests.request(items, signal) else {
                    Issue.record("the generated request did not decode")
                    return
                }
                let request = try EditableRequest(payload)
                for group in transform.groups.first(where: { $0.signal == signal })?.groups ?? [] {
                    try group.run(on: request) { message, statement in Issue.record("\(statement): \(message)") }
                }
                let dropped = try filter.conditions[signal]?.apply(to: request) { message, condition in Issue.record("\(condition): \(message)") }
                #expect(dropped == 0)
                #expect(request.session.changed == false)
                #expect(try request.encoded()?.bytes == payload.bytes)
            }
        }
    }
}
