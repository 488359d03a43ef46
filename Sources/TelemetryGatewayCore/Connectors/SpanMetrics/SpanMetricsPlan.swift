import Telemetry
import TelemetryOTLPData

/// Attributes in order, as metric points carry them.
typealias OrderedAttributes = [(key: String, value: AttributeValue)]

/// What one trace request adds to the `spanmetrics` state, read from the decoded request without the
/// state's lock: its resources, the distinct series of each (their keys and attributes) and one
/// observation per span. Linear in the request: one pass over the spans, a hash lookup each.
struct SpanMetricsPlan {
    /// A series the request touches.
    struct Series {
        /// The series' key within its resource (its dimension values, length-prefixed).
        let key: String
        /// Its attributes.
        let attributes: OrderedAttributes
        /// What holding it costs (see `SpanMetricsCost`).
        let bytes: Int
    }

    /// One span's measurement.
    struct Observation {
        /// The index of its series in its resource's `series`.
        let series: Int
        /// Its duration in the histogram's unit.
        let duration: Double
        /// Its trace and span, when exemplars are kept and the span has both ids.
        let exemplar: ComputedExemplar?
    }

    /// A resource the request touches (a resource repeated in the request appears once per occurrence).
    struct Resource {
        /// The key that tells resources apart (`resource_metrics_key_attributes`).
        let key: String
        /// Its attributes.
        let attributes: OrderedAttributes
        /// What holding it costs.
        let bytes: Int
        /// Its distinct series.
        var series: [Series] = []
        /// Its spans.
        var observations: [Observation] = []
    }

    /// The resources with a `service.name`.
    private(set) var resources: [Resource] = []
    /// Spans left out because their resource has no `service.name` (as the Collector does).
    private(set) var withoutService = 0

    /// The plan for `view` under `settings`.
    init(_ view: TracesView, settings: SpanMetricsSettings) {
        let keyAttributes = Set(settings.resourceKeyAttributes)
        for resourceSpans in view.resourceSpans {
            let resourceAttributes = resourceSpans.resource.attributes
            guard let service = resourceAttributes["service.name"] else {
                withoutService += resourceSpans.scopeSpans.reduce(0) { $0 + $1.spans.count }
                continue
            }
            let serviceName = service.text()
            var attributes: OrderedAttributes = []
            var key = ""
            for attribute in resourceAttributes {
                let value = attribute.value
                attributes.append((attribute.key, value.attributeValue ?? .string(value.text())))
                if keyAttributes.isEmpty || keyAttributes.contains(attribute.key) {
                    Self.appendComponent(attribute.key, to: &key)
                    Self.appendComponent(value.text(), to: &key)
                }
            }
            var resource = Resource(key: key, attributes: attributes, bytes: SpanMetricsCost.resource(key: key, attributes))
            // Looked up once per resource: a span costs only its own attributes, however large the resource.
            let resourceValues = settings.dimensions.map { resourceAttributes[$0.name] }
            var seriesIndex: [String: Int] = [:]
            for scopeSpans in resourceSpans.scopeSpans {
                for span in scopeSpans.spans {
                    // The key within the resource is made for every span, with a mark for each value that is the
                    // resource's (the same for all its spans); the full key and the attributes only for the first
                    // span of a series.
                    let localKey = Self.dimensions(span, service: serviceName, resource: resourceValues, settings, collecting: false).key
                    let index: Int
                    if let known = seriesIndex[localKey] {
                        index = known
                    } else {
                        index = resource.series.count
                        seriesIndex[localKey] = index
                        let (seriesKey, dimensions) = Self.dimensions(span, service: serviceName, resource: resourceValues, settings, collecting: true)
                        resource.series.append(
                            Series(key: seriesKey, attributes: dimensions, bytes: SpanMetricsCost.series(key: seriesKey, dimensions, settings)))
                    }
                    resource.observations.append(
                        Observation(series: index, duration: Self.duration(span, settings.unit), exemplar: Self.exemplar(span, settings)))
                }
            }
            resources.append(resource)
        }
    }

    /// A span's series key, and its attributes when `collecting`: the built-in dimensions not
    /// excluded, then each configured dimension found on the span, else on the resource, else its default
    /// (left out without one).
    private static func dimensions(
        _ span: SpanView, service: String, resource: [AnyValueView?], _ settings: SpanMetricsSettings,
        collecting: Bool
    ) -> (key: String, attributes: OrderedAttributes) {
        var key = ""
        var attributes: OrderedAttributes = []
        // The key is each dimension's text after "=" and before a NUL (decoded text holds no NUL), in the
        // fixed order of the dimensions; a configured dimension left out adds only its NUL. Without
        // `collecting` (the key within one resource), a value of the resource is only marked "@".
        func add(_ name: String, _ text: String, _ value: @autoclosure () -> AttributeValue) {
            key += "="
            key += text
            key += "\0"
            if collecting { attributes.append((name, value())) }
        }
        let excluded = settings.excludedDimensions
        if excluded.isEmpty || !excluded.contains("service.name") {
            if collecting { add("service.name", service, .string(service)) } else { key += "@\0" }
        }
        if excluded.isEmpty || !excluded.contains("span.name") {
            let name = span.name
            add("span.name", name, .string(name))
        }
        if excluded.isEmpty || !excluded.contains("span.kind") {
            let kind = spanKindText(span.kindNumber)
            add("span.kind", kind, .string(kind))
        }
        if excluded.isEmpty || !excluded.contains("status.code") {
            let status = statusText(span.statusCode)
            add("status.code", status, .string(status))
        }
        if !settings.dimensions.isEmpty {
            let spanAttributes = span.attributes
            for (position, dimension) in settings.dimensions.enumerated() {
                if let value = spanAttributes[dimension.name] {
                    let text = value.text()
                    add(dimension.name, text, value.attributeValue ?? .string(text))
                } else if let value = resource[position] {
                    if collecting {
                        let text = value.text()
                        add(dimension.name, text, value.attributeValue ?? .string(text))
                    } else {
                        key += "@\0"
                    }
                } else if let fallback = dimension.defaultValue {
                    add(dimension.name, fallback, .string(fallback))
                } else {
                    key += "\0"
                }
            }
        }
        return (key, attributes)
    }

    /// `text` with its length in front, so that no two lists of components make the same key (resource
    /// keys, whose attribute names vary).
    static func appendComponent(_ text: String, to key: inout String) {
        key += String(text.utf8.count)
        key += ":"
        key += text
    }

    /// The Collector's span kind text (`traceutil.SpanKindStr`).
    static func spanKindText(_ kind: Int) -> String {
        switch kind {
        case 0: "SPAN_KIND_UNSPECIFIED"
        case 1: "SPAN_KIND_INTERNAL"
        case 2: "SPAN_KIND_SERVER"
        case 3: "SPAN_KIND_CLIENT"
        case 4: "SPAN_KIND_PRODUCER"
        case 5: "SPAN_KIND_CONSUMER"
        default: ""
        }
    }

    /// The Collector's status code text (`traceutil.StatusCodeStr`).
    static func statusText(_ code: Int) -> String {
        switch code {
        case 0: "STATUS_CODE_UNSET"
        case 1: "STATUS_CODE_OK"
        case 2: "STATUS_CODE_ERROR"
        default: ""
        }
    }

    /// End minus start in `unit`; 0 when the span ends before it starts (as the Collector does).
    private static func duration(_ span: SpanView, _ unit: SpanMetricsSettings.DurationUnit) -> Double {
        let start = span.startTimeUnixNano
        let end = span.endTimeUnixNano
        return end > start ? Double(end - start) / unit.nanoseconds : 0
    }

    private static func exemplar(_ span: SpanView, _ settings: SpanMetricsSettings) -> ComputedExemplar? {
        guard settings.exemplarsEnabled, let trace = span.traceID, trace != TraceID(high: 0, low: 0), let spanID = span.spanID else {
            return nil
        }
        let start = span.startTimeUnixNano
        let end = span.endTimeUnixNano
        let duration = end > start ? Double(end - start) / settings.unit.nanoseconds : 0
        return ComputedExemplar(traceID: trace, spanID: spanID, value: duration, timeUnixNano: end)
    }
}

/// What the `spanmetrics` state holds per resource, series and exemplar, in bytes: an upper bound of
/// Swift's storage (strings, arrays, dictionary slots) plus what a flush of it takes (the protobuf-c
/// arena, the packed request and its decoding downstream), charged to the memory budget before it is
/// held, so that a full state can always be flushed.
enum SpanMetricsCost {
    /// A fixed charge per entry (struct, dictionary slot, array headers).
    static let entryOverhead = 256
    /// A fixed charge per attribute beyond its text.
    static let attributeOverhead = 64
    /// One exemplar: held (48 bytes), then twice (calls and duration) in the arena and the packed request.
    static let exemplar = 64 + 256

    /// A resource with `key` and `attributes`, and its resource message at a flush.
    static func resource(key: String, _ attributes: OrderedAttributes) -> Int {
        entryOverhead + key.utf8.count + text(attributes) + flush(attributes, points: 1, bucketBytes: 0)
    }

    /// A series with `key` and `attributes` (its key is stored twice: in the index and in the series),
    /// and its points at a flush.
    static func series(key: String, _ attributes: OrderedAttributes, _ settings: SpanMetricsSettings) -> Int {
        let buckets: Int
        switch settings.histogram {
        case .explicit(let bounds): buckets = (bounds.count + 1) * 8
        case .exponential(let maxSize): buckets = maxSize * 8 + 64
        case .disabled: buckets = 0
        }
        return entryOverhead + 2 * key.utf8.count + text(attributes) + buckets + flush(attributes, points: 2, bucketBytes: 2 * buckets)
    }

    /// A flush: `points` copies of `attributes` (text and messages) in the arena, in the packed request
    /// and decoded downstream, with `bucketBytes` of counts and bounds each time.
    private static func flush(_ attributes: OrderedAttributes, points: Int, bucketBytes: Int) -> Int {
        3 * points * (text(attributes) + 2 * attributes.count * attributeOverhead + entryOverhead + bucketBytes)
    }
    private static func text(_ attributes: OrderedAttributes) -> Int {
        attributes.reduce(0) { total, attribute in
            total + attributeOverhead + attribute.key.utf8.count + valueBytes(attribute.value)
        }
    }

    private static func valueBytes(_ value: AttributeValue) -> Int {
        switch value {
        case .string(let text): text.utf8.count
        case .int, .double, .bool: 8
        case .stringArray(let values): values.reduce(0) { $0 + $1.utf8.count + 16 }
        case .intArray(let values): values.count * 8
        case .doubleArray(let values): values.count * 8
        case .boolArray(let values): values.count
        }
    }
}
