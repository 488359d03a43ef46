import Foundation
import Logging
import TelemetryConfig
import TelemetryYAML
import TelemetryOTLPData

extension GatewayConfiguration {
    /// Reads and checks `path`.
    ///
    /// - Throws: `ConfigError` naming the file, key path and line.
    public static func load(
        path: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigError) -> GatewayConfiguration {
        try load(path: path, environment: environment, factories: .standard)
    }

    /// Reads and checks `path` with these component types.
    package static func load(
        path: String, environment: [String: String], factories: ComponentFactories
    ) throws(ConfigError) -> GatewayConfiguration {
        try parse(yaml: try ConfigDocument.contents(of: path), file: path, environment: environment, factories: factories)
    }

    /// Parses and checks YAML text; `file` names it in errors.
    public static func parse(
        yaml: String, file: String = "<config>", environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigError) -> GatewayConfiguration {
        try parse(yaml: yaml, file: file, environment: environment, factories: .standard)
    }

    /// Parses and checks YAML text with these component types.
    package static func parse(
        yaml: String, file: String, environment: [String: String], factories: ComponentFactories
    ) throws(ConfigError) -> GatewayConfiguration {
        let root = try ConfigDocument.root(yaml: yaml, file: file, environment: environment)
        let top = try root.mapping(allowed: ["receivers", "processors", "exporters", "extensions", "connectors", "service"])
        let extensions = try ExtensionsParser.definitions(top["extensions"])
        let receivers = try components(top["receivers"], factories.receivers)
        let processors = try components(top["processors"], factories.processors)
        var exporters = try components(top["exporters"], factories.exporters)
        let connectors = try components(top["connectors"], factories.connectors)
        for (id, (_, node)) in connectors where receivers[id] != nil || exporters[id] != nil {
            throw node.error("connector \(id) has the id of a \(receivers[id] != nil ? "receiver" : "exporter"): pipelines could not tell them apart; rename one")
        }
        let service = try top.required("service").mapping(allowed: ["pipelines", "telemetry", "extensions"])
        try ExtensionsParser.resolveAuthenticators(&exporters, extensions: try ExtensionsParser.started(extensions, listed: service["extensions"]))
        var pipelines: [Pipeline] = []
        for (key, node) in try service.required("pipelines").mapping(allowed: nil).entries {
            pipelines.append(
                try pipeline(key, node, receivers: receivers, processors: processors, exporters: exporters, connectors: connectors))
        }
        guard !pipelines.isEmpty else { throw service.owner.error("service.pipelines: give at least one pipeline") }
        let graph = try ConnectorGraph(pipelines: pipelines, connectors: connectors)
        try checkDiskQueueRequestLimits(pipelines, graph: graph, receivers: receivers, exporters: exporters)
        var warnings: [ConfigError] = []
        func warnUnused<Definition>(_ kind: String, _ defined: [ComponentID: (Definition, ConfigNode)], _ used: [ComponentID]) {
            for (id, (_, node)) in defined.sorted(by: { $0.key < $1.key }) where !used.contains(id) {
                warnings.append(node.error("\(kind) \(id) is defined but used by no pipeline"))
            }
        }
        warnUnused("receiver", receivers, pipelines.flatMap(\.receivers))
        warnUnused("processor", processors, pipelines.flatMap(\.processors))
        warnUnused("exporter", exporters, pipelines.flatMap(\.exporters))
        warnUnused("connector", connectors, pipelines.flatMap(\.exporters) + pipelines.flatMap(\.receivers))
        return GatewayConfiguration(
            file: file, receivers: receivers.mapValues(\.0), processors: processors.mapValues(\.0),
            exporters: exporters.mapValues(\.0), connectors: connectors.mapValues(\.0), pipelines: graph.ordered,
            telemetry: try ServiceTelemetrySettings.parse(service["telemetry"]), warnings: warnings)
    }

    private static func components<Definition>(
        _ node: ConfigNode?, _ registry: [String: ComponentFactories.Parse<Definition>]
    ) throws(ConfigError) -> [ComponentID: (Definition, ConfigNode)] {
        guard let node else { return [:] }
        var result: [ComponentID: (Definition, ConfigNode)] = [:]
        for (key, value) in try node.mapping(allowed: nil).entries {
            guard let id = ComponentID(key) else { throw value.error("\"\(key)\" is not a valid id (type or type/name)") }
            guard let parse = registry[id.type] else {
                throw value.error("unknown type \"\(id.type)\"; known here: \(registry.keys.sorted().joined(separator: ", "))")
            }
            result[id] = (try parse(value), value)
        }
        return result
    }

    /// A receiver may not accept a request larger than a disk queue of its pipelines (or of the pipelines
    /// connectors feed from them) can read back: it would be answered 200 and never delivered. The error
    /// names the receiver's limit.
    private static func checkDiskQueueRequestLimits(
        _ pipelines: [Pipeline], graph: ConnectorGraph, receivers: [ComponentID: (ReceiverDefinition, ConfigNode)],
        exporters: [ComponentID: (ExporterDefinition, ConfigNode)]
    ) throws(ConfigError) {
        for pipeline in pipelines {
            for exporter in pipeline.exporters {
                guard let queueLimit = exporters[exporter]?.0.diskQueueRequestLimit else { continue }
                for receiver in graph.upstreamReceivers(of: pipeline.id) {
                    for limit in receivers[receiver]?.0.requestLimits ?? [] where limit.bytes > queueLimit {
                        throw limit.source.error(
                            "receiver \(receiver) accepts requests of up to \(limit.bytes) bytes, but exporter \(exporter)'s disk queue can read back requests of at most \(queueLimit) bytes (pipeline \(pipeline.id)); lower the limit to \(queueLimit) or less")
                    }
                }
            }
        }
    }

    private static func pipeline(
        _ key: String, _ node: ConfigNode, receivers: [ComponentID: (ReceiverDefinition, ConfigNode)],
        processors: [ComponentID: (ProcessorDefinition, ConfigNode)], exporters: [ComponentID: (ExporterDefinition, ConfigNode)],
        connectors: [ComponentID: (ConnectorDefinition, ConfigNode)]
    ) throws(ConfigError) -> Pipeline {
        guard let id = ComponentID(key), let signal = OTLPSignal(rawValue: id.type) else {
            throw node.error("a pipeline id is traces, metrics or logs, optionally /name; got \"\(key)\"")
        }
        let fields = try node.mapping(allowed: ["receivers", "processors", "exporters"])
        func ids(
            _ list: String, _ known: Set<ComponentID>, refusal: (ComponentID) -> String? = { _ in nil }, signals: (ComponentID) -> Set<OTLPSignal>
        ) throws(ConfigError) -> [ComponentID] {
            var result: [ComponentID] = []
            for item in try fields[list]?.sequence() ?? [] {
                let text = try item.string()
                guard let component = ComponentID(text), known.contains(component) else {
                    let sections = list == "processors" ? list : "\(list) or connectors"
                    throw item.error("\(list.dropLast()) \"\(text)\" is not defined in the top-level \(sections) section")
                }
                guard signals(component).contains(signal) else {
                    throw item.error("\(component) cannot be used in a \(signal.rawValue) pipeline" + (refusal(component).map { ": \($0)" } ?? ""))
                }
                guard !result.contains(component) else { throw item.error("\(component) is listed twice") }
                result.append(component)
            }
            return result
        }
        let pipeline = Pipeline(
            id: id, signal: signal,
            receivers: try ids("receivers", Set(receivers.keys).union(connectors.keys)) {
                receivers[$0]?.0.signals ?? Set(connectors[$0]?.0.pairs.map(\.to) ?? [])
            },
            processors: try ids("processors", Set(processors.keys), refusal: { processors[$0]?.0.refusedSignals[signal] }) {
                processors[$0]?.0.signals ?? []
            },
            exporters: try ids("exporters", Set(exporters.keys).union(connectors.keys)) {
                exporters[$0]?.0.signals ?? Set(connectors[$0]?.0.pairs.map(\.from) ?? [])
            },
            source: node.location)
        guard !pipeline.receivers.isEmpty else { throw node.error("pipeline \(id) needs at least one receiver") }
        guard !pipeline.exporters.isEmpty else { throw node.error("pipeline \(id) needs at least one exporter") }
        return pipeline
    }
}

extension ServiceTelemetrySettings {
    /// Parses `service.telemetry`: `metrics.address` (host:port) or `metrics.level: none`, `logs.level`.
    static func parse(_ node: ConfigNode?) throws(ConfigError) -> ServiceTelemetrySettings {
        var settings = ServiceTelemetrySettings()
        guard let node else { return settings }
        let fields = try node.mapping(allowed: ["metrics", "logs"])
        if let metrics = try fields["metrics"]?.mapping(allowed: ["address", "level"]) {
            if let address = metrics["address"] {
                let endpoint = try EndpointSettings.parse(address)
                (settings.metricsHost, settings.metricsPort) = (endpoint.host, endpoint.port)
            }
            if try metrics["level"]?.choice(["none", "basic", "normal", "detailed"]) == "none" { settings.metricsHost = nil }
        }
        if let logs = try fields["logs"]?.mapping(allowed: ["level"]), let level = logs["level"] {
            let name = try level.choice(["trace", "debug", "info", "notice", "warning", "warn", "error", "critical"])
            settings.logLevel = name == "warn" ? .warning : Logger.Level(rawValue: name) ?? .info
        }
        return settings
    }
}
