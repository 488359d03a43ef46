import ArgumentParser
import Dispatch
import Foundation
import Logging
import TelemetryConfig

/// `telemetry-gateway`: receives OTLP/HTTP from any SDK, samples, and forwards to several backends.
@main
struct TelemetryGatewayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "telemetry-gateway",
        abstract: "Receive OTLP/HTTP, sample traces, and fan telemetry out to several backends.",
        subcommands: [Run.self, Validate.self, PrintDefaultConfig.self],
        defaultSubcommand: Run.self)
}

/// Loads the file given with `--config`, or the embedded default.
private func loadConfiguration(_ path: String?) throws(ConfigError) -> TelemetryConfiguration {
    guard let path else { return try TelemetryConfiguration.parse(yaml: EmbeddedConfiguration.yaml, file: "<embedded gateway.yaml>") }
    return try TelemetryConfiguration.load(path: path)
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the gateway (the default).")

    @Option(help: "The YAML configuration (default: the embedded Config/gateway.yaml).")
    var config: String?

    @Option(help: "How long to flush queued telemetry when stopping, in seconds.")
    var shutdownTimeout: Int = 10

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    mutating func run() throws {
        var logger = Logger(label: "telemetry-gateway")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let configuration: TelemetryConfiguration
        do {
            configuration = try loadConfiguration(config)
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(1)
        }
        let gateway: Gateway
        do {
            gateway = try Gateway(configuration: configuration, logger: logger)
        } catch {
            FileHandle.standardError.write(Data("error: cannot start: \(error)\n".utf8))
            throw ExitCode(1)
        }
        let stop = DispatchSemaphore(value: 0)
        var sources: [any DispatchSourceSignal] = []
        for signalNumber in [SIGTERM, SIGINT] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { stop.signal() }
            source.resume()
            sources.append(source)
        }
        stop.wait()
        logger.info("stopping: flushing for at most \(shutdownTimeout) s")
        let flushed = gateway.shutdown(timeout: .seconds(shutdownTimeout))
        sources.forEach { $0.cancel() }
        if !flushed { throw ExitCode(2) }
    }
}

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check a configuration file; exit 1 when it is bad.")

    @Option(help: "The YAML configuration to check.")
    var config: String?

    mutating func run() throws {
        do {
            let configuration = try loadConfiguration(config)
            print("\(config ?? "<embedded gateway.yaml>"): OK (\(configuration.exporters.count) exporters, sampler \(configuration.sampler))")
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(1)
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
