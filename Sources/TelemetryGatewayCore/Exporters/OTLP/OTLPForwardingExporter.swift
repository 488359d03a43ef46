import Logging
import Telemetry
import TelemetryHTTP
import TelemetryOTLP
import TelemetryOTLPData

/// `otlp` (alias `otlphttp`): forwards what was received, as received, to an OTLP/HTTP endpoint.
/// Each signal gets its own sending queue and its own `OTLPExporter` (libcurl connection), so a metrics
/// request retrying for its whole budget never holds up spans.
public final class OTLPForwardingExporter: GatewayExporter {
    /// The endpoint and transport settings.
    public struct Settings: Sendable {
        /// The base URL (`/v1/<signal>` is appended).
        public var endpoint: String
        /// Extra request headers (values never logged).
        public var headers: [String: String] = [:]
        /// Request compression.
        public var compression: OTLPExporter.Compression = .gzip
        /// The timeout of each request.
        public var timeout: Duration = .seconds(10)
        /// How failed requests are retried.
        public var retry = RetryPolicy()
        /// The most bytes waiting per signal (in memory).
        public var queueBytes = 64 << 20
        /// When set, each signal's queue is kept on disk with these settings instead of in memory.
        public var diskQueue: DiskQueueSettings?

        /// Settings for `endpoint` with the defaults.
        public init(endpoint: String) {
            self.endpoint = endpoint
        }
    }

    /// The configured name (`otlp/upstream`), the `exporter` label of its self-metrics.
    public let name: String
    /// The settings.
    public let settings: Settings
    private let selfMetrics: MetricsCollector
    private let logger: Logger
    private let instances = LockedValue([OTLPSignal: (queue: any ExporterQueue, exporter: OTLPExporter)]())

    /// Creates the exporter; queues and connections are made per signal when first used.
    public init(name: String, settings: Settings, selfMetrics: MetricsCollector, logger: Logger) {
        self.name = name
        self.settings = settings
        self.selfMetrics = selfMetrics
        self.logger = logger
    }

    public var signals: Set<OTLPSignal> { Set(OTLPSignal.allCases) }

    public func consumer(for signal: OTLPSignal, batch: BatchSettings) throws(GatewayError) -> any PayloadConsumer {
        try instances.withLock { instances -> Result<any PayloadConsumer, GatewayError> in
            if let existing = instances[signal] { return .success(existing.queue) }
            let exporter = OTLPExporter(
                endpoint: settings.endpoint, headers: settings.headers, compression: settings.compression,
                timeout: settings.timeout, retry: settings.retry, name: name, selfMetrics: selfMetrics, logger: logger)
            let send: @Sendable ([[UInt8]]) throws -> Void = { try exporter.exportEncoded(signal, requests: $0) }
            let queue: any ExporterQueue
            if let disk = settings.diskQueue {
                do throws(GatewayError) {
                    queue = try DiskSendingQueue(
                        exporter: name, signal: signal, settings: disk, batch: batch, selfMetrics: selfMetrics, logger: logger,
                        backoff: (settings.retry.initialBackoff, max(settings.retry.initialBackoff, settings.retry.maxBackoff)),
                        isRetryable: { ($0 as? OTLPExportError)?.isRetryable ?? true }, interrupt: { exporter.shutdown() },
                        send: send)
                } catch {
                    return .failure(error)
                }
            } else {
                queue = SendingQueue(
                    exporter: name, signal: signal, capacityBytes: settings.queueBytes, batch: batch, selfMetrics: selfMetrics,
                    logger: logger
                ) { payloads in
                    try send(payloads.map(\.bytes))
                }
            }
            instances[signal] = (queue, exporter)
            return .success(queue)
        }.get()
    }

    public func shutdown(deadlineNanos: UInt64) -> Bool {
        let all = instances.withLock { Array($0.values) }
        let flushed = ParallelWork.allSucceed(all) { $0.queue.shutdown(deadlineNanos: deadlineNanos) }
        all.forEach { $0.exporter.shutdown() }
        return flushed
    }

    public func abort() {
        instances.withLock { Array($0.values) }.forEach { $0.exporter.shutdown() }
    }
}
