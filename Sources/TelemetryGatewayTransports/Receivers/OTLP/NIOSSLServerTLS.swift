import NIOCore
import NIOSSL
import TelemetryGatewayCore

/// TLS for the OTLP/HTTP receiver on NIOSSL.
enum NIOSSLServerTLS {
    /// Loads the receiver's PEM files once and returns the maker of each connection's TLS handler. With a
    /// client CA, client certificates are required and checked against it (not host names).
    @Sendable static func handlerMaker(_ files: ServerTLSSettings) throws -> @Sendable () -> any ChannelHandler {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(files.certificateFile).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: files.keyFile, format: .pem)))
        if let clientCA = files.clientCAFile {
            configuration.trustRoots = .file(clientCA)
            configuration.certificateVerification = .noHostnameVerification
        }
        let context = try NIOSSLContext(configuration: configuration)
        return { NIOSSLServerHandler(context: context) }
    }
}
