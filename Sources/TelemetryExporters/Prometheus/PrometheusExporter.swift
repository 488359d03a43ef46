import Logging
import Telemetry

/// Exposes metrics in the Prometheus text format, as text on demand or on a built-in `/metrics` endpoint.
///
/// ```swift
/// let exporter = PrometheusExporter(prefix: "myapp")
/// try exporter.export(collector.collectAll())
/// print(exporter.metricsText())
///
/// let served = try PrometheusExporter(prefix: "myapp", port: 9464, collector: collector)  // scrape /metrics
/// ```
/// What it exposes is the last exported snapshot merged with a fresh snapshot of every registered
/// collector, taken at each call or scrape; a family in both comes from the fresh snapshot.
public final class PrometheusExporter: MetricsExporter {
    /// The prefix joined to every metric name with `_` (sanitised to valid name characters).
    public let prefix: String
    private let renderer: PrometheusTextRenderer
    private let state: ExporterState
    private let server: PrometheusHTTPServer?

    /// Creates an exporter that renders on demand (`metricsText()`), with no HTTP endpoint.
    public init(prefix: String = "", logger: Logger = Logger(label: "swift-telemetry.prometheus")) {
        self.prefix = Self.checkedPrefix(prefix, logger: logger)
        renderer = PrometheusTextRenderer(prefix: self.prefix)
        state = ExporterState()
        server = nil
    }

    /// Creates an exporter and serves `GET /metrics` on `host:port` (127.0.0.1 unless told otherwise).
    ///
    /// - Parameters:
    ///   - port: the TCP port; 0 picks a free one (see `boundPort`).
    ///   - collector: collected fresh on every scrape; more can be added with `register(_:)`.
    /// - Throws: when the address cannot be bound.
    public init(
        prefix: String = "", port: Int, host: String = "127.0.0.1", collector: MetricsCollector? = nil,
        logger: Logger = Logger(label: "swift-telemetry.prometheus")
    ) throws {
        self.prefix = Self.checkedPrefix(prefix, logger: logger)
        let renderer = PrometheusTextRenderer(prefix: self.prefix)
        let state = ExporterState()
        self.renderer = renderer
        self.state = state
        if let collector { state.register(collector) }
        let log = RateLimitedLogger(logger: logger)
        server = try PrometheusHTTPServer(host: host, port: port, logger: logger) { format in
            renderer.render(state.families(), format: format) { skipped in
                log.log(.warning, key: "skipped", "left out of the scrape (invalid or clashing names): \(skipped.prefix(10))")
            }
        }
    }

    /// The port the `/metrics` endpoint listens on, or `nil` without an endpoint.
    public var boundPort: Int? { server?.port }

    /// Adds a collector (or other source) that is collected fresh on every call or scrape.
    public func register(_ collector: any MetricsSource) {
        state.register(collector)
    }

    /// Keeps `snapshot` as the data to expose (replacing the previous export).
    public func export(_ snapshot: MetricsSnapshot) throws {
        state.store(snapshot)
    }

    /// The current metrics in the Prometheus text format 0.0.4 (or OpenMetrics 1.0).
    public func metricsText(format: PrometheusFormat = .text) -> String {
        renderer.renderText(state.families(), format: format)
    }

    /// Stops the `/metrics` endpoint, if any.
    public func shutdown() {
        server?.close()
    }

    private static func checkedPrefix(_ prefix: String, logger: Logger) -> String {
        let sanitized = PrometheusTextRenderer.sanitizedPrefix(prefix)
        if sanitized != prefix {
            logger.warning("metric prefix \"\(prefix)\" has invalid characters; using \"\(sanitized)\"")
        }
        return sanitized
    }
}
