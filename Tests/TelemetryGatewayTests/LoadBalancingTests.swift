import Foundation
import Logging
import Telemetry
@testable import TelemetryGatewayCore
import TelemetryGatewayTesting
import TelemetryHTTP
import TelemetryOTLPData
import TelemetryTestSupport
import Testing

/// The `loadbalancing` exporter: the ring's key movement, an endpoint removed while it holds queued
/// spans, routing by service, endpoints from DNS (real OTLP decoders as endpoints).
@Suite("Load balancing: ring, removal, service routing, DNS", .serialized)
struct LoadBalancingTests {
    @Test("Each of N endpoints owns about 1/N of the trace ids; adding a fourth moves about 1/4, removing one of three moves only its own third")
    func ringMovement() {
        let three = ConsistentHashRing(endpoints: ["http://a:4318", "http://b:4318", "http://c:4318"])
        let four = ConsistentHashRing(endpoints: three.endpoints + ["http://d:4318"])
        let two = ConsistentHashRing(endpoints: ["http://a:4318", "http://b:4318"])
        let keys = (0..<100_000).map { _ in ConsistentHashRing.key(TraceID.random()) }
        let owners = keys.map { three.owner(of: $0) }
        for endpoint in three.endpoints {
            let share = Double(owners.filter { $0 == endpoint }.count) / Double(keys.count)
            #expect((0.25...0.42).contains(share), "\(endpoint) owns \(share)")
        }
        let movedByAdding = zip(keys, owners).filter { four.owner(of: $0) != $1 }
        #expect((0.18...0.32).contains(Double(movedByAdding.count) / Double(keys.count)))
        #expect(movedByAdding.allSatisfy { four.owner(of: $0.0) == "http://d:4318" }, "keys move only to the new endpoint")
        let movedByRemoving = zip(keys, owners).filter { two.owner(of: $0) != $1 }
        #expect(movedByRemoving.allSatisfy { $0.1 == "http://c:4318" }, "only the removed endpoint's keys move")
        #expect((0.25...0.42).contains(Double(movedByRemoving.count) / Double(keys.count)))
        #expect(ConsistentHashRing(endpoints: three.endpoints.reversed()).owner(of: keys[0]) == owners[0], "order of the list does not matter")
    }

    @Test("An endpoint removed while its upstream refuses: every span it held (queued or in flight) is routed to the new owners, none lost, traces whole")
    func removalReroutesQueuedSpans() async throws {
        let intakes = [try await IntakeServer(), try await IntakeServer(), try await IntakeServer()]
        let collector = MetricsCollector()
        var settings = OTLPExporterSettings(endpoint: "")
        settings.retry = RetryPolicy(maxAttempts: 100, initialBackoff: .milliseconds(20), maxBackoff: .milliseconds(100), multiplier: 2, maxElapsed: .seconds(120))
        settings.timeout = .seconds(2)
        let balancer = LoadBalancingExporter.start(
            name: "loadbalancing", routingKey: .traceID, template: settings, resolver: .fixed(intakes.map(\.endpoint)),
            budget: MemoryBudget(limitBytes: 256 << 20), selfMetrics: collector, logger: Logger(label: "test"))
        var batch = BatchSettings()
        batch.timeout = .milliseconds(20)
        let consumer = try balancer.consumer(for: .traces, batch: batch)
        // The third endpoint refuses everything (retryably), so its queue holds and retries; its port
        // stays taken, so no other server can answer in its place.
        try await intakes[2].script(Array(repeating: ["status": 503], count: 1000))

        var traces: [TraceID] = []
        for _ in 0..<20 {
            var entries: [(trace: TraceID, name: String, root: Bool, traceState: String)] = []
            for _ in 0..<50 {
                let trace = TraceID.random()
                traces.append(trace)
                entries += [(trace, "root", true, ""), (trace, "child", false, "")]
            }
            try consumer.consume(PipelineItem(payload: try OTLPPayload(validating: OTLPRequests.spans(entries), signal: .traces, limits: DecodeLimits())))
        }
        let removedEndpoint = intakes[2].endpoint
        let ring = ConsistentHashRing(endpoints: intakes.map(\.endpoint))
        let heldByRemoved = traces.filter { ring.owner(of: ConsistentHashRing.key($0)) == removedEndpoint }
        #expect((200...470).contains(heldByRemoved.count), "about a third of 1000 traces: \(heldByRemoved.count)")
        try await Task.sleep(for: .milliseconds(300))
        balancer.update(endpoints: [intakes[0].endpoint, intakes[1].endpoint])

        let delivered = await waitUntil(timeout: 30) {
            var total = 0
            for intake in intakes.prefix(2) { total += ((try? await intake.acceptedSpans()) ?? []).count }
            return total >= traces.count * 2
        }
        #expect(delivered)
        var byTrace: [String: [Int]] = [:]
        for (index, intake) in intakes.prefix(2).enumerated() {
            for span in try await intake.acceptedSpans() { byTrace[span.string("trace_id") ?? "", default: []].append(index) }
        }
        #expect(try await intakes[2].acceptedSpans().isEmpty, "the removed endpoint took nothing")
        #expect(byTrace.count == traces.count, "every trace arrived")
        #expect(byTrace.values.allSatisfy { $0.count == 2 && Set($0).count == 1 }, "whole, at one endpoint, once")
        let rerouted = collector.collectAll().families.first { $0.name == "telemetry_loadbalancer_rerouted_items_total" }?.points.first
        if case .counter(let value)? = rerouted?.value { #expect(Int(value) == heldByRemoved.count * 2) } else { Issue.record("no rerouted counter") }
        #expect(balancer.endpoints == [intakes[0].endpoint, intakes[1].endpoint].sorted())
        #expect(balancer.shutdown(deadlineNanos: WallClock.monotonicNanos() + 5_000_000_000))
    }

    @Test("routing_key service: every service's metrics (and spans) land at the one endpoint owning the service, requests of several services split")
    func routingByService() async throws {
        let intakes = [try await IntakeServer(), try await IntakeServer(), try await IntakeServer()]
        for signal in [OTLPSignal.metrics, .traces] {
            let balancer = LoadBalancingExporter.start(
                name: "loadbalancing", routingKey: .service, template: OTLPExporterSettings(endpoint: ""),
                resolver: .fixed(intakes.map(\.endpoint)), budget: MemoryBudget(limitBytes: 256 << 20), selfMetrics: MetricsCollector(), logger: Logger(label: "test"))
            var batch = BatchSettings()
            batch.timeout = .milliseconds(20)
            let consumer = try balancer.consumer(for: signal, batch: batch)
            let services = (0..<12).map { "service-\($0)" }
            for pair in stride(from: 0, to: services.count, by: 2) {
                let parts = try services[pair...(pair + 1)].map { service in try Self.request(signal, service: service) }
                try consumer.consume(PipelineItem(payload: OTLPPayload.joined(parts)))
            }
            #expect(balancer.shutdown(deadlineNanos: WallClock.monotonicNanos() + 10_000_000_000))
        }
        let ring = ConsistentHashRing(endpoints: intakes.map(\.endpoint))
        var seen = Set<String>()
        for intake in intakes {
            let metricServices = try await intake.acceptedMetrics().compactMap { Self.service($0.resource) }
            let spanServices = try await intake.acceptedSpans().compactMap { Self.service($0.resource) }
            for service in metricServices + spanServices {
                #expect(ring.owner(of: ConsistentHashRing.key(service)) == intake.endpoint, "\(service) at \(intake.endpoint)")
                seen.insert(service)
            }
        }
        #expect(seen.count == 12, "every service arrived: \(seen.sorted())")
    }

    @Test("resolver dns: the addresses a name resolves to become the endpoints (numeric and localhost)")
    func dnsResolution() async throws {
        #expect(EndpointResolver.resolve("127.0.0.1", port: 4318) == ["http://127.0.0.1:4318"])
        #expect(EndpointResolver.resolve("localhost", port: 9)?.contains("http://127.0.0.1:9") == true)
        #expect(EndpointResolver.resolve("no-such-host.invalid", port: 9) == nil)
        let intake = try await IntakeServer()
        let balancer = LoadBalancingExporter.start(
            name: "loadbalancing", routingKey: .traceID, template: OTLPExporterSettings(endpoint: ""),
            resolver: .dns(hostname: "127.0.0.1", port: intake.port, interval: .milliseconds(100)),
            budget: MemoryBudget(limitBytes: 256 << 20), selfMetrics: MetricsCollector(),
            logger: Logger(label: "test"))
        #expect(balancer.endpoints == [intake.endpoint])
        let consumer = try balancer.consumer(for: .traces, batch: BatchSettings())
        try consumer.consume(PipelineItem(payload: try Self.request(.traces, service: "dns")))
        #expect(balancer.shutdown(deadlineNanos: WallClock.monotonicNanos() + 10_000_000_000))
        #expect(try await intake.acceptedSpans().count == 1)
    }

    /// A request of `signal` from `service`: one counter, or one span.
    static func request(_ signal: OTLPSignal, service: String) throws -> OTLPPayload {
        let resource = Resource(serviceName: service)
        let bytes: [UInt8]
        if signal == .metrics {
            let collector = MetricsCollector()
            try collector.counter("orders_total", help: "Orders").inc()
            bytes = OTLPMetricsEncoder(resource: resource).encode(collector.collectAll())
        } else {
            let span = SpanData(
                name: "work", context: SpanContext(traceID: .random(), spanID: .random()), parent: nil, kind: .server, startTimeNanos: 1,
                endTimeNanos: 2)
            bytes = OTLPTraceEncoder(resource: resource).encode([span])
        }
        return try OTLPPayload(validating: bytes, signal: signal, limits: DecodeLimits())
    }

    /// The `service.name` of a decoded resource.
    static func service(_ resource: [String: Any]) -> String? {
        DecodedSpan.attributes(resource)["service.name"]?["string_value"] as? String
    }
}

/// A load balancer's endpoints and routes stay bounded whatever DNS answers.
@Suite("loadbalancing: bounded endpoints")
struct LoadBalancingBoundsTests {
    @Test("A name resolving to 1,000 addresses uses the first 256; endpoints that come and go are shut down, re-routed items charged again")
    func boundedEndpoints() throws {
        let budget = MemoryBudget(limitBytes: 64 << 20)
        let balancer = LoadBalancingExporter(
            name: "loadbalancing", routingKey: .traceID, template: OTLPExporterSettings(endpoint: ""), budget: budget,
            selfMetrics: MetricsCollector(), logger: Logger(label: "test"))
        let many = (0..<1000).map { "http://127.0.0.1:\(20_000 + $0)" }
        balancer.update(endpoints: many)
        #expect(balancer.endpoints.count == LoadBalancingExporter.maxEndpoints)
        #expect(Set(balancer.endpoints).isSubset(of: Set(many)))
        for round in 0..<20 {
            balancer.update(endpoints: (0..<8).map { "http://127.0.0.1:\(30_000 + round * 8 + $0)" })
        }
        #expect(balancer.endpoints.count == 8)
        #expect(balancer.shutdown(deadlineNanos: WallClock.monotonicNanos() + 10_000_000_000))
        #expect(budget.usedBytes == 0)
    }
}
