import Foundation
import MallocInterposerSwift

/// One measured figure: time per operation (or a rate), and allocations per operation when counted.
struct Measurement: Sendable {
    var value: Double
    var unit: String
    var allocationsPerOperation: Double?

    var text: String {
        let number: String
        switch unit {
        case "spans/s": number = String(format: "%.0f", value)
        case "µs": number = String(format: "%.0f", value)
        default: number = value < 10 ? String(format: "%.2f", value) : String(format: "%.0f", value)
        }
        return "\(number) \(unit)"
    }
}

/// Times closures and counts their allocations (when the malloc interposer is preloaded).
enum Harness {
    /// Whether `LD_PRELOAD` put the malloc interposer in place, so allocations can be counted.
    static let countsAllocations: Bool = {
        ProcessInfo.processInfo.environment["LD_PRELOAD"]?.contains("MallocInterposer") == true
    }()

    /// This process's environment without `LD_PRELOAD`, for helper processes that should run unmodified.
    static var environmentWithoutInterposer: [String: String] {
        ProcessInfo.processInfo.environment.filter { $0.key != "LD_PRELOAD" }
    }

    /// Nanoseconds per call of `body`, the median of `rounds` rounds of `iterations` calls each.
    static func nanosecondsPerOperation(iterations: Int, rounds: Int = 5, _ body: () -> Void) -> Measurement {
        for _ in 0..<min(iterations, 10_000) { body() }  // warm-up
        var samples: [Double] = []
        for _ in 0..<rounds {
            let start = ContinuousClock.now
            for _ in 0..<iterations { body() }
            let elapsed = ContinuousClock.now - start
            samples.append(Double(elapsed.components.attoseconds) / 1e9 / Double(iterations)
                + Double(elapsed.components.seconds) * 1e9 / Double(iterations))
        }
        samples.sort()
        return Measurement(value: samples[samples.count / 2], unit: "ns", allocationsPerOperation: allocations(iterations, body))
    }

    /// Allocations per call of `body`, or `nil` without the interposer.
    static func allocations(_ iterations: Int, _ body: () -> Void) -> Double? {
        guard countsAllocations else { return nil }
        MallocInterposerSwift.reset()
        MallocInterposerSwift.hook()
        for _ in 0..<iterations { body() }
        MallocInterposerSwift.unhook()
        return Double(MallocInterposerSwift.getStatistics().mallocCount) / Double(iterations)
    }

    /// Wall nanoseconds per operation when `threads` threads each run `body` `iterations` times at once.
    static func concurrentNanosecondsPerOperation(threads: Int, iterations: Int, _ body: @escaping @Sendable () -> Void) -> Measurement {
        let group = DispatchGroup()
        let start = DispatchSemaphore(value: 0)
        for _ in 0..<threads {
            group.enter()
            Thread {
                start.wait()
                for _ in 0..<iterations { body() }
                group.leave()
            }.start()
        }
        let began = ContinuousClock.now
        for _ in 0..<threads { start.signal() }
        group.wait()
        let elapsed = ContinuousClock.now - began
        let nanos = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
        return Measurement(value: nanos / Double(threads * iterations), unit: "ns wall", allocationsPerOperation: nil)
    }

    /// CPU seconds (user + system) this process has used.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    /// Runs `executable` in a child process (without the allocation counter) and reads the JSON object
    /// of numbers it prints; keys it did not print are simply missing.
    static func figures(from executable: String, _ arguments: [String]) throws -> [String: Double] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environmentWithoutInterposer
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (try? JSONSerialization.jsonObject(with: output) as? [String: Double]) ?? [:]
    }

    /// CPU time of the calling thread, in nanoseconds.
    static func threadCPUNanos() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    /// The peak resident memory of this process, in bytes (VmHWM).
    static func peakResidentBytes(pid: Int32? = nil) -> Double {
        let path = pid.map { "/proc/\($0)/status" } ?? "/proc/self/status"
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        let line = text.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }
        let kilobytes = line?.split(separator: " ").compactMap { Double($0) }.first ?? 0
        return kilobytes * 1024
    }
}
