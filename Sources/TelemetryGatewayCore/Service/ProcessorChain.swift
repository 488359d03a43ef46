import Logging
import Telemetry
import TelemetryOTLPData

/// The processors of a configuration's pipeline, built and chained in front of a consumer exactly as
/// `GatewayService` chains them, but without receivers, exporters or threads: the `ottl-eval` fuzz
/// target feeds requests through the real editing processors this way.
package enum ProcessorChain {
    /// The head of the processors of the first pipeline of `signal` in `configuration`, handing what
    /// is left to `next`; their log lines go to `logger` (none by default).
    package static func build(
        _ configuration: GatewayConfiguration, signal: OTLPSignal, next: any PayloadConsumer, budget: MemoryBudget,
        logger: Logger = Logger(label: "processor-chain", factory: { _ in SwiftLogNoOpLogHandler() })
    ) throws(GatewayError) -> any PayloadConsumer {
        guard let pipeline = configuration.pipelines.first(where: { $0.signal == signal }) else {
            throw GatewayError("the configuration has no \(signal.rawValue) pipeline")
        }
        let metrics = GatewaySelfMetrics(collector: MetricsCollector())
        var head = next
        for id in pipeline.processors.reversed() {
            guard let definition = configuration.processors[id] else { continue }
            let context = BuildContext(id: id, metrics: metrics, budget: budget, logger: logger, transports: nil)
            head = try definition.build(context).consumer(signal: signal, next: head)
        }
        return head
    }
}
