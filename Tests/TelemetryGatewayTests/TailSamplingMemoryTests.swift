import Telemetry
@testable import TelemetryGatewayCore
import TelemetryOTLPData
import Testing

/// `tail_sampling` holds what it buffers and hands on in the gateway's memory budget.
@Suite("tail_sampling: memory in the budget")
struct TailSamplingMemoryTests {
    typealias Span = TailSamplingHarness.Span

    @Test("Buffered traces hold their request's memory in the budget until decided; handed on, it returns")
    func heldUntilDecided() throws {
        let harness = try TailSamplingHarness("{decision_wait: 5s, policies: [{name: all, type: always_sample}]}")
        let traces = (0..<50).map { _ in TraceID.random() }
        try harness.send(traces.map { Span(trace: $0, root: false, attributes: ["pad": .string(String(repeating: "p", count: 200))]) })
        let held = harness.budget.usedBytes
        #expect(held > 50 * 200, "the buffered request holds \(held) bytes in the budget")
        harness.advance(.seconds(6))
        #expect(try harness.keptTraces().count == 50)
        #expect(harness.budget.usedBytes == 0)
    }

    @Test("A request whose decoded form the budget cannot hold is refused retryably, before it is decoded")
    func refusedWhenFull() throws {
        let harness = try TailSamplingHarness("{policies: [{name: all, type: always_sample}]}", budgetBytes: 1 << 20)
        let big = (0..<400).map { _ in Span(trace: .random(), root: false, attributes: ["pad": .string(String(repeating: "p", count: 4000))]) }
        let refusal = #expect(throws: Refusal.self) { try harness.send(big) }
        #expect(refusal?.isRetryable == true && refusal?.reason == "memory_limit")
        #expect(harness.budget.usedBytes == 0)
    }
}
