import GRPCCore
import NIOPosix
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
/// `RequestIntake`: the bearer token is checked from the headers before any message is read, the first
/// message is taken with the reservation `GRPCStreamGate` made for it, and the request is processed on
/// `threadPool` (never on Swift's cooperative pool, which a slow request would stall). Refusals become
/// the OTLP specification's codes (overload: UNAVAILABLE with `google.rpc.RetryInfo`; bad data:
/// INVALID_ARGUMENT; too large: RESOURCE_EXHAUSTED), a partial success is returned only when something
/// was rejected.
struct OTLPGRPCService: RegistrableRPCService {
    let intake: RequestIntake
    let bearerToken: String?
    /// Whether a request's metadata goes with its data (`include_metadata`).
    var includeMetadata = false
    let admissions: GRPCStreamAdmissions
    let threadPool: NIOThreadPool
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
                let response = try await self.export(request, signal: signal)
                return StreamingServerResponse(single: ServerResponse(message: response))
            }
        }
    }

    /// One export: authenticated from the headers, then its first message (Export is unary: the answer
    /// does not wait for the client to end its stream).
    func export(_ request: StreamingServerRequest<[UInt8]>, signal: OTLPSignal) async throws -> [UInt8] {
        let admission = admissions.take(request.metadata)
        try authenticate(request.metadata, signal: signal)
        var messages = request.messages.makeAsyncIterator()
        let message: [UInt8]?
        do {
            message = try await messages.next()
        } catch where admission?.isRefused == true {
            // The gate ended the stream inside the message: the budget could not cover its next bytes.
            throw memoryRefusal(signal: signal)
        }
        if admission?.isRefused == true { throw memoryRefusal(signal: signal) }
        let body = message ?? []
        guard let lease = admission?.takeMessageLease(holding: body.count) ?? intake.budget.reserve(body.count) else {
            throw memoryRefusal(signal: signal)
        }
        // The metadata kept is charged to the request's lease before it is built (HPACK bounds it to 16 KiB).
        let metadata = includeMetadata ? Self.kept(request.metadata) : .empty
        guard lease.resize(to: lease.bytes + metadata.textBytes) else { throw memoryRefusal(signal: signal) }
        return try await threadPool.runIfActive { try self.process(body, signal: signal, lease: lease, metadata: metadata) }
    }

    /// The text metadata of a request, as `RequestMetadata.received` keeps it.
    static func kept(_ metadata: Metadata) -> RequestMetadata {
        .received(
            metadata.lazy.compactMap { entry -> (name: String, value: String)? in
                guard case .string(let value) = entry.value else { return nil }
                return (entry.key, value)
            })
    }

    private func authenticate(_ metadata: Metadata, signal: OTLPSignal) throws(RPCError) {
        guard let bearerToken else { return }
        let given = metadata[stringValues: "authorization"].first { _ in true } ?? ""
        guard BearerToken.matches(given, bearerToken) else {
            metrics.request(receiver: intake.receiver, signal: signal.rawValue, status: "UNAUTHENTICATED")
            throw RPCError(code: .unauthenticated, message: "missing or wrong bearer token")
        }
    }

    private func memoryRefusal(signal: OTLPSignal) -> RPCError {
        metrics.request(receiver: intake.receiver, signal: signal.rawValue, status: "UNAVAILABLE")
        return Self.error(for: intake.budget.overload.refusal(reason: "memory_limit", "the gateway is at its memory limit; retry later"))
    }

    /// Processes one request body whose bytes `lease` holds: the response message, or the RPC error to
    /// answer with.
    func process(_ body: [UInt8], signal: OTLPSignal, lease: MemoryLease, metadata: RequestMetadata = .empty) throws(RPCError) -> [UInt8] {
        let status: String
        defer { metrics.request(receiver: intake.receiver, signal: signal.rawValue, status: status) }
        switch intake.process(body, signal: signal, gzip: false, json: false, lease: lease, metadata: metadata) {
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
