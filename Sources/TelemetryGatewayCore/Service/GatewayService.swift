import Logging
import Telemetry
import TelemetryExporters
import TelemetryOTLPData

/// The running gateway: the components of a configuration, wired into pipelines.
///
/// Built in dependency order (exporters and connectors, then the pipelines — each after the pipelines it
/// feeds through connectors — with their processors from last to first, then the receivers, which start
/// listening last) and stopped in the reverse order against one deadline: receivers stop accepting, the
/// pipelines' processors and the connectors hand on what they hold from upstream to downstream, then every
/// exporter flushes in parallel until the deadline; retry waits are interrupted at the deadline and
/// whatever is still queued is dropped and counted.
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
    /// The running connectors, by id.
    public let connectors: [ComponentID: any GatewayConnector]
    /// Each pipeline's running processors, with the connectors feeding it, upstream pipelines first.
    private let stages: [PipelineStages]
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
        var connectors: [ComponentID: any GatewayConnector] = [:]
        var receivers: [ComponentID: any GatewayReceiver] = [:]
        var stages: [PipelineStages] = []
        var endpoint: PrometheusExporter?
        do throws(GatewayError) {
            for id in Set(configuration.pipelines.flatMap(\.exporters)).sorted() {
                if let definition = configuration.exporters[id] {
                    exporters[id] = try definition.build(context(id))
                } else if let definition = configuration.connectors[id] {
                    connectors[id] = try definition.build(context(id))
                }
            }
            let heads = try Self.pipelineHeads(configuration, exporters: exporters, connectors: connectors, stages: &stages, context: context)
            let decoding = Self.decodingPipelines(configuration)
            for id in Set(configuration.pipelines.flatMap(\.receivers)).sorted() {
                guard let definition = configuration.receivers[id] else { continue }
                let feeds = configuration.pipelines.filter { $0.receivers.contains(id) }
                let bySignal = Dictionary(grouping: feeds, by: \.signal).mapValues { pipelines in
                    FanoutConsumer(pipelines.compactMap { heads[$0.id] }) as any PayloadConsumer
                }
                let decoded = Set(feeds.filter { decoding.contains($0.id) }.map(\.signal))
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
            Self.stopStages(stages, connectors: connectors)
            _ = exporters.values.map { $0.shutdown(deadlineNanos: WallClock.monotonicNanos()) }
            throw error
        }
        self.exporters = exporters
        self.connectors = connectors
        self.stages = stages
        self.receivers = receivers
        telemetryEndpoint = endpoint

        func context(_ id: ComponentID) -> BuildContext {
            BuildContext(id: id, metrics: metrics, budget: budget, logger: logger, transports: transports)
        }
    }


    /// The consumer at the head of each pipeline (its first processor, or the fan-out to its exporters and
    /// connectors), by pipeline id. Pipelines are built downstream first, so a connector's consumer is made
    /// with the heads of the pipelines it feeds; every pipeline of a signal exporting to a connector shares
    /// the connector's consumer of that signal pair.
    private static func pipelineHeads(
        _ configuration: GatewayConfiguration, exporters: [ComponentID: any GatewayExporter], connectors: [ComponentID: any GatewayConnector],
        stages: inout [PipelineStages], context: (ComponentID) -> BuildContext
    ) throws(GatewayError) -> [ComponentID: any PayloadConsumer] {
        var heads: [ComponentID: any PayloadConsumer] = [:]
        var connectorConsumers: [ConnectorUse: any PayloadConsumer] = [:]
        for pipeline in configuration.pipelines.reversed() {
            let batch = pipeline.processors.compactMap { configuration.processors[$0]?.batch }.last ?? BatchSettings()
            var consumers: [any PayloadConsumer] = []
            for id in pipeline.exporters {
                if let exporter = exporters[id] {
                    consumers.append(try exporter.consumer(for: pipeline.signal, batch: batch))
                    continue
                }
                guard let connector = connectors[id], let definition = configuration.connectors[id] else { continue }
                for to in OTLPSignal.allCases where definition.pairs.contains(SignalPair(pipeline.signal, to)) {
                    let use = ConnectorUse(id: id, pair: SignalPair(pipeline.signal, to))
                    if let existing = connectorConsumers[use] {
                        consumers.append(existing)
                        continue
                    }
                    let fed = configuration.pipelines.filter { $0.signal == to && $0.receivers.contains(id) }
                    let outputs = Dictionary(uniqueKeysWithValues: fed.compactMap { target in heads[target.id].map { (target.id, $0) } })
                    guard !outputs.isEmpty else { continue }
                    let consumer = try connector.consumer(from: pipeline.signal, to: to, outputs: outputs)
                    connectorConsumers[use] = consumer
                    consumers.append(consumer)
                }
            }
            var head: any PayloadConsumer = FanoutConsumer(consumers)
            var processors: [any GatewayProcessor] = []
            for id in pipeline.processors.reversed() {
                guard let definition = configuration.processors[id] else { continue }
                let processor = try definition.build(context(id))
                processors.append(processor)
                head = processor.consumer(signal: pipeline.signal, next: head)
            }
            heads[pipeline.id] = head
            let feeding = pipeline.receivers.filter { connectors[$0] != nil }
            stages.insert(PipelineStages(processors: processors.reversed(), feedingConnectors: feeding), at: 0)
        }
        return heads
    }

    /// The pipelines whose requests are decoded on the way: by one of their processors, by a connector they
    /// export to, or further down, in a pipeline a connector hands their requests on to as they are.
    private static func decodingPipelines(_ configuration: GatewayConfiguration) -> Set<ComponentID> {
        var decoding: Set<ComponentID> = []
        for pipeline in configuration.pipelines.reversed() {
            let byProcessor = pipeline.processors.contains { configuration.processors[$0]?.decodesPayloads == true }
            let byConnector = pipeline.exporters.contains { id in
                guard let definition = configuration.connectors[id] else { return false }
                if definition.decodesPayloads { return true }
                return configuration.pipelines.contains { target in
                    target.signal == pipeline.signal && target.receivers.contains(id) && decoding.contains(target.id)
                        && definition.pairs.contains(SignalPair(pipeline.signal, target.signal))
                }
            }
            if byProcessor || byConnector { decoding.insert(pipeline.id) }
        }
        return decoding
    }

    /// Lets each pipeline's processors hand on what they hold, upstream first, and each connector once every
    /// pipeline feeding it did.
    private static func stopStages(_ stages: [PipelineStages], connectors: [ComponentID: any GatewayConnector]) {
        var stopped: Set<ComponentID> = []
        for stage in stages {
            for id in stage.feedingConnectors where !stopped.contains(id) {
                stopped.insert(id)
                connectors[id]?.shutdown()
            }
            stage.processors.forEach { $0.shutdown() }
        }
    }

    /// Stops receiving, lets processors hand on what they hold (tail sampling decides its buffered
    /// traces), then flushes every exporter in parallel until `timeout` has passed; returns
    /// whether everything queued went out. It returns by the deadline whatever the backends do.
    public func shutdown(timeout: Duration) -> Bool {
        let deadline = timeout.deadlineFromNow
        receivers.values.forEach { $0.shutdown() }
        Self.stopStages(stages, connectors: connectors)
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

/// One pipeline's running processors (in pipeline order) and the connectors among its receivers.
private struct PipelineStages {
    let processors: [any GatewayProcessor]
    let feedingConnectors: [ComponentID]
}

/// A connector used for one signal pair.
private struct ConnectorUse: Hashable {
    let id: ComponentID
    let pair: SignalPair
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
