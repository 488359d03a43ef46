import TelemetryOTLPData

/// `batch`: how the exporters of the pipelines it is in group data into requests.
///
/// Keys as in the Collector: `timeout` (the longest an item waits for a batch, 200 ms by default),
/// `send_batch_size` (a batch is sent once it holds this many spans, data points or log records, 8192 by
/// default) and `send_batch_max_size` (the most items per request; 0, the default, for no limit beyond
/// the 4 MiB request cap). Unlike the Collector's processor, it holds no data itself: the settings are
/// applied by each exporter's sending queue (where the Collector is moving batching too), so a full
/// queue still pushes back to clients. Requests are never split, so a batch can exceed
/// `send_batch_size` by the size of one request.
public struct BatchProcessor: GatewayProcessor {
    /// The batching the exporters apply.
    public let settings: BatchSettings

    public var signals: Set<OTLPSignal> { Set(OTLPSignal.allCases) }

    public func consumer(signal: OTLPSignal, next: any PayloadConsumer) -> any PayloadConsumer { next }
}
