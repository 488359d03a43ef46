import Telemetry

/// The gateway's own counters for receivers and processors (exporters record `ExporterSelfMetrics`),
/// exposed on the service's telemetry endpoint.
///
/// Accounting, per signal: every item a receiver accepted (`telemetry_gateway_received_items_total`) is
/// either dropped by a processor (`telemetry_gateway_processor_dropped_items_total`) or handed to each
/// exporter of its pipeline, where it is sent, dropped (with a reason) or still queued
/// (`telemetry_exporter_*`). Items of a refused request are counted as refused, never as received.
public struct GatewaySelfMetrics: Sendable {
    /// The collector the counters live in.
    public let collector: MetricsCollector
    private let requests: TelemetryCounter
    private let received: TelemetryCounter
    private let refused: TelemetryCounter
    private let rejected: TelemetryCounter
    private let processorDropped: TelemetryCounter
    private let connectionsClosed: TelemetryCounter
    private let openConnections: TelemetryGauge

    /// Registers (or reuses) the families in `collector`.
    public init(collector: MetricsCollector) {
        self.collector = collector
        requests = collector.selfMetricCounter(
            "telemetry_gateway_requests_total", help: "Export requests by receiver, signal and answer (HTTP status or gRPC code)",
            labels: ["receiver", "signal", "status"])
        received = collector.selfMetricCounter(
            "telemetry_gateway_received_items_total", help: "Spans, data points and log records accepted into pipelines",
            labels: ["receiver", "signal"])
        refused = collector.selfMetricCounter(
            "telemetry_gateway_refused_items_total",
            help: "Items in requests refused as a whole (overload, malformed, too large), by reason",
            labels: ["receiver", "signal", "reason"])
        rejected = collector.selfMetricCounter(
            "telemetry_gateway_rejected_items_total",
            help: "Invalid items left out of accepted requests (reported to the client as partial success)",
            labels: ["receiver", "signal"])
        processorDropped = collector.selfMetricCounter(
            "telemetry_gateway_processor_dropped_items_total", help: "Items a processor dropped (sampled out), by reason",
            labels: ["processor", "signal", "reason"])
        connectionsClosed = collector.selfMetricCounter(
            "telemetry_gateway_receiver_connections_closed_total",
            help: "Connections the receiver closed on its own (timeouts, connection limit), by reason",
            labels: ["receiver", "reason"])
        openConnections = collector.selfMetricGauge(
            "telemetry_gateway_receiver_open_connections", help: "Open receiver connections", labels: ["receiver"])
    }

    /// Counts one answered request.
    public func request(receiver: String, signal: String, status: String) {
        requests.inc(["receiver": receiver, "signal": signal, "status": status])
    }

    /// Counts items accepted into pipelines.
    public func received(_ count: Int, receiver: String, signal: String) {
        guard count > 0 else { return }
        received.inc(by: Double(count), ["receiver": receiver, "signal": signal])
    }

    /// Counts items of a request refused as a whole.
    public func refused(_ count: Int, receiver: String, signal: String, reason: String) {
        guard count > 0 else { return }
        refused.inc(by: Double(count), ["receiver": receiver, "signal": signal, "reason": reason])
    }

    /// Counts invalid items left out of an accepted request.
    public func rejected(_ count: Int, receiver: String, signal: String) {
        guard count > 0 else { return }
        rejected.inc(by: Double(count), ["receiver": receiver, "signal": signal])
    }

    /// Counts items a processor dropped.
    public func processorDropped(_ count: Int, processor: String, signal: String, reason: String) {
        guard count > 0 else { return }
        processorDropped.inc(by: Double(count), ["processor": processor, "signal": signal, "reason": reason])
    }

    /// Counts a connection the receiver closed, and why.
    public func connectionClosed(receiver: String, reason: String) {
        connectionsClosed.inc(["receiver": receiver, "reason": reason])
    }

    /// Changes the open connection count.
    public func openConnections(_ change: Double, receiver: String) {
        openConnections.inc(by: change, ["receiver": receiver])
    }
}
