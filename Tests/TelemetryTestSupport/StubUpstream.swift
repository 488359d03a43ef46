import Foundation

/// An OTLP/HTTP upstream that takes everything without decoding it (`Tests/Peers/hostile_peers.py
/// upstream`): every POST is answered 200 with `answerBytes` bytes of unknown protobuf fields (or an empty
/// body), and counted.
public final class StubUpstream: @unchecked Sendable {
    // @unchecked: `process` is set once in init and only read afterwards.
    /// The port it listens on.
    public let port: Int
    private let process = Process()

    /// Starts it on a free port and waits until it answers.
    public init(answerBytes: Int = 0) async throws {
        port = try freeLoopbackPort()
        process.executableURL = URL(fileURLWithPath: try TestPeers.python())
        process.arguments = [TestPeers.script("hostile_peers.py"), "upstream", String(port), "--answer-bytes", String(answerBytes)]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let url = endpoint
        let process = self.process
        let ready = await waitUntil(timeout: 30) {
            guard process.isRunning else { return true }
            return (try? await httpRequest("\(url)/count", timeout: 1))?.status == 200
        }
        guard ready, process.isRunning else { throw TestPeerError("the stub upstream did not start") }
    }

    deinit {
        stopProcess(process, grace: 1)
    }

    /// The base URL for an exporter.
    public var endpoint: String { "http://127.0.0.1:\(port)" }

    /// How many requests, and how many body bytes, it received so far.
    public func received() async throws -> (requests: Int, bytes: Int) {
        let response = try await httpRequest("\(endpoint)/count", timeout: 5)
        let counts = try JSONSerialization.jsonObject(with: response.body) as? [String: Int] ?? [:]
        return (counts["requests"] ?? 0, counts["bytes"] ?? 0)
    }
}
