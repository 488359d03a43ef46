import Logging
import Telemetry
import TelemetryExporters
import TelemetryOTLPData

/// The running gateway: the components of a configuration, wired into pipelines.
///
/// Built in dependency order (exporters, then each pipeline's processors from last to first, then the
/// receivers, which start listening last) and stopped in the reverse order against one deadline:
/// receivers stop accepting, then every exporter flushes in parallel until the deadline; retry waits
/// are interrupted at the deadline and whatever is still queued is dropped and counted.
public final class GatewayService: Sendable {
    /// The configuration it runs.
    public let configuration: GatewayConfiguration
    /// The gateway's own counters.
    public let metrics: GatewaySelfMetrics
    /// The in-flight memory budget.
    public let budget: MemoryBudget
    /// The running receivers, by id.
    public let receivers: [ComponentID: any GatewayReceiver]
    /// The running exporters, by id.
    public let exporters: [ComponentID: any GatewayExporter]
    /// The running processors (one per pipeline they are in).
    let processors: [any GatewayProcessor]
    /// The self-metrics endpoint, if enabled.
    public let telemetryEndpoint: PrometheusExporter?
    private let logger: Logger

    /// Builds and starts everything; `transports` (from `TelemetryGatewayTransports`) serve and send
    /// OTLP/gRPC and TLS, which a configuration without them cannot use.
    ///
    /// - Throws: `GatewayError` when a component cannot start (a port in use…); whatever was started
    ///   is stopped again.
    public init(
        configuration: GatewayConfiguration, selfMetrics: MetricsCollector? = nil, transports: GatewayTransports? = nil, logger: Logger
    ) throws(GatewayError) {
        self.configuration = configuration
        self.logger = logger
        let collector = selfMetrics ?? MetricsCollector(logger: logger)
        let metrics = GatewaySelfMetrics(collector: collector)
        self.metrics = metrics
        let limits = configuration.processors.values.compactMap(\.memoryLimitBytes)
        let budget = MemoryBudget(limitBytes: limits.min() ?? ContainerMemory.defaultBudgetBytes())
        self.budget = budget
        MemoryBudgetMetrics.register(budget, in: collector)
        var exporters: [ComponentID: any GatewayExporter] = [:]
        var receivers: [ComponentID: any GatewayReceiver] = [:]
        var processors: [any GatewayProcessor] = []
        var endpoint: PrometheusExporter?
        do throws(GatewayError) {
            for id in Set(configuration.pipelines.flatMap(\.exporters)).sorted() {
                guard let definition = configuration.exporters[id] else { continue }
                exporters[id] = try definition.build(context(id))
            }
            let entries = try Self.pipelineEntries(configuration, exporters: exporters, processors: &processors, context: context)
            for id in Set(configuration.pipelines.flatMap(\.receivers)).sorted() {
                guard let definition = configuration.receivers[id] else { continue }
                let feeds = entries.filter { $0.receivers.contains(id) }
                let bySignal = Dictionary(grouping: feeds, by: \.signal).mapValues { FanoutConsumer($0.map(\.consumer)) as any PayloadConsumer }
                let decoded = Set(
                    configuration.pipelines.filter { pipeline in
                        pipeline.receivers.contains(id)
                            && pipeline.processors.contains { configuration.processors[$0]?.decodesPayloads == true }
                    }.map(\.signal))
                receivers[id] = try definition.build(context(id), bySignal, decoded)
            }
            if let host = configuration.telemetry.metricsHost {
                do {
                    endpoint = try PrometheusExporter(port: configuration.telemetry.metricsPort, host: host, collector: collector, logger: logger)
                } catch {
                    throw GatewayError("cannot serve self-metrics on \(host):\(configuration.telemetry.metricsPort): \(error)")
                }
            }
        } catch {
            receivers.values.forEach { $0.shutdown() }
            processors.forEach { $0.shutdown() }
            _ = exporters.values.map { $0.shutdown(deadlineNanos: WallClock.monotonicNanos()) }
            throw error
        }
        self.exporters = exporters
        self.processors = processors
        self.receivers = receivers
        telemetryEndpoint = endpoint

        func context(_ id: ComponentID) -> BuildContext {
            BuildContext(id: id, metrics: metrics, budget: budget, logger: logger, transports: transports)
        }
    }


    /// The consumer at the head of each pipeline, with the receivers that feed it.
    private static func pipelineEntries(
        _ configuration: GatewayConfiguration, exporters: [ComponentID: any GatewayExporter], processors: inout [any GatewayProcessor],
        context: (ComponentID) -> BuildContext
    ) throws(GatewayError) -> [(receivers: [ComponentID], signal: OTLPSignal, consumer: any PayloadConsumer)] {
        var entries: [(receivers: [ComponentID], signal: OTLPSignal, consumer: any PayloadConsumer)] = []
        for pipeline in configuration.pipelines {
            let batch = pipeline.processors.compactMap { configuration.processors[$0]?.batch }.last ?? BatchSettings()
            var consumers: [any PayloadConsumer] = []
            for id in pipeline.exporters {
                guard let exporter = exporters[id] else { continue }
                consumers.append(try exporter.consumer(for: pipeline.signal, batch: batch))
            }
            var head: any PayloadConsumer = FanoutConsumer(consumers)
            for id in pipeline.processors.reversed() {
                guard let definition = configuration.processors[id] else { continue }
                let processor = try definition.build(context(id))
                processors.append(processor)
                head = processor.consumer(signal: pipeline.signal, next: head)
            }
            entries.append((pipeline.receivers, pipeline.signal, head))
        }
        return entries
    }

    /// Stops receiving, lets processors hand on what they hold (tail sampling decides its buffered
    /// traces), then flushes every exporter in parallel until `timeout` has passed; returns
    /// whether everything queued went out. It returns by the deadline whatever the backends do.
    public func shutdown(timeout: Duration) -> Bool {
        let deadline = timeout.deadlineFromNow
        receivers.values.forEach { $0.shutdown() }
        processors.forEach { $0.shutdown() }
        let all = Array(exporters.values)
        let finished = CancellationSignal()
        let aborter = WorkerThread {
            // At the deadline, interrupt retry waits so the flushes return.
            let remaining = deadline.subtractingSaturated(WallClock.monotonicNanos())
            if finished.sleep(for: .nanoseconds(Int64(clamping: remaining))) { all.forEach { $0.abort() } }
        }
        let flushed = ParallelWork.allSucceed(all) { $0.shutdown(deadlineNanos: deadline) }
        finished.cancel()
        aborter.join()
        telemetryEndpoint?.shutdown()
        logger.info("telemetry-gateway stopped", metadata: ["flushed": "\(flushed)"])
        return flushed
    }
}

/// The budget's self-metrics: `telemetry_gateway_memory_used_bytes` and `telemetry_gateway_memory_limit_bytes`.
enum MemoryBudgetMetrics {
    static func register(_ budget: MemoryBudget, in collector: MetricsCollector) {
        let used = collector.selfMetricGauge(
            "telemetry_gateway_memory_used_bytes", help: "Bytes held: bodies being read, requests being decoded, queued payloads",
            labels: [])
        let limit = collector.selfMetricGauge("telemetry_gateway_memory_limit_bytes", help: "The in-flight memory budget", labels: [])
        limit.set(Double(budget.limitBytes))
        collector.addCollectHook(id: "memory_budget") { used.set(Double(budget.usedBytes)) }
    }
}
