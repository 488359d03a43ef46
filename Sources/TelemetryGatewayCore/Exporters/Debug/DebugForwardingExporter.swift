import Logging
import Telemetry
import TelemetryOTLPData

/// `debug`: logs what passes through, as the Collector's debug exporter does. `verbosity: basic` (the
/// default) logs one line per batch (items and bytes); `detailed` also one line per span, data point or
/// log record (names, ids, values). It has its own queue of `queueBytes` per signal, so logging never
/// slows a receiver; the queue holds the largest request a receiver takes by default (20 MiB), and a
/// larger one (a raised `max_request_body_size`) is refused for good (413), never 429 forever.
public final class DebugForwardingExporter: GatewayExporter {
    /// How much is logged.
    public enum Verbosity: String, Sendable {
        /// One line per batch.
        case basic
        /// One line per batch and per item.
        case detailed
    }

    /// The configured name.
    public let name: String
    /// The verbosity.
    public let verbosity: Verbosity
    /// The bytes each signal's queue holds: as the `otlp` exporter's default `sending_queue.max_bytes`,
    /// above the receivers' default body limit (20 MiB).
    public static let queueBytes = 64 << 20
    private let budget: MemoryBudget
    private let selfMetrics: MetricsCollector
    private let logger: Logger
    private let queues = LockedValue([OTLPSignal: SendingQueue]())

    /// Creates the exporter; `detailed` reserves each request's decoded size and its lines in `budget`
    /// before it decodes it.
    public init(name: String, verbosity: Verbosity, budget: MemoryBudget, selfMetrics: MetricsCollector, logger: Logger) {
        self.name = name
        self.verbosity = verbosity
        self.budget = budget
        self.selfMetrics = selfMetrics
        self.logger = logger
    }

    public var signals: Set<OTLPSignal> { Set(OTLPSignal.allCases) }

    public func consumer(for signal: OTLPSignal, batch: BatchSettings) throws(GatewayError) -> any PayloadConsumer {
        queues.withLock { queues in
            if let existing = queues[signal] { return existing }
            let (logger, name, verbosity, budget) = (self.logger, self.name, self.verbosity, self.budget)
            let queue = SendingQueue(
                exporter: name, signal: signal, capacityBytes: Self.queueBytes, batch: batch, selfMetrics: selfMetrics, logger: logger
            ) { payloads, _ in
                logger.info(
                    "\(name): \(payloads.reduce(0) { $0 + $1.itemCount }) \(signal.itemName)",
                    metadata: ["bytes": "\(payloads.reduce(0) { $0 + $1.bytes.count })", "requests": "\(payloads.count)"])
                guard verbosity == .detailed else { return }
                for payload in payloads {
                    // Decoding and the lines take at most the decoded size and a line of at most
                    // `DebugLines.maxLineBytes` an item.
                    let needed = payload.decodedBytesEstimate.saturatingSum(payload.itemCount.saturatingProduct(DebugLines.maxLineBytes))
                    guard let lease = budget.reserve(needed) else {
                        logger.info("\(name): details left out: the gateway is at its memory limit")
                        continue
                    }
                    withExtendedLifetime(lease) { DebugLines.lines(payload).forEach { logger.info("\(name): \($0)") } }
                }
            }
            queues[signal] = queue
            return queue
        }
    }

    public func shutdown(deadlineNanos: UInt64) -> Bool {
        ParallelWork.allSucceed(queues.withLock { Array($0.values) }) { $0.shutdown(deadlineNanos: deadlineNanos) }
    }

    public func abort() {}
}

/// One line per item of a payload, for the debug exporter's detailed verbosity.
enum DebugLines {
    /// An upper bound of one line's memory: its fixed text, a name or body cut to 200 characters
    /// (at most 4 bytes each), ids and numbers, and a String's header.
    static let maxLineBytes = 2048

    static func lines(_ payload: OTLPPayload) -> [String] {
        do throws(OTLPDecodeError) {
            switch payload.signal {
            case .traces:
                return try TracesView(payload).resourceSpans.flatMap { resource in
                    resource.scopeSpans.flatMap { scope in
                        scope.spans.map { span in
                            "span \(span.name.prefix(200)) trace_id=\(span.traceID.map { "\($0)" } ?? "?") span_id=\(span.spanID.map { "\($0)" } ?? "?")"
                                + " status=\(span.statusCode) duration_ns=\(span.endTimeUnixNano.subtractingSaturated(span.startTimeUnixNano))"
                        }
                    }
                }
            case .metrics:
                return try MetricsView(payload).resourceMetrics.flatMap { resource in
                    resource.scopeMetrics.flatMap { scope in scope.metrics.map { "metric \($0.name.prefix(200)) \(Self.kind($0.data))" } }
                }
            case .logs:
                return try LogsView(payload).resourceLogs.flatMap { resource in
                    resource.scopeLogs.flatMap { scope in
                        scope.logRecords.map { record in
                            "log severity=\(record.severityNumber) body=\(record.body.text().prefix(200))"
                                + (record.traceID.map { " trace_id=\($0)" } ?? "")
                        }
                    }
                }
            }
        } catch {
            return ["cannot decode: \(error)"]
        }
    }

    private static func kind(_ data: MetricView.Data) -> String {
        switch data {
        case .empty: "empty"
        case .gauge(let points): "gauge points=\(points.count)"
        case .sum(let points, let temporality, let monotonic): "sum points=\(points.count) \(temporality) monotonic=\(monotonic)"
        case .histogram(let points, let temporality): "histogram points=\(points.count) \(temporality)"
        case .exponentialHistogram(let points, let temporality): "exponential_histogram points=\(points.count) \(temporality)"
        case .summary(let points): "summary points=\(points.count)"
        }
    }
}
