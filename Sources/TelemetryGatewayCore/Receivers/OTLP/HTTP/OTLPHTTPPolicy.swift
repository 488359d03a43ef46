import Telemetry
import TelemetryOTLPData

/// The receiver's decisions on a request: what can be answered from the head alone (route, method,
/// auth, content type and encoding, declared size, memory), and the answer to a complete body.
///
/// 400 malformed input, 401 a missing or wrong bearer token, 404 other routes or a signal without a
/// pipeline, 405 other methods, 413 bodies over the limit (also after decompression), 415 unknown content
/// types or encodings, 429 with `Retry-After` under overload (memory budget or every queue full).
struct OTLPHTTPPolicy: Sendable {
    let settings: OTLPHTTPSettings
    let intake: RequestIntake
    let name: String

    /// A request head the receiver saw.
    struct Head: Sendable {
        let method: String
        let path: String
        let contentType: String?
        let contentEncoding: String?
        let authorization: String?
        let contentLength: Int?
        /// The headers kept as the request's metadata (`include_metadata`); empty otherwise.
        var metadata = RequestMetadata.empty
    }

    /// What to do after the head.
    enum Decision {
        /// Answer now (the body is not read).
        case answer(HTTPAnswer)
        /// Read the body, reserving its storage in `lease` as it grows.
        case read(OTLPSignal, lease: MemoryLease)
    }

    func decide(_ head: Head) -> Decision {
        let json = OTLPHTTPRoutes.isJSON(head.contentType)
        if OTLPHTTPRoutes.isHealth(head.path) {
            return .answer(
                head.method == "GET" || head.method == "HEAD"
                    ? HTTPAnswer(status: 200, contentType: "text/plain; charset=utf-8", body: Array("ok\n".utf8))
                    : HTTPAnswer.failure(405, "use GET", json: false, headers: [("Allow", "GET, HEAD")]))
        }
        guard let signal = OTLPHTTPRoutes.signal(head.path) else {
            return .answer(.failure(404, "unknown path \(head.path)", json: json))
        }
        let refusal: HTTPAnswer? = {
            guard head.method == "POST" else { return .failure(405, "use POST", json: json, headers: [("Allow", "POST")]) }
            if let token = settings.bearerToken, !BearerToken.matches(head.authorization ?? "", token) {
                return .failure(401, "missing or wrong bearer token", json: json, headers: [("WWW-Authenticate", "Bearer")])
            }
            guard intake.pipelines[signal] != nil else {
                return .failure(404, "this gateway has no \(signal.rawValue) pipeline", json: json)
            }
            guard OTLPHTTPRoutes.isProtobuf(head.contentType) || json else {
                return .failure(415, "Content-Type must be application/x-protobuf or application/json", json: false)
            }
            guard ["gzip", "identity", ""].contains(head.contentEncoding?.lowercased() ?? "") else {
                return .failure(415, "Content-Encoding must be gzip or identity", json: json)
            }
            if let length = head.contentLength, length > settings.maxBodyBytes {
                return .failure(413, "the body is larger than \(settings.maxBodyBytes) bytes", json: json)
            }
            return nil
        }()
        if let refusal {
            intake.metrics.request(receiver: name, signal: signal.rawValue, status: String(refusal.status))
            return .answer(refusal)
        }
        // Nothing is reserved for the declared length: the body's storage is, as its bytes arrive
        // (`RequestBodyBuffer`), so a head alone holds only the headers it keeps as metadata.
        guard let lease = intake.budget.reserve(head.metadata.textBytes) else {
            return .answer(memoryLimit(signal, json: json))
        }
        return .read(signal, lease: lease)
    }

    /// The answer when the body grew past the limit while it was read.
    func bodyTooLarge(_ signal: OTLPSignal, contentType: String?) -> HTTPAnswer {
        intake.metrics.request(receiver: name, signal: signal.rawValue, status: "413")
        return .failure(413, "the body is larger than \(settings.maxBodyBytes) bytes", json: OTLPHTTPRoutes.isJSON(contentType))
    }

    /// The answer when the memory budget cannot hold the request.
    func memoryLimit(_ signal: OTLPSignal, json: Bool) -> HTTPAnswer {
        intake.metrics.request(receiver: name, signal: signal.rawValue, status: "429")
        return .refusal(intake.budget.overload.refusal(reason: "memory_limit", "the gateway is at its memory limit; retry later"), json: json)
    }

    /// Processes a complete body (on a worker thread, not an event loop).
    func answer(_ body: [UInt8], signal: OTLPSignal, head: Head, lease: MemoryLease) -> HTTPAnswer {
        let json = OTLPHTTPRoutes.isJSON(head.contentType)
        let answer: HTTPAnswer =
            switch intake.process(
                body, signal: signal, gzip: head.contentEncoding?.lowercased() == "gzip", json: json, lease: lease, metadata: head.metadata)
            {
            case .accepted(let partial): .success(signal: signal, json: json, partial: partial)
            case .refused(let refusal) where refusal.reason == "no_pipeline": .failure(404, refusal.message, json: json)
            case .refused(let refusal): .refusal(refusal, json: json)
            case .tooLarge(let message): .failure(413, message, json: json)
            }
        intake.metrics.request(receiver: name, signal: signal.rawValue, status: String(answer.status))
        return answer
    }
}
