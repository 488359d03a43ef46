#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The memory limit of the cgroup the process runs in (cgroup v2 `memory.max`, else v1
/// `memory.limit_in_bytes`), or `nil` when there is none.
public enum ContainerMemory {
    /// The limit in bytes, or `nil` without one (or when it cannot be read).
    public static func limitBytes() -> Int? {
        for path in ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"] {
            guard let text = read(path) else { continue }
            let value = text.trimmingCharacters()
            // "max" (v2) or a huge number (v1's 9223372036854771712) mean no limit.
            guard let bytes = Int(value), bytes > 0, bytes < 1 << 60 else { return nil }
            return bytes
        }
        return nil
    }

    /// The default in-flight budget: a quarter of the container's limit, at most 512 MiB, else 512 MiB.
    public static func defaultBudgetBytes() -> Int {
        min(512 << 20, (limitBytes() ?? Int.max) / 4)
    }

    private static func read(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 64)
        guard fgets(&buffer, Int32(buffer.count), file) != nil else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

extension String {
    fileprivate func trimmingCharacters() -> String {
        String(self.filter { !$0.isWhitespace })
    }
}
