import Logging
import Telemetry
import TelemetryOTLPData

/// `loadbalancing`: routes data to a set of downstream gateways so that each trace (or service) always
/// reaches the same one, which is what tail sampling behind it needs. Spans are routed by trace id
/// (`routing_key: traceID`, the default) or by their resource's `service.name` (`routing_key: service`);
/// metrics always by service. Endpoints sit on a consistent-hash ring: adding or removing one of N
/// moves about 1/N of the keys. Each endpoint has its own OTLP/HTTP connection and sending queue per
/// signal; when an endpoint leaves the set (DNS re-resolution), what it still holds is routed again to
/// the new owners instead of being lost.
public final class LoadBalancingExporter: GatewayExporter {
    /// What decides the endpoint of a span.
    public enum RoutingKey: String, Sendable {
        /// The trace id.
        case traceID
        /// The resource's `service.name`.
        case service
    }

    private struct State: Sendable {
        var ring = ConsistentHashRing(endpoints: [])
        var routes: [String: EndpointRoute] = [:]
        var batches: [OTLPSignal: BatchSettings] = [:]
    }

    /// The configured name, the `exporter` label of its self-metrics.
    public let name: String
    let routingKey: RoutingKey
    private let template: OTLPForwardingExporter.Settings
    private let selfMetrics: MetricsCollector
    private let logger: Logger
    private let state = LockedValue(State())
    private let metrics: LoadBalancingMetrics
    private let watcher = LockedValue<DNSEndpointWatcher?>(nil)

    init(name: String, routingKey: RoutingKey, template: OTLPForwardingExporter.Settings, selfMetrics: MetricsCollector, logger: Logger) {
        self.name = name
        self.routingKey = routingKey
        self.template = template
        self.selfMetrics = selfMetrics
        self.logger = logger
        metrics = LoadBalancingMetrics(exporter: name, collector: selfMetrics)
    }

    /// A balancer with its endpoints from `resolver` (resolved now, then kept up to date for DNS).
    static func start(
        name: String, routingKey: RoutingKey, template: OTLPForwardingExporter.Settings, resolver: EndpointResolver,
        selfMetrics: MetricsCollector, logger: Logger
    ) -> LoadBalancingExporter {
        let balancer = LoadBalancingExporter(name: name, routingKey: routingKey, template: template, selfMetrics: selfMetrics, logger: logger)
        switch resolver {
        case .fixed(let endpoints):
            balancer.update(endpoints: endpoints)
        case .dns(let hostname, let port, let interval):
            let watcher = DNSEndpointWatcher(hostname: hostname, port: port, interval: interval, balancer: balancer, logger: logger)
            balancer.watcher.withLock { $0 = watcher }
        }
        return balancer
    }

    public var signals: Set<OTLPSignal> { [.traces, .metrics] }

    /// The endpoints in the ring now.
    var endpoints: [String] { state.withLock { $0.ring.endpoints } }

    public func consumer(for signal: OTLPSignal, batch: BatchSettings) throws(GatewayError) -> any PayloadConsumer {
        state.withLock { $0.batches[signal] = batch }
        return Consumer(balancer: self, signal: signal)
    }

    /// Sets the endpoints: new ones get a route, removed ones hand what they hold to the new owners.
    func update(endpoints: [String]) {
        let ring = ConsistentHashRing(endpoints: endpoints)
        let removed = state.withLock { state -> [EndpointRoute] in
            guard state.ring.endpoints != ring.endpoints else { return [] }
            state.ring = ring
            for endpoint in ring.endpoints where state.routes[endpoint] == nil {
                state.routes[endpoint] = EndpointRoute(
                    endpoint: endpoint, balancer: name, settings: template, selfMetrics: selfMetrics, logger: logger)
            }
            let gone = state.routes.keys.filter { !ring.endpoints.contains($0) }
            return gone.compactMap { state.routes.removeValue(forKey: $0) }
        }
        metrics.endpoints(ring.endpoints.count)
        if !removed.isEmpty || ring.endpoints.isEmpty {
            logger.info("loadbalancing endpoints changed", metadata: ["exporter": "\(name)", "endpoints": "\(ring.endpoints)"])
        }
        for route in removed {
            for (signal, items) in route.remove() { reroute(signal, items.map(\.payload)) }
            // The route's workers end once their batch in flight is done (its send re-routes it).
            _ = WorkerThread { _ = route.shutdown(deadlineNanos: WallClock.monotonicNanos().addingSaturated(30_000_000_000)) }
        }
    }

    /// Routes `payloads` again (from a removed endpoint); what the new owners refuse is counted there.
    private func reroute(_ signal: OTLPSignal, _ payloads: [OTLPPayload]) {
        for payload in payloads {
            metrics.rerouted(payload.itemCount, signal: signal)
            do throws(Refusal) {
                try route(PipelineItem(payload: payload), signal: signal)
            } catch {
                error.overruled()
            }
        }
    }

    /// Splits `item` by routing key and hands each part to its endpoint's queue. When a queue refuses,
    /// the whole request is refused (the client sends it again; parts other queues took arrive twice).
    func route(_ item: PipelineItem, signal: OTLPSignal) throws(Refusal) {
        let parts = try split(item.payload, signal: signal)
        let (targets, batch) = state.withLock { state in
            (parts.map { part in state.ring.owner(of: part.key).flatMap { state.routes[$0] } }, state.batches[signal] ?? BatchSettings())
        }
        var byRoute: [ObjectIdentifier: (route: EndpointRoute, payloads: [OTLPPayload])] = [:]
        for (part, target) in zip(parts, targets) {
            guard let target else {
                throw Refusal.retryLater(reason: "no_endpoints", "exporter \(name) has no endpoints yet; retry later")
            }
            byRoute[ObjectIdentifier(target), default: (target, [])].payloads.append(part.payload)
        }
        var refusal: Refusal?
        for (route, payloads) in byRoute.values {
            guard let queue = route.queue(signal, batch: batch, reroute: { [weak self] payloads in self?.reroute(signal, payloads) }) else {
                // Removed since the ring was read: the client sends again, to the new owner.
                let moved = Refusal.retryLater(reason: "endpoint_removed", "an endpoint of exporter \(name) was just removed; retry")
                refusal = refusal.map { $0.merging(moved) } ?? moved
                continue
            }
            do throws(Refusal) {
                try queue.consume(PipelineItem(payload: OTLPPayload.joined(payloads), lease: item.lease))
            } catch {
                refusal = refusal.map { $0.merging(error) } ?? error
            }
        }
        if let refusal { throw refusal }
    }

    /// The parts of a request and their ring keys.
    private func split(_ payload: OTLPPayload, signal: OTLPSignal) throws(Refusal) -> [(key: UInt64, payload: OTLPPayload)] {
        if signal == .logs { throw Refusal(.invalid, reason: "unsupported", "exporter \(name) does not route logs") }
        do throws(OTLPDecodeError) {
            switch (signal, routingKey) {
            case (.traces, .traceID):
                return try TracesView(payload).splitByTrace().map { (ConsistentHashRing.key($0.traceID), $0.payload) }
            case (.traces, .service):
                return try TracesView(payload).splitByService().map { (ConsistentHashRing.key($0.service), $0.payload) }
            default:
                return try MetricsView(payload).splitByService().map { (ConsistentHashRing.key($0.service), $0.payload) }
            }
        } catch {
            throw Refusal.retryLater(reason: "memory_limit", "the gateway cannot decode the request now; retry later")
        }
    }

    public func shutdown(deadlineNanos: UInt64) -> Bool {
        watcher.withLock { $0 }?.stop()
        let routes = state.withLock { Array($0.routes.values) }
        return ParallelWork.allSucceed(routes) { $0.shutdown(deadlineNanos: deadlineNanos) }
    }

    public func abort() {
        state.withLock { Array($0.routes.values) }.forEach { $0.abort() }
    }

    private struct Consumer: PayloadConsumer {
        let balancer: LoadBalancingExporter
        let signal: OTLPSignal

        func consume(_ item: PipelineItem) throws(Refusal) {
            try balancer.route(item, signal: signal)
        }
    }
}

/// `telemetry_loadbalancer_endpoints` and `telemetry_loadbalancer_rerouted_items_total{signal}`,
/// labelled `exporter` (each endpoint's queue has the usual `telemetry_exporter_*` series, named
/// `<exporter>/<endpoint>`).
struct LoadBalancingMetrics: Sendable {
    private let endpointCount: TelemetryGauge.Series?
    private let reroutedItems: TelemetryCounter
    private let exporter: String

    init(exporter: String, collector: MetricsCollector) {
        self.exporter = exporter
        endpointCount = try? collector.selfMetricGauge(
            "telemetry_loadbalancer_endpoints", help: "Endpoints in the load-balancing ring", labels: ["exporter"]
        ).labels(["exporter": exporter])
        reroutedItems = collector.selfMetricCounter(
            "telemetry_loadbalancer_rerouted_items_total", help: "Items a removed endpoint held, routed again to the new owner",
            labels: ["exporter", "signal"])
    }

    func endpoints(_ count: Int) {
        endpointCount?.set(Double(count))
    }

    func rerouted(_ count: Int, signal: OTLPSignal) {
        reroutedItems.inc(by: Double(count), ["exporter": exporter, "signal": signal.rawValue])
    }
}
