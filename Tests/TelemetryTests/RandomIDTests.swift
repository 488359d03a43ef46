import Testing

#if canImport(Glibc)
import Glibc
#endif

@testable import Telemetry

@Suite("Random span and trace ids")
struct RandomIDTests {
    @Test("ChaCha8 matches the published test vector (256-bit zero key, zero nonce, first block)")
    func chaCha8KnownAnswer() {
        let key = [UInt32](repeating: 0, count: 8)
        var block = [UInt32](repeating: 0, count: 16)
        key.withUnsafeBufferPointer { key in
            block.withUnsafeMutableBufferPointer { ChaCha8.block(key: key.baseAddress!, counter: 0, into: $0.baseAddress!) }
        }
        let bytes = block.flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> (8 * $0)) } }
        let hex = bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
        #expect(hex == "3e00ef2f895f40d67f5bb8e81f09a5a12c840ec3ce9a7f3b181be188ef711a1e"
            + "984ce172b9216f419f445367456d5619314a42a3da86b001387bfdb80e0cfe42")
    }

    @Test("Values are balanced bit by bit and never repeat; threads draw different streams")
    func distribution() async {
        let count = 20_000
        var ones = [Int](repeating: 0, count: 64)
        var seen = Set<UInt64>()
        for _ in 0..<count {
            let value = ThreadRandom.next()
            seen.insert(value)
            for bit in 0..<64 where value >> bit & 1 == 1 { ones[bit] += 1 }
        }
        #expect(seen.count == count)
        let tolerance = 5 * (Double(count) * 0.25).squareRoot()
        #expect(ones.allSatisfy { abs(Double($0) - Double(count) / 2) <= tolerance }, "\(ones)")
        let perThread = await withTaskGroup(of: Set<UInt64>.self) { group in
            for _ in 0..<4 { group.addTask { Set((0..<1000).map { _ in ThreadRandom.next() }) } }
            return await group.reduce(into: [Set<UInt64>]()) { $0.append($1) }
        }
        #expect(perThread.reduce(0) { $0 + $1.count } == Set(perThread.joined()).count)
    }

    @Test("A forked child draws different ids from its parent")
    func forkedChildDiffers() throws {
        let tracer = SimpleTracer()
        _ = tracer.startSpan("warm-up", parent: .root)  // this thread's stream exists before the fork
        var pipe: [Int32] = [0, 0]
        try #require(Glibc.pipe(&pipe) == 0)
        let child = fork()
        try #require(child >= 0)
        if child == 0 {
            var ids = (0..<8).map { _ in tracer.startSpan("child", parent: .root).spanID.value }
            _ = ids.withUnsafeMutableBytes { write(pipe[1], $0.baseAddress, $0.count) }
            _exit(0)
        }
        close(pipe[1])
        let parentIDs = (0..<8).map { _ in tracer.startSpan("parent", parent: .root).spanID.value }
        var childIDs = [UInt64](repeating: 0, count: 8)
        let read = childIDs.withUnsafeMutableBytes { Glibc.read(pipe[0], $0.baseAddress, $0.count) }
        close(pipe[0])
        var status: Int32 = 0
        waitpid(child, &status, 0)
        #expect(read == 64)
        #expect(Set(parentIDs).isDisjoint(with: childIDs), "parent \(parentIDs) child \(childIDs)")
    }
}
