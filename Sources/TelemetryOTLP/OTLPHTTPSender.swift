import Telemetry
import TelemetryHTTP
import TelemetryOTLPData

/// One signal's OTLP/HTTP transport: POSTs encoded `Export…ServiceRequest` bodies to the signal's URL
/// with the target's headers, compression and timeout, on its own libcurl handle (one `HTTPClient`,
/// made when the first request goes out, so a signal never used opens nothing).
///
/// `attempt` sends once and classifies the outcome for a `RetryLoop` (429, 502, 503, 504 with their
/// `Retry-After`, connection failures and timeouts are worth another attempt); the library's
/// `OTLPExporter` retries with `send(_:retrying:)`, the gateway's exporter helper with its own loop.
/// A success's partial-success rejection is logged and counted, never retried.
package final class OTLPHTTPSender: Sendable {
    /// The signal it sends.
    package let signal: OTLPSignal
    /// Where and how it sends.
    package let target: OTLPExporter.Target
    /// How its retries and rejections are counted and logged.
    package let retryReport: RetryReport
    private let client = LockedValue<HTTPClient?>(nil)
    private let cancellation = CancellationSignal()

    /// A sender of `signal` to `target`, counting in `selfMetrics` and logging to `log`.
    package init(signal: OTLPSignal, target: OTLPExporter.Target, selfMetrics: ExporterSelfMetrics, log: RateLimitedLogger) {
        self.signal = signal
        self.target = target
        retryReport = RetryReport(selfMetrics: selfMetrics, log: log, export: "OTLP export to \(target.url)", target: target.url)
    }

    /// Whether its libcurl handle exists (the first request makes it).
    package var hasConnection: Bool { client.withLock { $0 != nil } }

    /// Sends `body` until delivered, refused for good, or `policy` is exhausted; waits between attempts
    /// end at `shutdown`.
    ///
    /// - Throws: `OTLPExportError` for a refusal, `HTTPClientError` when no response came.
    package func send(_ body: [UInt8], retrying policy: RetryPolicy) throws {
        try RetryLoop(policy: policy, cancellation: cancellation).run({ attempt(body) }, reporting: retryReport)
    }

    /// POSTs `body` once with the target's headers, classified for a retry loop; the failure is an
    /// `OTLPExportError` (the collector answered) or an `HTTPClientError` (it did not).
    package func attempt(_ body: [UInt8]) -> RetryAttempt<Void, any Error, String> {
        attempt(body, extraHeaders: [])
    }

    /// POSTs `body` once with the target's headers overridden by `extraHeaders` (a configured header of
    /// the same name is replaced; an empty value is not sent), classified like `attempt(_:)`.
    package func attempt(_ body: [UInt8], extraHeaders: [(name: String, value: String)]) -> RetryAttempt<Void, any Error, String> {
        let client: HTTPClient
        do throws(HTTPClientError) {
            client = try connection()
        } catch {
            return .final(.failure(error))
        }
        switch RetryingSender.attempt(request(body, extraHeaders: extraHeaders), on: client) {
        case .final(.success(let response)):
            guard response.isSuccess else { return .final(.failure(refusal(response))) }
            reportPartialSuccess(response)
            return .final(.success(()))
        case .final(.failure(let error)):
            return .final(.failure(error))
        case .retryable(.success(let response), let reason, let delay):
            return .retryable(.failure(refusal(response)), reason: reason.description, requestedDelay: delay)
        case .retryable(.failure(let error), let reason, let delay):
            return .retryable(.failure(error), reason: reason.description, requestedDelay: delay)
        }
    }

    /// Stops any wait between retries; later sends are attempted once.
    package func shutdown() {
        cancellation.cancel()
    }

    /// The client, made on first use.
    private func connection() throws(HTTPClientError) -> HTTPClient {
        let tls = target.tls
        return try client.withLock { client -> Result<HTTPClient, HTTPClientError> in
            if let client { return .success(client) }
            do throws(HTTPClientError) {
                let made = try HTTPClient(configuration: HTTPClient.Configuration(tls: tls))
                client = made
                return .success(made)
            } catch {
                return .failure(error)
            }
        }.get()
    }

    private func request(_ body: [UInt8], extraHeaders: [(name: String, value: String)]) -> HTTPRequest {
        var headers = [(name: "Content-Type", value: "application/x-protobuf")]
        var payload = body
        if target.compression == .gzip {
            payload = Gzip.compress(body, level: target.gzipLevel)
            headers.append((name: "Content-Encoding", value: "gzip"))
        }
        headers.append(contentsOf: HeaderField.overriding(target.headers, with: extraHeaders))
        return HTTPRequest(url: target.url, headers: headers, body: payload, timeout: target.timeout)
    }

    private func refusal(_ response: HTTPResponse) -> OTLPExportError {
        OTLPExportError(url: target.url, status: response.status, detail: OTLPExporter.errorDetail(response))
    }

    /// Logs and counts the partial success in a protobuf response (JSON answers to protobuf requests
    /// are not expected).
    private func reportPartialSuccess(_ response: HTTPResponse) {
        let type = response.header("Content-Type") ?? "application/x-protobuf"
        guard type.hasPrefix("application/x-protobuf") || type.hasPrefix("application/protobuf"),
            let rejection = OTLPPartialSuccess.decode(response.body, signal: signal)
        else { return }
        retryReport.selfMetrics.reject(rejection.rejected)
        retryReport.log.log(
            .warning, key: "partial \(signal.itemName)", "OTLP collector rejected \(rejection.rejected) \(signal.itemName): \(rejection.message)")
    }
}
