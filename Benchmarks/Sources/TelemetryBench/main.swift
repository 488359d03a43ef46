import Foundation

/// `telemetry-bench run --python PY --gateway BIN --out FILE` runs every scenario and writes the table;
/// `discard-server PORT` and `burst ours|otel PORT SPANS` are the helper processes it starts;
/// `micro SCENARIO [N]` and `gateway BIN` run one scenario alone, for profiling.
let arguments = CommandLine.arguments
func option(_ name: String) -> String? {
    arguments.firstIndex(of: name).flatMap { arguments.indices.contains($0 + 1) ? arguments[$0 + 1] : nil }
}

switch arguments.dropFirst().first {
case "discard-server":
    try DiscardServer.run(port: Int(arguments[2]) ?? 4318)
case "micro":
    // One scenario of ours in a loop, for profiling: `valgrind --tool=callgrind telemetry-bench micro render`.
    try Micro.run(arguments[2], iterations: Int(arguments.dropFirst(3).first ?? "") ?? 100_000)
case "gateway":
    // Scenario 6 alone: `telemetry-bench gateway PATH-TO-telemetry-gateway [RATIO | disk-always|disk-interval|disk-never | tail | grpc | logs | small-queue | edit | edit-logs | spanmetrics | count | routing | tenants]`
    // (spanmetrics and count run row 6 first, for their ratios).
    let receiver = try DiscardServerProcess()
    defer { receiver.stop() }
    let variant = arguments.dropFirst(3).first ?? ""
    let diskFsync = variant.hasPrefix("disk-") ? String(variant.dropFirst(5)) : nil
    let row = variant == "tenants"
        ? try GatewayTenantScenario.run(gatewayBinary: arguments[2], receiver: receiver)
        : variant == "spanmetrics"
        ? try SpanMetricsScenario.run(
            gatewayBinary: arguments[2], receiver: receiver,
            passThrough: try GatewayScenario.run(gatewayBinary: arguments[2], receiver: receiver).ours?.value)
        : variant == "tail"
        ? try TailSamplingScenario.run(gatewayBinary: arguments[2], receiver: receiver)
        : variant == "count"
        ? try GatewayCountScenario.run(
            gatewayBinary: arguments[2], receiver: receiver,
            passThrough: try GatewayScenario.run(gatewayBinary: arguments[2], receiver: receiver).ours?.value)
        : variant == "logs" ? try GatewayScenario.logs(gatewayBinary: arguments[2], receiver: receiver)
        : variant == "routing" ? try GatewayRoutingScenario.run(gatewayBinary: arguments[2], receiver: receiver)
        : variant.hasPrefix("edit") ? try GatewayEditScenario.run(gatewayBinary: arguments[2], receiver: receiver, logs: variant == "edit-logs")
        : try GatewayScenario.run(
            gatewayBinary: arguments[2], receiver: receiver, ratio: Double(variant) ?? 1, diskFsync: diskFsync, grpc: variant == "grpc",
            queueBytes: variant == "small-queue" ? 8 << 20 : nil)
    print(row.ours?.value ?? 0, row.note)
case "burst":
    let result = try await SpanScenarios.burst(library: arguments[2], port: Int(arguments[3]) ?? 4318, spans: Int(arguments[4]) ?? 200_000)
    print(String(data: try JSONSerialization.data(withJSONObject: result), encoding: .utf8) ?? "{}")
default:
    try await BenchmarkRun.all(
        python: option("--python"), gatewayBinary: option("--gateway"),
        output: option("--out") ?? "results/latest.md", machine: option("--machine") ?? "unknown")
}
