import Foundation
import Telemetry
import TelemetryTestSupport
import Testing

@testable import TelemetryConfig

@Suite("YAML configuration")
struct ConfigParsingTests {
    private func parse(_ yaml: String, _ environment: [String: String] = [:]) throws(ConfigError) -> TelemetryConfiguration {
        try TelemetryConfiguration.parse(yaml: yaml, file: "test.yaml", environment: environment)
    }

    private func failure(_ yaml: String, _ environment: [String: String] = [:]) -> ConfigError? {
        do {
            _ = try parse(yaml, environment)
            return nil
        } catch {
            return error
        }
    }

    @Test("Every shipped example of the application format parses", arguments: [
        "examples/library-collector-upstream.yaml", "examples/library-all-backends.yaml", "examples/library-rules-sampling.yaml",
    ])
    func shippedFilesParse(file: String) throws {
        let path = TestPeers.packageRoot.appendingPathComponent("Config/\(file)").path
        let configuration = try TelemetryConfiguration.load(path: path, environment: ["DD_API_KEY": "key"])
        #expect(!configuration.exporters.isEmpty && configuration.warnings.isEmpty)
    }

    @Test("Defaults: a minimal file gets OpenTelemetry's defaults")
    func defaults() throws {
        let configuration = try parse("service:\n  name: svc\n")
        #expect(configuration.serviceName == "svc")
        #expect(configuration.sampler.description == "ParentBased{root=AlwaysOnSampler}")
        #expect(configuration.batch == BatchConfiguration())
        #expect(configuration.metricsInterval == .seconds(60))
        #expect(configuration.prometheus == nil)
        #expect(configuration.selfMetrics)
    }

    @Test("Every sampler type, nested, including rules")
    func samplers() throws {
        let yaml = """
            sampling:
              type: rules
              rules:
                - name: health
                  sampler: {type: always_off}
                - name_prefix: db.
                  attributes: {db.system: postgresql}
                  sampler: {type: rate_limiting, traces_per_second: 5}
              default:
                type: parent_based
                root: {type: trace_id_ratio, ratio: 0.25}
                remote_parent_not_sampled: {type: always_on}
            """
        let sampler = try parse(yaml).sampler
        #expect(sampler.description == "RuleBasedSampler{2 rules, fallback=ParentBased{root=TraceIdRatioBased{0.25}}}")
        let id = TraceID(high: 1, low: 1)
        #expect(sampler.shouldSample(SamplingParameters(parent: nil, traceID: id, name: "health")).decision == .drop)
        let unsampledRemote = SpanContext(traceID: id, spanID: SpanID(1), traceFlags: 0, isRemote: true)
        #expect(sampler.shouldSample(SamplingParameters(parent: unsampledRemote, traceID: id, name: "x")).decision.isSampled)
    }

    @Test("Exporters of every type, several of one type, with their options")
    func exporters() throws {
        let yaml = """
            exporters:
              - type: otlp
                name: primary
                endpoint: http://a:4318
                headers: {authorization: "Bearer ${TOKEN}"}
                compression: none
                timeout: 2s
                temporality: delta
                retry: {max_attempts: 3, initial_backoff: 250ms}
              - type: otlp
                name: backup
                endpoint: https://b:4318
                compression_level: 9
                signals: [traces]
              - {type: statsd, port: 9125, prefix: app, dogstatsd_tags: false}
              - {type: cloudwatch, namespace: App, region: eu-west-1}
              - {type: datadog, api_key: "${DD_API_KEY:-none}", site: datadoghq.eu}
              - {type: debug, path: /tmp/debug.jsonl}
            """
        let exporters = try parse(yaml, ["TOKEN": "t0k"]).exporters
        #expect(exporters.map(\.name) == ["primary", "backup", "statsd", "cloudwatch", "datadog", "debug"])
        guard case .otlp(let endpoint, let headers, let compression, let level, let timeout, let temporality, let retry, let signals) =
            exporters[0].settings
        else {
            Issue.record("not otlp")
            return
        }
        #expect(endpoint == "http://a:4318" && headers == ["authorization": "Bearer t0k"])
        #expect(compression == .none && level == 1 && timeout == .seconds(2) && temporality == .delta)
        if case .otlp(_, _, let compression, let level, _, _, _, _) = exporters[1].settings {
            #expect(compression == .gzip && level == 9)
        } else {
            Issue.record("backup is not otlp")
        }
        #expect(retry.maxAttempts == 3 && retry.initialBackoff == .milliseconds(250))
        #expect(signals == ["traces", "metrics", "logs"])
        #expect(exporters.map(\.takesLogs) == [true, false, false, false, false, true])
        #expect(exporters[1].takesTraces && !exporters[1].takesMetrics)
        #expect(!exporters[2].takesTraces && exporters[2].takesMetrics)
        if case .datadog(let apiKey, _, _, let site, _) = exporters[4].settings {
            #expect(apiKey == "none" && site == "datadoghq.eu")
        }
    }

    @Test("logs: level and batch, with OpenTelemetry's log defaults when left out")
    func logs() throws {
        let defaults = try parse("service: {name: svc}\n").logs
        #expect(defaults.level == .info && defaults.batch == .logDefaults)
        let set = try parse("logs:\n  level: debug\n  batch: {max_queue_size: 10000, schedule_delay: 200ms}\n").logs
        #expect(set.level == .debug && set.batch.maxQueueSize == 10000 && set.batch.scheduleDelay == .milliseconds(200))
        #expect(set.batch.maxExportBatchSize == 512)
    }

    @Test("Errors name the file, key path, line and the allowed values")
    func locatedErrors() throws {
        let unknownType = try #require(failure("exporters:\n  - type: otel\n    endpoint: x\n"))
        #expect(unknownType.description == "test.yaml:2:11: exporters[0].type: unknown value \"otel\"; allowed: otlp, statsd, cloudwatch, datadog, debug")
        let unknownKey = try #require(failure("batch:\n  max_queue_size: 10\n  max_queue: 5\n"))
        #expect(unknownKey.path == "batch.max_queue" && unknownKey.line == 3)
        #expect(unknownKey.message.contains("allowed here: max_queue_size, max_export_batch_size, schedule_delay, export_timeout"))
        let topLevel = try #require(failure("exporter: []\n"))
        #expect(topLevel.path == "exporter" && topLevel.message.contains("exporters"))
        let missing = try #require(failure("exporters:\n  - type: cloudwatch\n    region: x\n"))
        #expect(missing.path == "exporters[0]" && missing.message == "missing required key \"namespace\"")
        let ratio = try #require(failure("sampling:\n  type: trace_id_ratio\n  ratio: 1.5\n"))
        #expect(ratio.path == "sampling.ratio" && ratio.line == 3 && ratio.message.contains("0.0...1.0"))
        let duration = try #require(failure("batch:\n  schedule_delay: soon\n"))
        #expect(duration.message.contains("250ms, 5s, 2m or 1h"))
        let endpoint = try #require(failure("prometheus:\n  endpoint: localhost\n"))
        #expect(endpoint.path == "prometheus.endpoint" && endpoint.message.contains("host:port"))
        let hugeDuration = try #require(failure("batch:\n  schedule_delay: 1e300s\n"))
        #expect(hugeDuration.path == "batch.schedule_delay" && hugeDuration.message.contains("at most a year"))
        let emptyKey = try #require(failure("exporters:\n  - type: datadog\n    api_key: ${DD_API_KEY}\n", ["DD_API_KEY": " "]))
        #expect(emptyKey.path == "exporters[0].api_key" && emptyKey.line == 3 && emptyKey.message.contains("must not be empty"))
        let twice = try #require(failure("service:\n  name: a\n  name: b\n"))
        #expect(twice.message.contains("unique"))
        let duplicate = try #require(failure("exporters:\n  - {type: debug}\n  - {type: debug}\n"))
        #expect(duplicate.message.contains("used twice"))
        let batch = try #require(failure("batch:\n  max_queue_size: 10\n  max_export_batch_size: 20\n"))
        #expect(batch.path == "batch.max_export_batch_size")
        let yamlError = try #require(failure("service:\n  name: [unclosed\n"))
        #expect(yamlError.message.hasPrefix("invalid YAML") && yamlError.line > 0)
        let level = try #require(failure("logs:\n  level: verbose\n"))
        #expect(level.path == "logs.level" && level.line == 2 && level.message.contains("trace, debug, info, notice, warning, error, critical"))
        let logBatch = try #require(failure("logs:\n  batch: {max_queue_size: 0}\n"))
        #expect(logBatch.path == "logs.batch.max_queue_size")
        let injected = try #require(failure("exporters:\n  - type: otlp\n    endpoint: http://a:4318\n    headers: {x-team: \"a\\r\\nX-Admin: 1\"}\n"))
        #expect(injected.path == "exporters[0].headers" && injected.line == 4 && injected.message.contains("control character"), "\(injected)")
        let wrongShape = try #require(failure("service: just-a-string\n"))
        #expect(wrongShape.path == "service" && wrongShape.message.contains("mapping"))
    }

    @Test("${VAR}, ${env:VAR} and ${VAR:-default} substitution; a missing variable is an error naming it")
    func substitution() throws {
        #expect(try parse("service:\n  name: ${env:NAME}\n", ["NAME": "collector-style"]).serviceName == "collector-style")
        let yaml = "service:\n  name: ${NAME}\n  resource:\n    env: ${ENV:-dev}\n    price: $$5\n"
        let configuration = try parse(yaml, ["NAME": "api"])
        #expect(configuration.serviceName == "api")
        #expect(configuration.resourceAttributes == ["env": "dev", "price": "$5"])
        #expect(try parse(yaml, ["NAME": "api", "ENV": "prod"]).resourceAttributes["env"] == "prod")
        let missing = try #require(failure(yaml))
        #expect(missing.path == "service.name" && missing.line == 2)
        #expect(missing.message.contains("environment variable NAME is not set"))
        #expect(try #require(failure("service:\n  name: ${1BAD}\n")).message.contains("invalid variable name"))
    }

    @Test("A missing file is reported with its path")
    func missingFile() {
        do {
            _ = try TelemetryConfiguration.load(path: "/nonexistent/telemetry.yaml")
            Issue.record("no error")
        } catch {
            #expect(error.file == "/nonexistent/telemetry.yaml")
            #expect(error.message.contains("cannot read"))
        }
    }
}
