import Dispatch
import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import TelemetryGatewayCore
import TelemetryOTLPData

/// A gRPC server (grpc-swift-2 on the NIO HTTP/2 transport) serving `OTLPGRPCService`, started and
/// stopped from the gateway's threads.
final class OTLPGRPCServer: GatewayListener {
    /// The port it listens on.
    let port: Int
    private let server: GRPCServer<HTTP2ServerTransport.Posix>
    private let finished = DispatchSemaphore(value: 0)

    init(settings: OTLPGRPCSettings, intake: RequestIntake, logger: Logger) throws {
        let service = OTLPGRPCService(intake: intake, bearerToken: settings.bearerToken)
        let transport = HTTP2ServerTransport.Posix(
            address: settings.host.contains(":") ? .ipv6(host: settings.host, port: settings.port) : .ipv4(host: settings.host, port: settings.port),
            transportSecurity: Self.security(settings),
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
        port = try BlockingResult<Int>.run {
            let address = try await transport.listeningAddress
            return address.ipv4?.port ?? address.ipv6?.port ?? 0
        }.get()
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
