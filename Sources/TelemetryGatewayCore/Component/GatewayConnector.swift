import TelemetryOTLPData

/// A connector, built once per configured `connectors:` entry: it is an exporter of some pipelines and a
/// receiver of others, possibly of another signal (`spanmetrics`: traces in, metrics out).
public protocol GatewayConnector: Sendable {
    /// The consumer that takes `from` items — it is listed among the exporters of pipelines of that
    /// signal — and feeds `outputs`: the first consumer (processors, then exporters) of each pipeline of
    /// signal `to` that lists the connector among its receivers, by pipeline id. Called once per pair in
    /// use; every pipeline of signal `from` that exports to the connector gets the same consumer. A
    /// refusal of an output goes back up to the client (429 / UNAVAILABLE), as from any exporter.
    func consumer(from: OTLPSignal, to: OTLPSignal, outputs: [ComponentID: any PayloadConsumer]) throws(GatewayError) -> any PayloadConsumer
    /// Hands on what it still holds (an aggregating connector's last flush); called once the receivers
    /// and the processors before it stopped, before the pipelines it feeds stop.
    func shutdown()
}

extension GatewayConnector {
    /// Holds nothing.
    public func shutdown() {}
}

/// A signal a connector takes and the signal it feeds.
public struct SignalPair: Hashable, Sendable, CustomStringConvertible {
    /// The signal of the pipelines it exports from.
    public let from: OTLPSignal
    /// The signal of the pipelines it feeds.
    public let to: OTLPSignal

    /// The pair `from` → `to`.
    public init(_ from: OTLPSignal, _ to: OTLPSignal) {
        self.from = from
        self.to = to
    }

    /// Every same-signal pair (traces → traces, metrics → metrics, logs → logs).
    public static let sameSignal: Set<SignalPair> = Set(OTLPSignal.allCases.map { SignalPair($0, $0) })

    /// `traces → metrics`.
    public var description: String { "\(from.rawValue) → \(to.rawValue)" }
}
