import TelemetryOTLPData
import Testing

/// The `resource` processor: the attributes processor's actions on every resource, in traces, metrics
/// and logs. Cases from processor/resourceprocessor/{README.md @475ea1f, testdata/config.yaml @e3bd2d1,
/// resource_processor_test.go @f17fbd0} of open-telemetry/opentelemetry-collector-contrib.
@Suite("Resource processor")
struct ResourceProcessorTests {
    /// The README's configuration, verbatim.
    static let readme = #"""
          resource:
            attributes:
            - key: cloud.availability_zone
              value: "zone-1"
              action: upsert
            - key: k8s.cluster.name
              from_attribute: k8s-cluster
              action: insert
            - key: redundant-attribute
              action: delete
        """#

    /// The resource attributes of each group after `processors` ran, for one group per entry of
    /// `resources`, checked to be equal in traces, metrics and logs.
    static func run(_ processors: String, list: String = "resource", _ resources: [[(String, OTLPValue)]]) throws -> [[OTLPKeyValue]] {
        let harness = try AttributesHarness(processors, list: list)
        defer { harness.gateway.shutdown() }
        try harness.send(resources.map { AttributesHarness.Span(resource: $0) })
        try harness.send(resources.map { AttributesHarness.Log(resource: $0) })
        try harness.send(resources.map { AttributesHarness.Metric(resource: $0) })
        let traces = try harness.resourceAttributes(.traces)
        #expect(try harness.resourceAttributes(.metrics) == traces, "metrics")
        #expect(try harness.resourceAttributes(.logs) == traces, "logs")
        return traces
    }

    @Test("The README's configuration on a request without resource and one to change (TestResourceProcessorAttributesUpsert)")
    func readmeExample() throws {
        let result = try Self.run(Self.readme, [
            [],
            [("cloud.availability_zone", .string("to-be-replaced")), ("k8s-cluster", .string("test-cluster")), ("redundant-attribute", .string("to-be-removed"))],
        ])
        #expect(result == [
            pairs(("cloud.availability_zone", .string("zone-1"))),
            pairs(("cloud.availability_zone", .string("zone-1")), ("k8s-cluster", .string("test-cluster")), ("k8s.cluster.name", .string("test-cluster"))),
        ])
    }

    @Test("Renaming: insert from the old key, then delete it (TestResourceProcessorAttributesUpsert, rename case)")
    func rename() throws {
        let result = try Self.run("""
              resource:
                attributes:
                - {key: k8s.cluster.name, from_attribute: k8s-cluster, action: insert}
                - {key: k8s-cluster, action: delete}
            """, [[("k8s-cluster", .string("test-cluster"))]])
        #expect(result == [pairs(("k8s.cluster.name", .string("test-cluster")))])
    }

    @Test("testdata/config.yaml: `resource` is valid and works; `resource/empty` is refused with missing required field \"attributes\"")
    func testdata() throws {
        let yaml = #"""
            # The following specifies a resource configuration doing the changes on resource attributes:
            resource:
              attributes:
              - key: cloud.availability_zone
                value: zone-1
                action: upsert
              - key: k8s.cluster.name
                from_attribute: k8s-cluster
                action: insert
              - key: redundant-attribute
                action: delete

            # The following specifies an invalid resource configuration, it has to have at least one action set in attributes field.
            resource/empty:
            """#
        let indented = AttributesTestdataTests.indented(yaml)
        let error = AttributesHarness.configError(AttributesHarness.yaml(indented, list: "resource"))
        #expect(error?.message == #"missing required field "attributes""# && error?.path == "processors.resource/empty", "\(String(describing: error))")
        let valid = indented.components(separatedBy: "\n  # The following specifies an invalid")[0]
        let result = try Self.run(valid, [[("redundant-attribute", .bool(true)), ("k8s-cluster", .string("c"))]])
        // redundant-attribute, first, is removed: the last pair (the inserted k8s.cluster.name) takes its place.
        #expect(result == [pairs(("k8s.cluster.name", .string("c")), ("k8s-cluster", .string("c")), ("cloud.availability_zone", .string("zone-1")))])
    }

    @Test("Every action on resources: hash, extract, convert; resource actions see only resource attributes")
    func otherActions() throws {
        let result = try Self.run("""
              resource:
                attributes:
                - {key: host.id, action: hash}
                - {key: url, pattern: '^(?P<scheme>[a-z]+)://', action: extract}
                - {key: port, action: convert, converted_type: int}
                - {key: copied, from_attribute: span.only, action: insert}
            """, [[("host.id", .string("foo")), ("url", .string("https://x")), ("port", .string("443"))]])
        #expect(result == [pairs(
            ("host.id", .string("2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae")), ("url", .string("https://x")),
            ("port", .int(443)), ("scheme", .string("https")))])
    }

    @Test("resource and attributes in one pipeline: the resource processor edits the resource, attributes the items")
    func togetherWithAttributes() throws {
        let harness = try AttributesHarness("""
              resource:
                attributes: [{key: env, value: prod, action: upsert}]
              attributes:
                actions: [{key: env, from_attribute: missing, default_value: item, action: insert}]
            """, list: "resource, attributes")
        defer { harness.gateway.shutdown() }
        try harness.send([AttributesHarness.Span(service: "s")])
        #expect(try harness.resourceAttributes(.traces) == [pairs(("service.name", .string("s")), ("env", .string("prod")))])
        #expect(try harness.spanAttributes() == [pairs(("env", .string("item")))])
    }
}
