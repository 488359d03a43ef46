import TelemetryOTLPData
import TelemetryOTTL
import TelemetryYAML

/// One entry of a routing table: what it matches and the pipelines it feeds.
struct RoutingRoute: Sendable {
    /// What a route matches.
    enum Match: Sendable {
        /// The request's headers / gRPC metadata (`context: request`).
        case request(RequestCondition)
        /// An OTTL condition on each item of `context`; nil for a `route()` statement without `where`
        /// (it holds for every item).
        case data(OTTLContext, OTTLCondition?)
    }

    /// What it matches.
    let match: Match
    /// The statement or condition as written (for error messages).
    let text: String
    /// The pipelines it feeds, in order, without repeats.
    let pipelines: [ComponentID]
}

/// The `routing` connector's settings, in the Collector's keys (`connector/routingconnector/config.go`):
/// `table` (required) of `{context, statement | condition, pipelines}`, `context` one of `resource` (the
/// default), `span`, `metric`, `datapoint`, `log`, `request`; `default_pipelines`; `error_mode`
/// (`propagate` by default). `match_once` was removed from the Collector in v0.120.0 (the first matching
/// route always wins) and is refused with that explanation.
struct RoutingSettings: Sendable {
    /// The table, in order.
    let table: [RoutingRoute]
    /// Where what no route matched goes (empty: it is dropped, and counted).
    let defaultPipelines: [ComponentID]
    /// What an erroring condition does.
    let errorMode: OTTLErrorMode
    /// Every pipeline named, with where (each must list the connector among its receivers).
    let namedPipelines: [(id: ComponentID, source: ConfigLocation)]

    /// Whether some route looks into the data (so requests are decoded).
    var decodesPayloads: Bool {
        table.contains { if case .data = $0.match { true } else { false } }
    }

    private static let contexts: [String: OTTLContext?] = [
        "resource": .resource, "span": .span, "metric": .metric, "datapoint": .datapoint, "log": .log, "request": nil,
    ]

    /// Reads a `routing` section.
    static func parse(_ node: ConfigNode, functions: OTTLFunctionTable = .standard) throws(ConfigError) -> RoutingSettings {
        guard !node.isEmpty else { throw node.error("invalid routing table: the routing table is empty") }
        let fields = try node.mapping(allowed: ["table", "default_pipelines", "error_mode", "match_once"])
        if let matchOnce = fields["match_once"] {
            throw matchOnce.error(
                "match_once was deprecated in v0.116.0 and removed in v0.120.0 of the Collector: the first matching route always wins "
                    + "(to match several, use several routing connectors or one route per combination)")
        }
        let errorMode = try fields["error_mode"].map { node throws(ConfigError) in try OTTLSettings.errorMode(node) } ?? .propagate
        var named: [(id: ComponentID, source: ConfigLocation)] = []
        let defaults = try fields["default_pipelines"].map { node throws(ConfigError) in try pipelines(node, naming: &named) } ?? []
        let tableNode = try fields.required("table")
        let entries = tableNode.isEmpty ? [] : try tableNode.sequence()
        guard !entries.isEmpty else { throw tableNode.error("invalid routing table: the routing table is empty") }
        var table: [RoutingRoute] = []
        for entry in entries {
            table.append(try route(entry, functions: functions, naming: &named))
        }
        return RoutingSettings(table: table, defaultPipelines: defaults, errorMode: errorMode, namedPipelines: named)
    }

    private static func route(_ node: ConfigNode, functions: OTTLFunctionTable, naming named: inout [(id: ComponentID, source: ConfigLocation)])
        throws(ConfigError) -> RoutingRoute
    {
        let fields = try node.mapping(allowed: ["context", "statement", "condition", "pipelines"])
        let statement = fields["statement"].flatMap { $0.isEmpty ? nil : $0 }
        let condition = fields["condition"].flatMap { $0.isEmpty ? nil : $0 }
        if statement != nil, condition != nil { throw node.error("invalid route: both condition and statement provided") }
        guard let given = statement ?? condition else { throw node.error("invalid route: no condition or statement provided") }
        guard let pipelinesNode = fields["pipelines"], !pipelinesNode.isEmpty, !(try pipelinesNode.sequence()).isEmpty else {
            throw node.error("invalid route: no pipelines defined")
        }
        let pipelines = try pipelines(pipelinesNode, naming: &named)
        let contextName = try fields["context"].map { node throws(ConfigError) in try node.string().lowercased() } ?? "resource"
        guard let context = contexts[contextName] else {
            throw (fields["context"] ?? node).error("invalid context: \(contextName)")
        }
        let text = try given.string()
        guard let context else {
            guard condition != nil else { throw (fields["context"] ?? node).error("\"request\" context requires a 'condition'") }
            do {
                return RoutingRoute(match: .request(try RequestCondition(parsing: text)), text: text, pipelines: pipelines)
            } catch {
                throw given.error(error.message)
            }
        }
        if condition != nil {
            let (_, tree) = try OTTLSettings.condition(given)
            let compiled = try OTTLSettings.compile(tree, text: text, in: context, functions: functions, at: given)
            return RoutingRoute(match: .data(context, compiled), text: text, pipelines: pipelines)
        }
        let (_, tree) = try OTTLSettings.statement(given)
        guard tree.editor.name == "route", tree.editor.arguments.isEmpty else {
            throw given.error("unable to parse OTTL statement \"\(text)\": a routing statement is route() where <condition>")
        }
        let compiled = try tree.condition.map { condition throws(ConfigError) in
            try OTTLSettings.compile(condition, text: text, in: context, functions: functions, at: given)
        }
        return RoutingRoute(match: .data(context, compiled), text: text, pipelines: pipelines)
    }

    /// A list of pipeline ids, each remembered with where it was named; repeats are left out.
    private static func pipelines(_ node: ConfigNode, naming named: inout [(id: ComponentID, source: ConfigLocation)]) throws(ConfigError)
        -> [ComponentID]
    {
        var ids: [ComponentID] = []
        for item in try node.sequence() {
            let text = try item.string()
            guard let id = ComponentID(text), OTLPSignal(rawValue: id.type) != nil else {
                throw item.error("\(text) is not a pipeline id (traces, metrics or logs, with an optional /name)")
            }
            named.append((id, item.location))
            if !ids.contains(id) { ids.append(id) }
        }
        return ids
    }
}

/// Makes `routing` connectors.
enum RoutingConnectorFactory {
    /// The definition of a `routing` section.
    static func definition(_ node: ConfigNode) throws(ConfigError) -> ConnectorDefinition {
        let settings = try RoutingSettings.parse(node)
        var definition = ConnectorDefinition(pairs: SignalPair.sameSignal) { context throws(GatewayError) in
            RoutingConnector(settings: settings, context: context)
        }
        definition.namedPipelines = settings.namedPipelines
        definition.decodesPayloads = settings.decodesPayloads
        return definition
    }
}
