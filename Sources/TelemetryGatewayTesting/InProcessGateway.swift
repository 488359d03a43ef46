import Logging
import Telemetry
import TelemetryConfig
import TelemetryGatewayCore

/// A gateway running in the test's own process from YAML, with an `InMemoryExporter` available as
/// exporter type `memory`. Give receivers `endpoint: 127.0.0.1:0`; `url` is where the first one listens.
public final class InProcessGateway: Sendable {
    /// The running service.
    public let service: GatewayService
    /// What the `memory` exporter received.
    public let memory: InMemoryExporter
    /// The base URL of the OTLP/HTTP receiver.
    public let url: String

    /// Parses `yaml` and starts the gateway (logging warnings and worse, unless given a logger).
    public init(
        yaml: String, environment: [String: String] = [:], memory: InMemoryExporter = InMemoryExporter(), logger: Logger? = nil
    ) throws {
        self.memory = memory
        let configuration = try GatewayConfiguration.parse(
            yaml: yaml, file: "test.yaml", environment: environment, factories: .standard.adding(exporter: "memory", memory))
        var quiet = Logger(label: "in-process-gateway")
        quiet.logLevel = .warning
        service = try GatewayService(configuration: configuration, logger: logger ?? quiet)
        let port = service.receivers.values.compactMap { ($0 as? OTLPReceiver)?.httpPort }.first ?? 0
        url = "http://127.0.0.1:\(port)"
    }

    /// The current value of one of the gateway's self-metrics (`nil` when the series does not exist).
    public func selfMetric(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        let family = service.metrics.collector.collectAll().families.first { $0.name == name }
        let wanted = Set(labels.map { Label(name: $0.key, value: $0.value) })
        return family?.points.first { Set($0.labels) == wanted }.flatMap { point in
            switch point.value {
            case .counter(let value), .gauge(let value): value
            default: nil
            }
        }
    }

    /// Stops the gateway (bounded by `timeout`).
    @discardableResult
    public func shutdown(timeout: Duration = .seconds(5)) -> Bool {
        service.shutdown(timeout: timeout)
    }
}
