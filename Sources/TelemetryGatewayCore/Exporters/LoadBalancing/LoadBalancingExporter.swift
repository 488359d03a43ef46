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
    private let template: OTLPExporterSettings
    private let selfMetrics: MetricsCollector
    private let logger: Logger
    private let state = LockedValue(State())
    private let metrics: LoadBalancingMetrics
    private let watcher = LockedValue<DNSEndpointWatcher?>(nil)
    private let budget: MemoryBudget
    private let retirement = RouteRetirement()

    /// The most endpoints in the ring: each has its own connection and a worker thread per signal, so a
    /// name that resolves to very many addresses is cut here (in sorted order, and logged).
    static let maxEndpoints = 256

    init(
        name: String, routingKey: RoutingKey, template: OTLPExporterSettings, budget: MemoryBudget, selfMetrics: MetricsCollector,
        logger: Logger
    ) {
        self.name = name
        self.budget = budget
        self.routingKey = routingKey
        self.template = template
        self.selfMetrics = selfMetrics
        self.logger = logger
        metrics = LoadBalancingMetrics(exporter: name, collector: selfMetrics)
    }

    /// A balancer with its endpoints from `resolver` (resolved now, then kept up to date for DNS).
    static func start(
        name: String, routingKey: RoutingKey, template: OTLPExporterSettings, resolver: EndpointResolver, budget: MemoryBudget,
        selfMetrics: MetricsCollector, logger: Logger
    ) -> LoadBalancingExporter {
        let balancer = LoadBalancingExporter(
            name: name, routingKey: routingKey, template: template, budget: budget, selfMetrics: selfMetrics, logger: logger)
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
        if endpoints.count > Self.maxEndpoints {
            logger.warning(
                "loadbalancing: \(endpoints.count) endpoints; using the first \(Self.maxEndpoints)", metadata: ["exporter": "\(name)"])
        }
        let ring = ConsistentHashRing(endpoints: Array(endpoints.sorted().prefix(Self.maxEndpoints)))
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
            for (signal, items) in route.remove() { reroute(signal, items) }
            // The route's workers end once their batch in flight is done (its send re-routes it).
            retirement.retire(route)
        }
    }

    /// Routes `items` again (from a removed endpoint), each part reserved anew in the budget; what the new
    /// owners refuse is counted there.
    private func reroute(_ signal: OTLPSignal, _ items: [PipelineItem]) {
        for item in items {
            metrics.rerouted(item.itemCount, signal: signal)
            do throws(Refusal) {
                try route(item, signal: signal)
            } catch {
                error.overruled()
            }
        }
    }

    /// Routes again what a removed endpoint's send could not deliver, with its request metadata.
    private func reroute(_ signal: OTLPSignal, _ payloads: [OTLPPayload], metadata: RequestMetadata) {
        reroute(signal, payloads.map { PipelineItem(payload: $0, metadata: metadata) })
    }

    /// Splits `item` by routing key and hands each part to its endpoint's queue. When a queue refuses,
    /// the whole request is refused (the client sends it again; parts other queues took arrive twice).
    ///
    /// Every part queued holds memory of its own in the budget, reserved before it is encoded: a trace
    /// request split by trace id is decoded once (its decoded size reserved while it is routed) and the
    /// traces of each endpoint encoded into one request that writes each shared resource once; parts of a
    /// service split share the request's lease (they add up to the request), or get one when the item
    /// came without (re-routed from a removed endpoint).
    func route(_ item: PipelineItem, signal: OTLPSignal) throws(Refusal) {
        let (ring, routes, batch) = state.withLock { ($0.ring, $0.routes, $0.batches[signal] ?? BatchSettings()) }
        func target(_ key: UInt64) throws(Refusal) -> EndpointRoute {
            guard let target = ring.owner(of: key).flatMap({ routes[$0] }) else {
                throw Refusal.retryLater(reason: "no_endpoints", "exporter \(name) has no endpoints yet; retry later")
            }
            return target
        }
        var parts: [ObjectIdentifier: (route: EndpointRoute, make: () -> PipelineItem?)] = [:]
        if signal == .traces, routingKey == .traceID {
            let payload = item.payload
            let decoding = payload.decodedBytesEstimate.saturatingSum(payload.itemCount.saturatingProduct(TracesView.splitBytesPerSpan))
            guard let held = budget.reserve(decoding) else { throw memoryRefusal }
            var byRoute: [ObjectIdentifier: (route: EndpointRoute, fragments: [TraceFragment])] = [:]
            let fragments = try decode { () throws(OTLPDecodeError) in try TracesView(payload).splitByTrace(holding: held) }
            for fragment in fragments {
                let route = try target(ConsistentHashRing.key(fragment.traceID))
                byRoute[ObjectIdentifier(route), default: (route, [])].fragments.append(fragment)
            }
            for (id, entry) in byRoute {
                parts[id] = (entry.route, { [budget] in
                    var lease: MemoryLease?
                    let joined = OTLPPayload.joined(
                        entry.fragments,
                        charging: { size in
                            lease = budget.reserve(size + RequestIntake.itemOverhead + item.metadata.textBytes)
                            return lease != nil
                        })
                    return joined.map { PipelineItem(payload: $0, lease: lease, metadata: item.metadata) }
                })
            }
        } else {
            var byRoute: [ObjectIdentifier: (route: EndpointRoute, payloads: [OTLPPayload])] = [:]
            // The request is decoded to split it: its decoded size is reserved while it is.
            guard let decoding = budget.reserve(item.payload.decodedBytesEstimate) else { throw memoryRefusal }
            let split = try withExtendedLifetime(decoding) { () throws(Refusal) in try self.split(item.payload, signal: signal) }
            for part in split {
                let route = try target(part.key)
                byRoute[ObjectIdentifier(route), default: (route, [])].payloads.append(part.payload)
            }
            for (id, entry) in byRoute {
                parts[id] = (entry.route, { [budget] in
                    let joined = OTLPPayload.joined(entry.payloads)
                    guard let lease = item.lease ?? budget.reserve(RequestIntake.heldBytes(joined, item.metadata)) else { return nil }
                    return PipelineItem(payload: joined, lease: lease, metadata: item.metadata)
                })
            }
        }
        var refusal: Refusal?
        for (route, make) in parts.values {
            guard let queue = route.queue(signal, batch: batch, reroute: { [weak self] payloads, metadata in self?.reroute(signal, payloads, metadata: metadata) }) else {
                // Removed since the ring was read: the client sends again, to the new owner.
                let moved = Refusal.retryLater(reason: "endpoint_removed", "an endpoint of exporter \(name) was just removed; retry")
                refusal = refusal.map { $0.merging(moved) } ?? moved
                continue
            }
            do throws(Refusal) {
                guard let part = make() else { throw memoryRefusal }
                try queue.consume(part)
            } catch {
                refusal = refusal.map { $0.merging(error) } ?? error
            }
        }
        if let refusal { throw refusal }
    }

    private var memoryRefusal: Refusal {
        budget.overload.refusal(reason: "memory_limit", "the gateway is at its memory limit; retry later")
    }

    private func decode<T>(_ body: () throws(OTLPDecodeError) -> T) throws(Refusal) -> T {
        do throws(OTLPDecodeError) {
            return try body()
        } catch {
            throw Refusal.retryLater(reason: "memory_limit", "the gateway cannot decode the request now; retry later")
        }
    }

    /// The parts of a request and their ring keys, by service.
    private func split(_ payload: OTLPPayload, signal: OTLPSignal) throws(Refusal) -> [(key: UInt64, payload: OTLPPayload)] {
        if signal == .logs { throw Refusal(.invalid, reason: "unsupported", "exporter \(name) does not route logs") }
        return try decode { () throws(OTLPDecodeError) in
            signal == .traces
                ? try TracesView(payload).splitByService().map { (ConsistentHashRing.key($0.service), $0.payload) }
                : try MetricsView(payload).splitByService().map { (ConsistentHashRing.key($0.service), $0.payload) }
        }
    }

    public func shutdown(deadlineNanos: UInt64) -> Bool {
        watcher.withLock { $0 }?.stop()
        retirement.wait()
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
