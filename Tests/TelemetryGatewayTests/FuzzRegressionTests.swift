import Foundation
import TelemetryGatewayTesting
import TelemetryTestSupport
import Testing

/// The fuzz targets' seed corpora and every crash they found, replayed through the same code in every
/// test run (the fuzzers themselves run in CI briefly, and for long in the note's figures).
@Suite("Fuzz corpora and regressions replay without a crash")
struct FuzzRegressionTests {
    @Test("Every seed and regression input of every target", arguments: FuzzInputs.targets)
    func replay(target: String) throws {
        let root = TestPeers.packageRoot
        var inputs = 0
        for folder in ["Fuzz/Corpus/\(target)", "Tests/Fixtures/fuzz-regressions/\(target)"] {
            let directory = root.appendingPathComponent(folder)
            for file in (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [] {
                FuzzInputs.run(target, Array(try Data(contentsOf: directory.appendingPathComponent(file))))
                inputs += 1
            }
        }
        #expect(inputs > 0, "no seeds for \(target)")
    }

    @Test("scripts/fuzz --list names exactly the targets the replay covers")
    func targetsListed() throws {
        let listed = try runProcess(TestPeers.packageRoot.appendingPathComponent("scripts/fuzz").path, ["--list"])
        #expect(listed.stdout.split(separator: "\n").map(String.init) == FuzzInputs.targets)
    }
}
