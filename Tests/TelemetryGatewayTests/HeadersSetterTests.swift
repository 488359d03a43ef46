import Telemetry
import TelemetryConfig
import TelemetryGatewayCore
import TelemetryHTTP
import TelemetryYAML
import Testing

/// The `headers_setter` extension: its keys and located errors, and the headers its rules set for a
/// batch's request metadata (the Collector's `extension/headerssetterextension`).
@Suite("headers_setter extension")
struct HeadersSetterTests {
    static func settings(_ yaml: String) throws -> HeadersSetterSettings {
        try HeadersSetterSettings.parse(try ConfigDocument.root(yaml: yaml, file: "headers_setter.yaml", environment: [:]))
    }

    static func overrides(
        _ yaml: String, configured: [String: String] = [:], metadata: [(name: String, value: String)], collector: MetricsCollector = MetricsCollector()
    ) throws -> [String] {
        let headers = OutgoingHeaders(try settings(yaml), configured: configured, exporter: "otlp/up", collector: collector)
        return headers.overrides(for: RequestMetadata(metadata)).map { "\($0.name)=\($0.value)" }
    }

    /// The README's "Configuration Example" (extension/headerssetterextension/README.md).
    static let readmeExample = """
        headers:
          - action: insert
            key: X-Scope-OrgID
            from_context: tenant_id
            default_value: Org-ID
          - action: upsert
            key: User-ID
            value: user_id
          - action: update
            key: User-ID
            value: user_id
          - action: delete
            key: Some-Header
        """

    @Test("The README example: the tenant from the metadata, else the default; a fixed value; a configured header deleted")
    func readmeExample() throws {
        #expect(try Self.overrides(Self.readmeExample, configured: ["Some-Header": "s"], metadata: [("tenant_id", "acme")])
            == ["X-Scope-OrgID=acme", "User-ID=user_id", "Some-Header="])
        #expect(try Self.overrides(Self.readmeExample, metadata: []) == ["X-Scope-OrgID=Org-ID", "User-ID=user_id", "Some-Header="])
        // insert leaves a configured header alone (the Collector: `header.Get(key) == ""` only).
        #expect(try Self.overrides(Self.readmeExample, configured: ["x-scope-orgid": "fixed"], metadata: [("tenant_id", "acme")])
            == ["User-ID=user_id", "Some-Header="])
    }

    @Test("testdata/config.yaml headers_setter/1: insert from tenant_id, update from user_id, upsert a value, then delete; the empty section is refused")
    func collectorTestdata() throws {
        // extension/headerssetterextension/testdata/config.yaml, `headers_setter/1`.
        let yaml = """
            headers:
              - key: X-Scope-OrgID
                action: insert
                from_context: "tenant_id"
              - key: User-ID
                action: update
                from_context: "user_id"
              - key: User-ID
                value: "user_id"
              - key: User-ID
                action: delete
            """
        let rules = try Self.settings(yaml).rules
        #expect(rules.map(\.action) == [.insert, .update, .upsert, .delete])
        #expect(rules[0].source == .context(key: "tenant_id", defaultValue: nil) && rules[2].source == .value("user_id"))
        #expect(try Self.overrides(yaml, metadata: [("tenant_id", "t"), ("user_id", "u")]) == ["X-Scope-OrgID=t", "User-ID="])
        // The same file's empty `headers_setter:` fails with errMissingHeadersConfig.
        #expect(throws: ConfigError.self) { try Self.settings("") }
    }

    @Test("update sets only a present header, upsert always; from_context takes the first value; names compare without case")
    func actions() throws {
        let yaml = "headers: [{key: X-Env, action: update, from_context: env}, {key: X-Org, action: upsert, from_context: Tenant}]"
        #expect(try Self.overrides(yaml, configured: ["x-env": "dev"], metadata: [("ENV", "prod"), ("tenant", "a"), ("tenant", "b")])
            == ["X-Env=prod", "X-Org=a"])
        #expect(try Self.overrides(yaml, metadata: [("env", "prod")]) == ["X-Org="], "update of an absent header does nothing")
    }

    @Test("A metadata value with CR, LF or NUL is not sent, not replaced by the default, and counted")
    func controlCharacters() throws {
        let collector = MetricsCollector()
        let yaml = "headers: [{key: X-Scope-OrgID, from_context: tenant, default_value: shared}]"
        for value in ["a\r\nX-Admin: 1", "a\nb", "a\u{0}b"] {
            // Empty: the header is not sent, and neither is a configured header of that name.
            #expect(try Self.overrides(yaml, metadata: [("tenant", value)], collector: collector) == ["X-Scope-OrgID="])
            #expect(try Self.overrides(yaml, configured: ["x-scope-orgid": "static"], metadata: [("tenant", value)]) == ["X-Scope-OrgID="])
        }
        let point = collector.collectAll().families.first { $0.name == "telemetry_exporter_header_values_dropped_total" }?.points.first
        guard case .counter(let dropped) = point?.value else {
            Issue.record("no drop counter")
            return
        }
        #expect(dropped == 3)
        #expect(try Self.overrides(yaml, metadata: [("tenant", "a\tb")]) == ["X-Scope-OrgID=a\tb"], "a tab is a valid value")
    }

    @Test("Configured headers overridden: same name replaced in any case, an empty override removes it")
    func overriding() {
        let merged = HeaderField.overriding(
            [(name: "Authorization", value: "t"), (name: "X-Scope-OrgID", value: "old"), (name: "Keep", value: "k")],
            with: [(name: "x-scope-orgid", value: "new"), (name: "authorization", value: ""), (name: "X-New", value: "n")])
        #expect(merged.map { "\($0.name)=\($0.value)" } == ["Keep=k", "x-scope-orgid=new", "X-New=n"])
    }

    private func failure(_ yaml: String) -> ConfigError? {
        do {
            _ = try GatewayConfiguration.parse(yaml: yaml, file: "g.yaml", environment: [:])
            return nil
        } catch {
            return error
        }
    }

    static func config(extensions: String, auth: String = "auth: {authenticator: headers_setter}", listed: String = "[headers_setter]") -> String {
        """
        extensions:
        \(extensions)
        receivers:
          otlp: {protocols: {http: {endpoint: 127.0.0.1:0}}}
        exporters:
          otlphttp:
            endpoint: http://127.0.0.1:4318
            \(auth)
        service:
          extensions: \(listed)
          pipelines:
            traces: {receivers: [otlp], exporters: [otlphttp]}
        """
    }

    @Test("Located errors: from_attribute, sources, control characters, reserved names, unknown types, unresolved authenticators")
    func errors() throws {
        func error(_ yaml: String) throws -> ConfigError { try #require(failure(yaml)) }
        let rule = { (body: String) in Self.config(extensions: "  headers_setter:\n    headers:\n      - {key: X-Org, \(body)}") }
        #expect(failure(rule("from_context: tenant")) == nil)
        let attribute = try error(rule("from_attribute: tenant"))
        #expect(attribute.path == "extensions.headers_setter.headers[0].from_attribute" && attribute.message.contains("use from_context"))
        #expect(try error(rule("action: upsert")).message.contains("missing header source"))
        #expect(try error(rule("value: v, from_context: t")).message.contains("invalid header source"))
        #expect(try error(rule("value: v, default_value: d")).message.contains("default_value goes with from_context"))
        #expect(try error(rule("value: \"a\\r\\nb\"")).path == "extensions.headers_setter.headers[0].value")
        #expect(try error(rule("action: merge, value: v")).path == "extensions.headers_setter.headers[0].action")
        #expect(failure(rule("action: delete")) == nil, "delete needs no source")
        let reserved = try error(Self.config(extensions: "  headers_setter: {headers: [{key: Content-Type, value: x}]}"))
        #expect(reserved.message.contains("set by the exporter's transport"))
        let health = try error(Self.config(extensions: "  health_check: {}"))
        #expect(health.path == "extensions.health_check" && health.message.contains("/healthz"))
        let setter = "  headers_setter: {headers: [{key: X-Org, value: a}]}"
        let undefined = try error(Self.config(extensions: setter, auth: "auth: {authenticator: headers_setter/other}"))
        #expect(undefined.path == "exporters.otlphttp.auth.authenticator" && undefined.message.contains("headers_setter/other"))
        let unlisted = try error(Self.config(extensions: setter, listed: "[]"))
        #expect(unlisted.path == "exporters.otlphttp.auth.authenticator" && unlisted.message.contains("service.extensions"))
        let listedUndefined = try error(Self.config(extensions: setter, listed: "[headers_setter, headers_setter/x]"))
        #expect(listedUndefined.path == "service.extensions[1]")
        #expect(try error(Self.config(extensions: setter, auth: "auth: {authenticator: headers_setter, extra: 1}")).path.hasPrefix("exporters.otlphttp.auth"))
    }
}
