import COTLP
import CProtobufC
import Telemetry
import TelemetryConfig
import TelemetryHTTP
import TelemetryOTLP

/// One HTTP request as the receiver saw it.
struct GatewayRequest: Sendable {
    let method: String
    let path: String
    let contentType: String?
    let contentEncoding: String?
    let authorization: String?
    let body: [UInt8]
}

/// Turns received OTLP/HTTP requests into forwarded, sampled, folded telemetry and an answer.
///
/// 400 malformed input, 401 a missing or wrong bearer token, 404/405 other routes and methods,
/// 413 bodies over the limit (also after decompression), 415 unknown content types or encodings,
/// 429 with `Retry-After` when every destination's queue is full.
final class GatewayRequestProcessor: Sendable {
    private let maxBodyBytes: Int
    private let bearerToken: String?
    private let sampler: TraceRequestSampler
    private let forwarder: Forwarder
    private let store: ReceivedMetricsStore
    private let metrics: GatewayMetrics

    init(
        receiver: ReceiverConfiguration, sampler: TraceRequestSampler, forwarder: Forwarder, store: ReceivedMetricsStore,
        metrics: GatewayMetrics
    ) {
        maxBodyBytes = receiver.maxBodyBytes
        bearerToken = receiver.bearerToken
        self.sampler = sampler
        self.forwarder = forwarder
        self.store = store
        self.metrics = metrics
    }

    /// The largest body accepted.
    var bodyLimit: Int { maxBodyBytes }

    /// Answers what can be decided from the request head alone; `nil` when the body is needed.
    func answerBeforeBody(
        method: String, path: String, contentType: String?, contentEncoding: String?, authorization: String?,
        contentLength: Int?
    ) -> GatewayResponse? {
        let json = Self.isJSON(contentType)
        if path == "/healthz" {
            return method == "GET" || method == "HEAD"
                ? GatewayResponse(status: 200, contentType: "text/plain; charset=utf-8", body: Array("ok\n".utf8))
                : GatewayResponse.failure(405, "use GET", json: false)
        }
        guard let signal = Self.signal(path) else { return .failure(404, "unknown path \(path)", json: json) }
        let answer: GatewayResponse? = {
            guard method == "POST" else { return .failure(405, "use POST", json: json, headers: [("Allow", "POST")]) }
            if let bearerToken, !Self.constantTimeEquals(authorization ?? "", "Bearer \(bearerToken)") {
                return .failure(401, "missing or wrong bearer token", json: json, headers: [("WWW-Authenticate", "Bearer")])
            }
            guard Self.isProtobuf(contentType) || json else {
                return .failure(415, "Content-Type must be application/x-protobuf or application/json", json: false)
            }
            guard ["gzip", "identity", ""].contains(contentEncoding?.lowercased() ?? "") else {
                return .failure(415, "Content-Encoding must be gzip or identity", json: json)
            }
            if let contentLength, contentLength > maxBodyBytes {
                return .failure(413, "the body is larger than \(maxBodyBytes) bytes", json: json)
            }
            return nil
        }()
        if let answer { metrics.request(signal.rawValue, status: answer.status) }
        return answer
    }

    /// Answers a body that exceeded the limit while it was being read.
    func bodyTooLarge(path: String, contentType: String?) -> GatewayResponse {
        metrics.request(Self.signal(path)?.rawValue ?? "unknown", status: 413)
        return .failure(413, "the body is larger than \(maxBodyBytes) bytes", json: Self.isJSON(contentType))
    }

    /// Handles a complete request that passed `answerBeforeBody`.
    func handle(_ request: GatewayRequest) -> GatewayResponse {
        let json = Self.isJSON(request.contentType)
        guard let signal = Self.signal(request.path) else { return .failure(404, "unknown path", json: json) }
        let response: GatewayResponse
        do throws(RequestFailure) {
            var body = request.body
            if request.contentEncoding?.lowercased() == "gzip" {
                do {
                    body = try Gzip.decompress(body, limit: maxBodyBytes)
                } catch .tooLarge {
                    throw RequestFailure(status: 413, message: "the decompressed body is larger than \(maxBodyBytes) bytes")
                } catch {
                    throw RequestFailure(status: 400, message: "the gzip body is invalid: \(error)")
                }
            }
            if json {
                do {
                    body = try OTLPJSONDecoder.protobuf(fromJSON: body, signal: signal)
                } catch {
                    throw RequestFailure(status: 400, message: error.description)
                }
            }
            try process(body, signal: signal)
            response = .success(json: json)
        } catch {
            response = .failure(
                error.status, error.message, json: json, headers: error.status == 429 ? [("Retry-After", "1")] : [])
        }
        metrics.request(signal.rawValue, status: response.status)
        return response
    }

    private struct RequestFailure: Error {
        let status: Int
        let message: String
    }

    private func process(_ body: [UInt8], signal: OTLPSignal) throws(RequestFailure) {
        switch signal {
        case .traces:
            let sampled: SampledTraces
            do {
                sampled = try sampler.sample(body)
            } catch {
                throw RequestFailure(status: 400, message: error.description)
            }
            metrics.received(sampled.received, "traces")
            metrics.sampledOut(sampled.received - sampled.kept)
            guard sampled.kept > 0 else { return }
            try forward(EncodedRequest(bytes: sampled.bytes, items: sampled.kept), .traces)
        case .metrics:
            try withDecodedMetrics(body) { request throws(RequestFailure) in
                let points = Self.pointCount(request)
                metrics.received(points, "metrics")
                try forward(EncodedRequest(bytes: body, items: points), .metrics)
                let outcome = store.fold(request)
                if outcome.refused > 0 { metrics.refusedPoints(outcome.refused) }
            }
        case .logs:
            let records = try Self.logRecordCount(body)
            metrics.received(records, "logs")
            try forward(EncodedRequest(bytes: body, items: records), .logs)
        }
    }

    private func forward(_ request: EncodedRequest, _ signal: OTLPSignal) throws(RequestFailure) {
        guard forwarder.forward(request, signal: signal) else {
            throw RequestFailure(status: 429, message: "the gateway's queues are full; retry later")
        }
    }

    private func withDecodedMetrics(
        _ body: [UInt8],
        _ use: (UnsafeMutablePointer<Opentelemetry__Proto__Collector__Metrics__V1__ExportMetricsServiceRequest>) throws(RequestFailure) -> Void
    ) throws(RequestFailure) {
        let decoded = body.withUnsafeBufferPointer {
            opentelemetry__proto__collector__metrics__v1__export_metrics_service_request__unpack(nil, $0.count, $0.baseAddress)
        }
        guard let decoded else {
            throw RequestFailure(status: 400, message: "the body is not a valid OTLP ExportMetricsServiceRequest")
        }
        defer { opentelemetry__proto__collector__metrics__v1__export_metrics_service_request__free_unpacked(decoded, nil) }
        try use(decoded)
    }

    private static func pointCount(
        _ request: UnsafeMutablePointer<Opentelemetry__Proto__Collector__Metrics__V1__ExportMetricsServiceRequest>
    ) -> Int {
        var count = 0
        for resource in TraceRequestSampler.elements(request.pointee.resource_metrics, request.pointee.n_resource_metrics) {
            for scope in TraceRequestSampler.elements(resource.pointee.scope_metrics, resource.pointee.n_scope_metrics) {
                for metric in TraceRequestSampler.elements(scope.pointee.metrics, scope.pointee.n_metrics) {
                    let points: Int =
                        switch metric.pointee.data_case {
                    case OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_SUM: metric.pointee.sum?.pointee.n_data_points ?? 0
                    case OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_GAUGE: metric.pointee.gauge?.pointee.n_data_points ?? 0
                    case OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_HISTOGRAM:
                        metric.pointee.histogram?.pointee.n_data_points ?? 0
                    case OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_SUMMARY:
                        metric.pointee.summary?.pointee.n_data_points ?? 0
                    case OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_EXPONENTIAL_HISTOGRAM:
                        metric.pointee.exponential_histogram?.pointee.n_data_points ?? 0
                    default: 0
                    }
                    count += points
                }
            }
        }
        return count
    }

    private static func logRecordCount(_ body: [UInt8]) throws(RequestFailure) -> Int {
        let decoded = body.withUnsafeBufferPointer {
            opentelemetry__proto__collector__logs__v1__export_logs_service_request__unpack(nil, $0.count, $0.baseAddress)
        }
        guard let decoded else { throw RequestFailure(status: 400, message: "the body is not a valid OTLP ExportLogsServiceRequest") }
        defer { opentelemetry__proto__collector__logs__v1__export_logs_service_request__free_unpacked(decoded, nil) }
        var count = 0
        for resource in TraceRequestSampler.elements(decoded.pointee.resource_logs, decoded.pointee.n_resource_logs) {
            for scope in TraceRequestSampler.elements(resource.pointee.scope_logs, resource.pointee.n_scope_logs) {
                count += scope.pointee.n_log_records
            }
        }
        return count
    }

    static func signal(_ path: String) -> OTLPSignal? {
        let route = path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? path
        return OTLPSignal.allCases.first { "/\($0.path)" == route }
    }

    private static func mediaType(_ contentType: String?) -> String {
        (contentType ?? "").split(separator: ";").first.map { $0.trimmingCharacters(in: " ").lowercased() } ?? ""
    }

    static func isJSON(_ contentType: String?) -> Bool { mediaType(contentType) == "application/json" }

    static func isProtobuf(_ contentType: String?) -> Bool {
        ["application/x-protobuf", "application/protobuf"].contains(mediaType(contentType))
    }

    /// Compares without an early exit, so the time taken does not reveal how much of a token matched.
    private static func constantTimeEquals(_ given: String, _ expected: String) -> Bool {
        let a = Array(given.utf8)
        let b = Array(expected.utf8)
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for index in 0..<max(a.count, b.count) {
            difference |= (index < a.count ? a[index] : 0) ^ (index < b.count ? b[index] : 0)
        }
        return difference == 0
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in characters: String) -> String {
        var slice = self
        while let first = slice.first, characters.contains(first) { slice.removeFirst() }
        while let last = slice.last, characters.contains(last) { slice.removeLast() }
        return String(slice)
    }
}
