import Dispatch
import Logging
import Telemetry
import TelemetryConfig
import TelemetryGatewayCore

/// A gateway running in the test's own process from YAML, with an `InMemoryExporter` available as
/// exporter type `memory` (each `memory/<name>` is `memory.named("memory/<name>")`). Give receivers `endpoint: 127.0.0.1:0`; `url` is where the first one listens
/// for OTLP/HTTP, `grpcTarget` where the first one listens for OTLP/gRPC.
///
/// gRPC receivers and exporters and TLS need `transports` (from `TelemetryGatewayTransports`: in tests
/// `.standardOnOwnThreads`, whose gRPC tasks do not depend on the cooperative pool other tests may hold;
/// `.standard` is the binary's); without them such a configuration fails to start, as the core does.
/// The gRPC transports block the calling thread while they start and stop, waiting for tasks of Swift's
/// cooperative pool: from async code use `start(…)` and `stop(…)`, which do that on a thread of their own.
public final class InProcessGateway: Sendable {
    /// The running service.
    public let service: GatewayService
    /// What the `memory` exporter received.
    public let memory: InMemoryExporter
    /// The base URL of the first OTLP/HTTP receiver (`https://…` when it has TLS; `http://127.0.0.1:0`
    /// when there is none).
    public let url: String
    /// The port of the first OTLP/gRPC receiver, if any.
    public let grpcPort: Int?
    /// What the gateway logged at `info` and above (or at the level of the logger given).
    public let log: GatewayLogRecorder

    /// Parses `yaml` and starts the gateway, with `transports` for gRPC and TLS (printing warnings and
    /// worse, or to `logger` if given; either way everything from `info` up is kept in `log`). Blocks the
    /// calling thread: with gRPC, never call it from a task (use `start`).
    public convenience init(
        yaml: String, environment: [String: String] = [:], memory: InMemoryExporter = InMemoryExporter(),
        transports: GatewayTransports? = nil, logger: Logger? = nil
    ) throws {
        try self.init(yaml: yaml, environment: environment, memory: memory, transports: transports, logger: logger, connectors: [:])
    }

    /// Starts the gateway as the public `init` does, with connector types of the test's own (`connectors`).
    package init(
        yaml: String, environment: [String: String] = [:], memory: InMemoryExporter = InMemoryExporter(),
        transports: GatewayTransports? = nil, logger: Logger? = nil, connectors: [String: ConnectorDefinition]
    ) throws {
        self.memory = memory
        var factories = ComponentFactories.standard.adding(exporter: "memory") { id in id.name == nil ? memory : memory.named(id.description) }
        for (type, definition) in connectors { factories = factories.adding(connector: type, definition) }
        let configuration = try GatewayConfiguration.parse(yaml: yaml, file: "test.yaml", environment: environment, factories: factories)
        var printed = logger ?? Logger(label: "in-process-gateway")
        if logger == nil { printed.logLevel = .warning }
        let log = GatewayLogRecorder(level: min(printed.logLevel, .info))
        self.log = log
        var both = Logger(label: printed.label) { _ in MultiplexLogHandler([printed.handler, log.handler()]) }
        both.logLevel = min(printed.logLevel, .info)
        service = try GatewayService(configuration: configuration, transports: transports, logger: both)
        let receivers = service.receivers.sorted { $0.key < $1.key }.compactMap { $0.value as? OTLPReceiver }
        let http = receivers.first { $0.httpPort != nil }
        let scheme = http?.endpoints.first?.hasPrefix("https:") == true ? "https" : "http"
        url = "\(scheme)://127.0.0.1:\(http?.httpPort ?? 0)"
        grpcPort = receivers.compactMap(\.grpcPort).first
    }

    /// Starts the gateway as `init` does, on a thread of its own, so that a gRPC receiver's start never
    /// waits for the cooperative thread it holds.
    public static func start(
        yaml: String, environment: [String: String] = [:], memory: InMemoryExporter = InMemoryExporter(),
        transports: GatewayTransports? = nil, logger: Logger? = nil
    ) async throws -> InProcessGateway {
        try await offCooperativePool {
            try InProcessGateway(yaml: yaml, environment: environment, memory: memory, transports: transports, logger: logger)
        }
    }

    /// `127.0.0.1:<port>` of the first OTLP/gRPC receiver, as gRPC clients take it (`nil` without one).
    public var grpcTarget: String? { grpcPort.map { "127.0.0.1:\($0)" } }

    /// The current value of one of the gateway's self-metrics with exactly these labels (`nil` when the
    /// series does not exist).
    public func selfMetric(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        let wanted = Set(labels.map { Label(name: $0.key, value: $0.value) })
        return selfMetricValue(name) { Set($0) == wanted }
    }

    /// The current value of the first series of a self-metric whose labels include these (others may
    /// differ), as a scrape filtered by them would show it.
    public func selfMetric(_ name: String, including labels: [String: String]) -> Double? {
        let wanted = Set(labels.map { Label(name: $0.key, value: $0.value) })
        return selfMetricValue(name) { wanted.isSubset(of: $0) }
    }

    private func selfMetricValue(_ name: String, where matches: ([Label]) -> Bool) -> Double? {
        let family = service.metrics.collector.collectAll().families.first { $0.name == name }
        return family?.points.first { matches($0.labels) }.flatMap { point in
            switch point.value {
            case .counter(let value), .gauge(let value): value
            default: nil
            }
        }
    }

    /// Everything logged so far, one line per message (level, message, metadata).
    public func logText() -> String { log.text }

    /// Stops the gateway (bounded by `timeout`); whether everything stopped in time. Blocks the calling
    /// thread: with gRPC, never call it from a task (use `stop`).
    @discardableResult
    public func shutdown(timeout: Duration = .seconds(5)) -> Bool {
        service.shutdown(timeout: timeout)
    }

    /// Stops the gateway as `shutdown` does, on a thread of its own.
    @discardableResult
    public func stop(timeout: Duration = .seconds(5)) async -> Bool {
        let service = service
        return (try? await Self.offCooperativePool { service.shutdown(timeout: timeout) }) ?? false
    }

    /// Runs blocking `body` on a Dispatch worker thread (not one of the cooperative pool's) and awaits it.
    private static func offCooperativePool<Value: Sendable>(_ body: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
        }
    }
}
