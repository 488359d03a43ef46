/// The OTTL contexts: what a statement runs on (one item of that kind at a time) and which path prefixes
/// and enums it knows (the Collector's `pkg/ottl/contexts`).
public enum OTTLContext: String, Sendable, CaseIterable {
    case resource, scope, span, spanevent, metric, datapoint, log

    /// The context a config or path names: `instrumentation_scope` is `scope`'s other name.
    public init?(name: String) {
        if name == "instrumentation_scope" {
            self = .scope
            return
        }
        self.init(rawValue: name)
    }

    /// The contexts whose paths this one can reach (itself and the ones above it).
    public var reachable: [OTTLContext] {
        switch self {
        case .resource: [.resource]
        case .scope: [.scope, .resource]
        case .span: [.span, .resource, .scope]
        case .spanevent: [.spanevent, .span, .resource, .scope]
        case .metric: [.metric, .resource, .scope]
        case .datapoint: [.datapoint, .metric, .resource, .scope]
        case .log: [.log, .resource, .scope]
        }
    }

    /// The inference priority (lower wins): `log, datapoint, metric, spanevent, span, scope, resource`
    /// (the Collector's default priority list).
    public var priority: Int {
        switch self {
        case .log: 0
        case .datapoint: 1
        case .metric: 2
        case .spanevent: 3
        case .span: 4
        case .scope: 5
        case .resource: 6
        }
    }

    /// The number of an enum symbol this context knows, nil when it does not.
    public func enumValue(_ symbol: String) -> Int64? {
        switch self {
        case .span, .spanevent: Self.spanEnums[symbol]
        case .log: Self.logEnums[symbol]
        case .metric: Self.metricEnums[symbol]
        case .datapoint: Self.metricEnums[symbol] ?? Self.dataPointFlags[symbol]
        case .resource, .scope: nil
        }
    }

    private static let spanEnums: [String: Int64] = [
        "SPAN_KIND_UNSPECIFIED": 0, "SPAN_KIND_INTERNAL": 1, "SPAN_KIND_SERVER": 2, "SPAN_KIND_CLIENT": 3, "SPAN_KIND_PRODUCER": 4,
        "SPAN_KIND_CONSUMER": 5, "STATUS_CODE_UNSET": 0, "STATUS_CODE_OK": 1, "STATUS_CODE_ERROR": 2,
    ]

    private static let logEnums: [String: Int64] = {
        var table: [String: Int64] = ["SEVERITY_NUMBER_UNSPECIFIED": 0]
        for (index, level) in ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"].enumerated() {
            let base = Int64(index * 4 + 1)
            table["SEVERITY_NUMBER_\(level)"] = base
            for step in 2...4 { table["SEVERITY_NUMBER_\(level)\(step)"] = base + Int64(step - 1) }
        }
        return table
    }()

    private static let metricEnums: [String: Int64] = [
        "AGGREGATION_TEMPORALITY_UNSPECIFIED": 0, "AGGREGATION_TEMPORALITY_DELTA": 1, "AGGREGATION_TEMPORALITY_CUMULATIVE": 2,
        "METRIC_DATA_TYPE_NONE": 0, "METRIC_DATA_TYPE_GAUGE": 1, "METRIC_DATA_TYPE_SUM": 2, "METRIC_DATA_TYPE_HISTOGRAM": 3,
        "METRIC_DATA_TYPE_EXPONENTIAL_HISTOGRAM": 4, "METRIC_DATA_TYPE_SUMMARY": 5,
    ]

    private static let dataPointFlags: [String: Int64] = ["FLAG_NONE": 0, "FLAG_NO_RECORDED_VALUE": 1]
}
