internal import COTLP
internal import CProtobufC
import Telemetry

/// Encodes computed metrics (`ComputedResourceMetrics`) as one OTLP `ExportMetricsServiceRequest` with
/// protobuf-c: a resource each, one scope each, sums, histograms and exponential histograms with their
/// exemplars.
public enum ComputedMetricsEncoder {
    /// The request holding `resources`, as a payload whose item count is its number of data points.
    public static func payload(_ resources: [ComputedResourceMetrics]) -> OTLPPayload {
        let arena = ProtobufArena()
        let list = resources.map { resourceMetrics($0, arena) }
        let request = arena.message(opentelemetry__proto__collector__metrics__v1__export_metrics_service_request__init)
        request.pointee.n_resource_metrics = list.count
        request.pointee.resource_metrics = arena.pointers(list)
        let points = resources.reduce(0) { total, resource in resource.metrics.reduce(total) { $0 + $1.pointCount } }
        return OTLPPayload(encoded: packMessage(request), signal: .metrics, itemCount: points)
    }

    private typealias MetricMessage = Opentelemetry__Proto__Metrics__V1__Metric
    private typealias KeyValueList = (count: Int, list: UnsafeMutablePointer<UnsafeMutablePointer<KeyValueMessage>?>?)

    private static func resourceMetrics(
        _ resource: ComputedResourceMetrics, _ arena: ProtobufArena
    ) -> UnsafeMutablePointer<Opentelemetry__Proto__Metrics__V1__ResourceMetrics> {
        let resourceMessage = arena.message(opentelemetry__proto__resource__v1__resource__init)
        (resourceMessage.pointee.n_attributes, resourceMessage.pointee.attributes) = keyValues(resource.attributes, arena)
        let scope = arena.message(opentelemetry__proto__common__v1__instrumentation_scope__init)
        scope.pointee.name = arena.string(resource.scopeName)
        let scopeMetrics = arena.message(opentelemetry__proto__metrics__v1__scope_metrics__init)
        scopeMetrics.pointee.scope = scope
        (scopeMetrics.pointee.n_metrics, scopeMetrics.pointee.metrics) = arena.pointers(
            resource.metrics, capacity: resource.metrics.count) { metric($0, arena) }
        let message = arena.message(opentelemetry__proto__metrics__v1__resource_metrics__init)
        message.pointee.resource = resourceMessage
        message.pointee.n_scope_metrics = 1
        message.pointee.scope_metrics = arena.pointers([scopeMetrics])
        return message
    }

    private static func metric(_ metric: ComputedMetric, _ arena: ProtobufArena) -> UnsafeMutablePointer<MetricMessage> {
        let message = arena.message(opentelemetry__proto__metrics__v1__metric__init)
        message.pointee.name = arena.string(metric.name)
        message.pointee.unit = arena.string(metric.unit)
        let temporality = metric.temporality == .delta
            ? OPENTELEMETRY__PROTO__METRICS__V1__AGGREGATION_TEMPORALITY__AGGREGATION_TEMPORALITY_DELTA
            : OPENTELEMETRY__PROTO__METRICS__V1__AGGREGATION_TEMPORALITY__AGGREGATION_TEMPORALITY_CUMULATIVE
        switch metric.points {
        case .monotonicSum(let points):
            let sum = arena.message(opentelemetry__proto__metrics__v1__sum__init)
            (sum.pointee.n_data_points, sum.pointee.data_points) = arena.pointers(points, capacity: points.count) { point in
                let data = arena.message(opentelemetry__proto__metrics__v1__number_data_point__init)
                (data.pointee.n_attributes, data.pointee.attributes) = keyValues(point.attributes, arena)
                data.pointee.start_time_unix_nano = point.startTimeUnixNano
                data.pointee.time_unix_nano = point.timeUnixNano
                data.pointee.value_case = OPENTELEMETRY__PROTO__METRICS__V1__NUMBER_DATA_POINT__VALUE_AS_DOUBLE
                data.pointee.as_double = point.value
                (data.pointee.n_exemplars, data.pointee.exemplars) = exemplars(point.exemplars, arena)
                return data
            }
            sum.pointee.aggregation_temporality = temporality
            sum.pointee.is_monotonic = 1
            message.pointee.data_case = OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_SUM
            message.pointee.sum = sum
        case .histogram(let points):
            let histogram = arena.message(opentelemetry__proto__metrics__v1__histogram__init)
            (histogram.pointee.n_data_points, histogram.pointee.data_points) = arena.pointers(points, capacity: points.count) {
                histogramPoint($0, arena)
            }
            histogram.pointee.aggregation_temporality = temporality
            message.pointee.data_case = OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_HISTOGRAM
            message.pointee.histogram = histogram
        case .exponentialHistogram(let points):
            let histogram = arena.message(opentelemetry__proto__metrics__v1__exponential_histogram__init)
            (histogram.pointee.n_data_points, histogram.pointee.data_points) = arena.pointers(points, capacity: points.count) {
                exponentialPoint($0, arena)
            }
            histogram.pointee.aggregation_temporality = temporality
            message.pointee.data_case = OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_EXPONENTIAL_HISTOGRAM
            message.pointee.exponential_histogram = histogram
        }
        return message
    }

    private static func histogramPoint(
        _ point: ComputedPoint<ComputedHistogram>, _ arena: ProtobufArena
    ) -> UnsafeMutablePointer<Opentelemetry__Proto__Metrics__V1__HistogramDataPoint> {
        let data = arena.message(opentelemetry__proto__metrics__v1__histogram_data_point__init)
        (data.pointee.n_attributes, data.pointee.attributes) = keyValues(point.attributes, arena)
        data.pointee.start_time_unix_nano = point.startTimeUnixNano
        data.pointee.time_unix_nano = point.timeUnixNano
        let value = point.value
        data.pointee.count = value.count
        data.pointee._sum_case = OPENTELEMETRY__PROTO__METRICS__V1__HISTOGRAM_DATA_POINT___SUM_SUM
        data.pointee.sum = value.sum
        data.pointee.n_bucket_counts = value.bucketCounts.count
        data.pointee.bucket_counts = arena.array(value.bucketCounts)
        data.pointee.n_explicit_bounds = value.bounds.count
        data.pointee.explicit_bounds = arena.array(value.bounds)
        if let min = value.min {
            data.pointee._min_case = OPENTELEMETRY__PROTO__METRICS__V1__HISTOGRAM_DATA_POINT___MIN_MIN
            data.pointee.min = min
        }
        if let max = value.max {
            data.pointee._max_case = OPENTELEMETRY__PROTO__METRICS__V1__HISTOGRAM_DATA_POINT___MAX_MAX
            data.pointee.max = max
        }
        (data.pointee.n_exemplars, data.pointee.exemplars) = exemplars(point.exemplars, arena)
        return data
    }

    private static func exponentialPoint(
        _ point: ComputedPoint<ComputedExponentialHistogram>, _ arena: ProtobufArena
    ) -> UnsafeMutablePointer<Opentelemetry__Proto__Metrics__V1__ExponentialHistogramDataPoint> {
        let data = arena.message(opentelemetry__proto__metrics__v1__exponential_histogram_data_point__init)
        (data.pointee.n_attributes, data.pointee.attributes) = keyValues(point.attributes, arena)
        data.pointee.start_time_unix_nano = point.startTimeUnixNano
        data.pointee.time_unix_nano = point.timeUnixNano
        let value = point.value
        data.pointee.count = value.count
        data.pointee.scale = value.scale
        data.pointee.zero_count = value.zeroCount
        let positive = arena.message(opentelemetry__proto__metrics__v1__exponential_histogram_data_point__buckets__init)
        positive.pointee.offset = value.positiveOffset
        positive.pointee.n_bucket_counts = value.positiveCounts.count
        positive.pointee.bucket_counts = arena.array(value.positiveCounts)
        data.pointee.positive = positive
        data.pointee._sum_case = OPENTELEMETRY__PROTO__METRICS__V1__EXPONENTIAL_HISTOGRAM_DATA_POINT___SUM_SUM
        data.pointee.sum = value.sum
        if let min = value.min {
            data.pointee._min_case = OPENTELEMETRY__PROTO__METRICS__V1__EXPONENTIAL_HISTOGRAM_DATA_POINT___MIN_MIN
            data.pointee.min = min
        }
        if let max = value.max {
            data.pointee._max_case = OPENTELEMETRY__PROTO__METRICS__V1__EXPONENTIAL_HISTOGRAM_DATA_POINT___MAX_MAX
            data.pointee.max = max
        }
        (data.pointee.n_exemplars, data.pointee.exemplars) = exemplars(point.exemplars, arena)
        return data
    }

    private static func exemplars(
        _ exemplars: [ComputedExemplar], _ arena: ProtobufArena
    ) -> (count: Int, list: UnsafeMutablePointer<UnsafeMutablePointer<Opentelemetry__Proto__Metrics__V1__Exemplar>?>?) {
        arena.pointers(exemplars, capacity: exemplars.count) { exemplar in
            let message = arena.message(opentelemetry__proto__metrics__v1__exemplar__init)
            message.pointee.trace_id = arena.bytes(exemplar.traceID)
            message.pointee.span_id = arena.bytes(exemplar.spanID)
            message.pointee.time_unix_nano = exemplar.timeUnixNano
            message.pointee.value_case = OPENTELEMETRY__PROTO__METRICS__V1__EXEMPLAR__VALUE_AS_DOUBLE
            message.pointee.as_double = exemplar.value
            return message
        }
    }

    private static func keyValues(_ attributes: [(key: String, value: AttributeValue)], _ arena: ProtobufArena) -> KeyValueList {
        arena.pointers(attributes, capacity: attributes.count) { attribute in
            let message = arena.message(opentelemetry__proto__common__v1__key_value__init)
            message.pointee.key = arena.string(attribute.key)
            message.pointee.value = arena.anyValue(attribute.value)
            return message
        }
    }
}
