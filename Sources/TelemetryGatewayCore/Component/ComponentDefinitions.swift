import Logging
import Telemetry
import TelemetryYAML
import TelemetryOTLPData

/// What every component is built with.
public struct BuildContext: Sendable {
    /// The component's id.
    public let id: ComponentID
    /// The gateway's receiver and processor counters.
    public let metrics: GatewaySelfMetrics
    /// The in-flight memory budget.
    public let budget: MemoryBudget
    /// The service's logger.
    public let logger: Logger
    /// gRPC and TLS, when the service was given them.
    package let transports: GatewayTransports?
    /// The rules of the `headers_setter` extension an exporter's `auth.authenticator` names (set by
    /// the configuration parser for that exporter).
    package var headersSetter: HeadersSetterSettings? = nil

    /// The collector all self-metrics go to.
    public var selfMetrics: MetricsCollector { metrics.collector }
}

/// The largest request a receiver protocol accepts (after decompression), and where it was set.
public struct RequestSizeLimit: Sendable {
    /// The limit in bytes.
    public let bytes: Int
    /// The key that set it.
    public let source: ConfigLocation
}

/// A configured receiver, ready to be built.
public struct ReceiverDefinition: Sendable {
    /// The signals it can receive.
    public let signals: Set<OTLPSignal>
    /// The largest request of each of its protocols.
    public var requestLimits: [RequestSizeLimit] = []
    /// Builds and starts it, feeding `pipelines` (by signal); `decoded` are the signals some pipeline
    /// decodes.
    let build: @Sendable (BuildContext, [OTLPSignal: any PayloadConsumer], _ decoded: Set<OTLPSignal>) throws(GatewayError)
        -> any GatewayReceiver
}

/// A configured processor, ready to be built.
public struct ProcessorDefinition: Sendable {
    /// The signals it can process.
    public let signals: Set<OTLPSignal>
    /// The memory limit it sets (`memory_limiter`).
    public var memoryLimitBytes: Int?
    /// The batching it sets for its pipelines' exporters (`batch`).
    public var batch: BatchSettings?
    /// Whether it decodes every request (the receiver then reserves the decoded size too).
    public var decodesPayloads = false
    /// Why its configuration cannot process some signals (`attributes` with `services` has no meaning
    /// for metrics), said when it is listed in such a pipeline.
    public var refusedSignals: [OTLPSignal: String] = [:]
    /// Builds it.
    let build: @Sendable (BuildContext) throws(GatewayError) -> any GatewayProcessor
}

/// A configured exporter, ready to be built.
public struct ExporterDefinition: Sendable {
    /// The signals it can export.
    public let signals: Set<OTLPSignal>
    /// The largest request its disk queue can hold, nil without one: a receiver of its pipelines must
    /// not accept larger requests.
    public var diskQueueRequestLimit: Int?
    /// The extension its `auth.authenticator` names, with where: it must be a `headers_setter` listed
    /// in `service.extensions`, whose rules `build` then gets in `BuildContext.headersSetter`.
    public var authenticator: (id: ComponentID, source: ConfigLocation)?
    /// Builds it.
    var build: @Sendable (BuildContext) throws(GatewayError) -> any GatewayExporter

    /// A definition of an exporter for `signals` that `build` makes.
    public init(signals: Set<OTLPSignal>, build: @escaping @Sendable (BuildContext) throws(GatewayError) -> any GatewayExporter) {
        self.signals = signals
        self.build = build
    }
}

/// A configured connector, ready to be built.
public struct ConnectorDefinition: Sendable {
    /// The signal pairs it supports.
    public let pairs: Set<SignalPair>
    /// The pipelines its settings name (`routing`'s `pipelines` and `default_pipelines`), with where:
    /// each must exist and list the connector among its receivers.
    public var namedPipelines: [(id: ComponentID, source: ConfigLocation)] = []
    /// Whether it decodes the requests it takes (the receiver then reserves their decoded size).
    public var decodesPayloads = false
    /// Builds it.
    let build: @Sendable (BuildContext) throws(GatewayError) -> any GatewayConnector

    /// A definition of a connector for `pairs` that `build` makes.
    public init(pairs: Set<SignalPair>, build: @escaping @Sendable (BuildContext) throws(GatewayError) -> any GatewayConnector) {
        self.pairs = pairs
        self.build = build
    }
}
