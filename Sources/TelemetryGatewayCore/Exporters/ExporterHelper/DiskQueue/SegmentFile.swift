#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A failed file operation of the disk queue: what was done, on which path, and `errno`'s text.
struct DiskQueueIOError: Error, CustomStringConvertible {
    let description: String
    /// The `errno` value.
    let code: Int32

    init(_ operation: String, _ path: String, errno code: Int32 = errno) {
        self.code = code
        description = "\(operation) \(path): \(String(cString: strerror(code)))"
    }

    /// Whether the disk was full (or a quota reached).
    var isNoSpace: Bool { code == ENOSPC || code == EDQUOT }
}

/// An open file of the queue's folder, closed when released.
final class SegmentFile: @unchecked Sendable {
    // @unchecked: the descriptor is only used under the owning SegmentLog's lock, or by one thread.
    let path: String
    private let descriptor: Int32

    /// Opens `path` for reading and writing, creating it when asked.
    init(path: String, create: Bool) throws(DiskQueueIOError) {
        self.path = path
        let flags = O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0)
        let fd = open(path, flags, 0o644)
        guard fd >= 0 else { throw DiskQueueIOError("open", path) }
        descriptor = fd
    }

    deinit {
        close(descriptor)
    }

    /// The file's size.
    func size() throws(DiskQueueIOError) -> Int {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw DiskQueueIOError("stat", path) }
        return Int(status.st_size)
    }

    /// Writes all of `bytes` at `offset`.
    func write(_ bytes: [UInt8], at offset: Int) throws(DiskQueueIOError) {
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return pwrite(descriptor, base + written, buffer.count - written, off_t(offset + written))
            }
            if result < 0 {
                if errno == EINTR { continue }
                throw DiskQueueIOError("write", path)
            }
            written += result
        }
    }

    /// Up to `count` bytes at `offset` (fewer at the end of the file).
    func read(_ count: Int, at offset: Int) throws(DiskQueueIOError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let result = bytes.withUnsafeMutableBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return pread(descriptor, base + filled, count - filled, off_t(offset + filled))
            }
            if result < 0 {
                if errno == EINTR { continue }
                throw DiskQueueIOError("read", path)
            }
            if result == 0 { break }
            filled += result
        }
        bytes.removeLast(count - filled)
        return bytes
    }

    /// Forces the file's data to disk.
    func sync() throws(DiskQueueIOError) {
        guard fdatasync(descriptor) == 0 else { throw DiskQueueIOError("fsync", path) }
    }

    /// Cuts the file to `size` bytes.
    func truncate(to size: Int) throws(DiskQueueIOError) {
        guard ftruncate(descriptor, off_t(size)) == 0 else { throw DiskQueueIOError("truncate", path) }
    }

    /// Takes an exclusive advisory lock, or says the file is locked by another process.
    func lockExclusively() throws(DiskQueueIOError) {
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else { throw DiskQueueIOError("lock", path) }
    }
}

/// File-system operations on the queue's folder.
enum QueueFolder {
    /// Creates `path` and its parents (mode 0700: queued telemetry may be sensitive).
    static func create(_ path: String) throws(DiskQueueIOError) {
        var built = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            built += "/" + component
            if mkdir(built, 0o700) != 0 && errno != EEXIST { throw DiskQueueIOError("mkdir", built) }
        }
    }

    /// The names of the entries of `path`.
    static func entries(_ path: String) throws(DiskQueueIOError) -> [String] {
        guard let directory = opendir(path) else { throw DiskQueueIOError("opendir", path) }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Removes the file `path` (a missing file is not an error).
    static func remove(_ path: String) throws(DiskQueueIOError) {
        guard unlink(path) == 0 || errno == ENOENT else { throw DiskQueueIOError("unlink", path) }
    }

    /// Writes `bytes` to `path` atomically (a temporary file renamed over it), forced to disk when `durable`.
    static func replace(_ path: String, with bytes: [UInt8], durable: Bool) throws(DiskQueueIOError) {
        let temporary = path + ".tmp"
        do {
            let file = try SegmentFile(path: temporary, create: true)
            try file.truncate(to: 0)
            try file.write(bytes, at: 0)
            if durable { try file.sync() }
        }
        guard rename(temporary, path) == 0 else { throw DiskQueueIOError("rename", temporary) }
        if durable { try syncFolder(of: path) }
    }

    /// Forces the folder entry changes (creations, renames, removals) of `path`'s folder to disk.
    static func syncFolder(of path: String) throws(DiskQueueIOError) {
        let folder = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let fd = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw DiskQueueIOError("open", folder) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw DiskQueueIOError("fsync", folder) }
    }
}
