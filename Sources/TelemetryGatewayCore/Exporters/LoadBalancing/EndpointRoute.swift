import Logging
import Telemetry
import TelemetryOTLP
import TelemetryOTLPData

/// One downstream endpoint of a `loadbalancing` exporter: its OTLP/HTTP connection and a sending queue
/// per signal. Once removed, whatever it still holds (queued, or in flight when its send fails) goes
/// back to the balancer to be routed to the new owner.
final class EndpointRoute: Sendable {
    let endpoint: String
    private let exporter: OTLPExporter
    private let queues = LockedValue<[OTLPSignal: SendingQueue]>([:])
    private let removed = LockedValue(false)
    private let name: String
    private let settings: OTLPExporterSettings
    private let selfMetrics: MetricsCollector
    private let logger: Logger

    init(endpoint: String, balancer: String, settings: OTLPExporterSettings, selfMetrics: MetricsCollector, logger: Logger) {
        self.endpoint = endpoint
        name = "\(balancer)/\(endpoint)"
        self.settings = settings
        self.selfMetrics = selfMetrics
        self.logger = logger
        exporter = OTLPExporter(
            endpoint: endpoint, headers: settings.headers, compression: settings.compression, gzipLevel: settings.gzipLevel, timeout: settings.timeout,
            tls: settings.tls,
            retry: settings.retry, name: name, selfMetrics: selfMetrics, logger: logger)
    }

    /// Whether the endpoint left the set.
    var isRemoved: Bool { removed.withLock { $0 } }

    /// The queue of `signal`, made on first use; `reroute` takes what a send could not deliver after
    /// removal (with its request metadata). Nil once the endpoint was removed.
    func queue(
        _ signal: OTLPSignal, batch: BatchSettings, reroute: @escaping @Sendable ([OTLPPayload], RequestMetadata) -> Void
    ) -> SendingQueue? {
        queues.withLock { queues in
            guard !removed.withLock({ $0 }) else { return nil }
            if let queue = queues[signal] { return queue }
            let queue = SendingQueue(
                exporter: name, signal: signal, capacityBytes: settings.queueBytes, batch: batch, selfMetrics: selfMetrics, logger: logger
            ) { [exporter, removed] payloads, metadata in
                do {
                    try exporter.exportEncoded(signal, requests: payloads.map(\.bytes))
                } catch {
                    guard removed.withLock({ $0 }) else { throw error }
                    reroute(payloads, metadata)
                }
            }
            queues[signal] = queue
            return queue
        }
    }

    /// Marks the endpoint removed, interrupts its retries (the batch in flight is handed to `reroute`
    /// by its send) and returns everything still queued, by signal.
    func remove() -> [OTLPSignal: [PipelineItem]] {
        let drained = queues.withLock { queues in
            removed.withLock { $0 = true }
            return queues.mapValues { $0.drain() }
        }
        exporter.shutdown()
        return drained
    }

    /// Flushes until `deadlineNanos`, then stops.
    func shutdown(deadlineNanos: UInt64) -> Bool {
        let all = queues.withLock { Array($0.values) }
        let flushed = ParallelWork.allSucceed(all) { $0.shutdown(deadlineNanos: deadlineNanos) }
        exporter.shutdown()
        return flushed
    }

    /// Interrupts retry waits.
    func abort() {
        exporter.shutdown()
    }
}
