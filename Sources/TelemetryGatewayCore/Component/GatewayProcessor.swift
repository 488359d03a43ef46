import TelemetryOTLPData

/// A pipeline stage between receivers and exporters, built once per configured `processors:` entry.
public protocol GatewayProcessor: Sendable {
    /// The signals it can be used with.
    var signals: Set<OTLPSignal> { get }
    /// A consumer that processes items of `signal` and hands what is left to `next`.
    func consumer(signal: OTLPSignal, next: any PayloadConsumer) -> any PayloadConsumer
    /// Hands on whatever it still holds; called once receivers stopped and before exporters flush.
    func shutdown()
}

extension GatewayProcessor {
    /// Holds nothing.
    public func shutdown() {}
}
