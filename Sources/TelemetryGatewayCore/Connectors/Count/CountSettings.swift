import TelemetryOTLPData
import TelemetryOTTL
import TelemetryYAML

/// What the `count` connector counts: each kind is a settings section and an OTTL context.
enum CountKind: String, Sendable, CaseIterable {
    case spans, spanevents, metrics, datapoints, logs

    /// The signal whose requests hold items of this kind.
    var signal: OTLPSignal {
        switch self {
        case .spans, .spanevents: .traces
        case .metrics, .datapoints: .metrics
        case .logs: .logs
        }
    }

    /// The context its conditions are compiled in.
    var context: OTTLContext {
        switch self {
        case .spans: .span
        case .spanevents: .spanevent
        case .metrics: .metric
        case .datapoints: .datapoint
        case .logs: .log
        }
    }

    /// The metric counted when the section is absent (the Collector's `config.go` defaults).
    var defaultMetric: CountMetric {
        switch self {
        case .spans: CountMetric(name: "trace.span.count", description: "The number of spans observed.")
        case .spanevents: CountMetric(name: "trace.span.event.count", description: "The number of span events observed.")
        case .metrics: CountMetric(name: "metric.count", description: "The number of metrics observed.")
        case .datapoints: CountMetric(name: "metric.datapoint.count", description: "The number of data points observed.")
        case .logs: CountMetric(name: "log.record.count", description: "The number of log records observed.")
        }
    }
}

/// One configured count: a metric of `count` items matching any of `conditions` (all items when there is
/// none), one data point per distinct set of `attributes`.
struct CountMetric: Sendable {
    /// One condition with its text (for errors).
    struct Condition: Sendable {
        let condition: OTTLCondition
        let text: String
    }

    /// An attribute a count is kept by: looked up on the item, then its scope, then its resource; else
    /// `defaultValue` (a string, integer or double); an item without it is not counted.
    struct Attribute: Sendable {
        let key: String
        let defaultValue: OTLPValue?
    }

    let name: String
    let description: String
    var conditions: [Condition] = []
    var attributes: [Attribute] = []
}

/// The `count` connector's settings, in the Collector's shape (`connector/countconnector/config.go`):
/// `spans`, `spanevents`, `metrics`, `datapoints`, `logs`, each a map of metric name →
/// `{description, conditions, attributes: [{key, default_value}]}`. A section left out counts its
/// default metric (`trace.span.count`, `trace.span.event.count`, `metric.count`,
/// `metric.datapoint.count`, `log.record.count`); a section given (even empty) replaces it.
struct CountSettings: Sendable {
    /// The metrics of each kind, in file order.
    let metrics: [CountKind: [CountMetric]]

    /// Every kind's default metric (`count:` with no settings).
    static let defaults = CountSettings(metrics: Dictionary(uniqueKeysWithValues: CountKind.allCases.map { ($0, [$0.defaultMetric]) }))

    /// Reads a `count` section.
    static func parse(_ node: ConfigNode, functions: OTTLFunctionTable = .standard) throws(ConfigError) -> CountSettings {
        guard !node.isEmpty else { return defaults }
        let fields = try node.mapping(allowed: CountKind.allCases.map(\.rawValue))
        var metrics = defaults.metrics
        for kind in CountKind.allCases {
            guard let section = fields[kind.rawValue] else { continue }
            metrics[kind] = try section.isEmpty ? [] : section.mapping(allowed: nil).entries.map { entry throws(ConfigError) in
                try metric(entry.key, entry.value, kind: kind, functions: functions)
            }
        }
        return CountSettings(metrics: metrics)
    }

    private static func metric(_ name: String, _ node: ConfigNode, kind: CountKind, functions: OTTLFunctionTable) throws(ConfigError) -> CountMetric {
        guard !name.isEmpty else { throw node.error("\(kind.rawValue): metric name missing") }
        guard !node.isEmpty else { return CountMetric(name: name, description: "") }
        let fields = try node.mapping(allowed: ["description", "conditions", "attributes"])
        var metric = CountMetric(name: name, description: try fields["description"]?.string() ?? "")
        for item in try fields["conditions"]?.sequence() ?? [] {
            do {
                let (text, tree) = try OTTLSettings.condition(item)
                let compiled = try OTTLSettings.compile(tree, text: text, in: kind.context, functions: functions, at: item)
                metric.conditions.append(CountMetric.Condition(condition: compiled, text: text))
            } catch {
                throw item.error("\(kind.rawValue) condition: metric \"\(name)\": \(error.message)")
            }
        }
        guard let attributes = fields["attributes"] else { return metric }
        guard kind != .metrics else { throw attributes.error("metrics attributes not supported: metric \"\(name)\"") }
        for item in try attributes.sequence() {
            let attribute = try self.attribute(item, kind: kind, metric: name)
            guard !metric.attributes.contains(where: { $0.key == attribute.key }) else {
                // The Collector would never count it (its attribute map ends up shorter than the list).
                throw item.error("\(kind.rawValue) attributes: metric \"\(name)\": attribute key \"\(attribute.key)\" repeated")
            }
            metric.attributes.append(attribute)
        }
        return metric
    }

    private static func attribute(_ node: ConfigNode, kind: CountKind, metric: String) throws(ConfigError) -> CountMetric.Attribute {
        let fields = try node.mapping(allowed: ["key", "default_value", "any_depth"])
        let key = try fields["key"]?.string() ?? ""
        guard !key.isEmpty else { throw node.error("\(kind.rawValue) attributes: metric \"\(metric)\": attribute key missing") }
        if let anyDepth = fields["any_depth"], try anyDepth.bool() {
            throw anyDepth.error("not supported: any_depth (looking the key up in nested maps)")
        }
        // As the Collector: a string, an integer or a double; an empty string or zero is no default.
        var defaultValue: OTLPValue?
        switch try fields["default_value"]?.typedValue() {
        case .string(let text) where !text.isEmpty: defaultValue = .string(text)
        case .int(let number) where number != 0: defaultValue = .int(number)
        case .double(let number) where number != 0: defaultValue = .double(number)
        case nil, .null, .string, .int, .double: break
        case .bool, .list, .map:
            throw fields["default_value"].map { $0.error("expected a string or a number") } ?? node.error("expected a string or a number")
        }
        return CountMetric.Attribute(key: key, defaultValue: defaultValue)
    }
}

/// Makes `count` connectors.
enum CountConnectorFactory {
    /// The definition of a `count` section.
    static func definition(_ node: ConfigNode) throws(ConfigError) -> ConnectorDefinition {
        let settings = try CountSettings.parse(node)
        var definition = ConnectorDefinition(pairs: [SignalPair(.traces, .metrics), SignalPair(.metrics, .metrics), SignalPair(.logs, .metrics)]) {
            context throws(GatewayError) in
            CountConnector(context: context, settings: settings)
        }
        definition.decodesPayloads = true
        return definition
    }
}
