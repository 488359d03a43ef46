import Telemetry

/// The last exported snapshot and the collectors to collect fresh, shared with the HTTP handler.
final class ExporterState: Sendable {
    private struct Sources: Sendable {
        var exported: MetricsSnapshot?
        var collectors: [any MetricsSource] = []
    }

    private let sources = LockedValue(Sources())

    func register(_ collector: any MetricsSource) {
        sources.withLock { sources in
            if !sources.collectors.contains(where: { $0 === collector }) {
                sources.collectors.append(collector)
            }
        }
    }

    func store(_ snapshot: MetricsSnapshot) {
        sources.withLock { $0.exported = snapshot }
    }

    /// The exported families merged with fresh ones; a name present in both comes from the fresh snapshot.
    func families() -> [MetricFamily] {
        let (exported, collectors) = sources.withLock { ($0.exported, $0.collectors) }
        var byName: [String: MetricFamily] = [:]
        for family in exported?.families ?? [] {
            byName[family.name] = family
        }
        for collector in collectors {
            for family in collector.collectAll().families {
                byName[family.name] = family
            }
        }
        return byName.values.sorted { $0.name < $1.name }
    }
}
