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

    /// The defaults.
    public init() {}

    /// Reads a `batch` section (empty for the defaults): `timeout`, `send_batch_size`, `send_batch_max_size`.
    static func parse(_ node: ConfigNode) throws(ConfigError) -> BatchSettings {
        var settings = BatchSettings()
        guard node.isMapping else { return settings }
        let fields = try node.mapping(allowed: ["timeout", "send_batch_size", "send_batch_max_size"])
        if let timeout = fields["timeout"] { settings.timeout = try timeout.duration() }
        if let size = fields["send_batch_size"] { settings.sendBatchSize = try size.int(in: 1...10_000_000) }
        if let size = fields["send_batch_max_size"] {
            settings.sendBatchMaxSize = try size.int(in: 0...10_000_000)
            if settings.sendBatchMaxSize > 0, settings.sendBatchMaxSize < settings.sendBatchSize {
                throw size.error("must be 0 or at least send_batch_size (\(settings.sendBatchSize))")
            }
        }
        return settings
    }
}

/// Makes `batch` processors.
enum BatchProcessorFactory {
    /// The definition of a `batch` section.
    static func definition(_ node: ConfigNode) throws(ConfigError) -> ProcessorDefinition {
        let settings = try BatchSettings.parse(node)
        var definition = ProcessorDefinition(signals: Set(OTLPSignal.allCases)) { _ throws(GatewayError) in
            BatchProcessor(settings: settings)
        }
        definition.batch = settings
        return definition
    }
}
