import Dispatch
import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import TelemetryOTLPData

/// The OTLP/gRPC receiver's settings (`receivers.otlp.protocols.grpc`).
public struct OTLPGRPCSettings: Sendable, Equatable {
    /// The address to listen on.
    public var host = "127.0.0.1"
    /// The port (0 picks a free one).
    public var port = 4317
    /// The largest message, before and after gzip (`max_recv_msg_size_mib`; by default the HTTP body
    /// limit, not gRPC's 4 MiB).
    public var maxMessageBytes = 20 << 20
    /// A bearer token every request must present in its `authorization` metadata, or `nil`.
    public var bearerToken: String?
    /// Nesting and decoded-size limits.
    public var decodeLimits = DecodeLimits()
    /// TLS files; plaintext when nil.
    public var tls: ReceiverTLSFiles?

    /// The defaults.
    public init() {}
}

/// A gRPC server (grpc-swift-2 on the NIO HTTP/2 transport) serving `OTLPGRPCService`, started and
/// stopped from the gateway's threads.
final class OTLPGRPCServer: Sendable {
    /// The port it listens on.
    let port: Int
    private let server: GRPCServer<HTTP2ServerTransport.Posix>
    private let finished = DispatchSemaphore(value: 0)

    init(settings: OTLPGRPCSettings, service: OTLPGRPCService, logger: Logger) throws {
        let transport = HTTP2ServerTransport.Posix(
            address: .ipv4(host: settings.host, port: settings.port), transportSecurity: Self.security(settings),
            config: .defaults { config in
                config.rpc.maxRequestPayloadSize = settings.maxMessageBytes
                config.compression.enabledAlgorithms = [.gzip, .deflate]
            })
        let server = GRPCServer(transport: transport, services: [service])
        self.server = server
        let finished = self.finished
        Task {
            do {
                try await server.serve()
            } catch {
                logger.error("the OTLP/gRPC receiver stopped: \(error)")
            }
            finished.signal()
        }
        let bound = BlockingResult<Int>()
        Task {
            do {
                let address = try await transport.listeningAddress
                bound.set(.success(address.ipv4?.port ?? address.ipv6?.port ?? 0))
            } catch {
                bound.set(.failure(error))
            }
        }
        port = try bound.wait()
        logger.info("OTLP/gRPC receiver listening", metadata: ["address": "\(settings.host):\(port)"])
    }

    /// Plaintext, TLS, or mutual TLS (client certificates checked against the client CA, not host names).
    private static func security(_ settings: OTLPGRPCSettings) -> HTTP2ServerTransport.Posix.TransportSecurity {
        guard let tls = settings.tls else { return .plaintext }
        let chain: [TLSConfig.CertificateSource] = [.file(path: tls.certificateFile, format: .pem)]
        let key = TLSConfig.PrivateKeySource.file(path: tls.keyFile, format: .pem)
        guard let clientCA = tls.clientCAFile else { return .tls(certificateChain: chain, privateKey: key) }
        return .mTLS(certificateChain: chain, privateKey: key) { config in
            config.trustRoots = .certificates([.file(path: clientCA, format: .pem)])
            config.clientCertificateVerification = .noHostnameVerification
        }
    }

    /// Stops accepting, lets RPCs in progress finish, and waits for the server to end.
    func close() {
        server.beginGracefulShutdown()
        finished.wait()
    }
}

/// A value produced by a task and waited for by a thread.
private final class BlockingResult<Value: Sendable>: @unchecked Sendable {
    // @unchecked: `result` is written once before the semaphore is signalled and read after waiting.
    private var result: Result<Value, any Error>?
    private let ready = DispatchSemaphore(value: 0)

    func set(_ result: Result<Value, any Error>) {
        self.result = result
        ready.signal()
    }

    func wait() throws -> Value {
        ready.wait()
        guard let result else { throw GatewayError("no result") }
        return try result.get()
    }
}
