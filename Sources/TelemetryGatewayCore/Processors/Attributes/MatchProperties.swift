import TelemetryOTLPData
import TelemetryOTTL
import TelemetryYAML

/// One `include` or `exclude` block of the `attributes` processor (the Collector's
/// `filterconfig.MatchProperties`): every property given must match (AND); inside a list property one
/// entry matching is enough (OR). Strings match exactly (`match_type: strict`) or by an RE2 expression
/// found anywhere in them (`regexp`, Go's `MatchString`), compiled here, once.
struct MatchProperties: Sendable {
    /// `services`: the resource's `service.name` (as text; `<nil-service-name>` when absent). Spans only.
    var services: StringMatcher?
    /// `span_names`. Spans only.
    var spanNames: StringMatcher?
    /// `span_kinds` (`SPAN_KIND_SERVER`…). Spans only.
    var spanKinds: StringMatcher?
    /// `log_bodies`: the body as text. Logs only.
    var logBodies: StringMatcher?
    /// `log_severity_texts`. Logs only.
    var logSeverityTexts: StringMatcher?
    /// `log_severity_number: {min, match_undefined}`. Logs only.
    var logSeverityNumber: (min: Int64, matchUndefined: Bool)?
    /// `metric_names`. Metrics only.
    var metricNames: StringMatcher?
    /// `attributes`: the span's or log record's attributes; all must match. Not for metrics.
    var attributes: [AttributeCondition] = []
    /// `resources`: the resource's attributes; all must match.
    var resources: [AttributeCondition] = []
    /// `libraries`: the instrumentation scope; one entry matching is enough.
    var libraries: [LibraryCondition] = []

    static let keys = [
        "match_type", "regexp", "services", "span_names", "span_kinds", "log_bodies", "log_severity_texts", "log_severity_number",
        "metric_names", "attributes", "resources", "libraries",
    ]

    // MARK: Matching

    /// Whether a resource passes the resource-level properties (`resources`, `services`).
    func matchesResource(_ resource: AttributesRef) -> Bool {
        if let services {
            let name = resource["service.name"]?.pdataText ?? "<nil-service-name>"
            guard services.matches(name) else { return false }
        }
        return AttributeCondition.all(resources, match: resource)
    }

    /// Whether an instrumentation scope passes `libraries`.
    func matchesScope(_ scope: ScopeRef) -> Bool {
        libraries.isEmpty || libraries.contains { $0.matches(name: scope.name.value, version: scope.version.value) }
    }

    /// Whether a span passes the span-level properties.
    func matchesSpan(_ span: SpanRef) -> Bool {
        if let spanNames, !spanNames.matches(span.name.value) { return false }
        if let spanKinds, !spanKinds.matches(Self.spanKindNames[Int(span.kind.value)] ?? "") { return false }
        return AttributeCondition.all(attributes, match: span.attributes)
    }

    /// Whether a log record passes the record-level properties.
    func matchesLog(_ record: LogRecordRef) -> Bool {
        if let logBodies, !logBodies.matches(record.body.pdataText) { return false }
        if let logSeverityTexts, !logSeverityTexts.matches(record.severityText.value) { return false }
        if let rule = logSeverityNumber {
            let severity = record.severityNumber.value
            if severity == 0 ? !rule.matchUndefined : rule.min != 0 && severity < rule.min { return false }
        }
        return AttributeCondition.all(attributes, match: record.attributes)
    }

    /// Whether a metric passes `metric_names`.
    func matchesMetric(_ metric: MetricRef) -> Bool {
        metricNames?.matches(metric.name.value) ?? true
    }

    /// traceutil.SpanKindStr's names by kind number.
    static let spanKindNames = [
        0: "SPAN_KIND_UNSPECIFIED", 1: "SPAN_KIND_INTERNAL", 2: "SPAN_KIND_SERVER", 3: "SPAN_KIND_CLIENT", 4: "SPAN_KIND_PRODUCER",
        5: "SPAN_KIND_CONSUMER",
    ]

    // MARK: Validation per signal (filterconfig's texts)

    private var spanListsGiven: Bool { services != nil || spanNames != nil || spanKinds != nil }

    /// Why the block cannot select spans, nil when it can.
    var refusalForSpans: String? {
        if logBodies != nil { return "log_bodies should not be specified for trace spans" }
        if logSeverityTexts != nil { return "log_severity_texts should not be specified for trace spans" }
        if logSeverityNumber != nil { return "log_severity_number should not be specified for trace spans" }
        if metricNames != nil { return "metric_names should not be specified for trace spans" }
        if !spanListsGiven, attributes.isEmpty, libraries.isEmpty, resources.isEmpty {
            return "at least one of \"attributes\", \"libraries\",  or \"resources\" field must be specified"
        }
        return nil
    }

    /// Why the block cannot select log records, nil when it can.
    var refusalForLogs: String? {
        if spanListsGiven || metricNames != nil { return "services, span_names, span_kinds and metric_names are not valid for log records" }
        if attributes.isEmpty, libraries.isEmpty, resources.isEmpty, logBodies == nil, logSeverityTexts == nil, logSeverityNumber == nil {
            return "at least one of \"attributes\", \"libraries\", \"span_kinds\", \"resources\", \"log_bodies\", \"log_severity_texts\" or \"log_severity_number\" field must be specified"
        }
        return nil
    }

    /// Why the block cannot select metrics, nil when it can.
    var refusalForMetrics: String? {
        if logBodies != nil || logSeverityTexts != nil || spanListsGiven || !attributes.isEmpty || !libraries.isEmpty || logSeverityNumber != nil {
            return "\"span_names\", \"span_kinds\", \"log_bodies\", \"log_severity_texts\", \"log_severity_number\", \"services\", \"attributes\" and \"libraries\" are not valid for metrics"
        }
        if metricNames == nil, resources.isEmpty { return "at least one of \"metric_names\" or \"resources\" field must be specified" }
        return nil
    }
}

/// A list of strings to match a text against: exactly, or by RE2 expressions found anywhere in it.
enum StringMatcher: Sendable {
    case strict(Set<String>)
    case regexp([LinearRegex])

    /// Whether some entry matches `text`.
    func matches(_ text: String) -> Bool {
        switch self {
        case .strict(let values): values.contains(text)
        case .regexp(let patterns): patterns.contains { $0.matches(text) }
        }
    }
}

/// One `{key, value}` entry of `attributes` or `resources`.
struct AttributeCondition: Sendable {
    /// What the value must be.
    enum Test: Sendable {
        /// The key is present (no `value` given).
        case present
        /// The same type and value (`strict`: `false` does not match `"false"`, 1 does not match 1.0).
        case equal(OTLPValue)
        /// The value as text (strings, bools, ints, doubles; other types never match) matches.
        case pattern(LinearRegex)
    }

    let key: String
    let test: Test

    /// Whether every condition matches `attributes` (true when there are none; false when there are some
    /// and `attributes` is empty).
    static func all(_ conditions: [AttributeCondition], match attributes: AttributesRef) -> Bool {
        guard !conditions.isEmpty else { return true }
        guard attributes.count > 0 else { return false }
        return conditions.allSatisfy { $0.matches(attributes) }
    }

    private func matches(_ attributes: AttributesRef) -> Bool {
        guard let value = attributes[key] else { return false }
        switch test {
        case .present: return true
        case .equal(let expected): return value == expected
        case .pattern(let pattern):
            let text: String
            switch value {
            case .string(let string): text = string
            case .bool(let flag): text = flag ? "true" : "false"
            case .int(let number): text = String(number)
            case .double(let number): text = number.isFinite ? GoFloat.fixed(number) : GoFloat.format(number)
            default: return false
            }
            return pattern.matches(text)
        }
    }
}

/// One `{name, version}` entry of `libraries`: the scope's name matches and, when `version` is given,
/// its version too (an empty `version` matches only an empty version).
struct LibraryCondition: Sendable {
    let name: StringMatcher
    let version: StringMatcher?

    func matches(name: String, version: String) -> Bool {
        self.name.matches(name) && (self.version?.matches(version) ?? true)
    }
}
