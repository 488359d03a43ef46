internal import COTLP
internal import CProtobufC

/// One data point of a count: an attribute set and how many items had it.
public struct CountedPoint: Sendable {
    /// The attributes, in the configured order: strings, integers or doubles.
    public var attributes: [OTLPKeyValue]
    /// The items counted.
    public var count: UInt64

    /// A point of `count` items with `attributes`.
    public init(attributes: [OTLPKeyValue], count: UInt64) {
        self.attributes = attributes
        self.count = count
    }
}

/// One count metric of a resource: a monotonic delta `Sum` of integer points.
public struct CountedMetric: Sendable {
    /// The metric's name.
    public let name: String
    /// Its description.
    public let description: String
    /// `start_time_unix_nano` of every point.
    public let startNanos: UInt64
    /// `time_unix_nano` of every point.
    public let timeNanos: UInt64
    /// The points, one per attribute set.
    public let points: [CountedPoint]

    /// A metric.
    public init(name: String, description: String, startNanos: UInt64, timeNanos: UInt64, points: [CountedPoint]) {
        self.name = name
        self.description = description
        self.startNanos = startNanos
        self.timeNanos = timeNanos
        self.points = points
    }
}

/// The counts of one resource group of a decoded request.
public struct CountedResource {
    /// The resource whose attributes the output carries.
    public let resource: ResourceRef
    /// Its count metrics, in order.
    public let metrics: [CountedMetric]

    /// The counts `metrics` of `resource`.
    public init(resource: ResourceRef, metrics: [CountedMetric]) {
        self.resource = resource
        self.metrics = metrics
    }
}

/// Encodes the `count` connector's output as an OTLP `ExportMetricsServiceRequest` with protobuf-c, in
/// the Collector's shape: one `ResourceMetrics` per counted resource with that resource's attributes,
/// one `ScopeMetrics` named after the Collector's count connector, each metric a monotonic delta `Sum`
/// of integer data points.
public enum CountMetricsEncoder {
    /// The scope name the Collector's count connector writes.
    public static let scopeName = "github.com/open-telemetry/opentelemetry-collector-contrib/connector/countconnector"

    /// The request for `resources`, its size charged by `reserve` (which throws to refuse) before it is
    /// packed; nil when there is nothing to send. The resources' attribute lists are written from the
    /// decoded request they belong to, which must stay alive during the call.
    public static func encode(
        _ resources: [CountedResource], reservingOutput reserve: (_ bytes: Int) throws(EditMemoryRefused) -> Void
    ) throws(EditMemoryRefused) -> OTLPPayload? {
        guard !resources.isEmpty else { return nil }
        let arena = ProtobufArena()
        var points = 0
        let groups = resources.map { counted in
            points += counted.metrics.reduce(0) { $0 + $1.points.count }
            return resourceMetrics(counted, arena)
        }
        let request = arena.message(opentelemetry__proto__collector__metrics__v1__export_metrics_service_request__init)
        request.pointee.n_resource_metrics = groups.count
        request.pointee.resource_metrics = arena.pointers(groups)
        let size = request.withMemoryRebound(to: ProtobufCMessage.self, capacity: 1) { protobuf_c_message_get_packed_size($0) }
        try reserve(size)
        return OTLPPayload(encoded: packMessage(request), signal: .metrics, itemCount: points)
    }

    private static func resourceMetrics(
        _ counted: CountedResource, _ arena: ProtobufArena
    ) -> UnsafeMutablePointer<Opentelemetry__Proto__Metrics__V1__ResourceMetrics> {
        // The attributes are shared with the decoded request (packing only reads them); nothing else of
        // the resource is copied, as the Collector copies only the attributes.
        let resource = arena.message(opentelemetry__proto__resource__v1__resource__init)
        resource.pointee.n_attributes = counted.resource.pointer.pointee.n_attributes
        resource.pointee.attributes = counted.resource.pointer.pointee.attributes
        let scope = arena.message(opentelemetry__proto__common__v1__instrumentation_scope__init)
        scope.pointee.name = arena.string(scopeName)
        let scopeMetrics = arena.message(opentelemetry__proto__metrics__v1__scope_metrics__init)
        scopeMetrics.pointee.scope = scope
        scopeMetrics.pointee.n_metrics = counted.metrics.count
        scopeMetrics.pointee.metrics = arena.pointers(counted.metrics.map { metric($0, arena) })
        let group = arena.message(opentelemetry__proto__metrics__v1__resource_metrics__init)
        group.pointee.resource = resource
        group.pointee.n_scope_metrics = 1
        group.pointee.scope_metrics = arena.pointers([scopeMetrics])
        return group
    }

    private static func metric(_ counted: CountedMetric, _ arena: ProtobufArena) -> UnsafeMutablePointer<Opentelemetry__Proto__Metrics__V1__Metric> {
        let sum = arena.message(opentelemetry__proto__metrics__v1__sum__init)
        (sum.pointee.n_data_points, sum.pointee.data_points) = arena.pointers(counted.points, capacity: counted.points.count) { point in
            let message = arena.message(opentelemetry__proto__metrics__v1__number_data_point__init)
            (message.pointee.n_attributes, message.pointee.attributes) = arena.pointers(point.attributes, capacity: point.attributes.count) {
                pair in
                let keyValue = arena.message(opentelemetry__proto__common__v1__key_value__init)
                keyValue.pointee.key = arena.string(pair.key)
                keyValue.pointee.value = scalar(pair.value, arena)
                return keyValue
            }
            message.pointee.start_time_unix_nano = counted.startNanos
            message.pointee.time_unix_nano = counted.timeNanos
            message.pointee.value_case = OPENTELEMETRY__PROTO__METRICS__V1__NUMBER_DATA_POINT__VALUE_AS_INT
            message.pointee.as_int = Int64(clamping: point.count)
            return message
        }
        sum.pointee.aggregation_temporality = OPENTELEMETRY__PROTO__METRICS__V1__AGGREGATION_TEMPORALITY__AGGREGATION_TEMPORALITY_DELTA
        sum.pointee.is_monotonic = 1
        let metric = arena.message(opentelemetry__proto__metrics__v1__metric__init)
        metric.pointee.name = arena.string(counted.name)
        metric.pointee.description = arena.string(counted.description)
        metric.pointee.data_case = OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_SUM
        metric.pointee.sum = sum
        return metric
    }

    /// A string, integer or double attribute value (anything else is written as "").
    private static func scalar(_ value: OTLPValue, _ arena: ProtobufArena) -> UnsafeMutablePointer<AnyValueMessage> {
        let message = arena.message(opentelemetry__proto__common__v1__any_value__init)
        switch value {
        case .int(let number):
            message.pointee.value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_INT_VALUE
            message.pointee.int_value = number
        case .double(let number):
            message.pointee.value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_DOUBLE_VALUE
            message.pointee.double_value = number
        case .string(let text):
            message.pointee.value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE
            message.pointee.string_value = arena.string(text)
        case .empty, .bool, .bytes, .array, .map:
            message.pointee.value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE
            message.pointee.string_value = arena.string("")
        }
        return message
    }
}
