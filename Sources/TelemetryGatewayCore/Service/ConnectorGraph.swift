import TelemetryYAML
import TelemetryOTLPData

/// How connectors join pipelines, checked when the configuration is loaded as the Collector checks it:
/// a connector is the exporter of some pipelines and the receiver of others, each side with a signal
/// pair it supports; the pipelines its settings name list it among their receivers; and no pipeline
/// feeds itself through connectors.
struct ConnectorGraph {
    /// The pipelines, each after every pipeline that feeds it through a connector (file order otherwise).
    let ordered: [GatewayConfiguration.Pipeline]
    /// The pipelines each pipeline feeds through a connector, with the connector.
    private let edges: [ComponentID: [(connector: ComponentID, pipeline: ComponentID)]]

    /// Checks `pipelines` against `connectors`.
    ///
    /// - Throws: `ConfigError` at the pipeline or key at fault.
    init(pipelines: [GatewayConfiguration.Pipeline], connectors: [ComponentID: (ConnectorDefinition, ConfigNode)]) throws(ConfigError) {
        var edges: [ComponentID: [(connector: ComponentID, pipeline: ComponentID)]] = [:]
        for pipeline in pipelines {
            for connector in pipeline.exporters {
                guard let (definition, _) = connectors[connector] else { continue }
                let fed = pipelines.filter { $0.receivers.contains(connector) && definition.pairs.contains(SignalPair(pipeline.signal, $0.signal)) }
                guard !fed.isEmpty else {
                    throw pipeline.source.error(
                        "connector \(connector) is used as an exporter of \(pipeline.signal.rawValue) pipeline \(pipeline.id) but as the receiver of no pipeline it can feed from there (it connects \(Self.pairs(definition)))")
                }
                edges[pipeline.id, default: []] += fed.map { (connector, $0.id) }
            }
            for connector in pipeline.receivers {
                guard let (definition, _) = connectors[connector] else { continue }
                guard pipelines.contains(where: { $0.exporters.contains(connector) && definition.pairs.contains(SignalPair($0.signal, pipeline.signal)) })
                else {
                    throw pipeline.source.error(
                        "connector \(connector) is used as a receiver of \(pipeline.signal.rawValue) pipeline \(pipeline.id) but as the exporter of no pipeline it can take from (it connects \(Self.pairs(definition)))")
                }
            }
        }
        for (connector, (definition, _)) in connectors {
            for (named, source) in definition.namedPipelines {
                guard let target = pipelines.first(where: { $0.id == named }) else {
                    throw source.error("pipeline \(named) is not defined in service.pipelines")
                }
                guard target.receivers.contains(connector) else {
                    throw source.error("pipeline \(named) does not list connector \(connector) among its receivers")
                }
            }
        }
        self.edges = edges
        ordered = try Self.upstreamFirst(pipelines, edges: edges)
    }

    /// Kahn's order: a pipeline comes once every pipeline feeding it came; what is left is a cycle.
    private static func upstreamFirst(
        _ pipelines: [GatewayConfiguration.Pipeline], edges: [ComponentID: [(connector: ComponentID, pipeline: ComponentID)]]
    ) throws(ConfigError) -> [GatewayConfiguration.Pipeline] {
        var feeders: [ComponentID: Int] = [:]
        for targets in edges.values { for target in targets { feeders[target.pipeline, default: 0] += 1 } }
        var ordered: [GatewayConfiguration.Pipeline] = []
        var placed: Set<ComponentID> = []
        var progress = true
        while progress {
            progress = false
            for pipeline in pipelines where !placed.contains(pipeline.id) && feeders[pipeline.id, default: 0] == 0 {
                ordered.append(pipeline)
                placed.insert(pipeline.id)
                progress = true
                for target in edges[pipeline.id] ?? [] { feeders[target.pipeline, default: 0] -= 1 }
            }
        }
        if let looped = pipelines.first(where: { !placed.contains($0.id) }) {
            let cycle = pipelines.filter { !placed.contains($0.id) }.map(\.id.description).joined(separator: ", ")
            throw looped.source.error("the pipelines \(cycle) feed each other through connectors (a cycle): data would loop forever")
        }
        return ordered
    }

    /// The receivers whose requests can reach `pipeline` as received: its own, and those of the pipelines
    /// that feed it through same-signal connectors, transitively.
    func upstreamReceivers(of pipeline: ComponentID) -> [ComponentID] {
        var found: [ComponentID] = []
        var reached: Set<ComponentID> = [pipeline]
        var changed = true
        while changed {
            changed = false
            for source in ordered where !reached.contains(source.id) {
                let forwardsToReached = (edges[source.id] ?? []).contains { edge in
                    reached.contains(edge.pipeline) && ordered.first(where: { $0.id == edge.pipeline })?.signal == source.signal
                }
                if forwardsToReached {
                    reached.insert(source.id)
                    changed = true
                }
            }
        }
        for source in ordered where reached.contains(source.id) {
            for receiver in source.receivers where !found.contains(receiver) { found.append(receiver) }
        }
        return found
    }

    private static func pairs(_ definition: ConnectorDefinition) -> String {
        definition.pairs.map(\.description).sorted().joined(separator: ", ")
    }
}
