#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The Prometheus standard process metrics, read from `/proc/self` at every collection:
/// `process_resident_memory_bytes`, `process_virtual_memory_bytes`, `process_cpu_seconds_total`,
/// `process_open_fds`, `process_max_fds` and `process_start_time_seconds`.
public struct ProcessMetrics: Sendable {
    /// Registers the process metrics in `collector` and keeps them current at each `collectAll()`.
    /// Registering them twice in one collector is harmless: they are refreshed once per collection.
    ///
    /// - Throws: `MetricsError` if one of the names is already registered differently.
    public init(collector: MetricsCollector) throws(MetricsError) {
        let resident = try collector.gauge("process_resident_memory_bytes", help: "Resident memory size in bytes")
        let virtual = try collector.gauge("process_virtual_memory_bytes", help: "Virtual memory size in bytes")
        let cpu = try collector.counter("process_cpu_seconds_total", help: "Total user and system CPU time spent in seconds")
        let openFDs = try collector.gauge("process_open_fds", help: "Number of open file descriptors")
        let maxFDs = try collector.gauge("process_max_fds", help: "Maximum number of open file descriptors")
        let startTime = try collector.gauge(
            "process_start_time_seconds", help: "Start time of the process since the Unix epoch in seconds")
        let reader = ProcReader()
        let lastCPU = LockedValue(0.0)
        if let start = reader.startTimeSeconds() { startTime.set(start) }
        if let limit = reader.maxOpenFiles() { maxFDs.set(limit) }
        collector.addCollectHook(id: "process_metrics") {
            if let memory = reader.memory() {
                resident.set(memory.resident)
                virtual.set(memory.virtual)
            }
            if let seconds = reader.cpuSeconds() {
                let delta = lastCPU.withLock { last -> Double in
                    defer { last = Swift.max(last, seconds) }
                    return seconds - last
                }
                if delta > 0 { cpu.inc(by: delta) }
            }
            if let count = reader.openFiles() { openFDs.set(count) }
        }
    }
}

/// Reads process figures from procfs.
struct ProcReader: Sendable {
    private let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
    private let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))

    func memory() -> (resident: Double, virtual: Double)? {
        let fields = Self.read("/proc/self/statm").split(separator: " ").compactMap { Double($0) }
        guard fields.count >= 2 else { return nil }
        return (fields[1] * pageSize, fields[0] * pageSize)
    }

    func cpuSeconds() -> Double? {
        let fields = statFields()
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / ticksPerSecond
    }

    func startTimeSeconds() -> Double? {
        let fields = statFields()
        guard fields.count > 19, let ticks = Double(fields[19]) else { return nil }
        let bootTime = Self.read("/proc/stat").split(separator: "\n").first { $0.hasPrefix("btime ") }
            .flatMap { Double($0.dropFirst(6).trimmingProcfsPadding()) }
        return bootTime.map { $0 + ticks / ticksPerSecond }
    }

    func openFiles() -> Double? {
        guard let directory = opendir("/proc/self/fd") else { return nil }
        defer { closedir(directory) }
        var count = 0
        while let entry = readdir(directory) {
            if entry.pointee.d_name.0 != UInt8(ascii: ".") { count += 1 }
        }
        return Double(max(0, count - 1))  // the descriptor opendir itself holds
    }

    func maxOpenFiles() -> Double? {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return nil }
        return Double(limit.rlim_cur)
    }

    /// `/proc/self/stat` fields after the command name (which may contain spaces), so field 3 is index 0.
    private func statFields() -> [Substring] {
        let text = Self.read("/proc/self/stat")
        guard let close = text.lastIndex(of: ")") else { return [] }
        return text[text.index(after: close)...].split(separator: " ")
    }

    private static func read(_ path: String) -> String {
        guard let file = fopen(path, "r") else { return "" }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count <= 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension Substring {
    /// Without the padding of `/proc` status values: leading spaces, trailing spaces and newlines.
    fileprivate func trimmingProcfsPadding() -> Substring {
        var slice = self
        while slice.first == " " { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\n" { slice.removeLast() }
        return slice
    }
}
