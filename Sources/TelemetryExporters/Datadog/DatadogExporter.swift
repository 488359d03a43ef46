import Foundation
import Logging
import Telemetry
import TelemetryHTTP

/// Sends metrics to Datadog's metrics API v2 (`POST /api/v2/series`), gzip-compressed.
///
/// ```swift
/// let datadog = DatadogExporter(apiKey: "…", appKey: "…", prefix: "myapp")   // site: "datadoghq.eu", endpoint:
/// try datadog.export(collector.collectAll())
/// ```
/// See `DatadogMapping` for how each kind is sent. Payloads are split so each stays under 500 KB
/// before compression. The keys are sent only in the `DD-API-KEY`/`DD-APPLICATION-KEY` headers and
/// never logged or printed.
public final class DatadogExporter: MetricsExporter {
    /// The largest uncompressed JSON body sent in one request.
    public static let maxPayloadBytes = 500_000

    /// The Datadog site, e.g. `datadoghq.com`, `datadoghq.eu`, `us3.datadoghq.com`, `ddog-gov.com`.
    public let site: String
    /// The API base URL (`https://api.<site>` unless overridden).
    public let endpoint: String
    /// The prefix joined to every metric name with `.`.
    public let prefix: String
    private let headers: [(name: String, value: String)]
    private let timeout: Duration
    private let sender: RetryingSender?
    private let deltas = DeltaConverter(convertsSummaries: true)
    private let selfMetrics: ExporterSelfMetrics
    private let log: RateLimitedLogger

    /// Creates an exporter.
    ///
    /// - Parameters:
    ///   - apiKey: the API key (`DD-API-KEY`).
    ///   - appKey: the application key (`DD-APPLICATION-KEY`), sent when not empty.
    ///   - site: which Datadog site to send to.
    ///   - endpoint: overrides the URL derived from `site` (e.g. a local intake).
    public init(
        apiKey: String, appKey: String = "", prefix: String = "", site: String = "datadoghq.com",
        endpoint: String? = nil, timeout: Duration = .seconds(10), retry: RetryPolicy = RetryPolicy(),
        name: String = "datadog", selfMetrics: MetricsCollector = ExporterSelfMetrics.defaultCollector,
        logger: Logger = Logger(label: "swift-telemetry.datadog")
    ) {
        self.site = site
        self.endpoint = endpoint ?? "https://api.\(site)"
        self.prefix = prefix
        self.timeout = timeout
        var headers = [
            (name: "Content-Type", value: "application/json"), (name: "Content-Encoding", value: "gzip"),
            (name: "DD-API-KEY", value: apiKey),
        ]
        if !appKey.isEmpty { headers.append((name: "DD-APPLICATION-KEY", value: appKey)) }
        self.headers = headers
        self.selfMetrics = ExporterSelfMetrics(exporter: name, signal: "metrics", collector: selfMetrics)
        log = RateLimitedLogger(logger: logger)
        do {
            sender = RetryingSender(client: try HTTPClient(), policy: retry)
        } catch {
            logger.error("cannot create the HTTP client: \(error); every export will fail")
            sender = nil
        }
    }

    /// Sends the changes since the last accepted export, in as many requests as the size limit needs.
    ///
    /// Every request is attempted even when an earlier one fails; the deltas of series in a refused
    /// request stay uncommitted, so the next export sends them again.
    ///
    /// - Throws: `DatadogError` when Datadog refused a request, or an `HTTPClientError`.
    public func export(_ snapshot: MetricsSnapshot) throws {
        let conversion = deltas.convert(snapshot)
        let (series, sources, skipped) = DatadogMapping.series(conversion.snapshot, prefix: prefix)
        if skipped > 0 { selfMetrics.drop(skipped, reason: "invalid_value") }
        guard let sender else { throw DatadogError(status: 0, message: "no HTTP client: libcurl could not be initialised") }
        let url = endpoint.hasSuffix("/") ? endpoint + "api/v2/series" : endpoint + "/api/v2/series"
        var unsent = Set<DeltaConverter.SeriesKey>()
        var failure: (any Error)?
        for payload in try Self.payloads(series) {
            let request = HTTPRequest(url: url, headers: headers, body: Gzip.compress(payload.bytes), timeout: timeout)
            do {
                let response = try sender.send(request) { _, reason, wait in
                    selfMetrics.retry()
                    log.log(.warning, key: "retry", "Datadog submission failed (\(reason)); retrying in \(wait)")
                } onGiveUp: { reason in
                    selfMetrics.retriesExhausted(reason: reason.rawValue)
                }
                guard response.isSuccess else {
                    throw DatadogError(status: response.status, message: String(decoding: response.body.prefix(300), as: UTF8.self))
                }
            } catch {
                failure = failure ?? error
                for position in payload.series { unsent.insert(sources[position]) }
            }
        }
        deltas.commit(conversion, except: unsent)
        if let failure { throw failure }
    }

    /// Nothing to release: the connection closes with the exporter.
    public func shutdown() {}

    /// One request body and the series it carries (positions in the input).
    struct Payload {
        let bytes: [UInt8]
        let series: Range<Int>
    }

    /// JSON bodies of at most `maxPayloadBytes`, each holding whole series.
    static func payloads(_ series: [DatadogSeries], limit: Int = maxPayloadBytes) throws -> [Payload] {
        let encoder = JSONEncoder()
        let envelope = #"{"series":[]}"#.utf8.count
        var payloads: [Payload] = []
        var current: [[UInt8]] = []
        var first = 0
        var size = envelope
        for (position, entry) in series.enumerated() {
            let encoded = Array(try encoder.encode(entry))
            if !current.isEmpty && size + encoded.count + 1 > limit {
                payloads.append(Payload(bytes: join(current), series: first..<position))
                current = []
                first = position
                size = envelope
            }
            current.append(encoded)
            size += encoded.count + 1
        }
        if !current.isEmpty { payloads.append(Payload(bytes: join(current), series: first..<series.count)) }
        return payloads
    }

    private static func join(_ series: [[UInt8]]) -> [UInt8] {
        var body = Array(#"{"series":["#.utf8)
        for (index, entry) in series.enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body.append(contentsOf: entry)
        }
        body.append(contentsOf: "]}".utf8)
        return body
    }
}

/// A submission Datadog refused.
public struct DatadogError: Error, CustomStringConvertible {
    /// The HTTP status (0 when no request was made).
    public let status: Int
    /// Datadog's explanation (never contains the keys).
    public let message: String

    /// A one-line description.
    public var description: String { "Datadog refused the metrics (HTTP \(status)): \(message)" }
}
