import Telemetry
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
///
/// Request metadata, as the Collector's processor: an item keeps only the `metadata_keys` names of its
/// metadata (none without keys), and the queues never join items whose metadata differ, so each distinct
/// combination of the keys' values is batched on its own. A combination beyond
/// `metadata_cardinality_limit` distinct ones (combinations are never forgotten, as the Collector's
/// shards) is refused for good with the Collector's text, "too many batcher metadata-value combinations".
public struct BatchProcessor: GatewayProcessor {
    /// The batching the exporters apply.
    public let settings: BatchSettings
    /// The processor's name in self-metrics.
    public let name: String
    let metrics: GatewaySelfMetrics

    public var signals: Set<OTLPSignal> { Set(OTLPSignal.allCases) }

    public func consumer(signal: OTLPSignal, next: any PayloadConsumer) -> any PayloadConsumer {
        MetadataKeysConsumer(
            keys: settings.metadataKeys, limit: settings.metadataCardinalityLimit, processor: name, signal: signal,
            metrics: metrics, next: next)
    }
}

/// Keeps the `metadata_keys` of each item's metadata and counts the distinct combinations of their values.
///
/// A combination is remembered by its hash, so memory stays at 8 bytes a combination (at most the
/// configured limit) however large the header values are; two combinations whose hashes collide count
/// once, which can only let one more combination through. Without a limit nothing is remembered.
struct MetadataKeysConsumer: PayloadConsumer {
    let keys: [String]
    let limit: Int
    let processor: String
    let signal: OTLPSignal
    let metrics: GatewaySelfMetrics
    let next: any PayloadConsumer
    private let combinations = LockedValue(Set<Int>())

    init(
        keys: [String], limit: Int, processor: String, signal: OTLPSignal, metrics: GatewaySelfMetrics, next: any PayloadConsumer
    ) {
        (self.keys, self.limit, self.processor, self.signal, self.metrics, self.next) = (keys, limit, processor, signal, metrics, next)
    }

    func consume(_ item: PipelineItem) throws(Refusal) {
        var kept = item
        kept.metadata = keys.isEmpty ? .empty : item.metadata.restricted(to: keys)
        if !keys.isEmpty, limit > 0 {
            let hash = kept.metadata.hashValue
            let admitted = combinations.withLock { seen in
                if seen.contains(hash) { return true }
                guard seen.count < limit else { return false }
                seen.insert(hash)
                return true
            }
            guard admitted else {
                let (metrics, processor, signal, count) = (metrics, processor, signal.rawValue, item.itemCount)
                throw Refusal(.invalid, reason: "metadata_cardinality", "too many batcher metadata-value combinations")
                    .countingWhenOverruled { metrics.processorDropped(count, processor: processor, signal: signal, reason: "metadata_cardinality") }
            }
        }
        try next.consume(kept)
    }
}
