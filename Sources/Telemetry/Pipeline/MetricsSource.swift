/// Anything that can produce a metrics snapshot on demand: a `MetricsCollector`, or the gateway's
/// store of received metrics.
public protocol MetricsSource: AnyObject, Sendable {
    /// A snapshot of every series right now.
    func collectAll() -> MetricsSnapshot
}

extension MetricsCollector: MetricsSource {}
