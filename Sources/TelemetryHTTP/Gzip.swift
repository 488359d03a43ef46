import CDeflate
import CZlib
import Synchronization

/// gzip compression with libdeflate and bounded decompression with zlib.
package enum Gzip {
    /// Why a gzip operation failed.
    package enum Failure: Error, Equatable, Sendable {
        /// The input is not a valid gzip (or zlib) stream.
        case corrupt(String)
        /// The decompressed data would exceed the allowed size.
        case tooLarge(limit: Int)
        /// The memory for the output could not be reserved.
        case refused
    }

    /// The compression levels accepted: 1 (fastest) to 12 (smallest); 1–9 compress about as zlib's do.
    package static let levels: ClosedRange<Int> = 1...12

    /// The accepted level nearest to `requested`.
    package static func level(_ requested: Int) -> Int {
        Swift.min(Swift.max(requested, levels.lowerBound), levels.upperBound)
    }

    /// Compresses `bytes` into one gzip member (RFC 1952) at `level` (clamped to `levels`).
    ///
    /// libdeflate compresses a whole buffer at once: on a 512-span OTLP batch (59 KB) its level 1 takes
    /// 1.55 M instructions against zlib level 1's 2.68 M (2.6–3× faster in wall time), and its output is
    /// slightly smaller. Returns an empty array only if no compressor could be allocated.
    package static func compress(_ bytes: [UInt8], level: Int = 6) -> [UInt8] {
        let level = Self.level(level)
        guard let compressor = compressors.take(level: level) else { return [] }
        defer { compressors.give(compressor, level: level) }
        let bound = libdeflate_gzip_compress_bound(compressor.pointer, bytes.count)
        return [UInt8](unsafeUninitializedCapacity: bound) { output, count in
            count = bytes.withUnsafeBytes { input in
                libdeflate_gzip_compress(compressor.pointer, input.baseAddress, input.count, output.baseAddress, bound)
            }
        }
    }

    /// Decompresses a gzip (or zlib) stream, refusing to produce more than `limit` bytes.
    ///
    /// `reserve` is asked, before the output's storage is allocated or grown, for the bytes the
    /// decompression then holds in all (the 64 KiB chunk, the storage, and the old storage too while it is
    /// copied into the new, doubling, one): so it holds at most 3 × the output + 64 KiB + 128 bytes, and
    /// after the last growth 2 × the output + 64 KiB + 64 (it is told so at the end). A refusal stops it.
    ///
    /// - Throws: `.tooLarge` as soon as the output would pass `limit` (a gzip bomb costs at most
    ///   `limit` bytes of memory), `.refused` when `reserve` says no, `.corrupt` for invalid or
    ///   truncated input.
    package static func decompress(
        _ bytes: [UInt8], limit: Int, reserve: (Int) -> Bool = { _ in true }
    ) throws(Failure) -> [UInt8] {
        var stream = z_stream()
        guard telemetry_inflate_init_auto(&stream) == Z_OK else { throw .corrupt("inflateInit failed") }
        defer { inflateEnd(&stream) }
        let chunkBytes = 64 * 1024
        // Swift rounds an array's storage up to the allocator's size class: 64 bytes cover it and the header.
        let slack = 64
        var output: [UInt8] = []
        let initial = min(limit, max(bytes.count * 4, 4096))
        guard reserve(chunkBytes + initial + slack) else { throw .refused }
        output.reserveCapacity(initial)
        var chunk = [UInt8](repeating: 0, count: chunkBytes)
        let outcome: Failure? = bytes.withUnsafeBufferPointer { input in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = uInt(input.count)
            while true {
                let (status, produced) = chunk.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(out.count)
                    let status = inflate(&stream, Z_NO_FLUSH)
                    return (status, out.count - Int(stream.avail_out))
                }
                guard output.count + produced <= limit else { return .tooLarge(limit: limit) }
                if output.count + produced > output.capacity {
                    let grown = min(limit, max(2 * output.capacity, output.count + produced))
                    guard reserve(chunkBytes + output.capacity + grown + 2 * slack) else { return .refused }
                    output.reserveCapacity(grown)
                    guard reserve(chunkBytes + output.capacity + slack) else { return .refused }
                }
                output.append(contentsOf: chunk[0..<produced])
                switch status {
                case Z_STREAM_END:
                    return nil
                case Z_OK:
                    continue
                case Z_BUF_ERROR where stream.avail_in == 0:
                    return .corrupt("truncated gzip stream")
                default:
                    let reason = stream.msg.map { String(cString: $0) } ?? "zlib status \(status)"
                    return .corrupt(reason)
                }
            }
        }
        if let outcome { throw outcome }
        return output
    }

    private static let compressors = CompressorPool()
}

/// libdeflate compressors kept for reuse, a few per level: allocating one costs 5–9 µs here, about as
/// much as compressing a batch of a dozen spans.
private struct CompressorPool: ~Copyable, Sendable {
    /// A compressor, used by one thread at a time (between `take` and `give`).
    struct Compressor: @unchecked Sendable {
        let pointer: OpaquePointer
    }

    /// Idle compressors kept per level; more are freed when given back (export workers are few).
    private static let keptPerLevel = 4
    private let idle = Mutex<[Int: [Compressor]]>([:])

    func take(level: Int) -> Compressor? {
        if let kept = idle.withLock({ $0[level]?.popLast() }) { return kept }
        return libdeflate_alloc_compressor(Int32(level)).map(Compressor.init)
    }

    func give(_ compressor: Compressor, level: Int) {
        let kept = idle.withLock { idle in
            guard idle[level, default: []].count < Self.keptPerLevel else { return false }
            idle[level, default: []].append(compressor)
            return true
        }
        if !kept { libdeflate_free_compressor(compressor.pointer) }
    }
}
