import Telemetry
import TelemetryGatewayCore
import TelemetryOTLPData

#if canImport(Glibc)
import Glibc
#endif

/// The `ottl-eval` fuzz target: hostile requests through the five editing processors, built from one
/// fixed configuration (`OTTLEvalFuzz.yaml`) and run as the gateway runs them (`RequestIntake` decodes
/// and validates, each `EditingProcessor` decodes for editing, edits, encodes).
extension FuzzInputs {
    /// The first byte picks the signal, the rest is a protobuf request. Each input gets a budget of
    /// what the intake reserves (body + decoded estimate) plus `OTTLEvalFuzz.editBound`: the edits of
    /// the whole chain (each session's `heldBytes` and the encoded growth kept on the lease) must fit,
    /// so a refusal to edit is a failure. What comes out must validate again with the same item count,
    /// and the whole run must take CPU time linear in the input.
    public static func ottlEval(_ input: [UInt8]) {
        guard let selector = input.first else { return }
        let signal = OTLPSignal.allCases[Int(selector % 3)]
        let body = Array(input.dropFirst())
        let bound = OTTLEvalFuzz.editBound(inputBytes: body.count)
        let started = threadCPUNanos()
        if case .refused(let refusal) = OTTLEvalFuzz.run(body, signal: signal, editBytes: bound) {
            precondition(
                refusal.reason != "memory_limit",
                "editing \(body.count) bytes needed more than \(bound) bytes beyond the intake's reservation: \(refusal.message)")
        }
        let spent = threadCPUNanos() - started
        precondition(spent <= 50_000 * input.count + 500_000_000, "\(input.count) bytes took \(spent) ns of CPU")
    }
}

/// The fixed configuration and checks of the `ottl-eval` target.
package enum OTTLEvalFuzz {
    /// Feeds `body` through the intake and the `signal` chain with a budget of what the intake reserves
    /// plus `editBytes`; nil when the request is not valid.
    package static func run(_ body: [UInt8], signal: OTLPSignal, editBytes: Int) -> RequestIntake.Outcome? {
        guard let received = try? OTLPPayload(validating: body, signal: signal, limits: limits) else { return nil }
        let room = body.count + received.decodedBytesEstimate + editBytes
        let budget = MemoryBudget(limitBytes: room)
        // A budget has at least 1 MiB: the rest is taken for the run, so exactly `room` is left.
        guard let filler = budget.reserve(budget.limitBytes - room), let lease = budget.reserve(body.count) else {
            preconditionFailure("the budget refused the body")
        }
        defer { withExtendedLifetime(filler) {} }
        let intake = RequestIntake(
            maxBodyBytes: 1 << 20, decodeLimits: limits, pipelines: chains(budget: budget), budget: budget, receiver: "fuzz",
            decodedSignals: Set(OTLPSignal.allCases), metrics: metrics)
        return intake.process(body, signal: signal, gzip: false, json: false, lease: lease)
    }

    /// The decode limits of the intake (the gateway's defaults but 64 MiB decoded).
    static let limits = DecodeLimits(maxDecodedBytes: 64 << 20)

    /// What the edits of one request may hold beyond the intake's reservation, for an input of
    /// `inputBytes`: `perInputByte` × input + `constant`. Why it holds: every statement and action of
    /// `yaml` writes, per item, a value built from that item's own fields and constants (none copies a
    /// resource or scope value into each item, which would make the edits grow with items × resource
    /// size: the budget then answers 429), so an item's edits allocate a constant per attribute they
    /// add (KeyValue and AnyValue structs, key, value, a pointer array and its capacity entry, undo
    /// entries: about 350 bytes) plus a multiple of its own bytes for what they parse or copy.
    /// `flatten` is left out: its keys repeat their parents' keys, so a long key above many leaves
    /// makes them quadratic in the input by the function's definition; they are charged as they are
    /// made (the hostile-resource case `flatten-long-prefix` is answered 429).
    /// The worst measured (`OTTLEvalFuzzTests`): an empty log record, 2 bytes on the wire, gaining an
    /// attribute, 177 bytes a wire byte; the seeds, real SDK requests, 9–17.
    package static func editBound(inputBytes: Int) -> Int {
        perInputByte * inputBytes + constant
    }

    /// Bytes per input byte the edits may hold: about 3 × the worst measured.
    static let perInputByte = 512
    /// Bytes the edits may hold whatever the input: 5 sessions × (2 arena chunks + undo log + table).
    static let constant = 5 * (2 * (16 << 10) + 64 << 10)

    /// The pipeline: `attributes` (hash, extract, upsert), `resource`, `filter` (span, data point and
    /// log conditions), `transform` (ParseJSON, merge_maps, replace_pattern on a nested key,
    /// keep_keys, limit, set) and `redaction` (blocked values), in every signal.
    static let yaml = #"""
        receivers:
          otlp:
            protocols:
              http:
                endpoint: 127.0.0.1:0
        processors:
          attributes:
            actions:
              - {key: user.email, action: hash}
              - {key: http.url, action: extract, pattern: '^(?P<scheme>[a-z]+)://(?P<host>[^/?]+)(?P<route>/[^?]*)'}
              - {key: deployment, value: fuzz, action: upsert}
          resource:
            attributes:
              - {key: deployment.environment, value: fuzz, action: upsert}
              - {key: host.ip, action: delete}
          filter:
            error_mode: ignore
            traces:
              span:
                - attributes["drop"] == true
                - IsMatch(name, "^healthcheck")
            metrics:
              datapoint:
                - attributes["drop"] == true
            logs:
              log_record:
                - severity_number > SEVERITY_NUMBER_UNSPECIFIED and severity_number < SEVERITY_NUMBER_INFO
          transform:
            error_mode: ignore
            trace_statements:
              - set(span.attributes["parsed"], ParseJSON(span.attributes["json"])) where IsString(span.attributes["json"])
              - merge_maps(span.attributes, span.attributes["parsed"], "insert")
              - replace_pattern(span.attributes["http"]["url"], "token=[^&]*", "token=***")
              - keep_keys(span.attributes["http"], ["url", "method"])
              - limit(span.attributes, 24, ["http", "parsed"])
              - set(span.attributes["name.upper"], ToUpperCase(span.name)) where Len(span.name) < 64
            metric_statements:
              - set(datapoint.attributes["parsed"], ParseJSON(datapoint.attributes["json"])) where IsString(datapoint.attributes["json"])
              - merge_maps(datapoint.attributes, datapoint.attributes["parsed"], "insert")
              - replace_pattern(datapoint.attributes["http"]["url"], "token=[^&]*", "token=***")
              - keep_keys(datapoint.attributes["http"], ["url", "method"])
              - limit(datapoint.attributes, 24, ["http", "parsed"])
            log_statements:
              - set(log.attributes["parsed"], ParseJSON(log.body)) where IsString(log.body) and IsMatch(log.body, "^\\{")
              - merge_maps(log.attributes, log.attributes["parsed"], "insert")
              - replace_pattern(log.attributes["http"]["url"], "token=[^&]*", "token=***")
              - keep_keys(log.attributes["http"], ["url", "method"])
              - limit(log.attributes, 24, ["http", "parsed"])
              - set(log.severity_text, ToUpperCase(log.severity_text))
          redaction:
            allow_all_keys: true
            blocked_values:
              - '4[0-9]{12}(?:[0-9]{3})?'
              - '[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}'
            summary: info
        exporters:
          debug:
        service:
          pipelines:
            traces: {receivers: [otlp], processors: [attributes, resource, filter, transform, redaction], exporters: [debug]}
            metrics: {receivers: [otlp], processors: [attributes, resource, filter, transform, redaction], exporters: [debug]}
            logs: {receivers: [otlp], processors: [attributes, resource, filter, transform, redaction], exporters: [debug]}
          telemetry: {metrics: {level: none}}
        """#

    static let configuration: GatewayConfiguration = {
        do {
            return try GatewayConfiguration.parse(yaml: yaml, file: "ottl-eval.yaml", environment: [:])
        } catch {
            preconditionFailure("the ottl-eval configuration is invalid: \(error)")  // a constant: a bug of this file
        }
    }()

    static let metrics = GatewaySelfMetrics(collector: MetricsCollector())

    /// The chain of each signal, ending in `Revalidate`, built on `budget` (an edited request's own lease
    /// is reserved from the processors' budget, as in the gateway, where it is the intake's).
    static func chains(budget: MemoryBudget) -> [OTLPSignal: any PayloadConsumer] {
        var chains: [OTLPSignal: any PayloadConsumer] = [:]
        for signal in OTLPSignal.allCases {
            do {
                chains[signal] = try ProcessorChain.build(configuration, signal: signal, next: Revalidate(), budget: budget)
            } catch {
                preconditionFailure("the ottl-eval processors do not build: \(error)")
            }
        }
        return chains
    }

    /// Checks that what the chain hands on decodes and validates again with the count it claims.
    struct Revalidate: PayloadConsumer {
        func consume(_ item: PipelineItem) throws(Refusal) {
            // Edits may nest deeper than requests may arrive (ParseJSON adds up to 64 map levels).
            let limits = DecodeLimits(maxDepth: 256, maxDecodedBytes: .max)
            do {
                let again = try OTLPPayload(validating: item.payload.bytes, signal: item.signal, limits: limits)
                precondition(again.itemCount == item.itemCount, "the edited request holds \(again.itemCount) items but counts \(item.itemCount)")
            } catch {
                preconditionFailure("the edited request does not validate: \(error)")
            }
        }
    }
}
