import TelemetryConfig
import TelemetryYAML
import TelemetryOTLPData

/// How an exporter's sending queue groups payloads into requests.
public struct BatchSettings: Sendable, Equatable {
    /// The longest an item waits before a partial batch is sent.
    public var timeout: Duration = .milliseconds(200)
    /// A batch is sent once it holds this many items.
    public var sendBatchSize = 8192
    /// The most items in one request (0 for no limit).
    public var sendBatchMaxSize = 0
    /// The most bytes in one request.
    public var maxRequestBytes = 4 << 20
    /// The request metadata names whose values part batches (`metadata_keys`, lower-cased; none by
    /// default): items keep only these names of their metadata.
    public var metadataKeys: [String] = []
    /// The most distinct combinations of the keys' values (`metadata_cardinality_limit`, 1000 by default
    /// as in the Collector; 0 for no limit).
    public var metadataCardinalityLimit = 1000

    /// The defaults.
    public init() {}

    /// Reads a `batch` section (empty for the defaults): `timeout`, `send_batch_size`, `send_batch_max_size`,
    /// `metadata_keys`, `metadata_cardinality_limit`.
    static func parse(_ node: ConfigNode) throws(ConfigError) -> BatchSettings {
        var settings = BatchSettings()
        guard node.isMapping else { return settings }
        let fields = try node.mapping(allowed: [
            "timeout", "send_batch_size", "send_batch_max_size", "metadata_keys", "metadata_cardinality_limit",
        ])
        if let timeout = fields["timeout"] { settings.timeout = try timeout.duration() }
        if let size = fields["send_batch_size"] { settings.sendBatchSize = try size.int(in: 1...10_000_000) }
        if let size = fields["send_batch_max_size"] {
            settings.sendBatchMaxSize = try size.int(in: 0...10_000_000)
            if settings.sendBatchMaxSize > 0, settings.sendBatchMaxSize < settings.sendBatchSize {
                throw size.error("must be 0 or at least send_batch_size (\(settings.sendBatchSize))")
            }
        }
        if let keys = fields["metadata_keys"] {
            for key in try keys.sequence() {
                let name = try key.string().lowercased()
                // The Collector's text (processor/batchprocessor/config.go, Validate).
                guard !settings.metadataKeys.contains(name) else { throw key.error("duplicate entry in metadata_keys: \"\(name)\" (case-insensitive)") }
                settings.metadataKeys.append(name)
            }
        }
        if let limit = fields["metadata_cardinality_limit"] { settings.metadataCardinalityLimit = try limit.int(in: 0...1_000_000) }
        return settings
    }
}

/// Makes `batch` processors.
enum BatchProcessorFactory {
    /// The definition of a `batch` section.
    static func definition(_ node: ConfigNode) throws(ConfigError) -> ProcessorDefinition {
        let settings = try BatchSettings.parse(node)
        var definition = ProcessorDefinition(signals: Set(OTLPSignal.allCases)) { context throws(GatewayError) in
            BatchProcessor(settings: settings, name: context.id.description, metrics: context.metrics)
        }
        definition.batch = settings
        return definition
    }
}
