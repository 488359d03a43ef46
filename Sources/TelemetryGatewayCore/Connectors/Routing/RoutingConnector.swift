import Logging
import TelemetryOTLPData
import TelemetryOTTL

/// The `routing` connector (the Collector's `routingconnector`): each request of a pipeline that exports to
/// it goes, whole or cut by resource, span, metric, data point or log record, to the pipelines of the
/// first route of its table that matches; what no route matches goes to `default_pipelines`, or is
/// dropped and counted (`telemetry_gateway_processor_dropped_items_total{processor="routing",reason="no_route"}`).
struct RoutingConnector: GatewayConnector {
    let settings: RoutingSettings
    /// The connector's id (`routing/tenants`), for self-metrics and logs.
    let name: String
    let metrics: GatewaySelfMetrics
    let logger: Logger
    let budget: MemoryBudget

    /// A connector built in `context`.
    init(settings: RoutingSettings, context: BuildContext) {
        self.settings = settings
        name = context.id.description
        metrics = context.metrics
        logger = context.logger
        budget = context.budget
    }

    func consumer(from: OTLPSignal, to: OTLPSignal, outputs: [ComponentID: any PayloadConsumer]) throws(GatewayError) -> any PayloadConsumer {
        guard from == to else { throw GatewayError("\(name): routes \(from.rawValue) to \(from.rawValue) pipelines only, not to \(to.rawValue)") }
        let allowed = OTTLItemWalk.contexts(of: from)
        for route in settings.table {
            if case .data(let context, _) = route.match, !allowed.contains(context) {
                throw GatewayError("\(name): the \(context.rawValue) context of route \"\(route.text)\" does not exist in \(from.rawValue) pipelines")
            }
        }
        // Routes feeding the same pipelines share one output, as the Collector groups by consumer.
        var groups: [Set<ComponentID>] = []
        var consumers: [any PayloadConsumer] = []
        func output(_ pipelines: [ComponentID]) throws(GatewayError) -> Int {
            if let known = groups.firstIndex(of: Set(pipelines)) { return known }
            var heads: [any PayloadConsumer] = []
            for id in pipelines {
                guard let head = outputs[id] else { throw GatewayError("\(name): pipeline \(id) does not list \(name) among its receivers") }
                heads.append(head)
            }
            groups.append(Set(pipelines))
            consumers.append(FanoutConsumer(heads))
            return consumers.count - 1
        }
        var routeOutputs: [Int] = []
        for route in settings.table { routeOutputs.append(try output(route.pipelines)) }
        var defaultOutput: Int?
        if !settings.defaultPipelines.isEmpty { defaultOutput = try output(settings.defaultPipelines) }
        return RoutingConsumer(connector: self, signal: from, routeOutputs: routeOutputs, defaultOutput: defaultOutput, outputs: consumers)
    }
}
