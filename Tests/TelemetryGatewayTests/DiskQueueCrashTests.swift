import Foundation
import Telemetry
import TelemetryOTLPData
import TelemetryTestSupport
import Testing

/// The gateway process with a disk queue, killed with SIGKILL at random moments while an upstream is
/// down and while it delivers; the official decoder (the Python intake server) sees what arrives.
@Suite("Disk queue: SIGKILL, restarts and damaged files (gateway processes)", .serialized)
struct DiskQueueCrashTests {
    /// Requests per batch of the exporter (the in-flight window is at most one batch).
    static let batchSize = 20

    static func yaml(upstream: String) -> String {
        """
        receivers:
          otlp:
            protocols:
              http:
                endpoint: 127.0.0.1:RECEIVER_PORT
        processors:
          batch: {send_batch_size: \(batchSize), timeout: 20ms}
        exporters:
          otlphttp:
            endpoint: \(upstream)
            timeout: 2s
            retry_on_failure: {initial_interval: 20ms, max_interval: 200ms}
            sending_queue: {storage: disk, directory: STATE_DIR/queue, fsync: always, segment_bytes: 16384}
        service:
          pipelines:
            traces: {receivers: [otlp], processors: [batch], exporters: [otlphttp]}
          telemetry: {metrics: {address: "127.0.0.1:TELEMETRY_PORT"}}
        """
    }

    /// A request with one span named `request-<number>`.
    static func request(_ number: Int) -> [UInt8] {
        OTLPRequests.spans([(trace: TraceID.random(), name: "request-\(number)", root: true, traceState: "")])
    }

    /// Posts request `number`; whether the gateway answered 200.
    static func send(_ number: Int, to gateway: GatewayProcess) -> Bool {
        (try? OTLPRequests.post(request(number), to: "\(gateway.url)/v1/traces").status) == 200
    }

    /// A self-metric of the exporter's traces queue, from the gateway's telemetry endpoint.
    static func selfMetric(_ name: String, _ gateway: GatewayProcess, extra: String? = nil) async throws -> Double? {
        let body: Data
        do {
            body = try await httpRequest("http://127.0.0.1:\(gateway.telemetryPort)/metrics", timeout: 5).body
        } catch {
            // Once seen refused right after a restart although the listener binds before the receivers:
            // keep the gateway's log with the failure.
            throw TestPeerError("self-metrics unreachable (\(error)); running: \(gateway.isRunning); log:\n\(gateway.logText())")
        }
        let text = String(decoding: body, as: UTF8.self)
        let line = text.split(separator: "\n").first { line in
            line.hasPrefix(name + "{") && line.contains("exporter=\"otlphttp\"") && line.contains("signal=\"traces\"")
                && (extra.map { line.contains($0) } ?? true)
        }
        return line.flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    /// The request numbers in the order their spans arrived upstream (duplicates included).
    static func delivered(_ intake: IntakeServer) async throws -> [Int] {
        try await intake.acceptedSpans().compactMap { span in
            span.string("name").flatMap { Int($0.dropFirst("request-".count)) }
        }
    }

    /// Sends numbered requests one after another until stopped; records which were answered 200.
    final class LoadGenerator: @unchecked Sendable {
        // @unchecked: the state is behind the lock.
        private let state = LockedValue((next: 0, acknowledged: [Int](), stopped: false))
        private let thread: Thread

        init(gateway: GatewayProcess, startingAt first: Int) {
            state.withLock { $0.next = first }
            let state = self.state
            thread = Thread {
                while true {
                    let number = state.withLock { $0.stopped ? nil : $0.next }
                    guard let number else { return }
                    let ok = DiskQueueCrashTests.send(number, to: gateway)
                    state.withLock {
                        $0.next += 1
                        if ok { $0.acknowledged.append(number) }
                    }
                    if !ok { usleep(5_000) }
                }
            }
            thread.start()
        }

        /// Stops sending and returns the numbers answered 200 and the next number.
        func stop() async -> (acknowledged: [Int], next: Int) {
            state.withLock { $0.stopped = true }
            while !thread.isFinished { try? await Task.sleep(for: .milliseconds(10)) }
            return state.withLock { ($0.acknowledged, $0.next) }
        }
    }

    /// Kills the gateway at a random moment `count` times; one kill in three also kills the next start
    /// during its recovery. Every start must become healthy (no crash loop). Returns the kills during recovery.
    static func killRepeatedly(_ gateway: GatewayProcess, count: Int) async throws -> Int {
        var duringRecovery = 0
        for _ in 0..<count {
            try await Task.sleep(for: .milliseconds(Int.random(in: 50...350)))
            gateway.kill()
            if Int.random(in: 0..<3) == 0 {
                try await gateway.start(waitUntilReady: false)
                try await Task.sleep(for: .milliseconds(Int.random(in: 0...40)))
                gateway.kill()
                duringRecovery += 1
            }
            try await gateway.start()
        }
        return duringRecovery
    }

    @Test("SIGKILL at random moments while the upstream is down and while it delivers: every acknowledged request arrives, in order, duplicates only within the in-flight window, accounting exact")
    func randomKills() async throws {
        let kills = Int(ProcessInfo.processInfo.environment["DISK_QUEUE_CRASH_KILLS"] ?? "") ?? 8
        let intake = try await IntakeServer()
        intake.stop()
        let gateway = try await GatewayProcess(yaml: Self.yaml(upstream: intake.endpoint), shutdownTimeout: 2)

        // Exact depth after a kill: 150 acknowledged requests, nothing delivered.
        var acknowledged = (0..<150).filter { Self.send($0, to: gateway) }
        #expect(acknowledged.count == 150)
        gateway.kill()
        try await gateway.start()
        #expect(try await Self.selfMetric("telemetry_exporter_disk_queue_records", gateway) == 150)
        #expect(try await Self.selfMetric("telemetry_exporter_queue_size", gateway) ?? 0 > 0)

        // Kills while the upstream is down, then while it delivers (acknowledgements, segment deletion).
        let downLoad = LoadGenerator(gateway: gateway, startingAt: 150)
        var duringRecovery = try await Self.killRepeatedly(gateway, count: kills / 2)
        let down = await downLoad.stop()
        acknowledged += down.acknowledged
        try await intake.start()
        let upLoad = LoadGenerator(gateway: gateway, startingAt: down.next)
        duringRecovery += try await Self.killRepeatedly(gateway, count: kills - kills / 2)
        let up = await upLoad.stop()
        acknowledged += up.acknowledged

        let expected = Set(acknowledged)
        let arrived = await waitUntil(timeout: 60) { Set((try? await Self.delivered(intake)) ?? []).isSuperset(of: expected) }
        let delivered = try await Self.delivered(intake)
        #expect(arrived, "missing: \(expected.subtracting(delivered).sorted().prefix(20))")
        var seen = Set<Int>()
        let firstArrivals = delivered.filter { seen.insert($0).inserted }
        #expect(firstArrivals == firstArrivals.sorted(), "first arrivals out of order")
        let duplicates = delivered.count - seen.count
        #expect(duplicates <= kills * 2 * Self.batchSize, "\(duplicates) duplicates after \(kills) kills")
        #expect(seen.isSubset(of: Set(0..<up.next)), "only requests that were sent arrive")
        #expect(try await waitUntil(timeout: 10) { try await Self.selfMetric("telemetry_exporter_disk_queue_records", gateway) == 0 })
        #expect(try await Self.selfMetric("telemetry_exporter_disk_queue_bytes", gateway) == 0)
        #expect(try await Self.selfMetric("telemetry_exporter_disk_queue_file_bytes", gateway) == 0)
        print("disk queue crash test: \(kills) kills (\(duringRecovery) more during recovery), \(up.next) requests sent, \(acknowledged.count) acknowledged, \(seen.count) distinct delivered, \(duplicates) duplicates")
        #expect(gateway.terminate() == 0)
    }

    @Test("Bytes flipped in one segment and the last segment truncated between runs: startup succeeds, each damage is counted and quarantined, everything else is delivered in order")
    func damagedSegments() async throws {
        let intake = try await IntakeServer()
        intake.stop()
        let gateway = try await GatewayProcess(yaml: Self.yaml(upstream: intake.endpoint), shutdownTimeout: 2)
        #expect((0..<200).allSatisfy { Self.send($0, to: gateway) })
        gateway.kill()

        let queue = gateway.folder.appendingPathComponent("state/queue/otlphttp/traces").path
        let segments = try FileManager.default.contentsOfDirectory(atPath: queue).filter { $0.hasSuffix(".seg") }.sorted()
            .map { queue + "/" + $0 }
        try #require(segments.count >= 3, "200 requests fill several 16 KiB segments")
        // One byte flipped in the middle of the first segment: the record holding it is lost, no other.
        let first = try FileHandle(forUpdating: URL(fileURLWithPath: segments[0]))
        let middle = try first.seekToEnd() / 2
        try first.seek(toOffset: middle)
        let byte = try #require(try first.read(upToCount: 1)?.first)
        try first.seek(toOffset: middle)
        try first.write(contentsOf: [byte ^ 0x5A])
        try first.close()
        // The last segment cut in the middle of its last record, as a power loss leaves it.
        let last = try FileHandle(forUpdating: URL(fileURLWithPath: segments[segments.count - 1]))
        try last.truncate(atOffset: try last.seekToEnd() - 7)
        try last.close()

        try await gateway.start()
        #expect(try await Self.selfMetric("telemetry_exporter_disk_queue_corruption_events_total", gateway, extra: "kind=\"corrupt_range\"") == 1)
        #expect(try await Self.selfMetric("telemetry_exporter_disk_queue_corruption_events_total", gateway, extra: "kind=\"torn_tail\"") == 1)
        #expect(try await Self.selfMetric("telemetry_exporter_disk_queue_records", gateway) == 198)
        try await intake.start()
        let arrived = await waitUntil(timeout: 30) { (try? await Self.delivered(intake))?.count == 198 }
        let delivered = try await Self.delivered(intake)
        #expect(arrived, "\(delivered.count) of 198 arrived")
        #expect(delivered == delivered.sorted() && Set(delivered).count == delivered.count, "in order, once")
        #expect(!delivered.contains(199), "the torn last record is not delivered")
        let quarantined = try FileManager.default.contentsOfDirectory(atPath: queue + "/quarantine")
        #expect(quarantined.count == 2, "\(quarantined)")
        #expect(gateway.logText().contains("was damaged"))

        // The next start finds nothing more to repair.
        gateway.kill()
        try await gateway.start()
        #expect(try await Self.selfMetric("telemetry_exporter_disk_queue_corruption_events_total", gateway, extra: "kind=\"corrupt_range\"") ?? 0 == 0)
        #expect(try await Self.selfMetric("telemetry_exporter_disk_queue_records", gateway) == 0)
        #expect(try await Self.delivered(intake).count == 198)
        #expect(gateway.terminate() == 0)
    }
}
