import Foundation

/// A real `moto_server` (PyPI `moto[server]`) on loopback, standing in for CloudWatch.
public final class MotoServer: @unchecked Sendable {
    // @unchecked: `process` is set once in init and only stopped afterwards.
    /// Its port.
    public let port: Int
    private let process: Process

    /// Starts moto_server on a free port and waits until it answers.
    public init() async throws {
        port = try freeLoopbackPort()
        process = Process()
        process.executableURL = URL(fileURLWithPath: try TestPeers.python())
            .deletingLastPathComponent().appendingPathComponent("moto_server")
        process.arguments = ["-H", "127.0.0.1", "-p", String(port)]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let url = endpoint
        let ready = await waitUntil(timeout: 30) { (try? await httpRequest("\(url)/moto-api/", timeout: 1)) != nil }
        guard ready else { throw TestPeerError("moto_server did not start on port \(port)") }
    }

    deinit {
        stopProcess(process)
    }

    /// The endpoint URL for a CloudWatch client.
    public var endpoint: String { "http://127.0.0.1:\(port)" }

    /// Every metric stored in `namespace`, read back through boto3's GetMetricData.
    public func metrics(namespace: String) throws -> [[String: Any]] {
        let output = try TestPeers.runPython("cloudwatch_query.py", [endpoint, namespace])
        guard output.status == 0 else { throw TestPeerError("cloudwatch_query.py failed: \(output.stderr)") }
        return try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [[String: Any]] ?? []
    }
}
