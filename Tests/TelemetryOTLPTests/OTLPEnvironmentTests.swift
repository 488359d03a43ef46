import Logging
import Synchronization
import Telemetry
import TelemetryTestSupport
import Testing

@testable import TelemetryOTLP

@Suite("OpenTelemetry environment variables")
struct OTLPEnvironmentTests {
    let logs = LogRecorder()

    private func environment(_ variables: [String: String]) -> OTLPEnvironment {
        OTLPEnvironment(variables: variables, logger: logs.logger())
    }

    private func exporter(_ variables: [String: String], endpoint: String? = nil) -> OTLPExporter {
        OTLPExporter(
            endpoint: endpoint, headers: nil, compression: nil, timeout: nil, tls: nil, retry: .none, temporality: .cumulative,
            resource: nil, name: "otlp", selfMetrics: MetricsCollector(), logger: logs.logger(),
            environment: environment(variables))
    }

    @Test("Endpoints: signal-specific URLs as is, the general one with the signal path, else localhost:4318")
    func endpoints() {
        let defaults = exporter([:])
        #expect(defaults.traces.url == "http://localhost:4318/v1/traces")
        #expect(defaults.metrics.url == "http://localhost:4318/v1/metrics")
        let general = exporter(["OTEL_EXPORTER_OTLP_ENDPOINT": "https://collector:4318/"])
        #expect(general.traces.url == "https://collector:4318/v1/traces")
        let specific = exporter([
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://general:4318",
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://traces:9999/custom/path",
        ])
        #expect(specific.traces.url == "http://traces:9999/custom/path")
        #expect(specific.metrics.url == "http://general:4318/v1/metrics")
        let explicit = exporter(["OTEL_EXPORTER_OTLP_ENDPOINT": "http://env:4318"], endpoint: "http://code:4318/v1/traces")
        #expect(explicit.traces.url == "http://code:4318/v1/traces")
        #expect(explicit.metrics.url == "http://code:4318/v1/metrics")
    }

    @Test("Headers are percent-decoded, signal-specific ones win, and values are never logged")
    func headers() {
        let variables = [
            "OTEL_EXPORTER_OTLP_HEADERS": "api-key=s%3Dcret,x-team=data,broken",
            "OTEL_EXPORTER_OTLP_METRICS_HEADERS": "x-team=metrics",
        ]
        let configured = exporter(variables)
        #expect(Dictionary(uniqueKeysWithValues: configured.traces.headers.map { ($0.name, $0.value) }) == ["api-key": "s=cret", "x-team": "data"])
        #expect(configured.metrics.headers.first { $0.name == "x-team" }?.value == "metrics")
        #expect(logs.all.contains { $0.message.contains("OTEL_EXPORTER_OTLP_HEADERS") })
        #expect(!logs.all.contains { $0.message.contains("s%3Dcret") || $0.message.contains("s=cret") })
    }

    @Test("A header value decoding to a line break, or a name that is not a token, is logged and ignored, not sent")
    func headerInjection() {
        let configured = exporter(["OTEL_EXPORTER_OTLP_HEADERS": "x-team=data%0D%0AX-Admin: 1,bad%20name=v,x-ok=fine"])
        #expect(configured.traces.headers.map(\.name) == ["x-ok"])
        #expect(logs.all.filter { $0.message.contains("not a valid HTTP header") }.count >= 2, "both bad entries logged")
    }

    @Test("Compression and timeout per signal, with the general value as fallback")
    func compressionAndTimeout() {
        let configured = exporter([
            "OTEL_EXPORTER_OTLP_COMPRESSION": "none", "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION": "gzip",
            "OTEL_EXPORTER_OTLP_TIMEOUT": "2500", "OTEL_EXPORTER_OTLP_METRICS_TIMEOUT": "700",
        ])
        #expect(configured.traces.compression == .gzip)
        #expect(configured.metrics.compression == OTLPExporter.Compression.none)
        #expect(configured.traces.timeout == .milliseconds(2500))
        #expect(configured.metrics.timeout == .milliseconds(700))
    }

    @Test("Invalid values are logged with the variable's name and ignored, never a crash")
    func invalidValuesIgnored() {
        let variables = [
            "OTEL_EXPORTER_OTLP_ENDPOINT": "not a url", "OTEL_EXPORTER_OTLP_COMPRESSION": "brotli",
            "OTEL_EXPORTER_OTLP_TIMEOUT": "-5", "OTEL_TRACES_SAMPLER": "sometimes", "OTEL_BSP_MAX_QUEUE_SIZE": "lots",
            "OTEL_BSP_SCHEDULE_DELAY": "0", "OTEL_SDK_DISABLED": "maybe",
            "OTEL_RESOURCE_ATTRIBUTES": "ok=1,=bad,%zz=x",
        ]
        let configured = exporter(variables)
        #expect(configured.traces.url == "http://localhost:4318/v1/traces")
        #expect(configured.traces.compression == .gzip)
        #expect(configured.traces.timeout == .seconds(10))
        let env = environment(variables)
        #expect(env.sampler == nil)
        #expect(env.batch(over: BatchConfiguration()) == BatchConfiguration())
        #expect(env.sdkDisabled == false)
        #expect(env.resourceAttributes == ["ok": "1"])
        for name in ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_COMPRESSION", "OTEL_EXPORTER_OTLP_TIMEOUT",
            "OTEL_TRACES_SAMPLER", "OTEL_BSP_MAX_QUEUE_SIZE", "OTEL_BSP_SCHEDULE_DELAY", "OTEL_SDK_DISABLED",
            "OTEL_RESOURCE_ATTRIBUTES"]
        {
            #expect(logs.all.contains { $0.level == .warning && $0.message.contains(name) }, "no warning for \(name)")
        }
    }

    @Test("Sampler names and arguments")
    func samplers() {
        func sampler(_ name: String, _ argument: String? = nil) -> String? {
            var variables = ["OTEL_TRACES_SAMPLER": name]
            variables["OTEL_TRACES_SAMPLER_ARG"] = argument
            return environment(variables).sampler?.description
        }
        #expect(sampler("always_on") == "AlwaysOnSampler")
        #expect(sampler("always_off") == "AlwaysOffSampler")
        #expect(sampler("traceidratio", "0.25") == "TraceIdRatioBased{0.25}")
        #expect(sampler("parentbased_always_on") == "ParentBased{root=AlwaysOnSampler}")
        #expect(sampler("parentbased_always_off") == "ParentBased{root=AlwaysOffSampler}")
        #expect(sampler("parentbased_traceidratio", "0.1") == "ParentBased{root=TraceIdRatioBased{0.1}}")
        #expect(sampler("traceidratio", "2") == "TraceIdRatioBased{1.0}")
    }

    @Test("OTEL_BSP_*")
    func batchAndInterval() {
        let env = environment([
            "OTEL_BSP_MAX_QUEUE_SIZE": "4096", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE": "256",
            "OTEL_BSP_SCHEDULE_DELAY": "1000", "OTEL_BSP_EXPORT_TIMEOUT": "5000",
        ])
        #expect(env.batch(over: BatchConfiguration()) == BatchConfiguration(
            maxQueueSize: 4096, maxExportBatchSize: 256, scheduleDelay: .seconds(1), exportTimeout: .seconds(5)))
    }

    @Test("OTEL_BLRP_* for log records over OpenTelemetry's log defaults; OTEL_EXPORTER_OTLP_LOGS_* for their endpoint, headers, compression and timeout")
    func logSettings() {
        let env = environment([
            "OTEL_BLRP_MAX_QUEUE_SIZE": "10000", "OTEL_BLRP_MAX_EXPORT_BATCH_SIZE": "1000",
            "OTEL_BLRP_SCHEDULE_DELAY": "250", "OTEL_BLRP_EXPORT_TIMEOUT": "4000", "OTEL_BSP_MAX_QUEUE_SIZE": "7",
        ])
        #expect(env.logBatch(over: .logDefaults) == BatchConfiguration(
            maxQueueSize: 10000, maxExportBatchSize: 1000, scheduleDelay: .milliseconds(250), exportTimeout: .seconds(4)))
        #expect(environment([:]).logBatch(over: .logDefaults) == BatchConfiguration(
            maxQueueSize: 2048, maxExportBatchSize: 512, scheduleDelay: .seconds(1), exportTimeout: .seconds(30)))
        let configured = exporter([
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://general:4318", "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT": "http://logs:9999/ingest",
            "OTEL_EXPORTER_OTLP_LOGS_HEADERS": "x-tenant=7", "OTEL_EXPORTER_OTLP_LOGS_COMPRESSION": "none",
            "OTEL_EXPORTER_OTLP_LOGS_TIMEOUT": "1500",
        ])
        #expect(configured.logs.url == "http://logs:9999/ingest" && configured.traces.url == "http://general:4318/v1/traces")
        #expect(configured.logs.headers.map(\.name) == ["x-tenant"] && configured.traces.headers.isEmpty)
        #expect(configured.logs.compression == OTLPExporter.Compression.none && configured.traces.compression == .gzip)
        #expect(configured.logs.timeout == .milliseconds(1500))
        #expect(exporter([:]).logs.url == "http://localhost:4318/v1/logs")
    }

    @Test("OTEL_SDK_DISABLED=true: log handlers drop everything")
    func logsDisabled() {
        let exporter = RecordingLogExporter()
        let disabled = OpenTelemetryLogs(
            serviceName: "off", exporters: [(name: "test", exporter: exporter)], batch: nil, level: .trace, resourceAttributes: [:],
            selfMetrics: MetricsCollector(), logger: logs.logger(), environment: environment(["OTEL_SDK_DISABLED": "true"]))
        disabled.handler(label: "x").log(event: LogEvent(
            level: .error, message: "dropped", metadata: nil, source: nil, file: #fileID, function: #function, line: #line))
        #expect(disabled.forceFlush())
        #expect(exporter.records.isEmpty)
        let enabled = OpenTelemetryLogs(
            serviceName: "on", exporters: [(name: "test", exporter: exporter)], batch: nil, level: .trace, resourceAttributes: [:],
            selfMetrics: MetricsCollector(), logger: logs.logger(), environment: environment([:]))
        enabled.handler(label: "x").log(event: LogEvent(
            level: .error, message: "kept", metadata: nil, source: nil, file: #fileID, function: #function, line: #line))
        #expect(enabled.forceFlush())
        #expect(exporter.records.map(\.body) == [.string("kept")])
        enabled.shutdown()
    }

    @Test("OTEL_SERVICE_NAME overrides the code's service name; OTEL_RESOURCE_ATTRIBUTES adds attributes")
    func resource() {
        let env = environment(["OTEL_SERVICE_NAME": "renamed", "OTEL_RESOURCE_ATTRIBUTES": "service.name=ignored,region=eu"])
        let resource = OpenTelemetryResources.fromEnvironment(env, serviceName: "coded")
        #expect(resource.serviceName == "renamed")
        #expect(resource.attributes["region"] == "eu")
        #expect(OpenTelemetryResources.fromEnvironment(environment([:]), serviceName: "coded").serviceName == "coded")
        #expect(OpenTelemetryResources.fromEnvironment(environment([:]), serviceName: nil).serviceName == "unknown_service:swift")
    }

    @Test("OTEL_SDK_DISABLED=true: spans do not record and nothing is exported")
    func sdkDisabled() {
        let exporter = RecordingSpanExporter()
        let tracer = OpenTelemetryTracer(
            serviceName: "off", exporter: exporter, sampler: .alwaysOn, batch: nil, limits: SpanLimits(),
            selfMetrics: MetricsCollector(), logger: logs.logger(), environment: environment(["OTEL_SDK_DISABLED": "true"]))
        let span = tracer.startSpan("nothing")
        span.setAttribute("a", 1)
        tracer.endSpan(span)
        #expect(!span.isRecording)
        #expect(tracer.forceFlush())
        #expect(exporter.exportedSpans.isEmpty)
    }

    @Test("The tracer's sampler and batch settings come from the environment when not given in code")
    func tracerDefaultsFromEnvironment() {
        let exporter = RecordingSpanExporter()
        let tracer = OpenTelemetryTracer(
            serviceName: "env", exporter: exporter, sampler: nil, batch: nil, limits: SpanLimits(),
            selfMetrics: MetricsCollector(), logger: logs.logger(),
            environment: environment(["OTEL_TRACES_SAMPLER": "always_off"]))
        #expect(tracer.sampler.description == "AlwaysOffSampler")
        let coded = OpenTelemetryTracer(
            serviceName: "code", exporter: exporter, sampler: .alwaysOn, batch: nil, limits: SpanLimits(),
            selfMetrics: MetricsCollector(), logger: logs.logger(),
            environment: environment(["OTEL_TRACES_SAMPLER": "always_off"]))
        #expect(coded.sampler.description == "AlwaysOnSampler")
        tracer.shutdown()
        coded.shutdown()
    }
}

/// Keeps every exported log record.
final class RecordingLogExporter: LogRecordExporter {
    private let exported = Mutex<[LogRecordData]>([])

    func export(_ records: [LogRecordData], resource: Resource) throws {
        exported.withLock { $0 += records }
    }

    func shutdown() {}

    var records: [LogRecordData] { exported.withLock { $0 } }
}
