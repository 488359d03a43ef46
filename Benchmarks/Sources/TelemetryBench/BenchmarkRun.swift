import Foundation

/// Runs every scenario for us and each peer in one run, and writes the table.
enum BenchmarkRun {
    static func all(python: String?, gatewayBinary: String?, output: String, machine: String) async throws {
        let receiver = try DiscardServerProcess()
        defer { receiver.stop() }
        var rows: [ResultRow] = []
        func log(_ text: String) { FileHandle.standardError.write(Data("bench: \(text)\n".utf8)) }

        log("metrics scenarios")
        rows.append(try MetricsScenarios.counterWithLabels())
        rows.append(contentsOf: try MetricsScenarios.boundCounter())
        rows.append(try MetricsScenarios.histogram())
        log("span scenarios")
        rows.append(contentsOf: try await SpanScenarios.sampled(receiver: receiver))
        rows.append(try SpanScenarios.unsampled(receiver: receiver))
        log("burst")
        rows.append(try burstRow(receiver: receiver))
        let render = try MetricsScenarios.render()
        rows.append(render)
        rows.append(contentsOf: try MetricsScenarios.renderHistogramsAndSummaries(counterRender: render.ours))
        log("log scenarios")
        rows.append(contentsOf: try await LogScenarios.rows(receiver: receiver))
        if let gatewayBinary {
            log("gateway")
            let passThrough = try GatewayScenario.run(gatewayBinary: gatewayBinary, receiver: receiver)
            rows.append(passThrough)
            rows.append(try GatewayScenario.run(gatewayBinary: gatewayBinary, receiver: receiver, queueBytes: 8 << 20))
            rows.append(try GatewayScenario.run(gatewayBinary: gatewayBinary, receiver: receiver, ratio: 0.25))
            rows.append(try GatewayScenario.run(gatewayBinary: gatewayBinary, receiver: receiver, grpc: true))
            rows.append(try GatewayScenario.logs(gatewayBinary: gatewayBinary, receiver: receiver))
            rows.append(try GatewayEditScenario.run(gatewayBinary: gatewayBinary, receiver: receiver, logs: false))
            rows.append(try GatewayEditScenario.run(gatewayBinary: gatewayBinary, receiver: receiver, logs: true))
            rows.append(try GatewayRoutingScenario.run(gatewayBinary: gatewayBinary, receiver: receiver))
            rows.append(try GatewayTenantScenario.run(gatewayBinary: gatewayBinary, receiver: receiver))
            rows.append(try TailSamplingScenario.run(gatewayBinary: gatewayBinary, receiver: receiver))
            rows.append(try SpanMetricsScenario.run(gatewayBinary: gatewayBinary, receiver: receiver, passThrough: passThrough.ours?.value))
            rows.append(try GatewayCountScenario.run(gatewayBinary: gatewayBinary, receiver: receiver, passThrough: passThrough.ours?.value))
            for fsync in ["always", "interval", "never"] {
                rows.append(try GatewayScenario.run(gatewayBinary: gatewayBinary, receiver: receiver, diskFsync: fsync))
            }
        }
        if let python {
            log("python peers")
            try addPython(python, receiver: receiver, to: &rows)
        }
        let table = ResultsTable.markdown(
            rows, peerNames: ["swift-prometheus", "swift-otel", "Python", "OTel Collector (published)"], machine: machine)
        try table.write(toFile: output, atomically: true, encoding: .utf8)
        print(table)
    }

    /// Scenario 4 for both Swift libraries, each in its own process so its peak memory is its own.
    private static func burstRow(receiver: DiscardServerProcess) throws -> ResultRow {
        let spans = 200_000
        var figures: [String: (rate: Double, delivered: Int, rss: Double)] = [:]
        for library in ["ours", "otel"] {
            try receiver.reset()
            let json = try Harness.figures(
                from: CommandLine.arguments[0], ["burst", library, String(receiver.port), String(spans)])
            let delivered = try receiver.spanCount()
            let seconds = json["seconds"] ?? 0
            figures[library] = (seconds > 0 ? Double(delivered) / seconds : 0, delivered, json["rss"] ?? 0)
        }
        let ours = figures["ours"] ?? (0, 0, 0)
        let otel = figures["otel"] ?? (0, 0, 0)
        return ResultRow(
            scenario: "4 OTLP/HTTP burst of 200,000 spans to a loopback receiver (delivered spans/s)",
            ours: Measurement(value: ours.rate, unit: "spans/s", allocationsPerOperation: nil),
            peers: [("swift-otel", Measurement(value: otel.rate, unit: "spans/s", allocationsPerOperation: nil))],
            goal: "≥ 300,000 spans/s, no loss, ≤ 2 KiB RSS per queued span", higherIsBetter: true,
            note: String(
                format: "delivered: ours %d, swift-otel %d of %d (it is given at most 120 s); peak RSS: ours %.0f MiB (%.2f KiB per span), swift-otel %.0f MiB",
                ours.delivered, otel.delivered, spans, ours.rss / 1_048_576, ours.rss / 1024 / Double(spans), otel.rss / 1_048_576))
    }

    private static func addPython(_ python: String, receiver: DiscardServerProcess, to rows: inout [ResultRow]) throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("python/peers.py").path
        // The burst in a process of its own, so its peak RSS is not that of every scenario before it.
        let json = try Harness.figures(from: python, [script, receiver.endpoint])
            .merging(try Harness.figures(from: python, [script, receiver.endpoint, "burst"])) { $1 }
        func add(_ scenarioPrefix: String, _ key: String, unit: String) {
            guard let value = json[key], let index = rows.firstIndex(where: { $0.scenario.hasPrefix(scenarioPrefix) }) else { return }
            let row = rows[index]
            rows[index] = ResultRow(
                scenario: row.scenario, ours: row.ours,
                peers: row.peers + [("Python", Measurement(value: value, unit: unit, allocationsPerOperation: nil))],
                goal: row.goal, higherIsBetter: row.higherIsBetter,
                note: row.note + (key == "burst_spans_per_s"
                    ? String(format: "; Python SDK delivered %.0f, peak RSS %.0f MiB", json["burst_delivered"] ?? 0, (json["burst_rss"] ?? 0) / 1_048_576)
                    : ""))
        }
        add("1 counter", "counter_labels_ns", unit: "ns")
        add("1b counter inc on a bound", "counter_bound_ns", unit: "ns")
        add("2 histogram", "histogram_ns", unit: "ns")
        add("3 span, bare", "span_ns", unit: "ns")
        add("3 same, CPU", "span_cpu_ns", unit: "CPU-ns")
        add("3b", "unsampled_ns", unit: "ns")
        add("4 ", "burst_spans_per_s", unit: "spans/s")
        add("5 ", "render_us", unit: "µs")
    }
}
