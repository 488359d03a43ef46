import Foundation
import Telemetry
import TelemetryHTTP
import TelemetryTestSupport
import Testing

@testable import TelemetryConfig

/// The application format's exporters take the gateway's (the Collector's) keys; the older keys are
/// aliases that still work, each use giving one located warning, and giving both is an error.
@Suite("Exporter keys shared with the gateway, and their deprecated aliases")
struct ExporterAliasTests {
    private func parse(_ exporter: String) throws(ConfigError) -> TelemetryConfiguration {
        try TelemetryConfiguration.parse(yaml: "exporters:\n  - \(exporter)\n", file: "app.yaml", environment: [:])
    }

    private func failure(_ exporter: String) -> ConfigError? {
        do {
            _ = try parse(exporter)
            return nil
        } catch {
            return error
        }
    }

    @Test("statsd: endpoint host:port; host and port still work with a warning each; endpoint with either is an error")
    func statsdEndpoint() throws {
        let current = try parse("{type: statsd, endpoint: \"[::1]:9125\"}")
        guard case .statsd(let host, let port, _, _, _) = current.exporters[0].settings else { throw Unexpected.settings }
        #expect(host == "::1" && port == 9125 && current.warnings.isEmpty)

        let old = try parse("{type: statsd, host: 10.0.0.1, port: 9125}")
        guard case .statsd(let oldHost, let oldPort, _, _, _) = old.exporters[0].settings else { throw Unexpected.settings }
        #expect(oldHost == "10.0.0.1" && oldPort == 9125)
        #expect(old.warnings.map(\.description) == [
            "app.yaml:2:26: exporters[0].host: host is deprecated and removed in 0.3.0: write endpoint: host:port",
            "app.yaml:2:42: exporters[0].port: port is deprecated and removed in 0.3.0: write endpoint: host:port",
        ])

        let both = try #require(failure("{type: statsd, endpoint: \"10.0.0.1:8125\", port: 9125}"))
        #expect(both.description == "app.yaml:2:53: exporters[0].port: give endpoint: host:port or its deprecated alias port, not both")
    }

    @Test("datadog: api {key, site} and metrics {endpoint}; api_key, site and endpoint still work with warnings; both is an error")
    func datadogKeys() throws {
        let current = try parse("{type: datadog, api: {key: k1, site: datadoghq.eu}, metrics: {endpoint: \"http://127.0.0.1:1\"}}")
        guard case .datadog(let key, _, _, let site, let endpoint) = current.exporters[0].settings else { throw Unexpected.settings }
        #expect(key == "k1" && site == "datadoghq.eu" && endpoint == "http://127.0.0.1:1" && current.warnings.isEmpty)

        let old = try parse("{type: datadog, api_key: k2, site: us5.datadoghq.com, endpoint: \"http://127.0.0.1:2\"}")
        guard case .datadog(let oldKey, _, _, let oldSite, let oldEndpoint) = old.exporters[0].settings else { throw Unexpected.settings }
        #expect(oldKey == "k2" && oldSite == "us5.datadoghq.com" && oldEndpoint == "http://127.0.0.1:2")
        #expect(old.warnings.map(\.path) == ["exporters[0].api_key", "exporters[0].site", "exporters[0].endpoint"])
        #expect(old.warnings.map(\.message) == [
            "api_key is deprecated and removed in 0.3.0: write api.key",
            "site is deprecated and removed in 0.3.0: write api.site",
            "endpoint is deprecated and removed in 0.3.0: write metrics.endpoint",
        ])
        #expect(old.warnings.allSatisfy { $0.file == "app.yaml" && $0.line == 2 && $0.column > 0 })

        let bothKeys = try #require(failure("{type: datadog, api: {key: k1}, api_key: k2}"))
        #expect(bothKeys.path == "exporters[0].api_key" && bothKeys.line == 2 && bothKeys.message.contains("not both"))
        let bothSites = try #require(failure("{type: datadog, api: {key: k1, site: a}, site: b}"))
        #expect(bothSites.path == "exporters[0].site" && bothSites.message.contains("not both"))
        let mixed = try parse("{type: datadog, api: {site: datadoghq.eu}, api_key: k3}")
        guard case .datadog(let mixedKey, _, _, let mixedSite, _) = mixed.exporters[0].settings else { throw Unexpected.settings }
        #expect(mixedKey == "k3" && mixedSite == "datadoghq.eu" && mixed.warnings.map(\.path) == ["exporters[0].api_key"])
        let noKey = try #require(failure("{type: datadog, prefix: p}"))
        #expect(noKey.path == "exporters[0]" && noKey.message == "missing required key \"api\"")
    }

    @Test("otlp: retry_on_failure as in the gateway; retry still works with a warning; both is an error")
    func otlpRetry() throws {
        let current = try parse(
            "{type: otlp, endpoint: \"http://a:4318\", retry_on_failure: {initial_interval: 250ms, max_interval: 2s, max_elapsed_time: 10s, multiplier: 3}}")
        guard case .otlp(_, _, _, _, _, _, let retry, _) = current.exporters[0].settings else { throw Unexpected.settings }
        #expect(retry.initialBackoff == .milliseconds(250) && retry.maxBackoff == .seconds(2))
        #expect(retry.maxElapsed == .seconds(10) && retry.multiplier == 3 && current.warnings.isEmpty)
        let disabled = try parse("{type: otlp, endpoint: \"http://a:4318\", retry_on_failure: {enabled: false}}")
        guard case .otlp(_, _, _, _, _, _, let once, _) = disabled.exporters[0].settings else { throw Unexpected.settings }
        #expect(once == .none)

        let old = try parse("{type: otlp, endpoint: \"http://a:4318\", retry: {max_attempts: 3, initial_backoff: 250ms}}")
        guard case .otlp(_, _, _, _, _, _, let oldRetry, _) = old.exporters[0].settings else { throw Unexpected.settings }
        #expect(oldRetry.maxAttempts == 3 && oldRetry.initialBackoff == .milliseconds(250))
        #expect(old.warnings.count == 1 && old.warnings.first?.path == "exporters[0].retry" && old.warnings.first?.line == 2)

        let both = try #require(failure("{type: otlp, endpoint: \"http://a:4318\", retry_on_failure: {}, retry: {}}"))
        #expect(both.path == "exporters[0].retry" && both.message.contains("not both"))
    }

    @Test("TelemetryPipeline logs each deprecated key once, located, when it starts")
    func pipelineLogsWarnings() throws {
        let recorder = LogRecorder()
        let configuration = try parse("{type: statsd, host: 127.0.0.1, port: 9125}")
        let telemetry = try TelemetryPipeline(configuration: configuration, logger: recorder.logger())
        defer { _ = telemetry.shutdown() }
        let warnings = recorder.all.filter { $0.level == .warning && $0.message.contains("is deprecated") }
        #expect(warnings.map(\.message) == configuration.warnings.map(\.description))
        #expect(warnings.count == 2 && warnings.allSatisfy { $0.message.hasPrefix("app.yaml:2:") })
    }

    private enum Unexpected: Error {
        case settings
    }
}
