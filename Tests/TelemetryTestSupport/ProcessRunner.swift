import Foundation

/// The result of running a program to completion.
public struct ProcessOutput: Sendable {
    /// The exit status.
    public let status: Int32
    /// Everything written to standard output.
    public let stdout: String
    /// Everything written to standard error.
    public let stderr: String
}

/// Errors from starting or waiting for helper programs.
public struct TestPeerError: Error, CustomStringConvertible {
    /// What went wrong.
    public let description: String

    /// Creates an error with a message.
    public init(_ description: String) {
        self.description = description
    }
}

/// Runs `executable` with `arguments`, feeding `input` on standard input, and waits at most `timeout` seconds.
public func runProcess(
    _ executable: String, _ arguments: [String], input: String = "", timeout: TimeInterval = 60
) throws -> ProcessOutput {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let stdin = Pipe()
    let stdout = Pipe()
    let stderr = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = stderr
    try process.run()
    // Read both pipes concurrently so a chatty child never blocks on a full pipe.
    let outputs = OutputCollector()
    let group = DispatchGroup()
    for (pipe, isError) in [(stdout, false), (stderr, true)] {
        group.enter()
        DispatchQueue.global().async {
            outputs.append(pipe.fileHandleForReading.readDataToEndOfFile(), isError: isError)
            group.leave()
        }
    }
    stdin.fileHandleForWriting.write(Data(input.utf8))
    try? stdin.fileHandleForWriting.close()
    if group.wait(timeout: .now() + timeout) == .timedOut {
        // Stopped and reaped: a zombie child left behind makes Swift Testing's exit-test monitor
        // (waitid on any child) spin forever, hanging the whole run.
        stopProcess(process)
        throw TestPeerError("\(executable) \(arguments.joined(separator: " ")) did not finish within \(timeout) s")
    }
    process.waitUntilExit()
    return ProcessOutput(status: process.terminationStatus, stdout: outputs.stdout, stderr: outputs.stderr)
}

private final class OutputCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var out = Data()
    private var err = Data()

    func append(_ data: Data, isError: Bool) {
        lock.lock()
        defer { lock.unlock() }
        if isError { err.append(data) } else { out.append(data) }
    }

    var stdout: String { lock.withLock { String(decoding: out, as: UTF8.self) } }
    var stderr: String { lock.withLock { String(decoding: err, as: UTF8.self) } }
}

/// Stops a child process: SIGTERM, then SIGKILL if it is still running after `grace` seconds.
///
/// Polls `isRunning` instead of `waitUntilExit()`, which can block forever when called from a
/// Swift concurrency thread on Linux.
public func stopProcess(_ process: Process, grace: TimeInterval = 5) {
    guard process.isRunning else { return }
    process.terminate()
    let deadline = Date().addingTimeInterval(grace)
    while process.isRunning && Date() < deadline { usleep(20_000) }
    if process.isRunning {
        kill(process.processIdentifier, SIGKILL)
        while process.isRunning { usleep(20_000) }
    }
}

/// Runs `executable` feeding raw `input` bytes on standard input (at most `timeout` seconds).
public func runProcess(_ executable: String, _ arguments: [String], bytes input: [UInt8], timeout: TimeInterval = 60) throws -> ProcessOutput {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("stdin-\(UUID().uuidString)")
    try Data(input).write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    return try runProcess("/bin/sh", ["-c", "exec \"$0\" \"$@\" < \"\(file.path)\"", executable] + arguments, timeout: timeout)
}
