#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The machine's physical memory.
enum PhysicalMemory {
    /// Bytes of RAM (`_SC_PHYS_PAGES` × page size).
    static var bytes: Int {
        Int(sysconf(Int32(_SC_PHYS_PAGES))) * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
