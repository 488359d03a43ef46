internal import COTLP
internal import CProtobufC

/// The data points of a metrics request that cannot be used, left out one by one so the rest goes on.
public struct MetricValidation: Sendable {
    /// The request without the invalid points (the original bytes when all are valid; `nil` when no
    /// point is left).
    public let payload: OTLPPayload?
    /// Points left out.
    public let rejected: Int
    /// Why the first rejected point was refused (for the client's `partial_success` message).
    public let firstReason: String?
}

extension MetricsView {
    /// Checks every data point and leaves out those a backend would have to make values up for (see
    /// `PointRules`). Points flagged "no recorded value" are kept.
    public func validated() -> MetricValidation {
        var editor = PointEditor()
        var keptResources: [UnsafeMutablePointer<Opentelemetry__Proto__Metrics__V1__ResourceMetrics>] = []
        for resource in resourceMetrics {
            var keptScopes: [UnsafeMutablePointer<Opentelemetry__Proto__Metrics__V1__ScopeMetrics>] = []
            for scope in resource.scopeMetrics {
                let keptMetrics = scope.metrics.compactMap { editor.keepValidPoints($0) }
                guard !keptMetrics.isEmpty else { continue }
                keptScopes.append(editor.rebuilt(scope.pointer) { $0.n_metrics = keptMetrics.count; $0.metrics = editor.arena.pointers(keptMetrics) })
            }
            guard !keptScopes.isEmpty else { continue }
            keptResources.append(
                editor.rebuilt(resource.pointer) { $0.n_scope_metrics = keptScopes.count; $0.scope_metrics = editor.arena.pointers(keptScopes) })
        }
        guard editor.rejected > 0 else { return MetricValidation(payload: payload, rejected: 0, firstReason: nil) }
        guard payload.itemCount > editor.rejectedPoints, !keptResources.isEmpty else {
            return MetricValidation(payload: nil, rejected: editor.rejected, firstReason: editor.firstReason)
        }
        let request = owner.typed(Opentelemetry__Proto__Collector__Metrics__V1__ExportMetricsServiceRequest.self)
        let output = editor.rebuilt(request) {
            $0.n_resource_metrics = keptResources.count
            $0.resource_metrics = editor.arena.pointers(keptResources)
        }
        let kept = OTLPPayload(
            signal: .metrics, bytes: packMessage(output), itemCount: payload.itemCount - editor.rejectedPoints,
            decodedBytesEstimate: payload.decodedBytesEstimate)
        return MetricValidation(payload: kept, rejected: editor.rejected, firstReason: editor.firstReason)
    }
}

/// Copies metrics with only their valid points, into one arena.
private struct PointEditor {
    let arena = ProtobufArena()
    /// Rejections reported: each invalid point, and each metric with no data.
    var rejected = 0
    /// The points among them: a metric with no data holds none, so the kept request's count of points
    /// is the request's less these (subtracting `rejected` undercounted it).
    var rejectedPoints = 0
    var firstReason: String?

    /// A copy of `message` changed by `change`, in the arena.
    func rebuilt<Message>(_ message: UnsafeMutablePointer<Message>, _ change: (inout Message) -> Void) -> UnsafeMutablePointer<Message> {
        let copy = arena.allocate(Message.self)
        copy.initialize(to: message.pointee)
        change(&copy.pointee)
        return copy
    }

    /// The metric itself when all its points are valid, a copy with the valid ones otherwise, `nil` when
    /// none is.
    mutating func keepValidPoints(_ metric: MetricView) -> UnsafeMutablePointer<Opentelemetry__Proto__Metrics__V1__Metric>? {
        let raw = metric.pointer.pointee
        switch metric.data {
        case .empty:
            reject("the metric has no data", metric)
            return nil
        case .gauge(let points):
            guard let gauge = raw.gauge, let kept = keep(points, metric, PointRules.number) else { return nil }
            return kept == points.indices.map { $0 } ? metric.pointer : rebuilt(metric.pointer) { copy in
                copy.gauge = rebuilt(gauge) { $0.n_data_points = kept.count; $0.data_points = subset($0.data_points, kept) }
            }
        case .sum(let points, _, let isMonotonic):
            guard let sum = raw.sum, let kept = keep(points, metric, { PointRules.sum($0, monotonic: isMonotonic) }) else { return nil }
            return kept == points.indices.map { $0 } ? metric.pointer : rebuilt(metric.pointer) { copy in
                copy.sum = rebuilt(sum) { $0.n_data_points = kept.count; $0.data_points = subset($0.data_points, kept) }
            }
        case .histogram(let points, _):
            guard let histogram = raw.histogram, let kept = keep(points, metric, PointRules.histogram) else { return nil }
            return kept == points.indices.map { $0 } ? metric.pointer : rebuilt(metric.pointer) { copy in
                copy.histogram = rebuilt(histogram) { $0.n_data_points = kept.count; $0.data_points = subset($0.data_points, kept) }
            }
        case .exponentialHistogram(let points, _):
            guard let histogram = raw.exponential_histogram, let kept = keep(points, metric, PointRules.exponentialHistogram) else {
                return nil
            }
            return kept == points.indices.map { $0 } ? metric.pointer : rebuilt(metric.pointer) { copy in
                copy.exponential_histogram = rebuilt(histogram) {
                    $0.n_data_points = kept.count
                    $0.data_points = subset($0.data_points, kept)
                }
            }
        case .summary(let points):
            guard let summary = raw.summary, let kept = keep(points, metric, PointRules.summary) else { return nil }
            return kept == points.indices.map { $0 } ? metric.pointer : rebuilt(metric.pointer) { copy in
                copy.summary = rebuilt(summary) { $0.n_data_points = kept.count; $0.data_points = subset($0.data_points, kept) }
            }
        }
    }

    /// The positions of the valid points (rejecting the others), or `nil` when none is valid.
    private mutating func keep<Point>(_ points: MessageList<Point>, _ metric: MetricView, _ problem: (Point) -> String?) -> [Int]? {
        var kept: [Int] = []
        for index in points.indices {
            if let reason = problem(points[index]) {
                reject(reason, metric)
                rejectedPoints += 1
            } else {
                kept.append(index)
            }
        }
        return kept.isEmpty ? nil : kept
    }

    private mutating func reject(_ reason: String, _ metric: MetricView) {
        rejected += 1
        if firstReason == nil { firstReason = "metric \"\(metric.name)\": \(reason)" }
    }

    private func subset<Point>(
        _ list: UnsafeMutablePointer<UnsafeMutablePointer<Point>?>?, _ kept: [Int]
    ) -> UnsafeMutablePointer<UnsafeMutablePointer<Point>?>? {
        guard let list else { return nil }
        return arena.pointers(kept.compactMap { list[$0] })
    }
}

/// What makes a data point unusable; each returns the reason, or `nil` for a valid point.
enum PointRules {
    static func number(_ point: NumberPointView) -> String? {
        guard !point.header.noRecordedValue else { return nil }
        return point.value == nil ? "a data point has no value" : nil
    }

    static func sum(_ point: NumberPointView, monotonic: Bool) -> String? {
        if let problem = number(point) { return problem }
        guard monotonic, !point.header.noRecordedValue, let value = point.value else { return nil }
        return value.isNaN || value < 0 ? "a monotonic sum is negative or NaN (\(value))" : nil
    }

    static func histogram(_ point: HistogramPointView) -> String? {
        guard !point.header.noRecordedValue else { return nil }
        let bounds = point.explicitBounds
        guard bounds.allSatisfy(\.isFinite), zip(bounds, bounds.dropFirst()).allSatisfy({ $0 < $1 }) else {
            return "histogram bounds are not finite and strictly increasing"
        }
        if !point.bucketCounts.isEmpty {
            guard point.bucketCounts.count == bounds.count + 1 else {
                return "\(point.bucketCounts.count) bucket counts for \(bounds.count) bounds (expected \(bounds.count + 1))"
            }
            let (total, overflow) = point.bucketCounts.reduce((UInt64(0), false)) { sum, count in
                let (next, carry) = sum.0.addingReportingOverflow(count)
                return (next, sum.1 || carry)
            }
            guard !overflow, total == point.count else {
                return "the bucket counts add up to \(overflow ? "more than 2^64" : String(total)), not the count \(point.count)"
            }
        }
        if let sum = point.sum, sum.isNaN { return "the histogram sum is NaN" }
        if let min = point.min, min.isNaN { return "the histogram min is NaN" }
        if let max = point.max, max.isNaN { return "the histogram max is NaN" }
        return nil
    }

    static func exponentialHistogram(_ point: ExponentialHistogramPointView) -> String? {
        guard !point.header.noRecordedValue else { return nil }
        guard (-10...20).contains(point.scale) else { return "exponential histogram scale \(point.scale) is outside -10…20" }
        var total = point.zeroCount
        for count in point.positive.counts + point.negative.counts {
            let (next, overflow) = total.addingReportingOverflow(count)
            guard !overflow else { return "exponential histogram buckets add up to more than 2^64" }
            total = next
        }
        guard total == point.count else { return "exponential histogram buckets add up to \(total), not the count \(point.count)" }
        if let sum = point.sum, sum.isNaN { return "the histogram sum is NaN" }
        return nil
    }

    static func summary(_ point: SummaryPointView) -> String? {
        guard !point.header.noRecordedValue else { return nil }
        guard !point.sum.isNaN else { return "the summary sum is NaN" }
        guard point.quantiles.allSatisfy({ (0...1).contains($0.quantile) }) else { return "a summary quantile is outside 0…1" }
        return nil
    }
}
