import Logging
import Telemetry
import TelemetryHTTP
import TelemetryOTLPData

/// The exporter helper's send chain of one signal:
///
///     queue (memory `SendingQueue` | disk `DiskSendingQueue`)
///       → retry (`RetryLoop`, the only place that waits between attempts)
///       → transport (`OTLPHTTPSender` on libcurl | the OTLP/gRPC sender: one attempt, classified)
///
/// With the memory queue a batch is retried as `retry_on_failure` says (bounded in attempts and time,
/// then the batch fails and is counted). With the disk queue it is kept until delivered: the same loop
/// under `RetryPolicy.untilDelivered` (jittered backoff from `initial_interval` doubling up to
/// `max_interval`, a server-requested delay capped there too), ended when the queue stops.
package final class ExporterSendChain: Sendable {
    /// The head of the chain, which the pipeline hands its items to.
    package let queue: any ExporterQueue
    /// The transport at its end.
    package let sender: any EncodedRequestSender
    private let cancellation = CancellationSignal()

    /// The chain of exporter `name` for `signal` over `sender`, with a disk queue when `diskQueue` is set;
    /// `outgoingHeaders` makes the headers a batch is sent with from its request metadata.
    ///
    /// - Throws: `GatewayError` when the disk queue's folder cannot be used.
    package init(
        exporter name: String, signal: OTLPSignal, sender: any EncodedRequestSender, retry: RetryPolicy, queueBytes: Int,
        diskQueue: DiskQueueSettings?, batch: BatchSettings, selfMetrics: MetricsCollector, logger: Logger,
        outgoingHeaders: @escaping @Sendable (RequestMetadata) -> [(name: String, value: String)] = { _ in [] }
    ) throws(GatewayError) {
        self.sender = sender
        if let diskQueue {
            queue = try DiskSendingQueue(
                exporter: name, signal: signal, settings: diskQueue, batch: batch, selfMetrics: selfMetrics, logger: logger,
                retry: .untilDelivered(initialBackoff: retry.initialBackoff, maxBackoff: retry.maxBackoff),
                interrupt: { sender.shutdown() }
            ) { requests, metadata in
                let body = Self.body(requests)
                return body.isEmpty ? .final(.success(())) : sender.attempt(body, extraHeaders: outgoingHeaders(metadata))
            }
        } else {
            let cancellation = self.cancellation
            queue = SendingQueue(
                exporter: name, signal: signal, capacityBytes: queueBytes, batch: batch, selfMetrics: selfMetrics, logger: logger
            ) { payloads, metadata in
                // Joined once per batch, not once per attempt.
                let body = Self.body(payloads.map(\.bytes))
                guard !body.isEmpty else { return }
                let headers = outgoingHeaders(metadata)
                try RetryLoop(policy: retry, cancellation: cancellation).run({ sender.attempt(body, extraHeaders: headers) }, reporting: sender.retryReport)
            }
        }
    }

    /// One request of the signal's serialised `Export…ServiceRequest`s (protobuf concatenation merges them).
    private static func body(_ requests: [[UInt8]]) -> [UInt8] {
        requests.count == 1 ? requests[0] : Array(requests.joined())
    }

    /// Ends the waits between retries (later batches are attempted once) and closes the transport.
    package func interrupt() {
        cancellation.cancel()
        sender.shutdown()
    }
}
