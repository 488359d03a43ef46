import TelemetryOTLPData

/// What the OTLP/HTTP receiver answers: a status, a body in the request's encoding, and headers.
public struct HTTPAnswer: Sendable {
    /// The HTTP status.
    public let status: Int
    /// The `Content-Type`.
    public let contentType: String
    /// The body.
    public let body: [UInt8]
    /// Extra headers.
    public var headers: [(String, String)] = []

    /// A successful `Export…ServiceResponse`: empty, or carrying a partial success.
    public static func success(signal: OTLPSignal, json: Bool, partial: OTLPPartialSuccess?) -> HTTPAnswer {
        let body: [UInt8] = partial.map { $0.encodedResponse(signal: signal, json: json) } ?? (json ? Array("{}".utf8) : [])
        return HTTPAnswer(status: 200, contentType: json ? "application/json" : "application/x-protobuf", body: body)
    }

    /// An error with a `google.rpc.Status` body (code and message) in the request's encoding.
    public static func failure(_ status: Int, _ message: String, json: Bool, headers: [(String, String)] = []) -> HTTPAnswer {
        let code = rpcCode(status)
        let body: [UInt8]
        if json {
            body = Array("{\"code\":\(code),\"message\":\"\(JSONText.escaped(message))\"}".utf8)
        } else {
            // google.rpc.Status: field 1 (code, varint), field 2 (message, string).
            let text = Array(message.utf8)
            body = [0x08] + ProtobufWire.varint(UInt64(code)) + [0x12] + ProtobufWire.varint(UInt64(text.count)) + text
        }
        return HTTPAnswer(
            status: status, contentType: json ? "application/json" : "application/x-protobuf", body: body, headers: headers)
    }

    /// The answer to a refusal: 429 with `Retry-After` (whole seconds, at least 1) when it may be
    /// retried, else 400.
    public static func refusal(_ refusal: Refusal, json: Bool) -> HTTPAnswer {
        switch refusal.kind {
        case .retryable(let delay):
            let seconds = max(1, delay.components.seconds + (delay.components.attoseconds > 0 ? 1 : 0))
            return failure(429, refusal.message, json: json, headers: [("Retry-After", String(seconds))])
        case .invalid:
            return failure(400, refusal.message, json: json)
        }
    }

    private static func rpcCode(_ status: Int) -> Int {
        switch status {
        case 400, 415: 3  // INVALID_ARGUMENT
        case 401: 16  // UNAUTHENTICATED
        case 404: 5  // NOT_FOUND
        case 405: 12  // UNIMPLEMENTED
        case 413: 8  // RESOURCE_EXHAUSTED
        case 429, 503: 14  // UNAVAILABLE
        default: 13  // INTERNAL
        }
    }
}
