import Foundation

/// One row of the results table: a scenario, our figure, each peer's figure, and the goal.
struct ResultRow: Sendable {
    let scenario: String
    let ours: Measurement?
    let peers: [(name: String, value: Measurement?)]
    let goal: String
    /// Whether a higher value is better (rates) rather than lower (times).
    let higherIsBetter: Bool
    var note: String = ""

    /// How many times better we are than the best peer measured in this run (published figures, whose
    /// names end in "(published)", are a reference column only).
    var ratio: String {
        guard let ours else { return "—" }
        let values = peers.filter { !$0.name.hasSuffix("(published)") }.compactMap(\.value?.value).filter { $0 > 0 }
        guard let best = higherIsBetter ? values.max() : values.min(), ours.value > 0 else { return "—" }
        let factor = higherIsBetter ? ours.value / best : best / ours.value
        return String(format: "%.1f×", factor)
    }
}

/// Writes the results as a Markdown table.
enum ResultsTable {
    static func markdown(_ rows: [ResultRow], peerNames: [String], machine: String) -> String {
        var lines = [
            "# Benchmark results", "",
            "Run: \(ISO8601DateFormatter().string(from: Date())) · machine: \(machine)", "",
            "Ratio = best peer ÷ ours for times (higher is better for us), ours ÷ best peer for rates; only peers measured in",
            "this run count (the OTel Collector column is its published figure, a reference, not a measured ratio).",
            "Allocations per operation are counted with ordo-one/malloc-interposer (LD_PRELOAD).", "",
            "| scenario | ours | " + peerNames.joined(separator: " | ") + " | ratio vs best peer | allocs/op (ours) | goal | notes |",
            "|---|---|" + peerNames.map { _ in "---|" }.joined() + "---|---|---|---|",
        ]
        for row in rows {
            let peers = peerNames.map { name in row.peers.first { $0.name == name }?.value?.text ?? "—" }
            let allocations = row.ours?.allocationsPerOperation.map { String(format: "%.2f", $0) } ?? "—"
            lines.append(
                "| \(row.scenario) | \(row.ours?.text ?? "—") | " + peers.joined(separator: " | ")
                    + " | \(row.ratio) | \(allocations) | \(row.goal) | \(row.note) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
