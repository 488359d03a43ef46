import Logging
import Telemetry
import TelemetryOTLPData
import TelemetryHTTP

/// A tracer that samples spans, batches them through a bounded queue and exports them over OTLP.
///
/// ```swift
/// let tracer = OpenTelemetryTracer(serviceName: "my_pipeline")
/// let span = tracer.startSpan("process_batch"); span.setAttribute("batch_size", 1000); tracer.endSpan(span)
/// tracer.forceFlush()
/// tracer.shutdown()
/// ```
/// It has the same span API as `SimpleTracer` and works with `traceContext`/`traced`. Parameters left
/// out come from the OpenTelemetry environment (`OTEL_TRACES_SAMPLER[_ARG]`, `OTEL_BSP_*`,
/// `OTEL_EXPORTER_OTLP_*`, `OTEL_RESOURCE_ATTRIBUTES`), else OpenTelemetry's defaults (parent-based
/// always-on sampling, 2048/512/5 s batching, `http://localhost:4318`). `OTEL_SERVICE_NAME`, when set,
/// overrides `serviceName` so operators can rename a deployment; `OTEL_SDK_DISABLED=true` makes every
/// span a non-recording one and exports nothing.
public final class OpenTelemetryTracer: TelemetryTracer {
    /// The resource spans are exported under.
    public let resource: Resource
    /// The sampler deciding which traces are recorded.
    public let sampler: Sampler
    private let starter: SpanStarter
    private let processor: BatchSpanProcessor?
    /// Queues sampled spans when they end; one closure for all spans, so starting a span allocates less.
    private let onEnd: @Sendable (TelemetrySpan) -> Void

    /// Creates a tracer and starts its export worker.
    ///
    /// - Parameters:
    ///   - serviceName: `service.name` of the resource.
    ///   - exporter: where spans go (default: an `OTLPExporter` configured from the environment).
    ///   - sampler: which traces are recorded (default: `OTEL_TRACES_SAMPLER`, else parent-based always-on).
    ///   - batch: queue and batch settings (default: `OTEL_BSP_*`, else 2048, 512, 5 s, 30 s).
    ///   - limits: caps on attributes, events and links per span.
    ///   - resourceAttributes: extra resource attributes (`OTEL_RESOURCE_ATTRIBUTES` overrides them).
    ///   - selfMetrics: where the pipeline's self-metrics are recorded.
    public convenience init(
        serviceName: String, exporter: (any SpanExporter)? = nil, sampler: Sampler? = nil,
        batch: BatchConfiguration? = nil, limits: SpanLimits = SpanLimits(),
        resourceAttributes: [String: AttributeValue] = [:],
        selfMetrics: MetricsCollector = ExporterSelfMetrics.defaultCollector,
        logger: Logger = Logger(label: "swift-telemetry.tracer")
    ) {
        self.init(
            serviceName: serviceName, exporter: exporter, sampler: sampler, batch: batch, limits: limits,
            resourceAttributes: resourceAttributes, selfMetrics: selfMetrics, logger: logger,
            environment: .process(logger: logger))
    }

    init(
        serviceName: String, exporter: (any SpanExporter)?, sampler: Sampler?, batch: BatchConfiguration?,
        limits: SpanLimits, resourceAttributes: [String: AttributeValue] = [:], selfMetrics: MetricsCollector,
        logger: Logger, environment: OTLPEnvironment
    ) {
        resource = OpenTelemetryResources.fromEnvironment(
            environment, serviceName: serviceName, attributes: resourceAttributes)
        let disabled = environment.sdkDisabled
        self.sampler = disabled ? .alwaysOff : sampler ?? environment.sampler ?? .parentBased(root: .alwaysOn)
        starter = SpanStarter(sampler: self.sampler, limits: limits)
        if disabled {
            logger.info("OTEL_SDK_DISABLED=true: spans are not recorded or exported")
            processor = nil
            onEnd = { _ in }
            return
        }
        let spanExporter = exporter ?? OTLPExporter(
            endpoint: nil, headers: nil, compression: nil, timeout: nil, tls: nil, retry: RetryPolicy(), temporality: .cumulative,
            resource: nil, name: "otlp", selfMetrics: selfMetrics, logger: logger, environment: environment)
        let processor = BatchSpanProcessor(
            exporter: spanExporter, resource: resource,
            configuration: environment.batch(over: batch ?? BatchConfiguration()),
            name: spanExporter is SpanFanout ? "fanout" : "otlp", selfMetrics: selfMetrics, logger: logger)
        self.processor = processor
        onEnd = { span in
            guard span.context.isSampled, let data = span.data() else { return }
            processor.onEnd(data)
        }
    }

    /// Starts a span; sampled spans are queued for export when they end.
    public func startSpan(
        _ name: String, kind: TelemetrySpanKind, parent: SpanParent, attributes: [String: AttributeValue], links: [TelemetrySpanLink],
        startTimeNanos: UInt64?
    ) -> TelemetrySpan {
        starter.start(
            name, kind: kind, parent: parent, attributes: attributes, links: links, startTimeNanos: startTimeNanos,
            onEnd: onEnd)
    }

    /// Blocks until every span ended before the call is exported, or the export timeout passes.
    ///
    /// - Returns: whether everything was exported in time.
    @discardableResult
    public func forceFlush(timeout: Duration? = nil) -> Bool {
        processor?.forceFlush(timeout: timeout) ?? true
    }

    /// Flushes (bounded by the export timeout), then stops; spans ended later are dropped and counted.
    @discardableResult
    public func shutdown(timeout: Duration? = nil) -> Bool {
        processor?.shutdown(timeout: timeout) ?? true
    }
}
