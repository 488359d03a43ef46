internal import COTLP
internal import CProtobufC

typealias ResourceMetricsMessage = Opentelemetry__Proto__Metrics__V1__ResourceMetrics
typealias ScopeMetricsMessage = Opentelemetry__Proto__Metrics__V1__ScopeMetrics
typealias MetricMessage = Opentelemetry__Proto__Metrics__V1__Metric
typealias NumberPointMessage = Opentelemetry__Proto__Metrics__V1__NumberDataPoint
typealias HistogramPointMessage = Opentelemetry__Proto__Metrics__V1__HistogramDataPoint
typealias ExponentialPointMessage = Opentelemetry__Proto__Metrics__V1__ExponentialHistogramDataPoint
typealias SummaryPointMessage = Opentelemetry__Proto__Metrics__V1__SummaryDataPoint

/// A `ResourceMetrics` of an editable request.
public struct ResourceMetricsRef {
    let session: EditSession
    let pointer: UnsafeMutablePointer<ResourceMetricsMessage>

    /// The resource (present: the request fills in absent ones).
    public var resource: ResourceRef {
        ResourceRef(session: session, pointer: pointer.pointee.resource.unsafelyUnwrapped, schemaAddress: field(pointer, \.schema_url))
    }
    /// The scope groups.
    public var scopeMetrics: EditableList<ScopeMetricsRef> {
        EditableList(session, count: field(pointer, \.n_scope_metrics), list: field(pointer, \.scope_metrics)) { ScopeMetricsRef(session: $0, pointer: $1) }
    }
}

/// A `ScopeMetrics` of an editable request.
public struct ScopeMetricsRef {
    let session: EditSession
    let pointer: UnsafeMutablePointer<ScopeMetricsMessage>

    /// The scope (present: the request fills in absent ones).
    public var scope: ScopeRef {
        ScopeRef(session: session, pointer: pointer.pointee.scope.unsafelyUnwrapped, schemaAddress: field(pointer, \.schema_url))
    }
    /// The metrics.
    public var metrics: EditableList<MetricRef> {
        EditableList(session, count: field(pointer, \.n_metrics), list: field(pointer, \.metrics)) { MetricRef(session: $0, pointer: $1) }
    }
}

/// The data type of a metric, numbered as OTTL's `METRIC_DATA_TYPE_*`.
public enum MetricDataType: Int64, Sendable {
    case none = 0, gauge, sum, histogram, exponentialHistogram, summary
}

/// A metric of an editable request.
public struct MetricRef {
    let session: EditSession
    let pointer: UnsafeMutablePointer<MetricMessage>

    /// `name`.
    public var name: TextField { TextField(session: session, address: field(pointer, \.name)) }
    /// `description`.
    public var description: TextField { TextField(session: session, address: field(pointer, \.description)) }
    /// `unit`.
    public var unit: TextField { TextField(session: session, address: field(pointer, \.unit)) }
    /// `metadata`.
    public var metadata: AttributesRef { AttributesRef(session, count: field(pointer, \.n_metadata), list: field(pointer, \.metadata)) }

    /// The data type.
    public var type: MetricDataType {
        switch pointer.pointee.data_case {
        case OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_GAUGE: .gauge
        case OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_SUM: .sum
        case OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_HISTOGRAM: .histogram
        case OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_EXPONENTIAL_HISTOGRAM: .exponentialHistogram
        case OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_SUMMARY: .summary
        default: .none
        }
    }

    /// `aggregation_temporality` of a sum or (exponential) histogram; nil for other types.
    public var aggregationTemporality: IntegerField<UInt32>? {
        switch type {
        case .sum: pointer.pointee.sum.map { IntegerField(session: session, address: enumField(field($0, \.aggregation_temporality))) }
        case .histogram: pointer.pointee.histogram.map { IntegerField(session: session, address: enumField(field($0, \.aggregation_temporality))) }
        case .exponentialHistogram:
            pointer.pointee.exponential_histogram.map { IntegerField(session: session, address: enumField(field($0, \.aggregation_temporality))) }
        default: nil
        }
    }

    /// `is_monotonic` of a sum; nil for other types.
    public var isMonotonic: Bool? {
        guard type == .sum, let sum = pointer.pointee.sum else { return nil }
        return sum.pointee.is_monotonic != 0
    }

    /// Sets `is_monotonic` of a sum (other types have none).
    public func setMonotonic(_ flag: Bool) {
        guard type == .sum, let sum = pointer.pointee.sum else { return }
        session.writeScalar(field(sum, \.is_monotonic), flag ? 1 : 0)
    }

    /// The data points (empty for a metric without data).
    public var dataPoints: EditableList<DataPointRef> {
        switch type {
        case .gauge:
            if let gauge = pointer.pointee.gauge { return Self.points(session, gauge, \.n_data_points, \.data_points, .number) }
        case .sum:
            if let sum = pointer.pointee.sum { return Self.points(session, sum, \.n_data_points, \.data_points, .number) }
        case .histogram:
            if let histogram = pointer.pointee.histogram { return Self.points(session, histogram, \.n_data_points, \.data_points, .histogram) }
        case .exponentialHistogram:
            if let histogram = pointer.pointee.exponential_histogram {
                return Self.points(session, histogram, \.n_data_points, \.data_points, .exponentialHistogram)
            }
        case .summary:
            if let summary = pointer.pointee.summary { return Self.points(session, summary, \.n_data_points, \.data_points, .summary) }
        case .none:
            break
        }
        return EditableList(session, count: Self.noCount, list: Self.noList) { (session, point: UnsafeMutablePointer<NumberPointMessage>) in
            DataPointRef(session: session, kind: .number, pointer: UnsafeMutableRawPointer(point))
        }
    }

    private static func points<Container, Point>(
        _ session: EditSession, _ container: UnsafeMutablePointer<Container>, _ count: WritableKeyPath<Container, Int>,
        _ list: WritableKeyPath<Container, UnsafeMutablePointer<UnsafeMutablePointer<Point>?>?>, _ kind: DataPointRef.Kind
    ) -> EditableList<DataPointRef> {
        EditableList(session, count: field(container, count), list: field(container, list)) { session, point in
            DataPointRef(session: session, kind: kind, pointer: UnsafeMutableRawPointer(point))
        }
    }

    // An empty list for a metric without data: never written (removing from an empty list writes nothing).
    nonisolated(unsafe) private static let noCount: UnsafeMutablePointer<Int> = {
        let count = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        count.initialize(to: 0)
        return count
    }()
    nonisolated(unsafe) private static let noList: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<NumberPointMessage>?>?> = {
        let list = UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<NumberPointMessage>?>?>.allocate(capacity: 1)
        list.initialize(to: nil)
        return list
    }()
}
