import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import Telemetry
import TelemetryGatewayCore
import TelemetryHTTP
import TelemetryOTLPData

/// The OTLP/gRPC exporter's sender: its own HTTP/2 connection (grpc-swift-2 on NIO; the exporter makes
/// one sender per signal), the `Export` call of each signal's service with the request bytes as they are, and the
/// specification's retries: CANCELLED, DEADLINE_EXCEEDED, ABORTED, OUT_OF_RANGE, UNAVAILABLE and
/// DATA_LOSS are retried, RESOURCE_EXHAUSTED only when the server sent `google.rpc.RetryInfo`; a
/// RetryInfo delay is honoured like `Retry-After` (beyond the retry budget, the retries end at once).
final class OTLPGRPCSender: EncodedRequestSender {
    private let client: GRPCClient<HTTP2ClientTransport.Posix>
    private let settings: OTLPGRPCClientSettings
    private let metadata: Metadata
    private let cancellation = CancellationSignal()
    private let selfMetrics: [OTLPSignal: ExporterSelfMetrics]
    private let log: RateLimitedLogger
    private let target: String
    private let executor: (any TaskExecutor)?

    /// A sender whose connection and calls run as tasks preferring `executor` (none: Swift's cooperative pool).
    init(
        settings: OTLPGRPCClientSettings, exporter: String, collector: MetricsCollector, executor: (any TaskExecutor)? = nil, logger: Logger
    ) throws(GatewayError) {
        self.executor = executor
        self.settings = settings
        target = "\(settings.plaintext ? "http" : "https")://\(settings.host):\(settings.port)"
        var metadata = Metadata()
        for (name, value) in settings.headers.sorted(by: { $0.key < $1.key }) { metadata.addString(value, forKey: name.lowercased()) }
        self.metadata = metadata
        selfMetrics = Dictionary(uniqueKeysWithValues: OTLPSignal.allCases.map {
            ($0, ExporterSelfMetrics(exporter: exporter, signal: $0.rawValue, collector: collector))
        })
        log = RateLimitedLogger(logger: logger)
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

    func exportEncoded(_ signal: OTLPSignal, requests: [[UInt8]]) throws {
        let body = requests.count == 1 ? requests[0] : Array(requests.joined())
        guard !body.isEmpty, let selfMetrics = selfMetrics[signal] else { return }
        let response = try RetryLoop(policy: settings.retry, cancellation: cancellation).run(
            { () -> RetryAttempt<[UInt8], OTLPGRPCExportError, String> in attempt(body, signal) },
            onRetry: { retry, reason, wait in
                selfMetrics.retry()
                log.log(.warning, key: "retry \(signal)", "OTLP/gRPC export to \(target) failed (\(reason)); retry \(retry) in \(wait)")
            },
            onGiveUp: { reason in
                selfMetrics.retriesExhausted(reason: reason.rawValue)
                if reason == .retryAfterBeyondBudget {
                    log.log(.warning, key: "retry-info \(signal)", "\(target) asked to retry later than the retry budget allows; giving up")
                }
            })
        if let partial = OTLPPartialSuccess.decode(response, signal: signal) {
            selfMetrics.reject(partial.rejected)
            log.log(.warning, key: "partial \(signal)", "OTLP/gRPC collector \(target) rejected \(partial.rejected) \(signal.itemName): \(partial.message)")
        }
    }

    /// One call, classified for the retry loop.
    private func attempt(_ body: [UInt8], _ signal: OTLPSignal) -> RetryAttempt<[UInt8], OTLPGRPCExportError, String> {
        var options = CallOptions.defaults
        options.timeout = settings.timeout
        options.compression = settings.gzip ? .gzip : CompressionAlgorithm.none
        options.waitForReady = false
        let descriptor = MethodDescriptor(fullyQualifiedService: OTLPGRPCService.serviceName(signal), method: "Export")
        let request = ClientRequest(message: body, metadata: metadata)
        let (client, callOptions) = (self.client, options)
        let outcome = BlockingResult<[UInt8]>.run(on: executor) {
            try await client.unary(
                request: request, descriptor: descriptor, serializer: RawBytesCoder(), deserializer: RawBytesCoder(), options: callOptions
            ) { response in try response.message }
        }
        switch outcome {
        case .success(let response):
            return .final(.success(response))
        case .failure(let error):
            let rpcError = (error as? RPCError) ?? RPCError(code: .unavailable, message: "\(error)")
            let delay = rpcError.metadata[binaryValues: "grpc-status-details-bin"].lazy.compactMap { GRPCStatusDetails.retryDelay(in: $0) }.first
            let failure = OTLPGRPCExportError(target: target, code: rpcError.code, message: rpcError.message, retryDelay: delay)
            guard failure.isRetryable else { return .final(.failure(failure)) }
            return .retryable(.failure(failure), reason: "\(rpcError.code)", requestedDelay: delay)
        }
    }

    func shutdown() {
        cancellation.cancel()
        client.beginGracefulShutdown()
    }
}

/// An OTLP/gRPC export the server refused (after any retries).
struct OTLPGRPCExportError: RetryClassifiedError, CustomStringConvertible {
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
