import Logging
import Telemetry
import TelemetryHTTP
import TelemetryOTLP
import TelemetryOTLPData

/// `otlp` (alias `otlphttp`): forwards what was received, as received, to an OTLP endpoint over HTTP
/// (libcurl, the default) or gRPC (`protocol: grpc`). Each signal gets its own send chain (its queue,
/// the retry loop and its own connection: `ExporterSendChain`), so a metrics request retrying for its
/// whole budget never holds up spans, and a signal never received opens nothing.
public final class OTLPForwardingExporter: GatewayExporter {
    /// The configured name (`otlp/upstream`), the `exporter` label of its self-metrics.
    public let name: String
    /// The settings.
    /// The settings' former name.
    @available(*, deprecated, renamed: "OTLPExporterSettings")
    public typealias Settings = OTLPExporterSettings
    public let settings: OTLPExporterSettings
    private let selfMetrics: MetricsCollector
    private let logger: Logger
    private let transports: GatewayTransports?
    private let chains = LockedValue([OTLPSignal: ExporterSendChain]())
    private let outgoingHeaders: OutgoingHeaders?

    /// Creates the exporter; send chains are made per signal when first used. gRPC needs `transports`;
    /// `headersSetter` (its `auth.authenticator`) sets headers of each batch from its request metadata.
    package init(
        name: String, settings: OTLPExporterSettings, selfMetrics: MetricsCollector, transports: GatewayTransports?, logger: Logger,
        headersSetter: HeadersSetterSettings? = nil
    ) {
        self.name = name
        self.settings = settings
        self.selfMetrics = selfMetrics
        self.transports = transports
        self.logger = logger
        outgoingHeaders = headersSetter.map { OutgoingHeaders($0, configured: settings.headers, exporter: name, collector: selfMetrics) }
    }

    /// How many transports (one per signal used) it made.
    package var senderCount: Int { chains.withLock { $0.count } }

    /// How many libcurl handles its OTLP/HTTP senders opened (each sender's first request opens one).
    package var openHTTPConnections: Int {
        chains.withLock { $0.values.filter { ($0.sender as? OTLPHTTPSender)?.hasConnection == true }.count }
    }

    private func makeSender(_ signal: OTLPSignal) throws(GatewayError) -> any EncodedRequestSender {
        switch settings.transport {
        case .http:
            let target = OTLPExporter.Target(
                url: OTLPEndpoint.signalURL(base: settings.endpoint, signal: signal), compression: settings.compression,
                gzipLevel: settings.gzipLevel, timeout: settings.timeout, tls: settings.tls, headers: settings.headers)
            return OTLPHTTPSender(
                signal: signal, target: target, selfMetrics: ExporterSelfMetrics(exporter: name, signal: signal.rawValue, collector: selfMetrics),
                log: RateLimitedLogger(logger: logger))
        case .grpc(let host, let port, let plaintext):
            guard let transports else { throw GatewayTransports.missing("gRPC", component: "exporter \(name)") }
            let client = OTLPGRPCClientSettings(
                host: host, port: port, plaintext: plaintext, tls: settings.tls, headers: settings.headers,
                gzip: settings.compression == .gzip, timeout: settings.timeout)
            return try transports.grpcSender(client, signal, name, selfMetrics, logger)
        }
    }

    public var signals: Set<OTLPSignal> { Set(OTLPSignal.allCases) }

    public func consumer(for signal: OTLPSignal, batch: BatchSettings) throws(GatewayError) -> any PayloadConsumer {
        let headersOfBatch: @Sendable (RequestMetadata) -> [(name: String, value: String)] =
            if let outgoingHeaders { { outgoingHeaders.overrides(for: $0) } } else { { _ in [] } }
        return try chains.withLock { chains -> Result<any PayloadConsumer, GatewayError> in
            if let existing = chains[signal] { return .success(existing.queue) }
            do throws(GatewayError) {
                let chain = try ExporterSendChain(
                    exporter: name, signal: signal, sender: try makeSender(signal), retry: settings.retry, queueBytes: settings.queueBytes,
                    diskQueue: settings.diskQueue, batch: batch, selfMetrics: selfMetrics, logger: logger,
                    outgoingHeaders: headersOfBatch)
                chains[signal] = chain
                return .success(chain.queue)
            } catch {
                return .failure(error)
            }
        }.get()
    }

    public func shutdown(deadlineNanos: UInt64) -> Bool {
        let all = chains.withLock { Array($0.values) }
        let flushed = ParallelWork.allSucceed(all) { $0.queue.shutdown(deadlineNanos: deadlineNanos) }
        all.forEach { $0.interrupt() }
        return flushed
    }

    public func abort() {
        chains.withLock { Array($0.values) }.forEach { $0.interrupt() }
    }
}

extension OTLPHTTPSender: EncodedRequestSender {}
