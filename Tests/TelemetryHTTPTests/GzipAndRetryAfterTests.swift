import Telemetry
import Testing

@testable import TelemetryHTTP

@Suite("gzip and Retry-After")
struct GzipAndRetryAfterTests {
    @Test("gzip round-trips, and the output is a real gzip stream")
    func roundTrip() throws {
        let original = Array("hello telemetry ".utf8) + (0..<10_000).map { UInt8($0 % 251) }
        let compressed = Gzip.compress(original)
        #expect(compressed.prefix(2) == [0x1F, 0x8B])
        #expect(try Gzip.decompress(compressed, limit: 1 << 20) == original)
    }

    @Test("Every level writes a gzip stream zlib reads back; higher levels compress repetitive data at least as well")
    func levels() throws {
        let original = (0..<20_000).flatMap { Array("span-\($0 % 97) attribute=\($0 % 13);".utf8) }
        var sizes: [Int] = []
        for level in Gzip.levels {
            let compressed = Gzip.compress(original, level: level)
            #expect(compressed.prefix(3) == [0x1F, 0x8B, 0x08], "level \(level)")
            #expect(try Gzip.decompress(compressed, limit: original.count) == original, "level \(level)")
            sizes.append(compressed.count)
        }
        #expect(sizes.last! < sizes.first!, "\(sizes)")
        #expect(!Gzip.compress([], level: 1).isEmpty)
        #expect(try Gzip.decompress(Gzip.compress([]), limit: 0).isEmpty)
    }

    @Test("Compressors are reused safely from several threads at once")
    func concurrentCompression() async throws {
        let inputs = (0..<8).map { seed in (0..<50_000).map { UInt8(truncatingIfNeeded: $0 &* (seed + 3) >> 4) } }
        let results = await withTaskGroup(of: (Int, [UInt8]).self) { group in
            for round in 0..<64 {
                group.addTask { (round % inputs.count, Gzip.compress(inputs[round % inputs.count], level: 1 + round % 3)) }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 64)
        for (index, compressed) in results {
            #expect(try Gzip.decompress(compressed, limit: 1 << 20) == inputs[index])
        }
    }

    @Test("Decompression stops at the limit: a gzip bomb costs at most the limit")
    func bomb() {
        let bomb = Gzip.compress([UInt8](repeating: 0, count: 50 << 20))
        #expect(bomb.count < 100_000)
        #expect(throws: Gzip.Failure.tooLarge(limit: 1 << 20)) { try Gzip.decompress(bomb, limit: 1 << 20) }
    }

    @Test("Corrupt and truncated input is reported, not trusted")
    func corrupt() {
        let valid = Gzip.compress(Array(repeating: 7, count: 1000))
        #expect(throws: Gzip.Failure.self) { try Gzip.decompress(Array("not gzip".utf8), limit: 1000) }
        #expect(throws: Gzip.Failure.self) { try Gzip.decompress(Array(valid.prefix(valid.count / 2)), limit: 10_000) }
    }

    @Test("Retry-After in seconds and as an HTTP-date")
    func retryAfter() {
        #expect(RetryAfter.delay("2") == .seconds(2))
        #expect(RetryAfter.delay(" 120 ") == .seconds(120))
        #expect(RetryAfter.delay("-1") == nil)
        #expect(RetryAfter.delay("soon") == nil)
        // 1994-11-06 08:49:37 UTC is Unix time 784111777.
        #expect(RetryAfter.httpDate("Sun, 06 Nov 1994 08:49:37 GMT") == 784_111_777)
        #expect(RetryAfter.delay("Sun, 06 Nov 1994 08:49:47 GMT", nowSeconds: 784_111_777) == .seconds(10))
        #expect(RetryAfter.delay("Sun, 06 Nov 1994 08:49:37 GMT", nowSeconds: 784_200_000) == .seconds(0))
        #expect(RetryAfter.delay("Sun, 06 Nov 1994 25:49:37 GMT") == nil)
        // The obsolete forms every HTTP/1.1 recipient must accept (RFC 9110 §5.6.7).
        #expect(RetryAfter.httpDate("Sunday, 06-Nov-94 08:49:37 GMT", nowSeconds: 1_700_000_000) == 784_111_777)
        #expect(RetryAfter.httpDate("Sun Nov  6 08:49:37 1994") == 784_111_777)
    }

    @Test("Absurd Retry-After values saturate instead of trapping")
    func absurdRetryAfter() {
        #expect(RetryAfter.delay("100000000000") == RetryAfter.maxDelay)
        #expect(RetryAfter.delay(String(repeating: "9", count: 400)) == RetryAfter.maxDelay)
        #expect(RetryAfter.delay("Fri, 31 Dec 9999 23:59:59 GMT", nowSeconds: 0) == RetryAfter.maxDelay)
        #expect(RetryAfter.delay("Fri, 31 Dec 99999999999999 23:59:59 GMT") == nil)
        #expect(RetryAfter.delay("Fri, 31 Dec -9999 23:59:59 GMT") == nil)
        #expect(RetryAfter.delay("Fri, 99999999999999999999 Dec 2026 23:59:59 GMT") == nil)
        #expect(RetryAfter.delay("Fri, 31 Dec 2026 99999999999999999999:59:59 GMT") == nil)
        #expect(RetryAfter.delay("Sunday, 06-Nov-99999999999999999 08:49:37 GMT") == nil)
        #expect(RetryAfter.delay("+5") == nil)
        #expect(RetryAfter.delay("") == nil)
        #expect(Duration.seconds(Int64.max).nanoseconds == .max)
        #expect(Duration.seconds(-5).nanoseconds == 0)
        #expect(UInt64.max.addingSaturated(1) == .max && UInt64(3).subtractingSaturated(5) == 0)
    }

    @Test("Backoff grows exponentially with jitter in [half, full], capped")
    func backoff() {
        let policy = RetryPolicy(initialBackoff: .seconds(1), maxBackoff: .seconds(4), multiplier: 2)
        var generator = SystemRandomNumberGenerator()
        for (retry, full) in [(1, 1.0), (2, 2.0), (3, 4.0), (4, 4.0), (8, 4.0)] {
            for _ in 0..<50 {
                let wait = policy.backoff(forRetry: retry, using: &generator)
                #expect(wait >= .seconds(full / 2) && wait <= .seconds(full), "retry \(retry): \(wait)")
            }
        }
    }
}

/// Decompression asks for its memory before it allocates it.
@Suite("Gzip: decompression reserves before it grows")
struct GzipReservationTests {
    @Test("Every growth is asked for first: the total asked covers the output's storage (old and new while copying); a refusal stops it")
    func reservesBeforeGrowing() throws {
        let original = [UInt8](repeating: 7, count: 5 << 20)
        let compressed = Gzip.compress(original)
        var asked: [Int] = []
        let output = try Gzip.decompress(compressed, limit: 8 << 20) { total in
            asked.append(total)
            return true
        }
        #expect(output == original)
        let peak = try #require(asked.max())
        #expect(peak >= output.capacity + 64 * 1024, "asked at most \(peak) for \(output.capacity) bytes of storage")
        #expect(peak <= 3 * output.count + 64 * 1024 + 256)
        #expect(asked.count >= 3)
        #expect(throws: Gzip.Failure.refused) {
            try Gzip.decompress(compressed, limit: 8 << 20) { total in total < 1 << 20 }
        }
    }
}
