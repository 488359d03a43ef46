internal import COTLP
internal import CProtobufC

/// The resources of one service taken from a request, as a request of their own.
public struct ServiceFragment: Sendable {
    /// The resource's `service.name` ("" when it has none).
    public let service: String
    /// A request of the same signal holding only that service's resources.
    public let payload: OTLPPayload
}

extension TracesView {
    /// The request split by the resources' `service.name`, services in order of first appearance. A
    /// request of one service is returned as it is.
    public func splitByService() -> [ServiceFragment] {
        let request = owner.typed(Opentelemetry__Proto__Collector__Trace__V1__ExportTraceServiceRequest.self)
        let resources = resourceSpans.map { (service: $0.resource.serviceName ?? "", pointer: $0.pointer, items: $0.scopeSpans.reduce(0) { $0 + $1.spans.count }) }
        return ServiceSplitter.split(payload, resources) { arena, pointers in
            let output = arena.allocate(Opentelemetry__Proto__Collector__Trace__V1__ExportTraceServiceRequest.self)
            output.initialize(to: request.pointee)
            output.pointee.n_resource_spans = pointers.count
            output.pointee.resource_spans = arena.pointers(pointers)
            return packMessage(output)
        }
    }
}

extension MetricsView {
    /// The request split by the resources' `service.name`, services in order of first appearance. A
    /// request of one service is returned as it is.
    public func splitByService() -> [ServiceFragment] {
        let request = owner.typed(Opentelemetry__Proto__Collector__Metrics__V1__ExportMetricsServiceRequest.self)
        let resources = resourceMetrics.map { resource in
            (service: resource.resource.serviceName ?? "", pointer: resource.pointer,
             items: resource.scopeMetrics.reduce(0) { total, scope in total + scope.metrics.reduce(0) { $0 + $1.dataPointCount } })
        }
        return ServiceSplitter.split(payload, resources) { arena, pointers in
            let output = arena.allocate(Opentelemetry__Proto__Collector__Metrics__V1__ExportMetricsServiceRequest.self)
            output.initialize(to: request.pointee)
            output.pointee.n_resource_metrics = pointers.count
            output.pointee.resource_metrics = arena.pointers(pointers)
            return packMessage(output)
        }
    }
}

/// Groups a request's resources by service and packs each group.
private enum ServiceSplitter {
    static func split<Resource>(
        _ payload: OTLPPayload, _ resources: [(service: String, pointer: UnsafeMutablePointer<Resource>, items: Int)],
        pack: (ProtobufArena, [UnsafeMutablePointer<Resource>]) -> [UInt8]
    ) -> [ServiceFragment] {
        var order: [String] = []
        var groups: [String: [(pointer: UnsafeMutablePointer<Resource>, items: Int)]] = [:]
        for resource in resources {
            if groups[resource.service] == nil { order.append(resource.service) }
            groups[resource.service, default: []].append((resource.pointer, resource.items))
        }
        if order.count <= 1 { return [ServiceFragment(service: order.first ?? "", payload: payload)] }
        return order.map { service in
            let group = groups[service] ?? []
            let bytes = pack(ProtobufArena(), group.map(\.pointer))
            return ServiceFragment(
                service: service,
                payload: OTLPPayload(encoded: bytes, signal: payload.signal, itemCount: group.reduce(0) { $0 + $1.items }))
        }
    }
}

extension MetricView {
    /// The data points it holds (every kind).
    var dataPointCount: Int {
        let metric = pointer.pointee
        switch metric.data_case {
        case OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_GAUGE: return metric.gauge?.pointee.n_data_points ?? 0
        case OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_SUM: return metric.sum?.pointee.n_data_points ?? 0
        case OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_HISTOGRAM: return metric.histogram?.pointee.n_data_points ?? 0
        case OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_EXPONENTIAL_HISTOGRAM:
            return metric.exponential_histogram?.pointee.n_data_points ?? 0
        case OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_SUMMARY: return metric.summary?.pointee.n_data_points ?? 0
        default: return 0
        }
    }
}
