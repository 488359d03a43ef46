import Foundation
import Logging
import Telemetry
import TelemetryHTTP

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Sends metrics to Amazon CloudWatch with `PutMetricData`, signed with AWS SigV4.
///
/// ```swift
/// let cloudwatch = CloudWatchExporter(namespace: "MyApplication", region: "us-east-1")
/// try cloudwatch.export(collector.collectAll())
/// ```
/// Credentials come from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` unless
/// given; they are never logged. See `CloudWatchMapping` for how each metric kind is sent. Requests carry
/// at most 1000 datums and 1 MB; non-finite values are skipped and counted
/// (`telemetry_exporter_dropped_items_total{reason="invalid_value"}`).
public final class CloudWatchExporter: MetricsExporter {
    /// AWS credentials.
    public struct Credentials: Sendable {
        /// The access key id.
        public var accessKeyID: String
        /// The secret access key.
        public var secretAccessKey: String
        /// The session token of temporary credentials.
        public var sessionToken: String?

        /// Creates credentials.
        public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
            self.accessKeyID = accessKeyID
            self.secretAccessKey = secretAccessKey
            self.sessionToken = sessionToken
        }

        /// Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`, if set.
        public static func fromEnvironment() -> Credentials? {
            func variable(_ name: String) -> String? {
                getenv(name).map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
            }
            guard let key = variable("AWS_ACCESS_KEY_ID"), let secret = variable("AWS_SECRET_ACCESS_KEY") else { return nil }
            return Credentials(accessKeyID: key, secretAccessKey: secret, sessionToken: variable("AWS_SESSION_TOKEN"))
        }
    }

    /// The CloudWatch namespace.
    public let namespace: String
    /// The AWS region.
    public let region: String
    /// The service URL (`https://monitoring.<region>.amazonaws.com` unless overridden).
    public let endpoint: String
    private let credentials: Credentials?
    private let retry: RetryPolicy
    private let timeout: Duration
    private let deltas = DeltaConverter(convertsSummaries: true)
    private let selfMetrics: ExporterSelfMetrics
    private let senders = LockedValue([String: RetryingSender]())
    private let log: RateLimitedLogger

    /// Creates an exporter.
    ///
    /// - Parameters:
    ///   - endpoint: overrides the regional URL (e.g. a local `moto_server`).
    ///   - credentials: explicit credentials; by default read from the environment at each export.
    public init(
        namespace: String, region: String, endpoint: String? = nil, credentials: Credentials? = nil,
        timeout: Duration = .seconds(10), retry: RetryPolicy = RetryPolicy(), name: String = "cloudwatch",
        selfMetrics: MetricsCollector = ExporterSelfMetrics.defaultCollector,
        logger: Logger = Logger(label: "swift-telemetry.cloudwatch")
    ) {
        self.namespace = namespace
        self.region = region
        self.endpoint = endpoint ?? "https://monitoring.\(region).amazonaws.com"
        self.credentials = credentials
        self.timeout = timeout
        self.retry = retry
        self.selfMetrics = ExporterSelfMetrics(exporter: name, signal: "metrics", collector: selfMetrics)
        log = RateLimitedLogger(logger: logger)
    }

    /// Sends the changes since the last accepted export.
    ///
    /// Every request is attempted even when an earlier one fails; the deltas of series whose request
    /// failed stay uncommitted, so the next export sends them again (nothing is lost to a refusal).
    /// Throttling (`400 Throttling`) and 5xx answers are retried with backoff.
    ///
    /// - Throws: `CloudWatchError` when credentials are missing or CloudWatch refused a request.
    public func export(_ snapshot: MetricsSnapshot) throws {
        guard let credentials = credentials ?? Credentials.fromEnvironment() else {
            throw CloudWatchError(
                message: "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or pass credentials:)")
        }
        let conversion = deltas.convert(snapshot)
        let mapped = CloudWatchMapping.datums(conversion.snapshot)
        if mapped.invalidValues > 0 { selfMetrics.drop(mapped.invalidValues, reason: "invalid_value") }
        if mapped.invalidNames > 0 {
            selfMetrics.drop(mapped.invalidNames, reason: "invalid_name")
            log.log(.warning, key: "names", "datums with names or dimensions over CloudWatch's length limits were skipped")
        }
        if mapped.truncatedDimensions {
            log.log(.warning, key: "dimensions", "labels beyond CloudWatch's 30 dimensions were left out")
        }
        let sender = try sender(for: credentials)
        let timestamp = Self.iso8601(snapshot.timestampNanos)
        var unsent = Set<DeltaConverter.SeriesKey>()
        var failures: [String] = []
        for body in CloudWatchRequestEncoder.bodies(namespace: namespace, timestamp: timestamp, datums: mapped.datums) {
            let request = HTTPRequest(
                url: endpoint, headers: [(name: "Content-Type", value: "application/x-www-form-urlencoded; charset=utf-8")],
                body: body.bytes, timeout: timeout)
            let failure: String?
            do throws(HTTPClientError) {
                let response = try sender.send(request) { _, reason, wait in
                    selfMetrics.retry()
                    log.log(.warning, key: "retry", "CloudWatch PutMetricData failed (\(reason)); retrying in \(wait)")
                } onGiveUp: { reason in
                    selfMetrics.retriesExhausted(reason: reason.rawValue)
                }
                failure = response.isSuccess ? nil : "HTTP \(response.status): \(Self.errorCode(response))"
            } catch {
                failure = "\(error)"
            }
            if let failure {
                failures.append(failure)
                for datum in mapped.datums[body.datums] { unsent.insert(datum.source) }
            }
        }
        deltas.commit(conversion, except: unsent)
        if let first = failures.first {
            throw CloudWatchError(
                message: "PutMetricData failed for \(failures.count) request(s), kept for the next export: \(first)")
        }
    }

    /// Nothing to release: connections close with the exporter.
    public func shutdown() {}

    /// One sender (and connection) per set of credentials, so rotated credentials take effect.
    private func sender(for credentials: Credentials) throws -> RetryingSender {
        let key = credentials.accessKeyID + "\u{0}" + (credentials.sessionToken ?? "")
        if let existing = senders.withLock({ $0[key] }) { return existing }
        let signing = HTTPClient.AWSSigV4(
            region: region, service: "monitoring", accessKeyID: credentials.accessKeyID,
            secretAccessKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken)
        let sender = RetryingSender(
            client: try HTTPClient(configuration: .init(awsSigV4: signing)), policy: retry,
            isRetryable: Self.isRetryable)
        senders.withLock { $0 = [key: sender] }
        return sender
    }

    /// Throttling (HTTP 400 with code `Throttling`), 429 and 5xx answers are worth another attempt.
    static func isRetryable(_ response: HTTPResponse) -> Bool {
        switch response.status {
        case 429, 500, 502, 503, 504: true
        case 400: errorCode(response) == "Throttling"
        default: false
        }
    }

    /// The `<Code>` of an AWS error response, or a short excerpt.
    static func errorCode(_ response: HTTPResponse) -> String {
        let text = String(decoding: response.body.prefix(2000), as: UTF8.self)
        if let start = text.range(of: "<Code>"), let end = text.range(of: "</Code>", range: start.upperBound..<text.endIndex) {
            return String(text[start.upperBound..<end.lowerBound])
        }
        return String(text.prefix(200))
    }

    /// `2026-11-25T21:04:05Z` for nanoseconds since the Unix epoch.
    static func iso8601(_ nanos: UInt64) -> String {
        var seconds = time_t(nanos / 1_000_000_000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }
}

/// A CloudWatch export that failed.
public struct CloudWatchError: Error, CustomStringConvertible {
    /// What went wrong (never includes credentials).
    public let message: String

    /// The message.
    public var description: String { message }
}
