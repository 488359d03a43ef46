import Logging
import Telemetry
import TelemetryHTTP
import TelemetryOTLP
import TelemetryOTLPData

/// `otlp` (alias `otlphttp`): forwards what was received, as received, to an OTLP endpoint over HTTP
/// (libcurl, the default) or gRPC (`protocol: grpc`). Each signal gets its own sending queue and its own
/// connection, so a metrics request retrying for its whole budget never holds up spans.
public final class OTLPForwardingExporter: GatewayExporter {
    /// The configured name (`otlp/upstream`), the `exporter` label of its self-metrics.
    public let name: String
    /// The settings.
    public let settings: OTLPExporterSettings
    private let selfMetrics: MetricsCollector
    private let logger: Logger
    private let transports: GatewayTransports?
    private let instances = LockedValue([OTLPSignal: (queue: any ExporterQueue, exporter: any EncodedRequestSender)]())

    /// Creates the exporter; queues and connections are made per signal when first used. gRPC needs
    /// `transports`.
    package init(name: String, settings: OTLPExporterSettings, selfMetrics: MetricsCollector, transports: GatewayTransports?, logger: Logger) {
        self.name = name
        self.settings = settings
        self.selfMetrics = selfMetrics
        self.transports = transports
        self.logger = logger
    }

    private func makeSender() throws(GatewayError) -> any EncodedRequestSender {
        switch settings.transport {
        case .http:
            return OTLPExporter(
                endpoint: settings.endpoint, headers: settings.headers, compression: settings.compression,
                gzipLevel: settings.gzipLevel, timeout: settings.timeout, tls: settings.tls, retry: settings.retry, name: name, selfMetrics: selfMetrics, logger: logger)
        case .grpc(let host, let port, let plaintext):
            guard let transports else { throw GatewayTransports.missing("gRPC", component: "exporter \(name)") }
            let client = OTLPGRPCClientSettings(
                host: host, port: port, plaintext: plaintext, tls: settings.tls, headers: settings.headers,
                gzip: settings.compression == .gzip, timeout: settings.timeout, retry: settings.retry)
            return try transports.grpcSender(client, name, selfMetrics, logger)
        }
    }

    public var signals: Set<OTLPSignal> { Set(OTLPSignal.allCases) }

    public func consumer(for signal: OTLPSignal, batch: BatchSettings) throws(GatewayError) -> any PayloadConsumer {
        try instances.withLock { instances -> Result<any PayloadConsumer, GatewayError> in
            if let existing = instances[signal] { return .success(existing.queue) }
            let exporter: any EncodedRequestSender
            do throws(GatewayError) {
                exporter = try makeSender()
            } catch {
                return .failure(error)
            }
            let send: @Sendable ([[UInt8]]) throws -> Void = { try exporter.exportEncoded(signal, requests: $0) }
            let queue: any ExporterQueue
            if let disk = settings.diskQueue {
                do throws(GatewayError) {
                    queue = try DiskSendingQueue(
                        exporter: name, signal: signal, settings: disk, batch: batch, selfMetrics: selfMetrics, logger: logger,
                        backoff: (settings.retry.initialBackoff, max(settings.retry.initialBackoff, settings.retry.maxBackoff)),
                        isRetryable: { ($0 as? any RetryClassifiedError)?.isRetryable ?? true }, interrupt: { exporter.shutdown() },
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

extension OTLPExporter: EncodedRequestSender {}

extension OTLPExportError: RetryClassifiedError {}
