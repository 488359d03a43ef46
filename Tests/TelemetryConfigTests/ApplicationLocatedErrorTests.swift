import Foundation
import TelemetryTestSupport
import Testing

@testable import TelemetryConfig

/// The application format's errors found outside the key-by-key parse (reading the file, opening the
/// debug exporter's file, binding the Prometheus endpoint) name file, line and column too.
@Suite("Application configuration: every error located")
struct ApplicationLocatedErrorTests {
    @Test("An unreadable, empty or too large file is an error at its line 1, column 1")
    func wholeFileErrors() throws {
        let unreadable = try #require(catching { _ = try TelemetryConfiguration.load(path: "/nonexistent/telemetry.yaml") })
        #expect(unreadable.file == "/nonexistent/telemetry.yaml" && unreadable.line == 1 && unreadable.column == 1)
        #expect(unreadable.message.contains("cannot read"))
        let empty = try #require(catching { _ = try TelemetryConfiguration.parse(yaml: "", file: "empty.yaml") })
        #expect(empty.description == "empty.yaml:1:1: the file is empty")
        let large = String(repeating: "# padding\n", count: 420_000)
        let tooLarge = try #require(catching { _ = try TelemetryConfiguration.parse(yaml: large, file: "large.yaml") })
        #expect(tooLarge.description == "large.yaml:1:1: the file is larger than 4194304 bytes")
    }

    @Test("A debug path that cannot be opened is located at its path key")
    func debugPath() throws {
        let configuration = try TelemetryConfiguration.parse(
            yaml: "exporters:\n  - type: debug\n    path: /nonexistent/dir/debug.jsonl\n", file: "app.yaml")
        let error = try #require(catching { _ = try TelemetryPipeline(configuration: configuration) })
        #expect(error.file == "app.yaml" && error.path == "exporters[0].path" && error.line == 3 && error.column == 11, "\(error)")
        #expect(error.message.hasPrefix("cannot open the file"))
    }

    @Test("A Prometheus endpoint that cannot be bound is located at its endpoint key")
    func prometheusEndpoint() throws {
        // 192.0.2.1 (TEST-NET-1) is no address of this host, so binding it fails without any traffic.
        let configuration = try TelemetryConfiguration.parse(
            yaml: "service: {name: a}\nprometheus:\n  endpoint: 192.0.2.1:9464\n", file: "app.yaml")
        let error = try #require(catching { _ = try TelemetryPipeline(configuration: configuration) })
        #expect(error.file == "app.yaml" && error.path == "prometheus.endpoint" && error.line == 3 && error.column == 13, "\(error)")
        #expect(error.message.hasPrefix("cannot listen on 192.0.2.1:9464"))
    }

    private func catching(_ body: () throws -> Void) -> ConfigError? {
        do {
            try body()
            return nil
        } catch let error as ConfigError {
            return error
        } catch {
            Issue.record("not a ConfigError: \(error)")
            return nil
        }
    }
}
