import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A small tmpfs mounted for one test (a disk that really fills up), unmounted when released.
public final class TmpfsMount {
    /// Where it is mounted.
    public let path: String

    /// Mounts a tmpfs of `bytes` bytes in a new temporary folder; nil when this process may not mount.
    public init?(bytes: Int) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tmpfs-\(UUID().uuidString)").path
        guard (try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)) != nil else { return nil }
        guard mount("tmpfs", folder, "tmpfs", 0, "size=\(bytes),mode=0700") == 0 else {
            rmdir(folder)
            return nil
        }
        path = folder
    }

    deinit {
        umount2(path, Int32(MNT_DETACH))
        rmdir(path)
    }

    /// Whether this process may mount a tmpfs (root in a machine that allows it).
    public static let isPermitted: Bool = TmpfsMount(bytes: 4096) != nil
}
