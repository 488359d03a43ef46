import Telemetry
import TelemetryConfig
@testable import TelemetryGatewayCore
import TelemetryOTLPData
import Testing

/// `spanmetrics` settings: the Collector's README and testdata examples, defaults and errors.
@Suite("spanmetrics connector settings")
struct SpanMetricsConfigTests {
    @Test("Defaults are the Collector's: default buckets in ms, cumulative, namespace traces.span.metrics, cache 1000")
    func defaults() throws {
        let settings = try parse("{}")
        #expect(settings.histogram == .explicit(bounds: [2, 4, 6, 8, 10, 50, 100, 200, 400, 800, 1000, 1400, 2000, 5000, 10_000, 15_000]))
        #expect(settings.unit == .milliseconds)
        #expect(settings.temporality == .cumulative)
        #expect(settings.namespace == "traces.span.metrics")
        #expect(settings.dimensionsCacheSize == 1000)
        #expect(settings.resourceMetricsCacheSize == 1000)
        #expect(settings.cardinalityLimit == 0)
        #expect(settings.flushInterval == .seconds(60))
        #expect(settings.expiration == nil)
        #expect(!settings.exemplarsEnabled)
        #expect(settings.metricName("calls") == "traces.span.metrics.calls")
    }

    @Test("The README example (connector/spanmetricsconnector/README.md, before events) parses as documented")
    func readmeExample() throws {
        // connector/spanmetricsconnector/README.md @20f107f6, "Examples"
        let settings = try parse("""
            histogram:
              explicit:
                buckets: [100us, 1ms, 2ms, 6ms, 10ms, 100ms, 250ms]
            dimensions:
              - name: http.method
                default: GET
              - name: http.status_code
            exemplars:
              enabled: true
            exclude_dimensions: ['status.code']
            dimensions_cache_size: 1000
            aggregation_temporality: "AGGREGATION_TEMPORALITY_CUMULATIVE"
            metrics_flush_interval: 15s
            """)
        #expect(settings.histogram == .explicit(bounds: [0.1, 1, 2, 6, 10, 100, 250]))
        #expect(settings.dimensions == [.init(name: "http.method", defaultValue: "GET"), .init(name: "http.status_code", defaultValue: nil)])
        #expect(settings.exemplarsEnabled)
        #expect(settings.excludedDimensions == ["status.code"])
        #expect(settings.flushInterval == .seconds(15))
    }

    @Test("The newer README example with events and metrics_expiration is refused at events, located")
    func readmeExampleWithEvents() throws {
        // connector/spanmetricsconnector/README.md @001f9b83, "Examples": events are not supported here.
        let error = try #require(SpanMetricsHarness.configError("""
            metrics_flush_interval: 15s
            metrics_expiration: 5m
            events:
              enabled: true
              dimensions:
                - name: exception.type
            """))
        #expect(error.line == 4, "located at the value of events")
        #expect(error.message.contains("events"))
    }

    @Test("testdata/config.yaml spanmetrics/full: seconds, explicit buckets, exemplars, dimensions, delta, 30s")
    func testdataFull() throws {
        // connector/spanmetricsconnector/testdata/config.yaml @f85f10de, spanmetrics/full
        let settings = try parse("""
            histogram:
              unit: "s"
              explicit:
                buckets: [ 10ms, 100ms, 250ms ]
            exemplars:
              enabled: true
            resource_metrics_cache_size: 1600
            dimensions:
              - name: http.method
                default: GET
              - name: http.status_code
            aggregation_temporality: "AGGREGATION_TEMPORALITY_DELTA"
            metrics_flush_interval: 30s
            """)
        #expect(settings.unit == .seconds)
        #expect(settings.histogram == .explicit(bounds: [0.01, 0.1, 0.25]))
        #expect(settings.resourceMetricsCacheSize == 1600)
        #expect(settings.temporality == .delta)
        #expect(settings.flushInterval == .seconds(30))
    }

    @Test("testdata/config.yaml: exponential max_size, exemplars max_per_data_point, resource key attributes")
    func testdataVariants() throws {
        // connector/spanmetricsconnector/testdata/config.yaml @f85f10de
        #expect(try parse("histogram:\n  exponential:\n    max_size: 10").histogram == .exponential(maxSize: 10))
        #expect(try parse("histogram:\n  exponential:").histogram == .exponential(maxSize: 160))
        #expect(try parse("histogram:\n  explicit:").histogram == .explicit(bounds: SpanMetricsSettings.defaultBoundsMilliseconds))
        #expect(try parse("histogram:\n  unit: s").histogram == .explicit(bounds: SpanMetricsSettings.defaultBoundsMilliseconds.map { $0 / 1000 }))
        let exemplars = try parse("exemplars:\n  enabled: true\n  max_per_data_point: 5")
        #expect(exemplars.exemplarsEnabled && exemplars.exemplarsPerDataPoint == 5)
        let keys = try parse("resource_metrics_key_attributes:\n  - service.name\n  - telemetry.sdk.language\n  - telemetry.sdk.name")
        #expect(keys.resourceKeyAttributes == ["service.name", "telemetry.sdk.language", "telemetry.sdk.name"])
        #expect(try parse("histogram:\n  disable: true").histogram == .disabled)
        #expect(try parse("namespace: span.metrics").metricName("duration") == "span.metrics.duration")
        #expect(try parse("namespace: \"\"").metricName("calls") == "calls")
        #expect(try parse("metrics_expiration: 5m").expiration == .seconds(300))
        #expect(try parse("aggregation_cardinality_limit: 20").cardinalityLimit == 20)
    }

    @Test(
        "testdata/config.yaml invalid sections and refused keys fail with located, explaining errors",
        arguments: [
            ("histogram:\n  exponential:\n    max_size: 10\n  explicit:\n    buckets: [ 10ms, 100ms, 250ms ]", 3, "use either `explicit` or `exponential`"),
            ("histogram:\n  unit: \"h\"", 2, "unknown value \"h\""),
            ("metrics_expiration: -20s", 1, "positive duration"),
            ("aggregation_temporality: \"AGGREGATION_TEMPORALITY_DELTA\"\nmetric_timestamp_cache_size: 123", 2, "metric_timestamp_cache_size"),
            ("dimensions:\n  - name: span.kind", 2, "duplicate dimension name span.kind"),
            ("dimensions:\n  - name: a\n  - name: a", 3, "duplicate dimension name a"),
            ("dimensions_cache_size: 0", 1, "invalid cache size: 0"),
            ("aggregation_cardinality_limit: -1", 1, "aggregation_cardinality_limit"),
            ("calls_dimensions: [{name: a}]", 1, "calls_dimensions"),
            ("include_instrumentation_scope: [a]", 1, "include_instrumentation_scope"),
            ("histogram:\n  explicit:\n    buckets: [10ms, 5ms]", 3, "must increase"),
            ("histogram:\n  explicit:\n    buckets: [10 parsecs]", 3, "expected a duration"),
            ("exclude_dimensions: [http.method]", 1, "not one of"),
        ])
    func invalid(section: String, line: Int, message: String) throws {
        let error = try #require(SpanMetricsHarness.configError(section))
        #expect(error.line == line, "\(error)")
        #expect(error.message.contains(message), "\(error)")
    }

    @Test("Go durations for bucket bounds: ns, us, µs, ms, s, m, h; no unit or a negative value is not one")
    func goDurations() {
        #expect(GoDuration.nanoseconds("100us") == 100_000)
        #expect(GoDuration.nanoseconds("100µs") == 100_000)
        #expect(GoDuration.nanoseconds("1.5s") == 1_500_000_000)
        #expect(GoDuration.nanoseconds("2m") == 120_000_000_000)
        #expect(GoDuration.nanoseconds("7ns") == 7)
        #expect(GoDuration.nanoseconds("1h") == 3_600_000_000_000)
        #expect(GoDuration.nanoseconds("15") == nil)
        #expect(GoDuration.nanoseconds("-1s") == nil)
        #expect(GoDuration.nanoseconds("s") == nil)
    }

    private func parse(_ section: String) throws -> SpanMetricsSettings {
        try SpanMetricsSettings.parse(try ConfigDocument.root(yaml: section, file: "spanmetrics.yaml", environment: [:]))
    }
}
