import Logging
import Telemetry

/// Sends metrics to StatsD or DogStatsD over UDP.
///
/// ```swift
/// let statsd = StatsDExporter(host: "localhost", port: 8125, prefix: "myapp")
/// try statsd.export(collector.collectAll())
/// statsd.close()
/// ```
/// Counters, histogram and summary counts and sums are sent as increases since the previous export;
/// see `StatsDLineFormatter` for the whole mapping. Lines are packed into datagrams of at most
/// `maxDatagramBytes` (1432 by default, which fits an Ethernet MTU); a single line longer than that is
/// dropped and counted (`telemetry_exporter_dropped_items_total{reason="too_large"}`).
public final class StatsDExporter: MetricsExporter {
    /// The most bytes in one datagram.
    public let maxDatagramBytes: Int
    /// The StatsD server's host name or address.
    public let host: String
    /// The StatsD server's UDP port.
    public let port: Int
    private let formatter: StatsDLineFormatter
    private let connection = LockedValue(Connection())
    private let deltas = DeltaConverter(convertsSummaries: true)
    private let selfMetrics: ExporterSelfMetrics

    /// The socket, opened (and `host` resolved) at the first export, reopened after a failure.
    private struct Connection: Sendable {
        var socket: UDPSocket?
        var closed = false
    }

    /// Creates an exporter; `host` is resolved at the first export, so a name that does not resolve yet
    /// fails that export (counted by the pipeline) rather than the program's start.
    ///
    /// - Parameters:
    ///   - prefix: joined to every metric name with `.`.
    ///   - dogStatsDTags: labels as DogStatsD tags (`|#k:v`); `false` for plain StatsD, where label values
    ///     become name segments.
    ///   - maxDatagramBytes: the datagram size limit (at least 64).
    public init(
        host: String = "localhost", port: Int = 8125, prefix: String = "", dogStatsDTags: Bool = true,
        maxDatagramBytes: Int = 1432, name: String = "statsd",
        selfMetrics: MetricsCollector = ExporterSelfMetrics.defaultCollector
    ) {
        self.host = host
        self.port = port
        self.maxDatagramBytes = max(64, maxDatagramBytes)
        formatter = StatsDLineFormatter(prefix: prefix, useTags: dogStatsDTags)
        self.selfMetrics = ExporterSelfMetrics(exporter: name, signal: "metrics", collector: selfMetrics)
    }

    /// Sends the changes since the previous export.
    ///
    /// - Throws: `StatsDError` when a datagram cannot be sent or the exporter is closed.
    public func export(_ snapshot: MetricsSnapshot) throws {
        let conversion = deltas.convert(snapshot)
        let lines = formatter.lines(conversion.snapshot)
        let (datagrams, oversized) = Self.pack(lines, limit: maxDatagramBytes)
        if oversized > 0 { selfMetrics.drop(oversized, reason: "too_large") }
        let (host, port) = (self.host, self.port)
        let failure: StatsDError? = connection.withLock { connection in
            guard !connection.closed else { return .closed }
            do throws(StatsDError) {
                let socket: UDPSocket
                if let open = connection.socket {
                    socket = open
                } else {
                    socket = try UDPSocket(host: host, port: port)
                    connection.socket = socket
                }
                for datagram in datagrams { try socket.send(datagram) }
                return nil
            } catch {
                // Resolve and connect again next time: the address may have changed.
                connection.socket = nil
                return error
            }
        }
        if let failure { throw failure }
        deltas.commit(conversion)
    }

    /// Closes the socket; later exports throw `StatsDError.closed`.
    public func close() {
        connection.withLock { connection in
            connection.socket?.close()
            connection.socket = nil
            connection.closed = true
        }
    }

    /// Same as `close()`.
    public func shutdown() {
        close()
    }

    /// Packs lines, newline-separated, into datagrams of at most `limit` bytes; counts lines that never fit.
    static func pack(_ lines: [String], limit: Int) -> (datagrams: [[UInt8]], oversized: Int) {
        var datagrams: [[UInt8]] = []
        var current: [UInt8] = []
        var oversized = 0
        for line in lines {
            let bytes = Array(line.utf8)
            guard bytes.count <= limit else {
                oversized += 1
                continue
            }
            if !current.isEmpty && current.count + 1 + bytes.count > limit {
                datagrams.append(current)
                current = []
            }
            if !current.isEmpty { current.append(UInt8(ascii: "\n")) }
            current.append(contentsOf: bytes)
        }
        if !current.isEmpty { datagrams.append(current) }
        return (datagrams, oversized)
    }
}
