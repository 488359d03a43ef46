/// Something that sends metric snapshots to a backend (Prometheus, OTLP, StatsD, CloudWatch, Datadog…).
///
/// `export` is synchronous and throws on failure; pipelines call it from their own worker, never
/// from the application's recording path.
public protocol MetricsExporter: Sendable {
    /// Sends (or stores, for pull-based backends) one snapshot.
    func export(_ snapshot: MetricsSnapshot) throws

    /// Releases the exporter's resources; later exports may fail.
    func shutdown()
}
