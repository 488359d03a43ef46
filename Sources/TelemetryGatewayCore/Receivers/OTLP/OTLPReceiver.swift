import Logging
import NIOCore
import TelemetryConfig
import TelemetryOTLPData

/// `otlp`: receives OTLP over HTTP (`protocols.http`) and gRPC (`protocols.grpc`) for every signal with
/// a pipeline; both feed the same pipelines through the same intake rules.
public final class OTLPReceiver: GatewayReceiver {
    /// The HTTP port (after binding, so 0 in the configuration becomes the port chosen).
    public let httpPort: Int?
    /// The gRPC port (after binding).
    public let grpcPort: Int?
    private let http: OTLPHTTPServer?
    private let grpc: (any GatewayListener)?
    private let httpHost: String
    private let httpScheme: String
    private let grpcHost: String

    init(
        name: String, http settings: OTLPHTTPSettings?, grpc grpcSettings: OTLPGRPCSettings?, context: BuildContext,
        pipelines: [OTLPSignal: any PayloadConsumer], decoded: Set<OTLPSignal>
    ) throws(GatewayError) {
        var httpServer: OTLPHTTPServer?
        if let settings {
            let intake = RequestIntake(
                maxBodyBytes: settings.maxBodyBytes, decodeLimits: settings.decodeLimits, pipelines: pipelines,
                budget: context.budget, receiver: name, decodedSignals: decoded, metrics: context.metrics)
            var tls: (@Sendable () -> any ChannelHandler)?
            if let files = settings.tls {
                guard let transports = context.transports else { throw GatewayTransports.missing("TLS", component: "receiver \(name)") }
                do {
                    tls = try transports.httpServerTLS(files)
                } catch {
                    throw GatewayError("receiver \(name) cannot load its TLS files: \(error)")
                }
            }
            do {
                httpServer = try OTLPHTTPServer(
                    policy: OTLPHTTPPolicy(settings: settings, intake: intake, name: name), tls: tls, logger: context.logger)
            } catch {
                throw GatewayError("receiver \(name) cannot listen on \(settings.host):\(settings.port): \(error)")
            }
        }
        var grpcServer: (any GatewayListener)?
        if let grpcSettings {
            guard let transports = context.transports else {
                httpServer?.close()
                throw GatewayTransports.missing("gRPC", component: "receiver \(name)")
            }
            // A stream reserves its worst case before its message is buffered: with a budget that cannot
            // hold one, compressed messages near the largest size are always refused (UNAVAILABLE), while
            // smaller and uncompressed ones are taken; a small container must still start.
            if grpcSettings.worstCaseStreamBytes > context.budget.limitBytes {
                context.logger.warning(
                    Logger.Message(stringLiteral: "receiver \(name): max_recv_msg_size_mib \(grpcSettings.maxMessageBytes >> 20) needs up to "
                        + "\(grpcSettings.worstCaseStreamBytes >> 20) MiB for one message (5 times it, compressed, while it is "
                        + "received), more than the memory budget of \(context.budget.limitBytes >> 20) MiB: such messages will be "
                        + "refused (UNAVAILABLE); lower it or raise memory_limiter's limit_mib"))
            }
            let intake = RequestIntake(
                maxBodyBytes: grpcSettings.maxMessageBytes, decodeLimits: grpcSettings.decodeLimits, pipelines: pipelines,
                budget: context.budget, receiver: name, decodedSignals: decoded, metrics: context.metrics)
            do {
                grpcServer = try transports.grpcServer(grpcSettings, intake, context.logger)
            } catch {
                httpServer?.close()
                throw GatewayError("receiver \(name) cannot listen for gRPC on \(grpcSettings.host):\(grpcSettings.port): \(error)")
            }
        }
        http = httpServer
        httpPort = httpServer?.port
        httpHost = settings?.host ?? ""
        httpScheme = settings?.tls == nil ? "http" : "https"
        grpc = grpcServer
        grpcPort = grpcServer?.port
        grpcHost = grpcSettings?.host ?? ""
    }

    /// Where it listens: `http(s)://host:port` for OTLP/HTTP, `grpc://host:port` for OTLP/gRPC.
    public var endpoints: [String] {
        (httpPort.map { ["\(httpScheme)://\(httpHost):\($0)"] } ?? []) + (grpcPort.map { ["grpc://\(grpcHost):\($0)"] } ?? [])
    }

    /// Stops listening on both protocols.
    public func shutdown() {
        http?.close()
        grpc?.close()
    }
}
