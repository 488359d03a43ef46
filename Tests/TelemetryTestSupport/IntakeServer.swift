import Foundation

/// The Python OTLP/HTTP receiver (`Tests/Peers/intake_server.py`) on loopback: it decodes every request
/// with the official `opentelemetry-proto` package and reports what it received as JSON.
public final class IntakeServer: @unchecked Sendable {
    // @unchecked: `process` is only replaced by start()/stop(), which tests call from one task.
    /// The port it listens on (kept across stop and start).
    public private(set) var port: Int
    /// The OTLP/gRPC port, when started with one.
    public private(set) var grpcPort: Int?
    /// The OTLP/HTTP-over-TLS port, when started with TLS files.
    public private(set) var httpsPort: Int?
    private let tlsArguments: [String]
    private var process: Process?

    /// Starts a receiver on a free port (another one if that port is taken in the meantime); with `grpc`,
    /// also an OTLP/gRPC server. With `tls` (certificate and key files; a third file, a client CA, requires
    /// client certificates) the gRPC server uses TLS and the HTTP intake is served over TLS on `httpsPort` too.
    public init(grpc: Bool = false, tls: [String] = []) async throws {
        port = try freeLoopbackPort()
        grpcPort = grpc ? try freeLoopbackPort() : nil
        httpsPort = tls.count >= 2 ? try freeLoopbackPort() : nil
        tlsArguments = (tls.count >= 2 ? ["--tls", tls[0], tls[1]] : []) + (tls.count >= 3 ? ["--client-ca", tls[2]] : [])
        for _ in 0..<2 {
            do {
                try await start()
                return
            } catch {
                stop()
                port = try freeLoopbackPort()
                grpcPort = grpc ? try freeLoopbackPort() : nil
                httpsPort = tls.count >= 2 ? try freeLoopbackPort() : nil
            }
        }
        try await start()
    }

    /// The gRPC endpoint (`127.0.0.1:port`).
    public var grpcEndpoint: String { "127.0.0.1:\(grpcPort ?? 0)" }

    deinit {
        process?.terminate()
    }

    /// The base URL for an OTLP exporter.
    public var endpoint: String { "http://127.0.0.1:\(port)" }

    /// (Re)starts the receiver on its port and waits until it answers.
    public func start() async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try TestPeers.python())
        process.arguments = [TestPeers.script("intake_server.py"), String(port)]
            + (grpcPort.map { ["--grpc-port", String($0)] } ?? []) + (httpsPort.map { ["--https-port", String($0)] } ?? []) + tlsArguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        let url = endpoint
        // Stop waiting early if it exited (its port was taken by another test in the meantime).
        let ready = await waitUntil(timeout: 60) {
            guard process.isRunning else { return true }
            return (try? await httpRequest("\(url)/received", timeout: 1))?.status == 200
        }
        guard ready, process.isRunning else { throw TestPeerError("the OTLP receiver did not start on port \(port)") }
    }

    /// Stops the receiver; connections to its port are refused until `start()`.
    public func stop() {
        if let process { stopProcess(process) }
        process = nil
    }

    /// Queues scripted responses (see the script's documentation).
    public func script(_ steps: [[String: Any]]) async throws {
        let body = try JSONSerialization.data(withJSONObject: steps)
        _ = try await httpRequest("\(endpoint)/script", method: "POST", body: body)
    }

    /// Makes the server hold every request without answering (`true`) or answer again (`false`).
    public func hold(_ on: Bool) async throws {
        let body = try JSONSerialization.data(withJSONObject: ["on": on])
        _ = try await httpRequest("\(endpoint)/hold", method: "POST", body: body)
    }

    /// Every request received so far, optionally only those to `path`.
    public func received(path: String? = nil) async throws -> [[String: Any]] {
        let response = try await httpRequest("\(endpoint)/received")
        let all = try JSONSerialization.jsonObject(with: response.body) as? [[String: Any]] ?? []
        return all.filter { path == nil || $0["path"] as? String == path }
    }

    /// The spans of every accepted (200) trace request, flattened, each with its resource and scope.
    public func acceptedSpans() async throws -> [DecodedSpan] {
        try await received(path: "/v1/traces").filter { $0["status"] as? Int == 200 }.flatMap { entry in
            let request = entry["request"] as? [String: Any] ?? [:]
            return (request["resource_spans"] as? [[String: Any]] ?? []).flatMap { resourceSpans in
                let resource = resourceSpans["resource"] as? [String: Any] ?? [:]
                return (resourceSpans["scope_spans"] as? [[String: Any]] ?? []).flatMap { scopeSpans in
                    let scope = scopeSpans["scope"] as? [String: Any] ?? [:]
                    return (scopeSpans["spans"] as? [[String: Any]] ?? []).map {
                        DecodedSpan(fields: $0, resource: resource, scope: scope)
                    }
                }
            }
        }
    }

    /// The log records of every accepted (200) logs request, flattened, each with its resource and scope.
    public func acceptedLogRecords() async throws -> [DecodedLogRecord] {
        try await received(path: "/v1/logs").filter { $0["status"] as? Int == 200 }.flatMap { entry in
            let request = entry["request"] as? [String: Any] ?? [:]
            return (request["resource_logs"] as? [[String: Any]] ?? []).flatMap { resourceLogs in
                let resource = resourceLogs["resource"] as? [String: Any] ?? [:]
                return (resourceLogs["scope_logs"] as? [[String: Any]] ?? []).flatMap { scopeLogs in
                    let scope = scopeLogs["scope"] as? [String: Any] ?? [:]
                    return (scopeLogs["log_records"] as? [[String: Any]] ?? []).map {
                        DecodedLogRecord(fields: $0, resource: resource, scope: scope)
                    }
                }
            }
        }
    }

    /// The metrics of every accepted (200) metrics request, flattened, each with its resource.
    public func acceptedMetrics() async throws -> [DecodedMetric] {
        try await received(path: "/v1/metrics").filter { $0["status"] as? Int == 200 }.flatMap { entry in
            let request = entry["request"] as? [String: Any] ?? [:]
            return (request["resource_metrics"] as? [[String: Any]] ?? []).flatMap { resourceMetrics in
                let resource = resourceMetrics["resource"] as? [String: Any] ?? [:]
                return (resourceMetrics["scope_metrics"] as? [[String: Any]] ?? []).flatMap { scopeMetrics in
                    (scopeMetrics["metrics"] as? [[String: Any]] ?? []).map { DecodedMetric(fields: $0, resource: resource) }
                }
            }
        }
    }
}

/// A span as the official decoder saw it (protobuf JSON mapping, field names as in the .proto, ids as hex).
public struct DecodedSpan: @unchecked Sendable {
    // @unchecked: the dictionaries hold JSON values only.
    /// The span's fields.
    public let fields: [String: Any]
    /// Its resource.
    public let resource: [String: Any]
    /// Its instrumentation scope.
    public let scope: [String: Any]

    /// A string field.
    public func string(_ name: String) -> String? { fields[name] as? String }

    /// Attributes of `fields`/`resource`/an event as `key → value object` (e.g. `["int_value": "123"]`).
    public static func attributes(_ object: [String: Any]) -> [String: [String: Any]] {
        var result: [String: [String: Any]] = [:]
        for attribute in object["attributes"] as? [[String: Any]] ?? [] {
            if let key = attribute["key"] as? String { result[key] = attribute["value"] as? [String: Any] ?? [:] }
        }
        return result
    }
}

/// A log record as the official decoder saw it: its fields, resource and scope, like a span.
public typealias DecodedLogRecord = DecodedSpan

/// A metric as the official decoder saw it.
public struct DecodedMetric: @unchecked Sendable {
    // @unchecked: the dictionaries hold JSON values only.
    /// The metric's fields.
    public let fields: [String: Any]
    /// Its resource.
    public let resource: [String: Any]

    /// The metric name.
    public var name: String { fields["name"] as? String ?? "" }
}
