import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import TelemetryConfig
import TelemetryGatewayCore
import TelemetryGatewayTransports

/// `telemetry-gateway`: receives OTLP from any SDK and runs it through the configured pipelines.
@main
struct TelemetryGatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "telemetry-gateway",
        abstract: "Receive OTLP, process it in pipelines, and fan it out to several backends.",
        subcommands: [Run.self, Validate.self, PrintDefaultConfig.self],
        defaultSubcommand: Run.self)
}

/// Loads the file given with `--config`, or the embedded default.
private func loadConfiguration(_ path: String?) throws(ConfigError) -> GatewayConfiguration {
    guard let path else { return try GatewayConfiguration.parse(yaml: EmbeddedConfiguration.yaml, file: "<embedded gateway.yaml>") }
    return try GatewayConfiguration.load(path: path)
}

private func fail(_ message: String, code: Int32) -> ExitCode {
    FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    return ExitCode(code)
}

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the gateway (the default).")

    @Option(help: "The YAML configuration (default: the embedded Config/gateway.yaml).")
    var config: String?

    @Option(help: "How long stopping may take (flushing queued telemetry), in seconds; then the gateway exits anyway.")
    var shutdownTimeout: Int = 10

    @Option(help: "Log level (overrides service.telemetry.logs.level): trace, debug, info, notice, warning, error, critical.")
    var logLevel: String?

    mutating func run() async throws {
        MallocSettings.apply()
        let configuration: GatewayConfiguration
        do {
            configuration = try loadConfiguration(config)
        } catch {
            throw fail("\(error)", code: 1)
        }
        var logger = Logger(label: "telemetry-gateway")
        logger.logLevel = logLevel.flatMap(Logger.Level.init(rawValue:)) ?? configuration.telemetry.logLevel
        for warning in configuration.warnings { logger.warning("\(warning)") }
        let service: GatewayService
        do {
            // Built on a thread of its own: starting the gRPC receiver waits for a task, which must not
            // hold a thread of the concurrency pool (a one-core machine's pool has only one).
            let startup = configuration
            let logs = logger
            service = try await withCheckedContinuation { continuation in
                Thread.detachNewThread {
                    continuation.resume(returning: Result { () throws(GatewayError) in
                        try GatewayService(configuration: startup, transports: .standard, logger: logs)
                    })
                }
            }.get()
        } catch {
            throw fail("cannot start: \(error)", code: 1)
        }
        logger.info("telemetry-gateway running", metadata: ["pipelines": "\n\(configuration.graph)"])
        let runner = GatewayRunner(service: service, timeout: .seconds(max(0, shutdownTimeout)), logger: logger)
        let group = ServiceGroup(services: [runner], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await group.run()
        if !runner.flushed.value { throw ExitCode(2) }
    }
}

/// The gateway as a ServiceLifecycle service: runs until a graceful shutdown (SIGTERM, SIGINT), then
/// stops within the shutdown timeout.
struct GatewayRunner: Service {
    let service: GatewayService
    let timeout: Duration
    let logger: Logger
    let flushed = FlushOutcome()

    func run() async throws {
        try? await gracefulShutdown()
        logger.info("stopping: flushing for at most \(timeout)")
        let (service, timeout) = (service, timeout)
        // The flush blocks on queues; it runs on its own thread, off the concurrency pool.
        let result = await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: service.shutdown(timeout: timeout)) }
        }
        flushed.value = result
    }
}

/// Whether stopping flushed everything (the exit status says so).
final class FlushOutcome: Sendable {
    private let flushed = Mutex(true)

    var value: Bool {
        get { flushed.withLock { $0 } }
        set { flushed.withLock { $0 = newValue } }
    }
}

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a configuration file and print its pipelines; exit 1 when it is bad.")

    @Option(help: "The YAML configuration to check.")
    var config: String?

    mutating func run() throws {
        do {
            let configuration = try loadConfiguration(config)
            for warning in configuration.warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
            print("\(config ?? "<embedded gateway.yaml>"): OK")
            print(configuration.graph)
        } catch {
            throw fail("\(error)", code: 1)
        }
    }
}

struct PrintDefaultConfig: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "print-default-config", abstract: "Print the embedded default configuration.")

    mutating func run() {
        print(EmbeddedConfiguration.yaml)
    }
}
