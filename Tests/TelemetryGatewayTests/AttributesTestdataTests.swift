import TelemetryOTLPData
import Testing

/// The attributes processor's own examples, copied verbatim from
/// processor/attributesprocessor/testdata/config.yaml (@b049dee) and README.md (@afff3ad, @000d4c7) of
/// open-telemetry/opentelemetry-collector-contrib, with inputs from their comments, behaving as their
/// comments say.
@Suite("Attributes processor: the Collector's testdata and README examples")
struct AttributesTestdataTests {
    /// The span attributes after the processor `id`, defined in `yaml` (a verbatim testdata entry,
    /// indented under `processors:`), ran over `spans` in a traces pipeline.
    static func spans(_ yaml: String, id: String, _ spans: [AttributesHarness.Span]) throws -> [[OTLPKeyValue]] {
        let harness = try AttributesHarness(indented(yaml), list: id, pipelines: ["traces"])
        defer { harness.gateway.shutdown() }
        try harness.send(spans)
        return try harness.spanAttributes()
    }

    static func indented(_ yaml: String) -> String {
        yaml.split(separator: "\n", omittingEmptySubsequences: false).map { "  \($0)" }.joined(separator: "\n")
    }

    // MARK: testdata/config.yaml

    @Test("attributes/insert: attribute1 backfilled as an int; \"string key\" from anotherkey only when it exists")
    func insert() throws {
        let yaml = #"""
            attributes/insert:
              actions:
                - key: "attribute1"
                  value: 123
                  action: insert
                - key: "string key"
                  from_attribute: "anotherkey"
                  action: insert
            """#
        let result = try Self.spans(yaml, id: "attributes/insert", [
            .init(attributes: []), .init(attributes: [("anotherkey", .string("v")), ("attribute1", .string("kept"))]),
        ])
        #expect(result == [pairs(("attribute1", .int(123))), pairs(("anotherkey", .string("v")), ("attribute1", .string("kept")), ("string key", .string("v")))])
    }

    @Test("attributes/regex_insert cannot be created (its `(\\?|\\&)` group is unnamed), as NewAttrProc refuses it upstream; named, it extracts every part")
    func regexInsert() throws {
        let yaml = #"""
            attributes/regex_insert:
              actions:
                - key: "http.url"
                  pattern: ^(?P<http_protocol>.*):\/\/(?P<http_domain>.*)\/(?P<http_path>.*)(\?|\&)(?P<http_query_params>.*)
                  action: extract
            """#
        let error = AttributesHarness.configError(AttributesHarness.yaml(Self.indented(yaml), list: "attributes/regex_insert", pipelines: ["traces"]))
        #expect(error?.message == "error creating AttrProc. Field \"pattern\" contains at least one unnamed matcher group at the 0-th actions")
        #expect(error?.path == "processors.attributes/regex_insert.actions[0]" && error?.line == 9, "\(String(describing: error))")

        let named = yaml.replacingOccurrences(of: #"(\?|\&)"#, with: #"(?P<sep>\?|\&)"#)
        let url = "http://example.com/path?queryParam1=value1,queryParam2=value2"
        let result = try Self.spans(named, id: "attributes/regex_insert", [.init(attributes: [("http.url", .string(url))])])
        #expect(result == [pairs(
            ("http.url", .string(url)), ("http_protocol", .string("http")), ("http_domain", .string("example.com")), ("http_path", .string("path")),
            ("sep", .string("?")), ("http_query_params", .string("queryParam1=value1,queryParam2=value2")))])
    }

    @Test("attributes/update, /upsert, /delete, /hash, /convert")
    func simpleActions() throws {
        let update = try Self.spans(#"""
            attributes/update:
              actions:
                - key: "boo"
                  from_attribute: "foo"
                  action: update
                - key: db.secret
                  value: redacted
                  action: update
            """#, id: "attributes/update", [
            .init(attributes: [("foo", .string("f"))]), .init(attributes: [("boo", .string("b")), ("foo", .string("f")), ("db.secret", .string("pw"))]),
        ])
        #expect(update == [pairs(("foo", .string("f"))), pairs(("boo", .string("f")), ("foo", .string("f")), ("db.secret", .string("redacted")))])

        let upsert = try Self.spans(#"""
            attributes/upsert:
              actions:
                - key: region
                  value: "planet-earth"
                  action: upsert

                - key: new_user_key
                  from_attribute: user_key
                  action: upsert
            """#, id: "attributes/upsert", [.init(attributes: [("region", .string("mars"))]), .init(attributes: [("user_key", .int(7))])])
        #expect(upsert == [pairs(("region", .string("planet-earth"))), pairs(("user_key", .int(7)), ("region", .string("planet-earth")), ("new_user_key", .int(7)))])

        let delete = try Self.spans(#"""
            attributes/delete:
              actions:
                - key: credit_card
                  action: delete
                - key: duplicate_key
                  action: delete
            """#, id: "attributes/delete", [.init(attributes: [("credit_card", .int(1234)), ("duplicate_key", .string("x")), ("keep", .bool(true))])])
        #expect(delete == [pairs(("keep", .bool(true)))])

        let hash = try Self.spans(#"""
            attributes/hash:
              actions:
                - key: user.email
                  action: hash
            """#, id: "attributes/hash", [.init(attributes: [("user.email", .string("john.doe@example.com"))])])
        #expect(hash == [pairs(("user.email", .string("836f82db99121b3481011f16b49dfa5fbc714a0d1b1b9f784a1ebbbf5b39577f")))])

        let convert = try Self.spans(#"""
            attributes/convert:
              actions:
                - key: http.status_code
                  action: convert
                  converted_type: int
            """#, id: "attributes/convert", [.init(attributes: [("http.status_code", .string("200"))])])
        #expect(convert == [pairs(("http.status_code", .int(200)))])
    }

    @Test("attributes/excludemulti: Span1 and Span2 of its comment are left alone, Span3 and Span4 processed")
    func excludeMulti() throws {
        let yaml = #"""
            attributes/excludemulti:
              exclude:
                match_type: strict
                services: ["svcA", "svcB"]
                attributes:
                  - {key: env, value: "dev"}
                  - {key: test_request}
              actions:
                - key: credit_card
                  action: delete
                - key: duplicate_key
                  action: delete
            """#
        // The comment's "Name" is the service name. Span2 and Span4 get a credit_card so processing shows.
        let result = try Self.spans(yaml, id: "attributes/excludemulti", [
            .init(service: "svcB", attributes: [("env", .string("dev")), ("test_request", .int(123)), ("credit_card", .int(1234))]),
            .init(service: "svcA", attributes: [("env", .string("dev")), ("test_request", .bool(false)), ("credit_card", .int(1))]),
            .init(service: "svcB", attributes: [("env", .int(1)), ("test_request", .string("dev")), ("credit_card", .int(1234))]),
            .init(service: "svcC", attributes: [("env", .string("dev")), ("test_request", .bool(false)), ("credit_card", .int(1))]),
        ])
        #expect(result == [
            pairs(("env", .string("dev")), ("test_request", .int(123)), ("credit_card", .int(1234))),
            pairs(("env", .string("dev")), ("test_request", .bool(false)), ("credit_card", .int(1))),
            pairs(("env", .int(1)), ("test_request", .string("dev"))),
            pairs(("env", .string("dev")), ("test_request", .bool(false))),
        ])
    }

    @Test("attributes/excluderesources and attributes/excludelibrary (no version given: any version matches)")
    func excludeResourcesAndLibrary() throws {
        let resources = try Self.spans(#"""
            attributes/excluderesources:
              exclude:
                match_type: strict
                resources:
                  - {key: host.type, value: "n1-standard-1"}
              actions:
                - key: credit_card
                  action: delete
                - key: duplicate_key
                  action: delete
            """#, id: "attributes/excluderesources", [
            .init(attributes: [("credit_card", .int(1))], resource: [("host.type", .string("n1-standard-1"))]),
            .init(attributes: [("credit_card", .int(1))], resource: [("host.type", .string("n1-standard-2"))]),
        ])
        #expect(resources == [pairs(("credit_card", .int(1))), []])

        let library = try Self.spans(#"""
            attributes/excludelibrary:
              exclude:
                match_type: strict
                libraries:
                  - {name: "mongo-java-driver", version: "3.8.0"}
              actions:
                - key: credit_card
                  action: delete
                - key: duplicate_key
                  action: delete
            """#, id: "attributes/excludelibrary", [
            .init(attributes: [("credit_card", .int(1))], scope: "mongo-java-driver", scopeVersion: "3.8.0"),
            .init(attributes: [("credit_card", .int(1))], scope: "mongo-java-driver", scopeVersion: "3.7.0"),
            .init(attributes: [("credit_card", .int(1))], scope: "other", scopeVersion: "3.8.0"),
        ])
        #expect(library == [pairs(("credit_card", .int(1))), [], []])
    }

    @Test("attributes/includeservices: regexps found anywhere in service.name (\"xauth\" matches auth.*)")
    func includeServices() throws {
        let result = try Self.spans(#"""
            attributes/includeservices:
              include:
                match_type: regexp
                services: ["auth.*", "login.*"]
              actions:
                - key: credit_card
                  action: delete
                - key: duplicate_key
                  action: delete
            """#, id: "attributes/includeservices", ["auth-api", "login", "xauth", "svcC"].map { .init(service: $0, attributes: [("credit_card", .int(1))]) })
        #expect(result == [[], [], [], pairs(("credit_card", .int(1)))])
    }

    @Test("attributes/selectiveprocessing: the bool false excludes, the string \"false\" does not (Span1–Span4 of its comment)")
    func selectiveProcessing() throws {
        let result = try Self.spans(#"""
            attributes/selectiveprocessing:
              include:
                match_type: strict
                services: ["svcA", "svcB"]
              exclude:
                match_type: strict
                attributes:
                  - { key: redact_trace, value: false}
              actions:
                - key: credit_card
                  action: delete
                - key: duplicate_key
                  action: delete
            """#, id: "attributes/selectiveprocessing", [
            .init(service: "svcB", attributes: [("env", .string("production")), ("test_request", .int(123)), ("credit_card", .int(1234)), ("redact_trace", .string("false"))]),
            .init(service: "svcA", attributes: [("env", .string("staging")), ("test_request", .bool(false)), ("redact_trace", .bool(true)), ("credit_card", .int(1))]),
            .init(service: "svcB", attributes: [("env", .string("production")), ("test_request", .bool(true)), ("credit_card", .int(1234)), ("redact_trace", .bool(false))]),
            .init(service: "svcC", attributes: [("env", .string("dev")), ("test_request", .bool(false)), ("credit_card", .int(1))]),
        ])
        #expect(result.map { $0.contains { $0.key == "credit_card" } } == [false, false, true, true])
    }

    @Test("attributes/complex: the four spans of its comment end as it says")
    func complex() throws {
        let result = try Self.spans(#"""
            attributes/complex:
              actions:
                - key: operation
                  value: default
                  action: insert

                - key: svc.operation
                  from_attribute: operation
                  action: upsert

                - key: operation
                  action: delete
            """#, id: "attributes/complex", [
            .init(attributes: [("timeout", .int(10)), ("svc.operation", .string("addition")), ("operation", .string("addition"))]),
            .init(attributes: [("operation", .string("subtract")), ("math_value", .int(123))]),
            .init(attributes: [("timeout", .int(10)), ("math_value", .int(4))]),
            .init(attributes: [("svc.operation", .string("division")), ("timeout", .int(3))]),
        ])
        #expect(result == [
            pairs(("timeout", .int(10)), ("svc.operation", .string("addition"))),
            pairs(("svc.operation", .string("subtract")), ("math_value", .int(123))),
            pairs(("timeout", .int(10)), ("math_value", .int(4)), ("svc.operation", .string("default"))),
            pairs(("svc.operation", .string("default")), ("timeout", .int(3))),
        ])
    }

    @Test("attributes/regexp and attributes/regexp2: service and span-name regexps; an escaped `\\*` in an attribute regexp")
    func regexps() throws {
        let first = try Self.spans(#"""
            attributes/regexp:
              include:
                match_type: regexp
                services: ["auth.*"]
              exclude:
                match_type: regexp
                span_names: ["login.*"]
              actions:
                - key: password
                  action: update
                  value: "obfuscated"
                - key: token
                  action: delete
            """#, id: "attributes/regexp", [
            .init(name: "check", service: "auth-server", attributes: [("password", .string("p")), ("token", .string("t"))]),
            .init(name: "login-form", service: "auth-server", attributes: [("password", .string("p")), ("token", .string("t"))]),
            .init(name: "check", service: "billing", attributes: [("password", .string("p")), ("token", .string("t"))]),
        ])
        #expect(first == [
            pairs(("password", .string("obfuscated"))), pairs(("password", .string("p")), ("token", .string("t"))),
            pairs(("password", .string("p")), ("token", .string("t"))),
        ])
        let second = try Self.spans(#"""
            attributes/regexp2:
              include:
                match_type: regexp
                attributes:
                  - {key: "db.statement", value: 'SELECT \* FROM USERS.*'}
              actions:
                - key: db.statement
                  action: update
                  value: "SELECT * FROM USERS [obfuscated]"
            """#, id: "attributes/regexp2", [
            .init(attributes: [("db.statement", .string("SELECT * FROM USERS WHERE id = 7"))]),
            .init(attributes: [("db.statement", .string("SELECT id FROM USERS"))]),
        ])
        #expect(second == [pairs(("db.statement", .string("SELECT * FROM USERS [obfuscated]"))), pairs(("db.statement", .string("SELECT id FROM USERS")))])
    }

    @Test("attributes/log_body_regexp and attributes/log_severity_regexp on log records")
    func logExamples() throws {
        let yaml = #"""
            attributes/log_body_regexp:
              include:
                match_type: regexp
                log_bodies: ["AUTH.*"]
              actions:
                - key: password
                  action: update
                  value: "obfuscated"
                - key: token
                  action: delete
            attributes/log_severity_regexp:
              include:
                match_type: regexp
                log_severity_texts: [ "debug.*" ]
              actions:
                - key: password
                  action: update
                  value: "obfuscated"
                - key: token
                  action: delete
            """#
        let secret: [(String, OTLPValue)] = [("password", .string("p")), ("token", .string("t"))]
        let cases: [(id: String, logs: [AttributesHarness.Log])] = [
            ("attributes/log_body_regexp", [.init(body: .string("AUTH failed"), attributes: secret), .init(body: .string("hello"), attributes: secret)]),
            ("attributes/log_severity_regexp", [.init(severityText: "debug", attributes: secret), .init(severityText: "info", attributes: secret)]),
        ]
        for entry in cases {
            let harness = try AttributesHarness(Self.indented(yaml), list: entry.id, pipelines: ["logs"])
            defer { harness.gateway.shutdown() }
            try harness.send(entry.logs)
            #expect(try harness.logAttributes() == [pairs(("password", .string("obfuscated"))), pairs(("password", .string("p")), ("token", .string("t")))], "\(entry.id)")
        }
    }

    @Test("attributes/from_context: request metadata and authentication are not available yet (issue 31): nothing is inserted")
    func fromContext() throws {
        let result = try Self.spans(#"""
            attributes/from_context:
              actions:
              - key: origin
                from_context: metadata.origin
                action: insert
              - key: enduser.id
                from_context: auth.subject
                action: insert
            """#, id: "attributes/from_context", [.init(attributes: [("k", .string("v"))])])
        #expect(result == [pairs(("k", .string("v")))])
    }

    // MARK: README.md

    @Test("The README's example (@afff3ad) and its newer default_value actions (@000d4c7), on spans, logs and data points")
    func readmeExample() throws {
        let yaml = #"""
            attributes/example:
              actions:
                - key: db.table
                  action: delete
                - key: redacted_span
                  value: true
                  action: upsert
                - key: copy_key
                  from_attribute: key_original
                  action: update
                - key: account_id
                  value: 2245
                  action: insert
                - key: account_password
                  action: delete
                - key: account_email
                  action: hash
                - key: http.status_code
                  action: convert
                  converted_type: int
                - key: region
                  from_attribute: cloud.region
                  default_value: "us-east-1"
                  action: insert
                - key: tenant_id
                  from_context: "metadata.tenant"
                  default_value: "default-tenant"
                  action: upsert
            """#
        let harness = try AttributesHarness(Self.indented(yaml), list: "attributes/example")
        defer { harness.gateway.shutdown() }
        let input: [(String, OTLPValue)] = [
            ("db.table", .string("users")), ("copy_key", .string("old")), ("key_original", .string("new")), ("account_password", .string("secret")),
            ("account_email", .string("john.doe@example.com")), ("http.status_code", .string("200")),
        ]
        try harness.send([AttributesHarness.Span(attributes: input)])
        try harness.send([AttributesHarness.Log(attributes: input)])
        try harness.send([AttributesHarness.Metric(points: [input])])
        // db.table removed (http.status_code, the last, moves into its place), then account_password
        // (the appended account_id moves there).
        let expected = pairs(
            ("http.status_code", .int(200)), ("copy_key", .string("new")), ("key_original", .string("new")), ("account_id", .int(2245)),
            ("account_email", .string("836f82db99121b3481011f16b49dfa5fbc714a0d1b1b9f784a1ebbbf5b39577f")), ("redacted_span", .bool(true)),
            ("region", .string("us-east-1")), ("tenant_id", .string("default-tenant")))
        #expect(try harness.spanAttributes() == [expected])
        #expect(try harness.logAttributes() == [expected])
        #expect(try harness.pointAttributes() == [expected])
    }
}
