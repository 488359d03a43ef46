import Logging
import Telemetry
import TelemetryConfig
import TelemetryExporters
import TelemetryOTLP

/// Received requests, already encoded, on their way to one destination.
struct EncodedRequest: Sendable {
    /// A serialised `Export…ServiceRequest`.
    let bytes: [UInt8]
    /// Spans, data points or log records in it.
    let items: Int
}

/// Forwards encoded requests to every OTLP upstream (and debug exporter) that takes their signal, each
/// behind its own queue bounded in bytes. Queued requests of one signal are concatenated into one POST
/// (protobuf merges repeated fields), up to `batchBytes`.
final class Forwarder: Sendable {
    private let queues: [OTLPSignal: [ExportQueue<EncodedRequest>]]

    /// The names of the destinations of each signal, for the startup log.
    let destinations: [OTLPSignal: [String]]

    init(
        exporters: BuiltExporters, configurations: [ExporterConfiguration], batchBytes: Int, scheduleDelay: Duration,
        selfMetrics: MetricsCollector, logger: Logger
    ) {
        var queues: [OTLPSignal: [ExportQueue<EncodedRequest>]] = [:]
        var destinations: [OTLPSignal: [String]] = [:]
        func add(_ signal: OTLPSignal, _ name: String, _ send: @escaping @Sendable ([EncodedRequest]) throws -> Void) {
            let queueBytes = configurations.first { $0.name == name }?.queueBytes ?? 64 << 20
            let configuration = BatchConfiguration(
                maxQueueSize: queueBytes, maxExportBatchSize: min(batchBytes, queueBytes), scheduleDelay: scheduleDelay)
            queues[signal, default: []].append(
                ExportQueue(
                    configuration: configuration,
                    metrics: ExporterSelfMetrics(exporter: name, signal: signal.rawValue, collector: selfMetrics),
                    logger: logger, weight: { $0.items }, size: { $0.bytes.count }, export: send))
            destinations[signal, default: []].append(name)
        }
        for (configuration, exporter) in exporters.otlp {
            for signal in OTLPSignal.allCases where Self.takes(configuration, signal) {
                add(signal, configuration.name) { requests in try exporter.exportEncoded(signal, requests: requests.map(\.bytes)) }
            }
        }
        for (name, exporter) in exporters.debug {
            for signal in OTLPSignal.allCases {
                add(signal, name) { requests in
                    try exporter.exportEncoded(
                        signal: signal.rawValue, items: requests.reduce(0) { $0 + $1.items },
                        bytes: requests.reduce(0) { $0 + $1.bytes.count })
                }
            }
        }
        self.queues = queues
        self.destinations = destinations
    }

    /// Queues `request` for every destination of `signal`; false when every one of them is full
    /// (the caller answers 429). With no destination there is nothing to refuse.
    func forward(_ request: EncodedRequest, signal: OTLPSignal) -> Bool {
        guard let targets = queues[signal], !targets.isEmpty else { return true }
        var accepted = false
        for queue in targets where queue.enqueue(request) { accepted = true }
        return accepted
    }

    /// Waits until every queue has sent what it holds (each at most `timeout`).
    func flush(timeout: Duration) -> Bool {
        ParallelWork.allSucceed(queues.values.flatMap { $0 }) { $0.forceFlush(timeout: timeout) }
    }

    /// Flushes (bounded by `timeout`) and stops every queue.
    func shutdown(timeout: Duration) -> Bool {
        ParallelWork.allSucceed(queues.values.flatMap { $0 }) { $0.shutdown(timeout: timeout) }
    }

    private static func takes(_ configuration: ExporterConfiguration, _ signal: OTLPSignal) -> Bool {
        switch signal {
        case .traces: configuration.takesTraces
        case .metrics: configuration.takesMetrics
        case .logs: configuration.takesLogs
        }
    }
}
