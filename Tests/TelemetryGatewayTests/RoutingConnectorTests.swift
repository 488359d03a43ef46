import TelemetryGatewayCore
import TelemetryOTLPData
import Testing

/// The `routing` connector on the Collector's README examples (connector/routingconnector/README.md @0089cfe)
/// and testdata, fed directly: first match wins, the rest goes to `default_pipelines`.
@Suite("routing connector: README and testdata examples")
struct RoutingConnectorTests {
    typealias Log = RoutingHarness.Log

    // README "Route logs based on tenant".
    static let tenantSection = #"""
        default_pipelines: [logs/other]
        table:
          - context: request
            condition: request["X-Tenant"] == "acme"
            pipelines: [logs/acme]
          - context: request
            condition: request["X-Tenant"] == "ecorp"
            pipelines: [logs/ecorp]
        """#

    @Test("README tenant example: the X-Tenant header (any case) picks the pipeline; the item goes on as it is, metadata kept")
    func readmeTenant() throws {
        let harness = try RoutingHarness(Self.tenantSection, signal: .logs, pipelines: ["logs/acme", "logs/ecorp", "logs/other"])
        let json = RoutingHarness.logs([([("service.name", "a")], [Log(body: "one"), Log(body: "two")])])
        try harness.send(json, .logs, headers: [("X-Tenant", "acme")])
        try harness.send(json, .logs, headers: [("x-tenant", "ecorp")])
        try harness.send(json, .logs, headers: [("X-Tenant", "initech")])
        try harness.send(json, .logs)
        #expect(harness.taken("logs/acme").count == 1)
        #expect(harness.taken("logs/ecorp").count == 1)
        #expect(harness.taken("logs/other").count == 2, "an unknown tenant and no header go to the default pipelines")
        let acme = try #require(harness.taken("logs/acme").first)
        #expect(acme.metadata["x-tenant"] == ["acme"])
        #expect(try harness.logBodies("logs/acme") == ["one", "two"])
        #expect(acme.lease != nil, "the received item's lease goes on with it")
    }

    @Test("request context: any of several values matches (the Collector's matchHTTP); an absent header matches neither == nor !=")
    func requestValues() throws {
        let harness = try RoutingHarness(
            #"""
            default_pipelines: [logs/other]
            table:
              - context: request
                condition: request["X-Tenant"] != "acme"
                pipelines: [logs/notacme]
              - context: request
                condition: request["X-Tenant"] == "acme"
                pipelines: [logs/acme]
            """#, signal: .logs, pipelines: ["logs/acme", "logs/notacme", "logs/other"])
        let json = RoutingHarness.logs([([], [Log(body: "x")])])
        try harness.send(json, .logs, headers: [("X-Tenant", "acme")])
        try harness.send(json, .logs, headers: [("X-Tenant", "acme"), ("X-Tenant", "b")])
        try harness.send(json, .logs)
        #expect(harness.taken("logs/acme").count == 1)
        #expect(harness.taken("logs/notacme").count == 1, "acme and b: b != acme holds")
        #expect(harness.taken("logs/other").count == 1, "no header: neither route")
    }

    @Test("README region example: log records cut by attribute, each under a copy of its resource and scope")
    func readmeRegion() throws {
        let harness = try RoutingHarness(
            #"""
            default_pipelines: [logs/other]
            table:
              - context: log
                condition: attributes["region"] == "east"
                pipelines: [logs/east]
              - context: log
                condition: attributes["region"] == "west"
                pipelines: [logs/west]
            """#, signal: .logs, pipelines: ["logs/east", "logs/west", "logs/other"])
        try harness.send(
            RoutingHarness.logs([
                ([("service.name", "s1")], [Log(body: "e1", attributes: [("region", "east")]), Log(body: "w1", attributes: [("region", "west")])]),
                ([("service.name", "s2")], [Log(body: "n2"), Log(body: "e2", attributes: [("region", "east")])]),
            ]), .logs, headers: [("X-Tenant", "acme")])
        #expect(try harness.logBodies("logs/east") == ["e1", "e2"])
        #expect(try harness.logBodies("logs/west") == ["w1"])
        #expect(try harness.logBodies("logs/other") == ["n2"])
        let east = try #require(harness.taken("logs/east").first)
        let eastRequest = try EditableRequest(east.payload)
        #expect(eastRequest.resourceLogs.count == 2, "both resources, each holding its east record")
        #expect(east.metadata["X-Tenant"] == ["acme"], "a piece keeps the request's metadata")
        #expect(east.lease != nil && east.lease !== harness.taken("logs/west").first?.lease, "each piece holds a lease of its own")
    }

    @Test("README: low-severity logs to cheap storage, the rest by service.name; no default: the rest is dropped and counted")
    func readmeCheapThenService() throws {
        let harness = try RoutingHarness(
            #"""
            table:
              - context: log
                condition: severity_number < SEVERITY_NUMBER_ERROR
                pipelines: [logs/cheap]
              - context: resource
                condition: attributes["service.name"] == "service1"
                pipelines: [logs/service1]
              - context: resource
                condition: attributes["service.name"] == "service2"
                pipelines: [logs/service2]
            """#, signal: .logs, pipelines: ["logs/cheap", "logs/service1", "logs/service2"])
        try harness.send(
            RoutingHarness.logs([
                ([("service.name", "service1")], [Log(body: "debug1", severity: 5), Log(body: "error1", severity: 17)]),
                ([("service.name", "service2")], [Log(body: "error2", severity: 17)]),
                ([("service.name", "service3")], [Log(body: "error3", severity: 17), Log(body: "info3", severity: 9)]),
            ]), .logs)
        #expect(try harness.logBodies("logs/cheap") == ["debug1", "info3"])
        #expect(try harness.logBodies("logs/service1") == ["error1"])
        #expect(try harness.logBodies("logs/service2") == ["error2"])
        #expect(harness.unrouted(.logs) == 1, "service3's error log matches no route")
    }

    @Test("README: low-severity logs to cheap storage, the rest by tenant (a request route takes everything left)")
    func readmeCheapThenTenant() throws {
        let harness = try RoutingHarness(
            #"""
            table:
              - context: log
                condition: severity_number < SEVERITY_NUMBER_ERROR
                pipelines: [logs/cheap]
              - context: request
                condition: request["X-Tenant"] == "acme"
                pipelines: [logs/acme]
              - context: request
                condition: request["X-Tenant"] == "ecorp"
                pipelines: [logs/ecorp]
            """#, signal: .logs, pipelines: ["logs/cheap", "logs/acme", "logs/ecorp"])
        let json = RoutingHarness.logs([([], [Log(body: "debug", severity: 5), Log(body: "error", severity: 17), Log(body: "fatal", severity: 21)])])
        try harness.send(json, .logs, headers: [("X-Tenant", "ecorp")])
        #expect(try harness.logBodies("logs/cheap") == ["debug"])
        #expect(try harness.logBodies("logs/ecorp") == ["error", "fatal"])
        #expect(harness.taken("logs/acme").isEmpty)
        try harness.send(json, .logs, headers: [("X-Tenant", "nobody")])
        #expect(harness.unrouted(.logs) == 2)
    }

    @Test("testdata/config/traces.yaml: route() statements on resource attributes, two pipelines for acme, default otlp-all")
    func testdataTraces() throws {
        // connector/routingconnector/testdata/config/traces.yaml (pipeline lists written flow-style).
        let harness = try RoutingHarness(
            #"""
            default_pipelines:
              - traces/otlp-all
            table:
              - statement: route() where attributes["X-Tenant"] == "acme"
                pipelines:
                  - traces/jaeger-acme
                  - traces/otlp-acme
              - statement: route() where attributes["X-Tenant"] == "globex"
                pipelines:
                  - traces/otlp-globex
            """#, signal: .traces, pipelines: ["traces/otlp-all", "traces/jaeger-acme", "traces/otlp-acme", "traces/otlp-globex"])
        try harness.send(
            RoutingHarness.traces([([("X-Tenant", "acme")], ["a1", "a2"]), ([("X-Tenant", "globex")], ["g1"]), ([], ["n1"])]), .traces)
        #expect(try harness.spanNames("traces/jaeger-acme") == ["a1", "a2"])
        #expect(try harness.spanNames("traces/otlp-acme") == ["a1", "a2"])
        #expect(try harness.spanNames("traces/otlp-globex") == ["g1"])
        #expect(try harness.spanNames("traces/otlp-all") == ["n1"])
        // All of one tenant: the request goes on as it was received.
        let json = RoutingHarness.traces([([("X-Tenant", "globex")], ["g2"])])
        try harness.send(json, .traces)
        #expect(harness.taken("traces/otlp-globex").last?.payload.bytes == (try OTLPPayload(json: Array(json.utf8), signal: .traces, limits: DecodeLimits())).bytes)
    }

    @Test("testdata logs/log_context/some_match_each_route: log conditions with resource paths, first match, the rest to default")
    func testdataSomeMatchEachRoute() throws {
        // connector/routingconnector/testdata/logs/log_context/some_match_each_route/config.yaml without `match_once: true`
        // (removed in v0.120.0; first match is now the only behaviour), on testdata/logs/input.yaml (two resources × two
        // scopes × logA, logB; written here with one scope per resource).
        let harness = try RoutingHarness(
            #"""
            default_pipelines:
              - logs/default
            table:
              - context: log
                condition: attributes["logName"] == "logA" and resource.attributes["resourceName"] == "resourceA"
                pipelines:
                  - logs/0
              - context: log
                condition: attributes["logName"] == "logB" and resource.attributes["resourceName"] == "resourceB"
                pipelines:
                  - logs/1
            """#, signal: .logs, pipelines: ["logs/0", "logs/1", "logs/default"])
        let resource = { (name: String) in
            ([("resourceName", name)], [Log(body: "logA", attributes: [("logName", "logA")]), Log(body: "logB", attributes: [("logName", "logB")])])
        }
        try harness.send(RoutingHarness.logs([resource("resourceA"), resource("resourceB")]), .logs)
        #expect(try harness.logBodies("logs/0") == ["logA"])
        #expect(try harness.logBodies("logs/1") == ["logB"])
        #expect(try harness.logBodies("logs/default") == ["logB", "logA"], "resourceA's logB and resourceB's logA")
    }

    @Test("metric and datapoint contexts: a metric route moves the metric with its points, a datapoint route single points")
    func metricsContexts() throws {
        let harness = try RoutingHarness(
            #"""
            default_pipelines: [metrics/other]
            table:
              - context: metric
                condition: name == "m2"
                pipelines: [metrics/m2]
              - context: datapoint
                condition: attributes["a"] == "1"
                pipelines: [metrics/one]
            """#, signal: .metrics, pipelines: ["metrics/m2", "metrics/one", "metrics/other"])
        let point = { (value: String) in #"{"asInt":"1","timeUnixNano":"2","attributes":[{"key":"a","value":{"stringValue":"\#(value)"}}]}"# }
        let metric = { (name: String) in #"{"name":"\#(name)","gauge":{"dataPoints":[\#(point("1")),\#(point("2"))]}}"# }
        let json = #"{"resourceMetrics":[{"scopeMetrics":[{"scope":{"name":"s"},"metrics":["# + metric("m1") + "," + metric("m2") + "]}]}]}"
        try harness.send(json, .metrics)
        let counts = ["metrics/m2", "metrics/one", "metrics/other"].map { harness.taken($0).reduce(0) { $0 + $1.itemCount } }
        #expect(counts == [2, 1, 1], "m2's two points; m1's a=1 point; m1's a=2 point")
        let m2 = try #require(harness.taken("metrics/m2").first)
        let request = try EditableRequest(m2.payload)
        #expect(request.resourceMetrics.flatMap { $0.scopeMetrics.flatMap { $0.metrics.map(\.name.value) } } == ["m2"])
    }
}
