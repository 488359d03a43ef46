import Foundation
import TelemetryConfig
import TelemetryGatewayCore
import TelemetryGatewayTesting
import TelemetryOTLPData
import TelemetryTestSupport
import Testing

/// The redaction processor's configuration (the Collector's README and testdata, located errors) and
/// the behaviour its tests do not pin down: removal order, multi-line values, untouched requests.
@Suite("Processors: redaction (configuration and details)")
struct RedactionConfigTests {
    private func failure(_ processor: String) -> ConfigError? {
        let yaml = """
            receivers:
              otlp:
            processors:
            \(processor)
            exporters:
              debug:
            service:
              pipelines:
                traces: {receivers: [otlp], processors: [redaction], exporters: [debug]}
            """
        do {
            _ = try GatewayConfiguration.parse(yaml: yaml, file: "g.yaml", environment: [:])
            return nil
        } catch {
            return error
        }
    }

    private func run(_ processor: String, _ attributes: [(String, OTLPValue)]) throws -> [RedactionHarness.Map] {
        let harness = try RedactionHarness(processor: processor)
        defer { harness.gateway.shutdown() }
        return try harness.run(attributes)
    }

    @Test("README example (processor/redactionprocessor/README.md@05df7eb, without url_sanitizer) behaves as its comments say")
    func readmeExample() throws {
        let maps = try run(
            """
              redaction:
                allow_all_keys: false
                allowed_keys:
                  - description
                  - group
                  - id
                  - name
                ignored_keys:
                  - safe_attribute
                redact_all_types: true
                blocked_key_patterns:
                  - ".*token.*"
                  - ".*api_key.*"
                blocked_values:
                  - "4[0-9]{12}(?:[0-9]{3})?" ## Visa credit card number
                  - "(5[1-5][0-9]{14})"       ## MasterCard number
                allowed_values:
                  - ".+@mycompany.com"
                hash_function: md5
                summary: debug
            """,
            [
                ("service.name", .string("checkout")), ("description", .string("paid with 4111111111111111")), ("group", .int(5_105_105_105_105_100)),
                ("id", .string("ops@mycompany.com")), ("name", .string("ok")), ("safe_attribute", .string("4111111111111111")),
                ("api_key", .string("k")),
            ])
        #expect(maps.count == RedactionHarness.places().count)
        for map in maps {
            // Fail closed: keys off the list go, service.name included (the resource is redacted too).
            #expect(map["service.name"] == nil && map["api_key"] == nil, "\(map.place)")
            #expect(map["description"] == .string("paid with 5910f4ea0062a0e29afd3dccc741e3ce"), "\(map.place)")
            // redact_all_types: the int is matched by its text; its MasterCard number hashed (md5("5105105105105100")).
            #expect(map["group"] == .string("e2740266aab85558996a9a87fc561c0e"), "\(map.place)")
            #expect(map["id"] == .string("ops@mycompany.com") && map["safe_attribute"] == .string("4111111111111111"), "\(map.place)")
            #expect(map["redaction.redacted.keys"] == .string("api_key,service.name") && map["redaction.masked.keys"] == .string("description,group"))
            #expect(map["redaction.allowed.keys"] == .string("id") && map["redaction.ignored.count"] == .int(1), "\(map.place)")
        }
    }

    @Test("README precedence example: allowed_values wins over blocked_values; the regex is unanchored ('.' is any character)")
    func readmePrecedence() throws {
        // The README's snippet lists only the value rules; allow_all_keys keeps its keys (the default removes every key).
        let maps = try run(
            """
              redaction:
                allow_all_keys: true
                blocked_values:
                  - "mycompany.com"
                allowed_values:
                  - "support.mycompany.com"
            """, [("support", .string("support.mycompany.com")), ("sales", .string("sales.mycompany.com"))])
        for map in maps {
            #expect(map["support"] == .string("support.mycompany.com") && map["sales"] == .string("sales.****"), "\(map.place)")
        }
    }

    @Test("testdata/config.yaml@446440e: both entries load; redaction/empty is the default, which removes every attribute")
    func testdataConfig() throws {
        #expect(failure("""
              redaction:
                # Flag to allow all span attribute keys. Setting this to true disables the
                allow_all_keys: false
                allowed_keys:
                  - description
                  - group
                  - id
                  - name
                ignored_keys:
                  - safe_attribute
                blocked_values:
                  - "4[0-9]{12}(?:[0-9]{3})?" ## Visa credit card number
                  - "(5[1-5][0-9]{14})"       ## MasterCard number
                summary: debug
              redaction/empty:
            """) == nil)
        let maps = try run("  redaction:", [("service.name", .string("checkout")), ("http.method", .string("GET"))])
        #expect(maps.count == RedactionHarness.places().count && maps.allSatisfy { $0.pairs.isEmpty })
    }

    @Test("blocked_keys (the issue's name) reads as blocked_key_patterns; giving both is an error")
    func blockedKeysAlias() throws {
        let maps = try run(
            """
              redaction:
                allow_all_keys: true
                blocked_keys: ["password"]
            """, [("password", .string("hunter2")), ("user", .string("ann"))])
        #expect(maps.allSatisfy { $0["password"] == .string("****") && $0["user"] == .string("ann") })
        let both = failure("""
              redaction:
                blocked_key_patterns: [a]
                blocked_keys: [b]
            """)
        #expect(both?.message == "give blocked_key_patterns or blocked_keys (the same list), not both" && both?.line == 6)
    }

    @Test("Configuration errors name the key, the Collector's words and the line", arguments: [
        ("    blocked_values: [\"(unclosed\"]", 5, "failed to process block list: error compiling regex in list: missing ): (unclosed"),
        ("    allowed_values: [\"a(?=b)\"]", 5, "failed to process allow list: error compiling regex in list: invalid perl operator: (?="),
        ("    blocked_key_patterns: [\"[z-a]\"]", 5, "failed to process block keys list: error compiling regex in list: invalid character class range: z-a"),
        ("    ignored_key_patterns: [\"*\"]", 5, "failed to process ignore keys list: error compiling regex in list: no argument for repetition operator: *"),
        ("    hash_function: SHA256", 5, "unknown HashFunction sha256, allowed functions are sha1, sha3, md5, hmac-sha256 and hmac-sha512"),
        ("    hash_function: hmac-sha256", 5, "hmac_key must not be empty"),
        ("    hash_function: hmac-sha512\n    hmac_key: \"\(String(repeating: "k", count: 63))\"", 6, "hmac_key must be at least 64 bytes long"),
        ("    hash_function: HMAC-SHA256\n    hmac_key: short", 6, "hmac_key must be at least 32 bytes long"),
        ("    hash_function: md5\n    hmac_key: \"\(String(repeating: "k", count: 32))\"", 6, "hmac_key is only used with hash_function hmac-sha256 or hmac-sha512"),
        ("    summary: verbose", 5, "unknown value \"verbose\"; allowed: debug, info, silent"),
        ("    masking_string: \"[REDACTED]\"", 5, "masking_string is not supported: masked values are replaced by **** or, with hash_function, by a hash"),
        ("    url_sanitizer: {enabled: true}", 5, "url_sanitizer is not supported: this gateway masks attribute values by blocked_values and blocked_key_patterns only"),
        ("    allow_all_keys: maybe", 5, "expected true or false, got \"maybe\""),
    ])
    func configErrors(line: String, expectedLine: Int, message: String) throws {
        let error = failure("  redaction:\n\(line)")
        #expect(error?.message == message)
        #expect(error?.line == expectedLine && error?.file == "g.yaml", "\(String(describing: error))")
    }

    @Test("hash_function hmac-sha256 and hmac-sha512 hash each match with hmac_key (here from the environment), as Go's crypto/hmac")
    func hmacMasking() throws {
        for (function, key, digest) in [
            ("hmac-sha256", String(repeating: "k", count: 32), "68461c4333f0d6ffc13ab17a895ccb61b6a8864e96602c4e91c869cfb9ccc6f1"),
            (
                "hmac-sha512", String(repeating: "k", count: 64),
                "89b024868b044f061da2d583e3b5cbdc8177fa0c7bad151d2a7c7e73aac1668e82781b89b8ce1eb73673659bcf141cba93daaadc3bb9cf6c8523e6c4f9c72f79"
            ),
        ] {
            let gateway = try InProcessGateway(yaml: """
                receivers:
                  otlp: {protocols: {http: {endpoint: 127.0.0.1:0}}}
                processors:
                  redaction:
                    allow_all_keys: true
                    blocked_values: ["4[0-9]{12}(?:[0-9]{3})?"]
                    hash_function: \(function)
                    hmac_key: ${REDACTION_HMAC_KEY}
                exporters:
                  memory:
                service:
                  pipelines:
                    traces: {receivers: [otlp], processors: [redaction], exporters: [memory]}
                  telemetry: {metrics: {level: none}}
                """, environment: ["REDACTION_HMAC_KEY": key])
            defer { gateway.shutdown() }
            let request = RedactionHarness.request(.traces, attributes: RedactionHarness.json([("card", .string("card 4111111111111111"))]), body: "{}")
            #expect(try OTLPRequests.post(Array(request.utf8), to: "\(gateway.url)/v1/traces", contentType: "application/json").status == 200)
            let maps = try gateway.memory.payloads(.traces).flatMap { try RedactionHarness.maps(in: $0) }
            // Digests from Python: hmac.new(key, b"4111111111111111", hashlib.sha256 / sha512).hexdigest().
            #expect(maps.count == 4 && maps.allSatisfy { $0["card"] == .string("card " + digest) }, "\(function)")
        }
    }

    @Test("An unknown key is refused with the keys allowed")
    func unknownKey() {
        let error = failure("  redaction:\n    blocked_value: [x]")
        #expect(error?.message.hasPrefix("unknown key; allowed here: allow_all_keys, allowed_keys") == true && error?.path == "processors.redaction.blocked_value")
    }

    @Test("Removal follows pcommon.Map.Remove: the last pair moves into each gap, also with duplicate keys")
    func removalOrder() throws {
        let processor = """
              redaction:
                allowed_keys: [a, b, c]
            """
        let value = OTLPValue.string("v")
        // Remove(x): c moves to 0; Remove(y): x moves to 2; Remove(x): b moves to 2.
        let maps = try run(processor, ["x", "a", "y", "b", "x", "c"].map { ($0, value) })
        #expect(maps.allSatisfy { $0.keys == ["c", "a", "b"] }, "\(maps.map(\.keys))")
    }

    @Test("A blocked key's value is masked line by line (Go's .* stops at \\n); a non-string value becomes \"****\"")
    func blockedKeyDetails() throws {
        let maps = try run(
            """
              redaction:
                allow_all_keys: true
                blocked_key_patterns: [secret]
                summary: info
            """, [("secret", .string("line one\nline two")), ("secret_number", .int(42)), ("empty_secret", .string(""))])
        for map in maps {
            #expect(map["secret"] == .string("****\n****") && map["secret_number"] == .string("****"), "\(map.place)")
            #expect(map["empty_secret"] == .string("****") && map["redaction.masked.count"] == .int(3), "\(map.place)")
        }
    }

    @Test("A request nothing matches leaves the gateway byte for byte as it came, for every signal")
    func untouchedIsByteIdentical() throws {
        let harness = try RedactionHarness(processor: """
              redaction:
                allow_all_keys: true
                blocked_values: ["4[0-9]{12}(?:[0-9]{3})?"]
                blocked_key_patterns: ["password"]
                summary: debug
            """)
        defer { harness.gateway.shutdown() }
        // The requests in protobuf, as a gateway without processors forwards them.
        let plain = try InProcessGateway(yaml: """
            receivers:
              otlp: {protocols: {http: {endpoint: 127.0.0.1:0}}}
            exporters:
              memory:
            service:
              pipelines:
                traces: {receivers: [otlp], exporters: [memory]}
                metrics: {receivers: [otlp], exporters: [memory]}
                logs: {receivers: [otlp], exporters: [memory]}
              telemetry: {metrics: {level: none}}
            """)
        defer { plain.shutdown() }
        let attributes = RedactionHarness.json([("user", .string("ann")), ("count", .int(3)), ("card", .string("4111"))])
        for signal in OTLPSignal.allCases {
            let body = #"{"kvlistValue":{"values":\#(attributes)}}"#
            let json = Array(RedactionHarness.request(signal, attributes: attributes, body: body).utf8)
            #expect(try OTLPRequests.post(json, to: "\(plain.url)/v1/\(signal.rawValue)", contentType: "application/json").status == 200)
            let protobuf = try #require(plain.memory.payloads(signal).first).bytes
            #expect(try OTLPRequests.post(protobuf, to: "\(harness.gateway.url)/v1/\(signal.rawValue)").status == 200)
            #expect(harness.gateway.memory.payloads(signal).first?.bytes == protobuf, "\(signal)")
        }
    }

    @Test("Masking the budget cannot hold is answered 429 and forwards nothing; the budget is whole again after")
    func budgetRefusal() throws {
        let gateway = try InProcessGateway(yaml: """
            receivers:
              otlp: {protocols: {http: {endpoint: 127.0.0.1:0}}}
            processors:
              memory_limiter: {check_interval: 1s, limit_mib: 4, spike_limit_mib: 1}
              redaction: {allow_all_keys: true, blocked_values: ["[0-9]"], hash_function: sha3}
            exporters:
              memory:
            service:
              pipelines:
                traces: {receivers: [otlp], processors: [memory_limiter, redaction], exporters: [memory]}
              telemetry: {metrics: {level: none}}
            """)
        defer { gateway.shutdown() }
        // 100,000 digits, each replaced by 64 hex digits: 6.4 MB of masked text.
        let attributes = RedactionHarness.json([("digits", .string(String(repeating: "7", count: 100_000)))])
        let request = RedactionHarness.request(.traces, attributes: attributes, body: "{}")
        let response = try OTLPRequests.post(Array(request.utf8), to: "\(gateway.url)/v1/traces", contentType: "application/json")
        #expect(response.status == 429 && response.header("Retry-After") != nil, "\(response.status)")
        #expect(gateway.memory.payloads(.traces).isEmpty)
        let deadline = Date().addingTimeInterval(10)
        while gateway.service.budget.usedBytes > 0, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        #expect(gateway.service.budget.usedBytes == 0)
        // The same pipeline masks a value whose hashes fit (sha3_256("1") + sha3_256("2"), from hashlib).
        let small = RedactionHarness.request(.traces, attributes: RedactionHarness.json([("digits", .string("12"))]), body: "{}")
        #expect(try OTLPRequests.post(Array(small.utf8), to: "\(gateway.url)/v1/traces", contentType: "application/json").status == 200)
        let maps = try gateway.memory.payloads(.traces).flatMap { try RedactionHarness.maps(in: $0) }
        #expect(maps.first { $0.place == "span" }?["digits"] == .string("67b176705b46206614219f47a05aee7ae6a3edbe850bbbe214c536b989aea4d2b1b1bd1ed240b1496c81ccf19ceccf2af6fd24fac10ae42023628abbe2687310"))
    }
}
