import Foundation
import TelemetryGatewayCore
import TelemetryGatewayTesting
import TelemetryOTLPData
import TelemetryTestSupport
import Testing

/// The `ottl-eval` fuzz target's harness is not vacuous: its seeds (real SDK requests for the three
/// signals) are edited — with no room for edits the chain answers 429 — and fit the bound it asserts.
@Suite("ottl-eval fuzz target: the seeds are edited and fit the asserted memory bound")
struct OTTLEvalFuzzTests {
    static func seeds() throws -> [(signal: OTLPSignal, body: [UInt8])] {
        let directory = TestPeers.packageRoot.appendingPathComponent("Fuzz/Corpus/ottl-eval")
        return try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted().map { file in
            let input = Array(try Data(contentsOf: directory.appendingPathComponent(file)))
            return (OTLPSignal.allCases[Int(input[0] % 3)], Array(input.dropFirst()))
        }
    }

    @Test("Each signal's seed needs edit memory and fits the bound; the least it needs, per input byte, is far below it")
    func seedsFitTheBound() throws {
        let seeds = try Self.seeds()
        #expect(Set(seeds.map(\.signal)) == Set(OTLPSignal.allCases))
        for (signal, body) in seeds {
            let bound = OTTLEvalFuzz.editBound(inputBytes: body.count)
            #expect(Self.accepted(OTTLEvalFuzz.run(body, signal: signal, editBytes: bound)), "\(signal): refused within the bound")
            #expect(!Self.accepted(OTTLEvalFuzz.run(body, signal: signal, editBytes: 0)), "\(signal): edited without memory")
            var (low, high) = (0, bound)  // the least extra budget the chain accepts
            while low < high {
                let middle = (low + high) / 2
                if Self.accepted(OTTLEvalFuzz.run(body, signal: signal, editBytes: middle)) { high = middle } else { low = middle + 1 }
            }
            print("ottl-eval \(signal.rawValue): \(body.count) bytes need \(low) edit bytes (\(Double(low) / Double(body.count)) a byte)")
            #expect(low <= bound / 4, "\(signal): \(low) of \(bound)")
        }
    }

    @Test("Many tiny items (2 wire bytes a log record, 11 a point, 30 a span), every one gaining attributes, fit the bound", arguments: OTLPSignal.allCases)
    func manyTinyItems(signal: OTLPSignal) throws {
        let body = Self.tinyItems(signal, count: 2_000)
        let bound = OTTLEvalFuzz.editBound(inputBytes: body.count)
        var (low, high) = (0, bound)
        while low < high {
            let middle = (low + high) / 2
            if Self.accepted(OTTLEvalFuzz.run(body, signal: signal, editBytes: middle)) { high = middle } else { low = middle + 1 }
        }
        print("ottl-eval tiny \(signal.rawValue): \(body.count) bytes need \(low) edit bytes (\(Double(low) / Double(body.count)) a byte)")
        #expect(low > 0 && low <= bound / 2, "\(signal): \(low) of \(bound)")
    }

    /// A request of one resource and scope holding `count` spans with only their ids or empty log
    /// records, or one gauge of `count` points holding only a value.
    static func tinyItems(_ signal: OTLPSignal, count: Int) -> [UInt8] {
        switch signal {
        case .traces:
            let span = message(2, message(1, Array(repeating: 1, count: 16)) + message(2, Array(repeating: 2, count: 8)))
            return message(1, message(2, Array(repeating: span, count: count).flatMap { $0 }))
        case .logs: return message(1, message(2, Array(repeating: [0x12, 0x00], count: count).flatMap { $0 }))
        case .metrics:
            return message(1, message(2, message(2, [0x0a, 0x01, 0x6d] + message(5, Array(repeating: [0x0a, 0x09, 0x31, 1, 0, 0, 0, 0, 0, 0, 0], count: count).flatMap { $0 }))))
        }
    }

    /// Field `field` (length-delimited) holding `content`.
    static func message(_ field: UInt8, _ content: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = [field << 3 | 2]
        var length = content.count
        while length >= 0x80 {
            bytes.append(UInt8(length & 0x7f) | 0x80)
            length >>= 7
        }
        return bytes + [UInt8(length)] + content
    }

    static func accepted(_ outcome: RequestIntake.Outcome?) -> Bool {
        if case .accepted = outcome { return true }
        return false
    }
}
