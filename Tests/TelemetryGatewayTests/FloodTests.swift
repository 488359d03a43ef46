import Foundation
import Telemetry
import TelemetryHTTP
import TelemetryTestSupport
import Testing

/// Admission control under a flood: memory stays within the budget plus a constant, clients are told to
/// retry, and a client that retries loses nothing.
@Suite("Gateway: flood")
struct FloodTests {
    /// What the gateway takes beyond its budget: the binary, its threads, allocator slack, and the
    /// requests a client sends before it is answered (measured idle at about 30 MiB).
    static let overheadBytes = 96 << 20

    @Test("Eight clients post 4 MiB requests while the upstream hangs: RSS stays under budget + 96 MiB; retrying SDK clients lose nothing")
    func flood() async throws {
        let intake = try await IntakeServer()
        try await intake.hold(true)
        let budgetMiB = 16
        let gateway = try await GatewayProcess(yaml: """
            receivers:
              otlp:
                protocols:
                  http:
                    endpoint: 127.0.0.1:RECEIVER_PORT
            processors:
              memory_limiter: {check_interval: 1s, limit_mib: \(budgetMiB), spike_limit_mib: 4}
              batch: {timeout: 100ms}
            exporters:
              otlphttp:
                endpoint: \(intake.endpoint)
                timeout: 60s
                sending_queue: {max_bytes: 1073741824}
            service:
              pipelines:
                traces: {receivers: [otlp], processors: [memory_limiter, batch], exporters: [otlphttp]}
              telemetry: {metrics: {address: "127.0.0.1:TELEMETRY_PORT"}}
            """)
        var generator = SystemRandomNumberGenerator()
        var big: [UInt8] = []
        while big.count < 4 << 20 { big += try OTLPRequests.traces(count: 500, spansPerTrace: 4, using: &generator) }
        let body = big
        let url = "\(gateway.url)/v1/traces"
        let statuses = LockedStatuses()
        // Until the budget has pushed back a few times (bounded: a busy machine takes longer to fill it).
        let deadline = Date().addingTimeInterval(30)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    guard let client = try? HTTPClient() else { return }
                    while Date() < deadline, statuses.count(429) < 8 {
                        let response = try? client.send(HTTPRequest(
                            url: url, headers: [(name: "Content-Type", value: "application/x-protobuf")], body: body, timeout: .seconds(30)))
                        statuses.add(response?.status ?? 0)
                    }
                }
            }
        }
        let peak = gateway.peakResidentBytes()
        #expect(statuses.count(429) > 0, "the budget never pushed back: \(statuses.summary)")
        #expect(peak < (budgetMiB << 20) + Self.overheadBytes, "peak RSS \(peak >> 20) MiB with a \(budgetMiB) MiB budget")

        // Now an SDK floods while the upstream still hangs, and the upstream comes back after a while.
        async let released: Void = {
            try? await Task.sleep(for: .seconds(3))
            try? await intake.hold(false)
        }()
        let before = try await intake.acceptedSpans().count
        let output = try TestPeers.runPython("otel_sdk_flood.py", [gateway.url, "4", "2000"], timeout: 180)
        await released
        try #require(output.status == 0, "the SDK failed: \(output.stderr)")
        let sent = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Int])
        #expect(sent["failed_exports"] == 0, "\(sent)")
        let arrived = await waitUntil(timeout: 60) {
            let spans = (try? await intake.acceptedSpans()) ?? []
            return spans.filter { DecodedSpan.attributes($0.resource)["service.name"].map { "\($0)" }?.contains("flood-") == true }.count == 8000
        }
        #expect(arrived, "the SDK's spans did not all arrive (had \(before) before)")
        #expect(gateway.terminate() != nil)
    }
}

/// Statuses seen by the flooding clients.
final class LockedStatuses: @unchecked Sendable {
    // @unchecked: all access is under `lock`.
    private let lock = NSLock()
    private var seen: [Int: Int] = [:]

    func add(_ status: Int) { lock.withLock { seen[status, default: 0] += 1 } }
    func count(_ status: Int) -> Int { lock.withLock { seen[status] ?? 0 } }
    var summary: [Int: Int] { lock.withLock { seen } }
}
