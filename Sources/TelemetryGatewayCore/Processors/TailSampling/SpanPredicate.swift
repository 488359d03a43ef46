import Telemetry
import TelemetryOTLPData
import TelemetryOTTL

/// A question asked of every span of a trace as it arrives (with its resource); the trace remembers
/// which questions some span answered yes, so policies decide without decoding the trace again.
enum SpanPredicate: Sendable {
    /// The span's status code (0 unset, 1 ok, 2 error) is one of these.
    case statusCode(Set<Int>)
    /// The span's or its resource's string attribute `key` is one of `values` or matches one of `patterns`
    /// somewhere (as the Collector's Go `regexp.MatchString`, in RE2 syntax, in time linear in the value).
    case stringAttribute(key: String, values: Set<String>, patterns: [LinearRegex])
    /// The numeric attribute `key` (integer or double) lies within the bounds (each optional, inclusive).
    case numericAttribute(key: String, min: Double?, max: Double?)
    /// The boolean attribute `key` equals `value`.
    case booleanAttribute(key: String, value: Bool)
    /// The span's W3C trace state has member `key` with one of `values`.
    case traceState(key: String, values: Set<String>)

    /// Whether `span` (of a resource with `resource` attributes) answers yes.
    func matches(_ span: SpanView, resource: AttributeList) -> Bool {
        switch self {
        case .statusCode(let codes):
            return codes.contains(span.statusCode)
        case .stringAttribute(let key, let values, let patterns):
            guard case .string(let text)? = Self.attribute(key, span, resource) else { return false }
            return values.contains(text) || patterns.contains { $0.matches(text) }
        case .numericAttribute(let key, let min, let max):
            let number: Double
            switch Self.attribute(key, span, resource) {
            case .int(let value)?: number = Double(value)
            case .double(let value)?: number = value
            default: return false
            }
            return number >= (min ?? -.infinity) && number <= (max ?? .infinity)
        case .booleanAttribute(let key, let value):
            guard case .bool(let flag)? = Self.attribute(key, span, resource) else { return false }
            return flag == value
        case .traceState(let key, let values):
            let state = span.traceState
            guard !state.isEmpty else { return false }
            return TraceState.members(state).contains { $0.key == key && values.contains($0.value) }
        }
    }

    /// The span's attribute `key`, else the resource's.
    private static func attribute(_ key: String, _ span: SpanView, _ resource: AttributeList) -> AnyValueView? {
        span.attributes[key] ?? resource[key]
    }
}
