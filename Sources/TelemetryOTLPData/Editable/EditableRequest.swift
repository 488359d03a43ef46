internal import COTLP
internal import CProtobufC

/// One request decoded once for editing: processors change it in place through its references
/// (resources, scopes, spans, span events and links, metrics, data points, log records), and it is
/// encoded once at the end — or not at all when nothing changed, so untouched requests keep their bytes.
///
/// Memory: the decoded tree is the unpack of a validated payload, held to the payload's
/// `decodedBytesEstimate` (which the receiver reserved before decoding, see `DecodeAllocator`); what
/// edits add is charged by the `EditSession` before it is allocated. Resources and scopes are shared by
/// the items under them, as in the wire format.
public final class EditableRequest {
    /// The signal.
    public let signal: OTLPSignal
    /// The request as received.
    public let original: OTLPPayload
    /// The edits' memory and undo log.
    public let session: EditSession
    private let unpacked: UnpackedMessage

    /// Decodes `payload` for editing; edits are charged through `reserve` (asked with the total the
    /// edits hold, told 0 when the request goes away).
    ///
    /// - Throws: `EditMemoryRefused` when decoding would pass the payload's estimate or the budget
    ///   refuses what absent resources and scopes take.
    public init(_ payload: OTLPPayload, reserve: @escaping (_ totalBytes: Int) -> Bool = { _ in true }) throws(EditMemoryRefused) {
        guard let unpacked = UnpackedMessage(payload) else { throw EditMemoryRefused(bytes: payload.decodedBytesEstimate) }
        self.unpacked = unpacked
        signal = payload.signal
        original = payload
        session = EditSession(reserve: reserve)
        try fillAbsentResourcesAndScopes()
    }

    deinit {
        session.undoAll()  // protobuf-c frees exactly the tree it unpacked (when `unpacked` goes, right after)
    }

    /// The trace request's resource groups (empty for other signals).
    public var resourceSpans: EditableList<ResourceSpansRef> {
        guard signal == .traces else { return EditableList(session, count: Self.zero, list: Self.noSpans) { ResourceSpansRef(session: $0, pointer: $1) } }
        let root = unpacked.typed(Opentelemetry__Proto__Collector__Trace__V1__ExportTraceServiceRequest.self)
        return EditableList(session, count: field(root, \.n_resource_spans), list: field(root, \.resource_spans)) { ResourceSpansRef(session: $0, pointer: $1) }
    }

    /// The metrics request's resource groups (empty for other signals).
    public var resourceMetrics: EditableList<ResourceMetricsRef> {
        guard signal == .metrics else { return EditableList(session, count: Self.zero, list: Self.noMetrics) { ResourceMetricsRef(session: $0, pointer: $1) } }
        let root = unpacked.typed(Opentelemetry__Proto__Collector__Metrics__V1__ExportMetricsServiceRequest.self)
        return EditableList(session, count: field(root, \.n_resource_metrics), list: field(root, \.resource_metrics)) {
            ResourceMetricsRef(session: $0, pointer: $1)
        }
    }

    /// The logs request's resource groups (empty for other signals).
    public var resourceLogs: EditableList<ResourceLogsRef> {
        guard signal == .logs else { return EditableList(session, count: Self.zero, list: Self.noLogs) { ResourceLogsRef(session: $0, pointer: $1) } }
        let root = unpacked.typed(Opentelemetry__Proto__Collector__Logs__V1__ExportLogsServiceRequest.self)
        return EditableList(session, count: field(root, \.n_resource_logs), list: field(root, \.resource_logs)) { ResourceLogsRef(session: $0, pointer: $1) }
    }

    /// Spans, data points or log records left.
    public var itemCount: Int {
        switch signal {
        case .traces: resourceSpans.reduce(0) { total, resource in resource.scopeSpans.reduce(total) { $0 + $1.spans.count } }
        case .metrics:
            resourceMetrics.reduce(0) { total, resource in
                resource.scopeMetrics.reduce(total) { subtotal, scope in scope.metrics.reduce(subtotal) { $0 + $1.dataPoints.count } }
            }
        case .logs: resourceLogs.reduce(0) { total, resource in resource.scopeLogs.reduce(total) { $0 + $1.logRecords.count } }
        }
    }

    /// Drops groups left without items (a scope without spans, a resource without scopes) and, with
    /// `metricsWithoutPoints`, metrics left without data points — as the Collector's filter does after
    /// removing items.
    public func removeEmptyGroups(metricsWithoutPoints: Bool) throws(EditMemoryRefused) {
        do {
            switch signal {
            case .traces:
                try resourceSpans.removeAll { resource in
                    try resource.scopeSpans.removeAll { $0.spans.isEmpty }
                    return resource.scopeSpans.isEmpty
                }
            case .metrics:
                try resourceMetrics.removeAll { resource in
                    try resource.scopeMetrics.removeAll { scope in
                        if metricsWithoutPoints { try scope.metrics.removeAll { $0.dataPoints.isEmpty } }
                        return scope.metrics.isEmpty
                    }
                    return resource.scopeMetrics.isEmpty
                }
            case .logs:
                try resourceLogs.removeAll { resource in
                    try resource.scopeLogs.removeAll { $0.logRecords.isEmpty }
                    return resource.scopeLogs.isEmpty
                }
            }
        } catch let error as EditMemoryRefused {
            throw error
        } catch {
            throw EditMemoryRefused(bytes: 0)  // the closures above throw nothing else
        }
    }

    /// The request as it is now: the original payload when nothing changed, nil when no item is left,
    /// else the edited tree encoded once, its size charged to the session (for as long as the request
    /// lives) before it is packed.
    public func encoded() throws(EditMemoryRefused) -> OTLPPayload? {
        try encoded { bytes throws(EditMemoryRefused) in _ = try session.allocate(UInt8.self, count: bytes) }
    }

    /// `encoded()`, with the output's size charged by `reserve` (which throws to refuse) before it is packed.
    public func encoded(reservingOutput reserve: (_ bytes: Int) throws(EditMemoryRefused) -> Void) throws(EditMemoryRefused) -> OTLPPayload? {
        let items = itemCount
        guard items > 0 else { return nil }
        guard session.changed else { return original }
        let size = protobuf_c_message_get_packed_size(unpacked.message)
        try reserve(size)
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            count = size == 0 ? 0 : protobuf_c_message_pack(unpacked.message, buffer.baseAddress)
        }
        return OTLPPayload(encoded: bytes, signal: signal, itemCount: items)
    }

    private func fillAbsentResourcesAndScopes() throws(EditMemoryRefused) {
        for resource in resourceSpans {
            _ = try session.resource(at: field(resource.pointer, \.resource), schema: field(resource.pointer, \.schema_url))
            for scope in resource.scopeSpans { _ = try session.scope(at: field(scope.pointer, \.scope), schema: field(scope.pointer, \.schema_url)) }
        }
        for resource in resourceMetrics {
            _ = try session.resource(at: field(resource.pointer, \.resource), schema: field(resource.pointer, \.schema_url))
            for scope in resource.scopeMetrics { _ = try session.scope(at: field(scope.pointer, \.scope), schema: field(scope.pointer, \.schema_url)) }
        }
        for resource in resourceLogs {
            _ = try session.resource(at: field(resource.pointer, \.resource), schema: field(resource.pointer, \.schema_url))
            for scope in resource.scopeLogs { _ = try session.scope(at: field(scope.pointer, \.scope), schema: field(scope.pointer, \.schema_url)) }
        }
    }

    // Empty lists for the other signals' accessors: never written (removing from an empty list writes nothing).
    nonisolated(unsafe) private static let zero: UnsafeMutablePointer<Int> = {
        let count = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        count.initialize(to: 0)
        return count
    }()
    nonisolated(unsafe) private static let noSpans = emptyList(ResourceSpansMessage.self)
    nonisolated(unsafe) private static let noMetrics = emptyList(ResourceMetricsMessage.self)
    nonisolated(unsafe) private static let noLogs = emptyList(ResourceLogsMessage.self)

    private static func emptyList<Message>(_: Message.Type) -> UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<Message>?>?> {
        let list = UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<Message>?>?>.allocate(capacity: 1)
        list.initialize(to: nil)
        return list
    }
}
