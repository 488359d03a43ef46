import GRPCCore
import Telemetry
import TelemetryGatewayCore
import TelemetryOTLPData

/// Passes message bytes through untouched, so a request goes straight into the gateway's own OTLP
/// data layer (the same validation and limits as HTTP), with no second decoder.
struct RawBytesCoder: MessageSerializer, MessageDeserializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: [UInt8]) throws -> Bytes {
        Bytes(message)
    }

    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> [UInt8] {
        serializedMessageBytes.withUnsafeBytes { Array($0) }
    }
}

/// `opentelemetry.proto.collector.{trace,metrics,logs}.v1.{Trace,Metrics,Logs}Service/Export` on one
/// `RequestIntake`: the request bytes are checked and forwarded like an HTTP body; refusals become the
/// OTLP specification's codes (overload: UNAVAILABLE with `google.rpc.RetryInfo`; bad data:
/// INVALID_ARGUMENT; too large: RESOURCE_EXHAUSTED), a partial success is returned only when something
/// was rejected.
struct OTLPGRPCService: RegistrableRPCService {
    let intake: RequestIntake
    let bearerToken: String?
    private var metrics: GatewaySelfMetrics { intake.metrics }

    static func serviceName(_ signal: OTLPSignal) -> String {
        switch signal {
        case .traces: "opentelemetry.proto.collector.trace.v1.TraceService"
        case .metrics: "opentelemetry.proto.collector.metrics.v1.MetricsService"
        case .logs: "opentelemetry.proto.collector.logs.v1.LogsService"
        }
    }

    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        for signal in OTLPSignal.allCases {
            router.registerHandler(
                forMethod: MethodDescriptor(fullyQualifiedService: Self.serviceName(signal), method: "Export"),
                deserializer: RawBytesCoder(), serializer: RawBytesCoder()
            ) { request, _ in
                var body: [UInt8]?
                for try await message in request.messages where body == nil { body = message }
                let response = try self.export(body ?? [], signal: signal, metadata: request.metadata)
                return StreamingServerResponse(single: ServerResponse(message: response))
            }
        }
    }

    /// One export: the response message, or the RPC error to answer with.
    func export(_ body: [UInt8], signal: OTLPSignal, metadata: Metadata) throws(RPCError) -> [UInt8] {
        let status: String
        defer { metrics.request(receiver: intake.receiver, signal: signal.rawValue, status: status) }
        if let bearerToken {
            let given = metadata[stringValues: "authorization"].first { _ in true } ?? ""
            guard BearerToken.matches(given, bearerToken) else {
                status = "UNAUTHENTICATED"
                throw RPCError(code: .unauthenticated, message: "missing or wrong bearer token")
            }
        }
        guard let lease = intake.budget.reserve(body.count) else {
            let refusal = intake.budget.overload.refusal(reason: "memory_limit", "the gateway is at its memory limit; retry later")
            status = "UNAVAILABLE"
            throw Self.error(for: refusal)
        }
        switch intake.process(body, signal: signal, gzip: false, json: false, lease: lease) {
        case .accepted(let partial):
            status = "OK"
            return partial?.encodedResponse(signal: signal, json: false) ?? []
        case .refused(let refusal):
            status = refusal.isRetryable ? "UNAVAILABLE" : "INVALID_ARGUMENT"
            throw Self.error(for: refusal)
        case .tooLarge(let message):
            status = "RESOURCE_EXHAUSTED"
            throw RPCError(code: .resourceExhausted, message: message)
        }
    }

    /// UNAVAILABLE with the advised delay as `google.rpc.RetryInfo` in `grpc-status-details-bin`, or
    /// INVALID_ARGUMENT.
    static func error(for refusal: Refusal) -> RPCError {
        guard case .retryable(let delay) = refusal.kind else {
            return RPCError(code: .invalidArgument, message: refusal.message)
        }
        var metadata = Metadata()
        metadata.addBinary(GRPCStatusDetails.encode(code: 14, message: refusal.message, retryAfter: delay), forKey: "grpc-status-details-bin")
        return RPCError(code: .unavailable, message: refusal.message, metadata: metadata)
    }
}
