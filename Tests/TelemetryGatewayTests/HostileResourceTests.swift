// The hostile-resource suite: one test per item of issue 28, each an attack of a few KB on the wire
// against a `telemetry-gateway` process under `memory_limiter`, asserting that its peak RSS stays within
// the budget + 96 MiB, that a well-behaved client (one OTLP/JSON log record to a debug pipeline, every
// 200 ms; over gRPC too for the gRPC items) is answered within 2 s while the attack runs (200, or 429 from
// admission control, at least one 200; item 6 requires 200 throughout), and the item's own answer. CI
// sizes are smaller than the issue's (the assertions are relative to the budget). Run against today's
// code (3b0d94a, before the fixes) every test fails.
//
// Full-size mode (the issue's shapes against the release build, for the README's table; each test
// prints its figures):
//     swift build -c release --product telemetry-gateway
//     HOSTILE_FULL=1 TELEMETRY_GATEWAY_BINARY=$PWD/.build/release/telemetry-gateway \
//         swift test --filter HostileResourceTests
// (`scripts/hostile-full` does both.)
import Foundation
import TelemetryHTTP
import TelemetryTestSupport
import Testing

@Suite("Gateway: hostile resources (issue 28)", .serialized)
struct HostileResourceTests {
    @Test("Item 1: unauthenticated gRPC streams of gzip bombs, never half-closed, are refused from the headers")
    func grpcStreamsOfGzipBombs() async throws {
        let harness = try await HostileResourceHarness(limitMiB: HostileResourceHarness.standardLimitMiB, yaml: Self.config(
            grpc: ", bearer_token: secret", pipelines: ["traces: {receivers: [otlp], processors: [memory_limiter], exporters: [debug]}"]))
        let streams = HostileResourceHarness.size(ci: 24, full: 150)
        let attack = Collected<String>()
        let report = await harness.run(attackers: 1, seconds: 6) { _, _ in
            attack.add(Self.pythonAttack(
                ["grpc-streams", "127.0.0.1:\(harness.grpcPort)", "--streams", String(streams), "--connections", "4",
                 "--message-bytes", String((20 << 20) - 1024), "--hold", "6", "--token", "secret"], timeout: 60))
        }
        Self.expectBounded(report, "item 1")
        let result = Self.parse(attack.values.first)
        #expect(!result.isEmpty, "item 1: \(attack.values)")
        Self.expectGRPCProbeServed(result, "item 1")
        let codes = (result["attack_codes"] as? [String: Int] ?? [:]).filter { $0.key != "unfinished" }
        // Refused (UNAUTHENTICATED from the headers, or a stream or connection cap), never accepted.
        #expect(!codes.isEmpty && codes["OK"] == nil, "item 1: attack codes \(codes)")
    }

    @Test("Item 2: a repeated singular sub-message (resource × 100k) neither holds a worker nor starves another client", arguments: ["http", "grpc"])
    func repeatedSingularSubMessage(transport: String) async throws {
        let harness = try await HostileResourceHarness(limitMiB: HostileResourceHarness.standardLimitMiB, yaml: Self.config(
            pipelines: ["metrics: {receivers: [otlp], processors: [memory_limiter], exporters: [debug]}"]))
        let body = HostileShapes.repeatedResource(HostileResourceHarness.size(ci: 100_000, full: 400_000))
        let url = "\(harness.gateway.url)/v1/metrics"
        let answers = Collected<(status: Int, text: String, seconds: TimeInterval)>()
        let grpcReport = Collected<String>()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString)")
        try Data(body).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let report = await harness.run(attackers: transport == "http" ? 2 : 1, seconds: 20) { _, _ in
            if transport == "http" {
                answers.add(HostileHTTP.post(body, to: url, timeout: 20))
            } else {
                grpcReport.add(Self.pythonAttack(
                    ["grpc-calls", "127.0.0.1:\(harness.grpcPort)", "--body", file.path, "--concurrency", "2", "--timeout", "20",
                     "--method", "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export"], timeout: 60))
            }
        }
        Self.expectBounded(report, "item 2 (\(transport))")
        // Linear work on 400 KB answers well within 5 s: accepted (merged linearly), refused naming the rule,
        // or refused by admission control.
        for answer in answers.values {
            #expect([200, 400, 429].contains(answer.status) && answer.seconds <= 5, "item 2: \(answer.status) after \(answer.seconds) s: \(answer.text)")
        }
        if transport == "grpc" {
            let result = Self.parse(grpcReport.values.first)
            #expect(!result.isEmpty, "item 2: \(grpcReport.values)")
            Self.expectGRPCProbeServed(result, "item 2")
            let codes = result["attack_codes"] as? [String: Any] ?? [:]
            let slowest = codes["slowest_seconds"] as? Double ?? .infinity
            #expect(codes.keys.allSatisfy { ["OK", "INVALID_ARGUMENT", "UNAVAILABLE", "slowest_seconds"].contains($0) } && slowest <= 5, "item 2: \(codes)")
        }
    }

    @Test("Item 3: a 1 MiB resource shared by 200 one-span traces is not copied into every piece", arguments: ["tail_sampling", "loadbalancing"])
    func splitSharesTheResource(processor: String) async throws {
        let sinks = [try await StubUpstream(), try await StubUpstream()]
        let yaml =
            processor == "tail_sampling"
            ? Self.config(
                processors: "  tail_sampling: {decision_wait: 1s, policies: [{name: all, type: always_sample}]}",
                pipelines: ["traces: {receivers: [otlp], processors: [memory_limiter, tail_sampling], exporters: [debug]}"])
            : Self.config(
                exporters: """
                  loadbalancing:
                    routing_key: traceID
                    protocol: {otlp: {timeout: 5s, compression: none}}
                    resolver: {static: {hostnames: [\(sinks.map { "127.0.0.1:\($0.port)" }.joined(separator: ", "))]}}
                """,
                pipelines: ["traces: {receivers: [otlp], processors: [memory_limiter], exporters: [loadbalancing]}"])
        let harness = try await HostileResourceHarness(limitMiB: HostileResourceHarness.standardLimitMiB, yaml: yaml)
        let traces = HostileResourceHarness.size(ci: 200, full: processor == "tail_sampling" ? 4_000 : 1_000)
        let body = HostileShapes.traces(
            resourceAttributes: HostileShapes.attribute(1, key: "blob", value: String(repeating: "x", count: 1 << 20)),
            spans: (0..<traces).map { HostileShapes.span(index: $0) })
        let url = "\(harness.gateway.url)/v1/traces"
        let answers = Collected<(status: Int, text: String, seconds: TimeInterval)>()
        let report = await harness.run(attackers: 1, seconds: 10) { _, _ in
            let answer = HostileHTTP.post(body, to: url, timeout: 15)
            answers.add(answer)
            if answer.status != 0 { Thread.sleep(forTimeInterval: 3) }  // the pieces' way through the processor or to the endpoints
        }
        Self.expectBounded(report, "item 3 (\(processor))")
        #expect(answers.values.allSatisfy { [200, 429].contains($0.status) }, "item 3: \(answers.values.map { ($0.status, $0.text) })")
        withExtendedLifetime(sinks) {}
    }

    @Test("Item 4: gzip'd OTLP/JSON of tiny schemaUrl entries is charged for its decoded tree")
    func jsonTreeIsCharged() async throws {
        let harness = try await HostileResourceHarness(limitMiB: HostileResourceHarness.standardLimitMiB, yaml: Self.config(
            pipelines: ["traces: {receivers: [otlp], processors: [memory_limiter], exporters: [debug]}"]))
        let body = HostileShapes.schemaURLJSON(bytes: HostileResourceHarness.size(ci: 4 << 20, full: (20 << 20) - (64 << 10)))
        let url = "\(harness.gateway.url)/v1/traces"
        let answers = Collected<(status: Int, text: String, seconds: TimeInterval)>()
        let report = await harness.run(attackers: 2, seconds: 10) { _, _ in
            answers.add(HostileHTTP.post(body, to: url, contentType: "application/json", timeout: 20))
        }
        Self.expectBounded(report, "item 4")
        #expect(answers.values.allSatisfy { [200, 400, 429].contains($0.status) }, "item 4: \(answers.values.map { ($0.status, $0.text) })")
    }

    @Test("Item 5: millions of non-packed bucket_counts are charged what protobuf-c keeps per element")
    func nonPackedRepeatedScalars() async throws {
        let harness = try await HostileResourceHarness(limitMiB: HostileResourceHarness.size(ci: 128, full: 256), yaml: Self.config(
            http: ", max_request_body_size: 134217728",
            pipelines: ["metrics: {receivers: [otlp], processors: [memory_limiter], exporters: [debug]}"]))
        let body = HostileShapes.nonPackedBuckets(HostileResourceHarness.size(ci: 6_000_000, full: 10_000_000))
        let url = "\(harness.gateway.url)/v1/metrics"
        let answers = Collected<(status: Int, text: String, seconds: TimeInterval)>()
        let report = await harness.run(attackers: 1, seconds: 10) { _, _ in
            answers.add(HostileHTTP.post(body, to: url, timeout: 20))
        }
        Self.expectBounded(report, "item 5")
        #expect(answers.values.allSatisfy { [200, 400, 429].contains($0.status) }, "item 5: \(answers.values.map { ($0.status, $0.text) })")
    }

    @Test("Item 6: 20 connections that send only a head declaring 20 MiB do not lock other clients out")
    func declaredLengthIsNotReserved() async throws {
        let harness = try await HostileResourceHarness(limitMiB: HostileResourceHarness.standardLimitMiB, yaml: Self.config(
            pipelines: ["traces: {receivers: [otlp], processors: [memory_limiter], exporters: [debug]}"]))
        let port = harness.gateway.port
        let report = await harness.run(attackers: 20, seconds: HostileResourceHarness.size(ci: 5, full: 30)) { _, deadline in
            guard let connection = try? RawConnection(port: port) else { return }
            connection.send("POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: 20971520\r\n\r\n")
            Thread.sleep(until: deadline)
        }
        Self.expectBounded(report, "item 6")
        #expect(report.probesAccepted, "item 6: others were refused while the heads held nothing: \(report)")
    }

    @Test("Item 7: the prometheus exporter's store of wide series is bounded by bytes in the budget")
    func prometheusStoreIsCharged() async throws {
        let harness = try await HostileResourceHarness(limitMiB: HostileResourceHarness.standardLimitMiB, yaml: Self.config(
            exporters: "  prometheus: {endpoint: \"127.0.0.1:PROMETHEUS_PORT\"}",
            pipelines: ["metrics: {receivers: [otlp], processors: [memory_limiter], exporters: [prometheus]}"]))
        let requests = HostileResourceHarness.size(ci: 16, full: 40)
        let url = "\(harness.gateway.url)/v1/metrics"
        let answers = Collected<Int>()
        let report = await harness.run(attackers: 2, seconds: 20) { attacker, deadline in
            for request in stride(from: attacker, to: requests, by: 2) where Date() < deadline {
                let body = HostileShapes.wideGauge(name: "g\(request)", series: 2_000, valueBytes: 8 << 10)
                answers.add(HostileHTTP.post(body, to: url, timeout: 20).status)
            }
        }
        Self.expectBounded(report, "item 7")
        #expect(answers.values.allSatisfy { [200, 429].contains($0) }, "item 7: \(answers.values)")
    }

    @Test("Item 8: a tail_sampling regex .*health.* on a 16 KiB attribute runs in linear time")
    func regexIsLinear() async throws {
        let harness = try await HostileResourceHarness(limitMiB: HostileResourceHarness.standardLimitMiB, yaml: Self.config(
            processors: """
              tail_sampling:
                decision_wait: 1s
                policies: [{name: health, type: string_attribute, string_attribute: {key: http.route, values: [".*health.*"], enabled_regex_matching: true}}]
            """,
            pipelines: ["traces: {receivers: [otlp], processors: [memory_limiter, tail_sampling], exporters: [debug]}"]))
        let body = HostileShapes.traces(spans: [HostileShapes.span(
            index: 0, attributes: HostileShapes.attribute(9, key: "http.route", value: String(repeating: "a", count: 16 << 10)))])
        let url = "\(harness.gateway.url)/v1/traces"
        let answers = Collected<(status: Int, text: String, seconds: TimeInterval)>()
        let report = await harness.run(attackers: 2, seconds: 10) { _, _ in
            answers.add(HostileHTTP.post(body, to: url, timeout: 10))
            Thread.sleep(forTimeInterval: 2)  // past decision_wait: the policies run
        }
        Self.expectBounded(report, "item 8")
        #expect(answers.values.allSatisfy { $0.status == 200 && $0.seconds <= 2 }, "item 8: \(answers.values.map { ($0.status, $0.seconds) })")
    }

    @Test("Item 9: a disk-queue record over the read-back limit is refused (at load or on arrival), never 200 and lost")
    func diskQueueRecordOverReadBackLimit() async throws {
        let upstream = try await StubUpstream()
        let yaml = Self.config(
            http: ", max_request_body_size: 1073741824, max_decoded_bytes: 1073741824",
            exporters: """
              otlphttp:
                endpoint: \(upstream.endpoint)
                compression: none
                sending_queue: {storage: disk, directory: STATE_DIR/queue}
            """,
            pipelines: ["traces: {receivers: [otlp], processors: [memory_limiter], exporters: [otlphttp]}"])
        let harness: HostileResourceHarness
        do {
            harness = try await HostileResourceHarness(limitMiB: 1536, yaml: yaml)
        } catch {
            // Refusing the configuration is one of the two allowed answers: it must say which limit.
            #expect("\(error)".contains("max_request_body_size") || "\(error)".contains("256"), "item 9: \(error)")
            return
        }
        // 257 MiB of span attribute: over the 256 MiB a record may have when read back (the body gzip'd, a few hundred KB).
        let body = HostileShapes.traces(spans: [HostileShapes.span(
            index: 0, attributes: HostileShapes.attribute(9, key: "big", value: String(repeating: "x", count: 257 << 20)))])
        let url = "\(harness.gateway.url)/v1/traces"
        let answers = Collected<(status: Int, text: String, seconds: TimeInterval)>()
        let report = await harness.run(attackers: 1, seconds: 20) { _, _ in
            answers.add(HostileHTTP.post(body, to: url, timeout: 60))
        }
        Self.expectBounded(report, "item 9")
        let answer = answers.values.first
        if answer?.status == 200 {
            let delivered = await waitUntil(timeout: 15) { ((try? await upstream.received().bytes) ?? 0) > 256 << 20 }
            let received = try? await upstream.received()
            #expect(delivered, "item 9: answered 200 but never delivered: \(String(describing: received))")
        } else {
            #expect([400, 413, 429].contains(answer?.status ?? 0), "item 9: \(String(describing: answer))")
        }
    }

    @Test("Item 10: a crafted segment file name in the queue folder neither traps nor stops the start",
          arguments: ["18446744073709551615.seg", "+0000000000000000001.seg"])
    func segmentFileNames(name: String) async throws {
        let upstream = try await IntakeServer()
        let harness = try await HostileResourceHarness(limitMiB: HostileResourceHarness.standardLimitMiB, yaml: Self.config(
            exporters: """
              otlphttp:
                endpoint: \(upstream.endpoint)
                compression: none
                sending_queue: {storage: disk, directory: STATE_DIR/queue}
            """,
            pipelines: ["traces: {receivers: [otlp], processors: [memory_limiter], exporters: [otlphttp]}"]))
        let url = "\(harness.gateway.url)/v1/traces"
        let request = HostileShapes.traces(spans: [HostileShapes.span(index: 1)])
        #expect(HostileHTTP.post(request, to: url).status == 200)
        harness.gateway.kill()
        let queueFolder = try #require(Self.segmentFolder(under: harness.gateway.folder), "no segment folder was created")
        _ = FileManager.default.createFile(atPath: queueFolder.appendingPathComponent(name).path, contents: Data())
        try await harness.gateway.start()
        let answers = Collected<Int>()
        let report = await harness.run(attackers: 1, seconds: 8) { _, _ in
            for index in 2...4 {
                answers.add(HostileHTTP.post(HostileShapes.traces(spans: [HostileShapes.span(index: index)]), to: url).status)
                Thread.sleep(forTimeInterval: 1)  // delivered and acknowledged before the next
            }
        }
        Self.expectBounded(report, "item 10 (\(name))")
        #expect(answers.values == [200, 200, 200], "item 10: \(answers.values)")
        // Every span arrives (at least once), and the gateway is still up after acknowledging them.
        let wanted = Set((1...4).map { "ab00000000000000" + String(format: "%016x", $0 + 1) })
        let delivered = await waitUntil(timeout: 10) {
            Set(((try? await upstream.acceptedSpans()) ?? []).compactMap { $0.string("trace_id") }) == wanted
        }
        let received = Dictionary(((try? await upstream.acceptedSpans()) ?? []).compactMap { $0.string("trace_id") }.map { ($0, 1) }, uniquingKeysWith: +)
        #expect(delivered && harness.gateway.isRunning, "item 10: spans delivered per trace \(received), running: \(harness.gateway.isRunning)")
    }

    @Test("Item 11: [otlphttp (disk queue full, when_full: block), debug] answers 429, never 200 for what it drops")
    func blockingQueueWinsOverFanOut() async throws {
        let unreachable = try freeLoopbackPort()
        let harness = try await HostileResourceHarness(limitMiB: HostileResourceHarness.standardLimitMiB, yaml: Self.config(
            exporters: """
              otlphttp:
                endpoint: http://127.0.0.1:\(unreachable)
                compression: none
                sending_queue: {storage: disk, directory: STATE_DIR/queue, max_bytes: 16384, when_full: block}
            """,
            pipelines: ["traces: {receivers: [otlp], processors: [memory_limiter], exporters: [otlphttp, debug]}"]))
        let url = "\(harness.gateway.url)/v1/traces"
        let answers = Collected<Int>()
        let report = await harness.run(attackers: 1, seconds: 10) { _, _ in
            for request in 0..<20 {
                let spans = (0..<10).map { HostileShapes.span(index: request * 10 + $0, attributes: HostileShapes.attribute(9, key: "k", value: String(repeating: "q", count: 150))) }
                answers.add(HostileHTTP.post(HostileShapes.traces(spans: spans), to: url, gzip: false).status)
            }
        }
        Self.expectBounded(report, "item 11")
        let dropped = try await harness.gateway.selfMetric("telemetry_exporter_dropped_items_total", labels: #"reason="queue_full""#) ?? 0
        #expect(answers.values.contains(429) && dropped == 0, "item 11: statuses \(answers.values), \(dropped) items dropped as queue_full")
    }

    @Test("Item 12: an upstream's 4 MiB answer of unknown fields is decoded within the budget")
    func upstreamAnswerIsCharged() async throws {
        let upstream = try await StubUpstream(answerBytes: 4 << 20)
        let harness = try await HostileResourceHarness(limitMiB: HostileResourceHarness.standardLimitMiB, yaml: Self.config(
            exporters: """
              otlphttp: {endpoint: \(upstream.endpoint), compression: none}
            """,
            pipelines: ["traces: {receivers: [otlp], processors: [memory_limiter], exporters: [otlphttp]}"]))
        let url = "\(harness.gateway.url)/v1/traces"
        let requests = HostileResourceHarness.size(ci: 6, full: 20)
        let answers = Collected<Int>()
        let report = await harness.run(attackers: 1, seconds: 15) { _, deadline in
            for index in 0..<requests {
                answers.add(HostileHTTP.post(HostileShapes.traces(spans: [HostileShapes.span(index: index)]), to: url).status)
            }
            Thread.sleep(until: min(deadline, Date().addingTimeInterval(4)))  // the exports and their answers
        }
        Self.expectBounded(report, "item 12 (upstream answer)")
        #expect(answers.values.allSatisfy { [200, 429].contains($0) }, "item 12: \(answers.values)")
        withExtendedLifetime(upstream) {}
    }

    @Test("Item 12: a 19 MiB request to a debug-only pipeline is not answered 429 forever")
    func debugPipelineTakesLargestBody() async throws {
        let harness = try await HostileResourceHarness(limitMiB: 256, yaml: Self.config(
            pipelines: ["traces: {receivers: [otlp], processors: [memory_limiter], exporters: [debug]}"]))
        let body = HostileShapes.tracesOfSize(19 << 20)
        let url = "\(harness.gateway.url)/v1/traces"
        let answers = Collected<Int>()
        let report = await harness.run(attackers: 1, seconds: 10) { _, deadline in
            repeat {
                let status = HostileHTTP.post(body, to: url).status
                answers.add(status)
                if status != 429 { return }
                Thread.sleep(forTimeInterval: 1)
            } while Date() < deadline
        }
        Self.expectBounded(report, "item 12 (debug pipeline)")
        #expect(answers.values.last.map { [200, 413].contains($0) } == true, "item 12: statuses \(answers.values)")
    }
}
