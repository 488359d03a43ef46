/// glibc's `mallopt` (not in Swift's Glibc module, which leaves out `malloc.h`).
@_silgen_name("mallopt")
private func mallopt(_ parameter: Int32, _ value: Int32) -> Int32

/// Makes the process's resident memory follow what it holds, so the memory budget bounds RSS too.
///
/// By default glibc raises its mmap threshold each time a large block is freed (up to 32 MiB), after
/// which request-sized buffers come from the heap and stay resident when freed, and keeps up to 8 heaps
/// per core for the threads; measured on the hostile-resource suite's item 7 (16 MiB requests on several
/// threads, a 64 MiB budget): 208 MiB peak RSS by default, 110 MiB with a fixed threshold. A fixed
/// threshold of 128 KiB returns every large buffer to the system when it is freed.
enum MallocSettings {
    private static let mmapThreshold: Int32 = -3  // M_MMAP_THRESHOLD

    /// Applies the settings; call before the gateway allocates request buffers.
    static func apply() {
        _ = mallopt(mmapThreshold, 128 << 10)
    }
}
