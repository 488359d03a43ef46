import TelemetryGatewayCore
import TelemetryOTLPData
import Testing

/// The `routing` connector's configuration errors (located), error modes, refusals and memory.
@Suite("routing connector: configuration errors, error modes, refusals, memory")
struct RoutingBehaviorTests {
    typealias Log = RoutingHarness.Log

    @Test("Configuration errors: the Collector's texts (config.go, request.go), located at the key")
    func configErrors() {
        let cases: [(yaml: String, line: Int, words: String)] = [
            ("table: []", 1, "invalid routing table: the routing table is empty"),
            ("default_pipelines: [logs/a]", 1, "table"),
            ("table:\n  - pipelines: [logs/a]", 2, "invalid route: no condition or statement provided"),
            ("table:\n  - condition: 'true'\n    statement: route()\n    pipelines: [logs/a]", 2, "invalid route: both condition and statement provided"),
            ("table:\n  - condition: 'true'", 2, "invalid route: no pipelines defined"),
            ("table:\n  - condition: 'true'\n    pipelines: []", 2, "invalid route: no pipelines defined"),
            ("table:\n  - context: scope\n    condition: 'true'\n    pipelines: [logs/a]", 2, "invalid context: scope"),
            ("table:\n  - context: request\n    statement: route()\n    pipelines: [logs/a]", 2, "\"request\" context requires a 'condition'"),
            ("table:\n  - context: request\n    condition: request[\"a\"] == \"b\" and true\n    pipelines: [logs/a]", 3, "condition must have format"),
            ("table:\n  - context: request\n    condition: request[\"a\"] < \"b\"\n    pipelines: [logs/a]", 3, "valid comparator"),
            ("table:\n  - context: request\n    condition: attributes[\"a\"] == \"b\"\n    pipelines: [logs/a]", 3, "condition must have format"),
            ("table:\n  - condition: attributes[\"a\" == \"b\"\n    pipelines: [logs/a]", 2, "unable to parse OTTL condition"),
            ("table:\n  - condition: nosuch.path == 1\n    pipelines: [logs/a]", 2, "unable to parse OTTL condition"),
            ("table:\n  - statement: set(attributes[\"a\"], 1)\n    pipelines: [logs/a]", 2, "route() where"),
            ("table:\n  - condition: 'true'\n    pipelines: [exporter/a]", 3, "not a pipeline id"),
            ("match_once: true\ntable:\n  - condition: 'true'\n    pipelines: [logs/a]", 1, "removed in v0.120.0"),
            ("error_mode: loud\ntable:\n  - condition: 'true'\n    pipelines: [logs/a]", 1, "unknown error mode"),
            ("table:\n  - condition: 'true'\n    pipelines: [logs/a]\n    extra: 1", 4, "unknown key"),
        ]
        for entry in cases {
            let error = RoutingHarness.configError(entry.yaml)
            #expect(error?.message.contains(entry.words) == true, "\(entry.yaml): \(String(describing: error))")
            #expect(error?.line == entry.line, "\(entry.yaml): \(String(describing: error))")
        }
    }

    @Test("namedPipelines lists every pipeline with where; decodesPayloads only when a route looks into the data")
    func definition() throws {
        let requestOnly = try RoutingHarness.definition(RoutingConnectorTests.tenantSection)
        #expect(requestOnly.namedPipelines.map(\.id.description) == ["logs/other", "logs/acme", "logs/ecorp"])
        #expect(requestOnly.namedPipelines.map(\.source.line) == [1, 5, 8])
        #expect(!requestOnly.decodesPayloads)
        #expect(requestOnly.pairs == SignalPair.sameSignal)
        let mixed = try RoutingHarness.definition("table:\n  - condition: 'true'\n    pipelines: [logs/a]")
        #expect(mixed.decodesPayloads)
    }

    @Test("Building: an unknown pipeline, another signal, or a context the signal lacks is an error")
    func buildErrors() {
        let section = "table:\n  - context: span\n    condition: name == \"x\"\n    pipelines: [traces/a]"
        #expect(throws: GatewayError.self) { try RoutingHarness(section, signal: .traces, pipelines: ["traces/b"]) }
        #expect(throws: GatewayError.self) { try RoutingHarness(section, signal: .logs, pipelines: ["traces/a"]) }
        #expect(throws: Never.self) { try RoutingHarness(section, signal: .traces, pipelines: ["traces/a"]) }
    }

    static let erroring = #"""
        error_mode: MODE
        default_pipelines: [logs/default]
        table:
          - context: log
            condition: ParseJSON(body)["big"] == true
            pipelines: [logs/big]
        """#

    @Test("error_mode propagate (default): a failing condition refuses the request as invalid, nothing routed")
    func propagate() throws {
        let harness = try RoutingHarness(Self.erroring.replacingOccurrences(of: "error_mode: MODE\n", with: ""), signal: .logs, pipelines: ["logs/big", "logs/default"])
        let refusal = #expect(throws: Refusal.self) {
            try harness.send(RoutingHarness.logs([([], [Log(body: #"{"big":true}"#), Log(body: "not json")])]), .logs)
        }
        #expect(refusal?.kind == .invalid)
        #expect(refusal?.message.contains("failed to eval condition") == true, "\(String(describing: refusal))")
        #expect(harness.taken("logs/big").isEmpty && harness.taken("logs/default").isEmpty)
    }

    @Test("error_mode ignore / silent: the item whose condition failed goes to the default pipelines")
    func ignore() throws {
        for mode in ["ignore", "silent"] {
            let harness = try RoutingHarness(Self.erroring.replacingOccurrences(of: "MODE", with: mode), signal: .logs, pipelines: ["logs/big", "logs/default"])
            try harness.send(
                RoutingHarness.logs([([], [Log(body: #"{"big":true}"#), Log(body: "not json"), Log(body: #"{"big":false}"#)])]),
                .logs)
            #expect(try harness.logBodies("logs/big") == [#"{"big":true}"#], "\(mode)")
            #expect(try harness.logBodies("logs/default") == ["not json", #"{"big":false}"#], "\(mode)")
        }
    }

    @Test("A refusal of one output goes back to the client as retryable (429 / UNAVAILABLE), whole or cut")
    func downstreamRefusal() throws {
        let harness = try RoutingHarness(
            #"""
            default_pipelines: [logs/other]
            table:
              - context: log
                condition: attributes["region"] == "east"
                pipelines: [logs/east]
              - context: request
                condition: request["X-Tenant"] == "acme"
                pipelines: [logs/east]
            """#, signal: .logs, pipelines: ["logs/east", "logs/other"], refusing: ["logs/east"])
        let mixed = RoutingHarness.logs([([], [Log(body: "e", attributes: [("region", "east")]), Log(body: "w")])])
        let cut = #expect(throws: Refusal.self) { try harness.send(mixed, .logs) }
        if case .retryable = cut?.kind {} else { Issue.record("a cut request's refusal: \(String(describing: cut))") }
        #expect(try harness.logBodies("logs/other") == ["w"], "the other output took its piece (the client's retry sends it again)")
        let whole = #expect(throws: Refusal.self) { try harness.send(RoutingHarness.logs([([], [Log(body: "w")])]), .logs, headers: [("X-Tenant", "acme")]) }
        if case .retryable = whole?.kind {} else { Issue.record("a whole request's refusal: \(String(describing: whole))") }
    }

    @Test("Pieces are reserved from the budget before packing: a budget too small for them refuses (429) and counts, leaving nothing held")
    func tightBudget() throws {
        let json = RoutingHarness.logs((0..<4000).map { index in ([("r", "\(index)")], [Log(body: String(repeating: "x", count: 400), attributes: [("i", "\(index % 2)")])]) })
        let size = try OTLPPayload(json: Array(json.utf8), signal: .logs, limits: DecodeLimits())
        let harness = try RoutingHarness(
            #"""
            default_pipelines: [logs/odd]
            table:
              - context: log
                condition: attributes["i"] == "0"
                pipelines: [logs/even]
            """#, signal: .logs, pipelines: ["logs/even", "logs/odd"], budgetBytes: size.bytes.count + size.decodedBytesEstimate + 2048)
        let refusal = #expect(throws: Refusal.self) { try harness.send(json, .logs) }
        #expect(refusal?.reason == "memory_limit")
        #expect(harness.taken("logs/even").isEmpty || harness.taken("logs/odd").isEmpty)
        #expect(harness.budget.usedBytes == 0, "every reservation returned")
    }
}
