import Telemetry

/// How many live swift-metrics handlers use each series, so destroying one handler leaves the series to
/// the others and only the last one removes it.
final class SeriesUsers: Sendable {
    private let counts = LockedValue([String: Int]())

    /// Counts one more user of the series of `kind`, `name` and `labels`; returns what releasing that use
    /// does: `remove` runs when the last user is released.
    func use(
        _ kind: String, _ name: String, _ labels: [String: String], remove: @escaping @Sendable () -> Void
    ) -> @Sendable () -> Void {
        let key = ([kind, name] + labels.sorted { $0.key < $1.key }.flatMap { [$0.key, $0.value] }).joined(separator: "\u{0}")
        counts.withLock { $0[key, default: 0] += 1 }
        return { [counts] in
            let last = counts.withLock { counts -> Bool in
                let remaining = (counts[key] ?? 1) - 1
                counts[key] = remaining > 0 ? remaining : nil
                return remaining <= 0
            }
            if last { remove() }
        }
    }
}
