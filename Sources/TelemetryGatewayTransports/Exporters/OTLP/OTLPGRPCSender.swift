import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import Telemetry
import TelemetryGatewayCore
import TelemetryHTTP
import TelemetryOTLPData

/// One signal's OTLP/gRPC transport (next to `OTLPHTTPSender`): its own HTTP/2 connection (grpc-swift-2
/// on NIO), the `Export` call of the signal's service with the request bytes as they are, each attempt
/// classified as the specification says for the exporter helper's retry loop: CANCELLED,
/// DEADLINE_EXCEEDED, ABORTED, OUT_OF_RANGE, UNAVAILABLE and DATA_LOSS are retryable,
/// RESOURCE_EXHAUSTED only when the server sent `google.rpc.RetryInfo`, whose delay the loop honours
/// like `Retry-After` (beyond the retry budget, the retries end at once).
final class OTLPGRPCSender: EncodedRequestSender {
    let retryReport: RetryReport
    private let client: GRPCClient<HTTP2ClientTransport.Posix>
    private let settings: OTLPGRPCClientSettings
    private let signal: OTLPSignal
    private let configuredHeaders: [(name: String, value: String)]
    private let metadata: Metadata
    private let target: String
    private let executor: (any TaskExecutor)?

    /// A sender whose connection and calls run as tasks preferring `executor` (none: Swift's cooperative pool).
    init(
        settings: OTLPGRPCClientSettings, signal: OTLPSignal, exporter: String, collector: MetricsCollector,
        executor: (any TaskExecutor)? = nil, logger: Logger
    ) throws(GatewayError) {
        self.executor = executor
        self.settings = settings
        self.signal = signal
        let target = "\(settings.plaintext ? "http" : "https")://\(settings.host):\(settings.port)"
        self.target = target
        configuredHeaders = settings.headers.sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) }
        metadata = Self.metadata(configuredHeaders)
        retryReport = RetryReport(
            selfMetrics: ExporterSelfMetrics(exporter: exporter, signal: signal.rawValue, collector: collector),
            log: RateLimitedLogger(logger: logger), export: "OTLP/gRPC export to \(target)", target: target)
        let transport: HTTP2ClientTransport.Posix
        do {
            transport = try HTTP2ClientTransport.Posix(
                target: Self.resolvable(settings.host, settings.port), transportSecurity: Self.security(settings),
                config: .defaults { config in
                    config.compression.enabledAlgorithms = [.gzip]
                    config.backoff.max = .seconds(5)
                })
        } catch {
            throw GatewayError("exporter \(exporter) cannot use \(target): \(error)")
        }
        let client = GRPCClient(transport: transport)
        self.client = client
        let connectionLogger = logger
        Task(executorPreference: executor) {
            do {
                try await client.runConnections()
            } catch {
                connectionLogger.error("the OTLP/gRPC exporter's connection to \(settings.host):\(settings.port) ended: \(error)")
            }
        }
    }

    /// Call metadata of `headers`, names lower-cased as gRPC wants them.
    private static func metadata(_ headers: [(name: String, value: String)]) -> Metadata {
        var metadata = Metadata()
        for (name, value) in headers { metadata.addString(value, forKey: name.lowercased()) }
        return metadata
    }

    private static func resolvable(_ host: String, _ port: Int) -> any ResolvableTarget {
        if host.contains(":") { return .ipv6(address: host, port: port) }
        if host.split(separator: ".").count == 4, host.allSatisfy({ $0.isNumber || $0 == "." }) { return .ipv4(address: host, port: port) }
        return .dns(host: host, port: port)
    }

    /// Plaintext, or TLS trusting the CA file (else the system's CAs), with a client certificate when one
    /// is given; `insecure_skip_verify` turns verification off.
    private static func security(_ settings: OTLPGRPCClientSettings) -> HTTP2ClientTransport.Posix.TransportSecurity {
        guard !settings.plaintext else { return .plaintext }
        let tls = settings.tls
        return .tls(
            .init(
                certificateChain: tls.certificateFile.map { [.file(path: $0, format: .pem)] } ?? [],
                privateKey: tls.keyFile.map { .file(path: $0, format: .pem) },
                serverCertificateVerification: tls.insecureSkipVerify ? .noVerification : .fullVerification,
                trustRoots: tls.caFile.map { .certificates([.file(path: $0, format: .pem)]) } ?? .systemDefault))
    }

    /// One call with the configured metadata overridden by `extraHeaders`, classified for the retry loop;
    /// a success's partial-success rejection is logged and counted.
    func attempt(_ body: [UInt8], extraHeaders: [(name: String, value: String)]) -> RetryAttempt<Void, any Error, String> {
        var options = CallOptions.defaults
        options.timeout = settings.timeout
        options.compression = settings.gzip ? .gzip : CompressionAlgorithm.none
        options.waitForReady = false
        let descriptor = MethodDescriptor(fullyQualifiedService: OTLPGRPCService.serviceName(signal), method: "Export")
        // The configured metadata with `extraHeaders` overriding it (a name replaced, an empty value not sent).
        let callMetadata = extraHeaders.isEmpty ? metadata : Self.metadata(HeaderField.overriding(configuredHeaders, with: extraHeaders))
        let request = ClientRequest(message: body, metadata: callMetadata)
        let (client, callOptions) = (self.client, options)
        let outcome = BlockingResult<[UInt8]>.run(on: executor) {
            try await client.unary(
                request: request, descriptor: descriptor, serializer: RawBytesCoder(), deserializer: RawBytesCoder(), options: callOptions
            ) { response in try response.message }
        }
        switch outcome {
        case .success(let response):
            if let partial = OTLPPartialSuccess.decode(response, signal: signal) {
                retryReport.selfMetrics.reject(partial.rejected)
                retryReport.log.log(
                    .warning, key: "partial \(signal)", "OTLP/gRPC collector \(target) rejected \(partial.rejected) \(signal.itemName): \(partial.message)")
            }
            return .final(.success(()))
        case .failure(let error):
            let rpcError = (error as? RPCError) ?? RPCError(code: .unavailable, message: "\(error)")
            let delay = rpcError.metadata[binaryValues: "grpc-status-details-bin"].lazy.compactMap { GRPCStatusDetails.retryDelay(in: $0) }.first
            let failure = OTLPGRPCExportError(target: target, code: rpcError.code, message: rpcError.message, retryDelay: delay)
            guard failure.isRetryable else { return .final(.failure(failure)) }
            return .retryable(.failure(failure), reason: "\(rpcError.code)", requestedDelay: delay)
        }
    }

    func shutdown() {
        client.beginGracefulShutdown()
    }
}

/// An OTLP/gRPC export the server refused (after any retries).
struct OTLPGRPCExportError: Error, CustomStringConvertible {
    /// The server.
    let target: String
    /// The status code.
    let code: RPCError.Code
    /// The server's message.
    let message: String
    /// The delay the server asked for in `google.rpc.RetryInfo`, if it sent one.
    let retryDelay: Duration?

    var description: String { "OTLP/gRPC export to \(target) failed with \(code): \(message)" }

    /// The OTLP specification's retryable codes; RESOURCE_EXHAUSTED only with RetryInfo.
    var isRetryable: Bool {
        switch code {
        case .cancelled, .deadlineExceeded, .aborted, .outOfRange, .unavailable, .dataLoss: true
        case .resourceExhausted: retryDelay != nil
        default: false
        }
    }
}
