import Foundation
import Logging
import Telemetry
@testable import TelemetryGatewayCore
import TelemetryGatewayTesting
import TelemetryHTTP
import TelemetryOTLPData
import TelemetryTestSupport
import Testing

/// The `loadbalancing` exporter: the ring's key movement, and an endpoint removed while it holds
/// queued spans (real OTLP decoders as endpoints).
@Suite("Load balancing by trace id", .serialized)
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

    @Test("An endpoint removed while its upstream is down: every span it held is routed to the new owners, none lost, traces whole")
    func removalReroutesQueuedSpans() async throws {
        let intakes = [try await IntakeServer(), try await IntakeServer(), try await IntakeServer()]
        let collector = MetricsCollector()
        var settings = OTLPForwardingExporter.Settings(endpoint: "")
        settings.retry = RetryPolicy(maxAttempts: 100, initialBackoff: .milliseconds(20), maxBackoff: .milliseconds(100), multiplier: 2, maxElapsed: .seconds(120))
        settings.timeout = .seconds(2)
        let balancer = LoadBalancingExporter.start(
            name: "loadbalancing", routingKey: .traceID, template: settings, resolver: .fixed(intakes.map(\.endpoint)),
            selfMetrics: collector, logger: Logger(label: "test"))
        var batch = BatchSettings()
        batch.timeout = .milliseconds(20)
        let consumer = try balancer.consumer(for: .traces, batch: batch)
        intakes[2].stop()

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
        #expect(byTrace.count == traces.count, "every trace arrived")
        #expect(byTrace.values.allSatisfy { $0.count == 2 && Set($0).count == 1 }, "whole, at one endpoint, once")
        let rerouted = collector.collectAll().families.first { $0.name == "telemetry_loadbalancer_rerouted_items_total" }?.points.first
        if case .counter(let value)? = rerouted?.value { #expect(Int(value) == heldByRemoved.count * 2) } else { Issue.record("no rerouted counter") }
        #expect(balancer.endpoints == [intakes[0].endpoint, intakes[1].endpoint].sorted())
        #expect(balancer.shutdown(deadlineNanos: WallClock.monotonicNanos() + 5_000_000_000))
    }
}
