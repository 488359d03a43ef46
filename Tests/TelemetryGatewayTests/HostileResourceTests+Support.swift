import Foundation
import TelemetryTestSupport
import Testing

/// The hostile-resource suite's gateway configuration and shared assertions.
extension HostileResourceTests {
    /// A gateway with an OTLP/HTTP and an OTLP/gRPC receiver, a budget, a `debug` exporter and the probe's
    /// logs pipeline, plus the item's own sections (`connectors` as the entries of a `connectors:` section).
    static func config(
        http: String = "", grpc: String = "", processors: String = "", exporters: String = "", connectors: String = "",
        pipelines: [String]
    ) -> String {
        """
        receivers:
          otlp:
            protocols:
              http: {endpoint: "127.0.0.1:RECEIVER_PORT"\(http)}
              grpc: {endpoint: "127.0.0.1:GRPC_PORT"\(grpc)}
        processors:
          memory_limiter: {limit_mib: LIMIT_MIB}
        \(processors)
        exporters:
          debug: {verbosity: basic}
        \(exporters)
        \(connectors.isEmpty ? "" : "connectors:\n" + connectors)
        service:
          pipelines:
            \(HostileResourceHarness.probeLogsPipeline)
        \(pipelines.map { "    " + $0 }.joined(separator: "\n"))
          telemetry: {metrics: {address: "127.0.0.1:TELEMETRY_PORT"}}
        """
    }

    /// The budget and probe assertions every item makes.
    static func expectBounded(_ report: HostileRunReport, _ item: String, sourceLocation: SourceLocation = #_sourceLocation) {
        print("hostile \(item): \(report)")
        #expect(report.gatewayRunning, "\(item): the gateway died: \(report)", sourceLocation: sourceLocation)
        #expect(report.memoryBounded, "\(item): \(report)", sourceLocation: sourceLocation)
        #expect(report.probesServed, "\(item): \(report)", sourceLocation: sourceLocation)
    }

    /// Runs `hostile_peers.py` with `arguments` and returns its JSON report's text (or what went wrong).
    static func pythonAttack(_ arguments: [String], timeout: TimeInterval) -> String {
        do {
            let output = try TestPeers.runPython("hostile_peers.py", arguments, timeout: timeout)
            return output.stdout.split(separator: "\n").last.map(String.init) ?? output.stderr
        } catch {
            return "\(error)"
        }
    }

    /// A `hostile_peers.py` report as JSON (empty when it is none).
    static func parse(_ text: String?) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data((text ?? "").utf8)) as? [String: Any]) ?? [:]
    }

    /// The gRPC probe's figures from a `hostile_peers.py` report: every call answered OK (or UNAVAILABLE,
    /// refused by admission control) and at least one OK, the slowest within 2 s.
    static func expectGRPCProbeServed(_ report: [String: Any], _ item: String, sourceLocation: SourceLocation = #_sourceLocation) {
        print("hostile \(item) (gRPC): \(report)")
        let codes = report["probe_codes"] as? [String: Int] ?? [:]
        let slowest = (report["probe_latencies"] as? [Double] ?? []).max() ?? .infinity
        #expect(codes["OK"] != nil && codes.keys.allSatisfy { ["OK", "UNAVAILABLE"].contains($0) }, "\(item): gRPC probe codes \(codes)",
            sourceLocation: sourceLocation)
        #expect(slowest <= HostileResourceHarness.probeDeadline, "\(item): slowest gRPC probe \(slowest) s", sourceLocation: sourceLocation)
    }

    /// The folder holding a disk queue's `.seg` files under `root`.
    static func segmentFolder(under root: URL) -> URL? {
        let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        while let file = files?.nextObject() as? URL {
            if file.pathExtension == "seg" { return file.deletingLastPathComponent() }
        }
        return nil
    }
}
