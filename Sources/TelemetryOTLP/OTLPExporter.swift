import Logging
import Telemetry
import TelemetryHTTP
import TelemetryOTLPData

/// Sends spans, metrics and log records to any OTLP/HTTP collector: protobuf encoded with protobuf-c,
/// gzip-compressed, POSTed with libcurl to `<endpoint>/v1/traces`, `/v1/metrics` and `/v1/logs`, each
/// signal through its own `OTLPHTTPSender` (its own connection, opened when the signal is first
/// exported: a metrics export waiting between retries never holds up spans, and an application that
/// exports only spans opens one).
///
/// ```swift
/// let exporter = OTLPExporter(endpoint: "http://localhost:4318")
/// try exporter.export(collector.collectAll())          // metrics, synchronously
/// ```
/// Every parameter left out comes from the `OTEL_EXPORTER_OTLP_*` environment variables, else the
/// OTLP defaults (`http://localhost:4318`, gzip, 10 s). Retries follow the OTLP specification: only 429,
/// 502, 503, 504 and connection failures, with exponential backoff and jitter, honouring
/// `Retry-After`; partial successes are logged and counted, never retried.
public final class OTLPExporter: SpanExporter, MetricsExporter, LogRecordExporter {
    /// Request body compression.
    public enum Compression: Sendable, Hashable {
        /// gzip (the default).
        case gzip
        /// No compression.
        case none
    }

    /// The URL, headers, compression and timeout used for one signal.
    public struct Target: Sendable {
        /// The URL posted to.
        public let url: String
        /// The compression of request bodies.
        public let compression: Compression
        /// The gzip level (1 fastest … 12 smallest) when `compression` is `.gzip`.
        public let gzipLevel: Int
        /// The timeout of each request.
        public let timeout: Duration
        /// The CAs trusted and the client certificate.
        public let tls: ClientTLS
        /// Extra headers (names only are ever logged).
        let headers: [(name: String, value: String)]

        /// A target; headers are sent sorted by name, `gzipLevel` is clamped to 1…12.
        package init(url: String, compression: Compression, gzipLevel: Int, timeout: Duration, tls: ClientTLS, headers: [String: String]) {
            self.url = url
            self.compression = compression
            self.gzipLevel = Gzip.level(gzipLevel)
            self.timeout = timeout
            self.tls = tls
            self.headers = headers.sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) }
        }
    }

    /// Where and how spans are sent.
    public let traces: Target
    /// Where and how metrics are sent.
    public let metrics: Target
    /// Where and how log records are sent.
    public let logs: Target
    /// The resource metrics are reported under (spans carry their tracer's resource).
    public let resource: Resource
    /// How sums and histograms are reported.
    public let temporality: AggregationTemporality
    private let retry: RetryPolicy
    private let traceSender: OTLPHTTPSender
    private let metricSender: OTLPHTTPSender
    private let logSender: OTLPHTTPSender
    private let deltas = DeltaConverter()

    /// Creates an exporter.
    ///
    /// - Parameters:
    ///   - endpoint: the collector's base URL (`/v1/traces` and `/v1/metrics` are appended).
    ///   - headers: extra request headers (e.g. authentication); never logged.
    ///   - compression: `.gzip` or `.none`.
    ///   - gzipLevel: the gzip level, 1 (fastest, the default) to 12 (smallest); clamped to that range.
    ///     Spans barely compress beyond level 1: random ids dominate them.
    ///   - timeout: the deadline of each request.
    ///   - tls: the CAs trusted and the client certificate for `https` endpoints (default: from
    ///     `OTEL_EXPORTER_OTLP_CERTIFICATE`, `…_CLIENT_CERTIFICATE`, `…_CLIENT_KEY`, else the system's CAs).
    ///   - retry: the retry policy for retryable failures.
    ///   - temporality: cumulative (default) or delta sums and histograms.
    ///   - resource: the resource metrics are reported under (default: from `OTEL_SERVICE_NAME` and
    ///     `OTEL_RESOURCE_ATTRIBUTES`).
    ///   - name: the `exporter` label of its self-metrics.
    ///   - selfMetrics: where retries and partial-success rejections are counted.
    public convenience init(
        endpoint: String? = nil, headers: [String: String]? = nil, compression: Compression? = nil, gzipLevel: Int = 1,
        timeout: Duration? = nil, tls: ClientTLS? = nil, retry: RetryPolicy = RetryPolicy(),
        temporality: AggregationTemporality = .cumulative, resource: Resource? = nil, name: String = "otlp",
        selfMetrics: MetricsCollector = ExporterSelfMetrics.defaultCollector,
        logger: Logger = Logger(label: "swift-telemetry.otlp")
    ) {
        self.init(
            endpoint: endpoint, headers: headers, compression: compression, gzipLevel: gzipLevel, timeout: timeout, tls: tls,
            retry: retry, temporality: temporality, resource: resource, name: name, selfMetrics: selfMetrics, logger: logger,
            environment: .process(logger: logger))
    }

    init(
        endpoint: String?, headers: [String: String]?, compression: Compression?, gzipLevel: Int = 1, timeout: Duration?,
        tls: ClientTLS?, retry: RetryPolicy, temporality: AggregationTemporality, resource: Resource?, name: String,
        selfMetrics: MetricsCollector, logger: Logger, environment: OTLPEnvironment
    ) {
        func target(_ signal: OTLPSignal) -> Target {
            let url = endpoint.map { OTLPEndpoint.signalURL(base: $0, signal: signal) }
                ?? environment.endpoint(signal) ?? OTLPEndpoint.signalURL(base: "http://localhost:4318", signal: signal)
            return Target(
                url: url, compression: compression ?? environment.compression(signal) ?? .gzip, gzipLevel: gzipLevel,
                timeout: timeout ?? environment.timeout(signal) ?? .seconds(10), tls: tls ?? environment.tls(signal),
                headers: headers ?? environment.headers(signal))
        }
        traces = target(.traces)
        metrics = target(.metrics)
        logs = target(.logs)
        self.temporality = temporality
        self.resource = resource ?? OpenTelemetryResources.fromEnvironment(environment, serviceName: nil)
        self.retry = retry
        let log = RateLimitedLogger(logger: logger)
        func sender(_ signal: OTLPSignal, _ target: Target) -> OTLPHTTPSender {
            OTLPHTTPSender(
                signal: signal, target: target, selfMetrics: ExporterSelfMetrics(exporter: name, signal: signal.rawValue, collector: selfMetrics),
                log: log)
        }
        traceSender = sender(.traces, traces)
        metricSender = sender(.metrics, metrics)
        logSender = sender(.logs, logs)
    }

    /// How many signals' connections are open (each signal's is made by its first export).
    package var openConnections: Int {
        [traceSender, metricSender, logSender].filter(\.hasConnection).count
    }

    /// Sends spans produced by `resource`; throws when they could not be delivered.
    public func export(_ spans: [SpanData], resource: Resource) throws {
        guard !spans.isEmpty else { return }
        try traceSender.send(OTLPTraceEncoder(resource: resource).encode(spans), retrying: retry)
    }

    /// Sends log records produced by `resource`; throws when they could not be delivered.
    public func export(_ records: [LogRecordData], resource: Resource) throws {
        guard !records.isEmpty else { return }
        try logSender.send(OTLPLogsEncoder(resource: resource).encode(records), retrying: retry)
    }

    /// Sends one metrics snapshot; throws when it could not be delivered.
    public func export(_ snapshot: MetricsSnapshot) throws {
        let conversion = temporality == .delta ? deltas.convert(snapshot) : nil
        let converted = conversion?.snapshot ?? snapshot
        guard OTLPMetricsEncoder.pointCount(converted) > 0 else { return }
        let body = OTLPMetricsEncoder(resource: resource).encode(converted, temporality: temporality)
        try metricSender.send(body, retrying: retry)
        // Delta baselines move only once the collector took the data, so a failed export loses nothing.
        if let conversion { deltas.commit(conversion) }
    }

    /// Sends already encoded OTLP requests of one signal as a single request.
    ///
    /// Serialised `Export…ServiceRequest` messages concatenate into one valid request (protobuf merges
    /// repeated fields), which is how the gateway batches what it received.
    public func exportEncoded(_ signal: OTLPSignal, requests: [[UInt8]]) throws {
        let body = requests.count == 1 ? requests[0] : Array(requests.joined())
        guard !body.isEmpty else { return }
        try sender(signal).send(body, retrying: retry)
    }

    /// Nothing is buffered: every export delivers before it returns.
    public func forceFlush(timeout: Duration) -> Bool { true }

    /// Stops any wait between retries; later exports are attempted once.
    public func shutdown() {
        [traceSender, metricSender, logSender].forEach { $0.shutdown() }
    }

    private func sender(_ signal: OTLPSignal) -> OTLPHTTPSender {
        switch signal {
        case .traces: traceSender
        case .metrics: metricSender
        case .logs: logSender
        }
    }

    /// A short, printable explanation from an error response body.
    static func errorDetail(_ response: HTTPResponse) -> String {
        let text = String(decoding: response.body.prefix(300), as: UTF8.self)
            .filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0.isPunctuation || $0.isSymbol || $0 == " ") }
        return text.isEmpty ? "no details" : text
    }
}

/// An OTLP export the collector refused (a status that is not 2xx, after any retries).
public struct OTLPExportError: Error, CustomStringConvertible {
    /// The URL posted to.
    public let url: String
    /// The HTTP status.
    public let status: Int
    /// The collector's explanation, if it sent one.
    public let detail: String

    /// A one-line description.
    public var description: String { "OTLP export to \(url) failed with HTTP \(status): \(detail)" }

    /// Whether the specification says to try again later (429, 502, 503, 504); any other status is a
    /// refusal for good.
    public var isRetryable: Bool { RetryingSender.retryableStatuses.contains(status) }
}
