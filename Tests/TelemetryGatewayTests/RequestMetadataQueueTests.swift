import Foundation
import Logging
import Telemetry
import TelemetryHTTP
import TelemetryOTLPData
import TelemetryTestSupport
import Testing

@testable import TelemetryGatewayCore

/// A transport that records each attempt's body and the extra headers it was given, and delivers.
final class HeaderRecordingSender: EncodedRequestSender {
    let retryReport = RetryReport(
        selfMetrics: ExporterSelfMetrics(exporter: "otlp/up", signal: "traces", collector: MetricsCollector()),
        log: RateLimitedLogger(logger: Logger(label: "test")), export: "test export", target: "test")
    private let attempts = LockedValue([(body: [UInt8], headers: [String])]())

    /// Each attempt's body and its extra headers as `name: value`, in order.
    var recorded: [(body: [UInt8], headers: [String])] { attempts.withLock { $0 } }

    func attempt(_ body: [UInt8], extraHeaders: [(name: String, value: String)]) -> RetryAttempt<Void, any Error, String> {
        attempts.withLock { $0.append((body, extraHeaders.map { "\($0.name): \($0.value)" })) }
        return .final(.success(()))
    }

    func shutdown() {}
}

/// Request metadata through the exporter helper: queues never join items of different metadata, the
/// send call gets `outgoingHeaders` of its batch's metadata, and the disk queue keeps the metadata across
/// a restart (its record format v2), still reading records written before (v1).
@Suite("Request metadata through sending queues")
struct RequestMetadataQueueTests {
    /// What the headers_setter slice will compute: `X-Scope-OrgID` from the `x-tenant` metadata.
    static let tenantHeader: @Sendable (RequestMetadata) -> [(name: String, value: String)] = { metadata in
        metadata["x-tenant"].map { (name: "X-Scope-OrgID", value: $0) }
    }

    static func item(tenant: String?) throws -> PipelineItem {
        var generator = SystemRandomNumberGenerator()
        let bytes = try OTLPRequests.traces(count: 1, spansPerTrace: 2, using: &generator)
        return PipelineItem(
            payload: try OTLPPayload(validating: bytes, signal: .traces, limits: DecodeLimits()),
            metadata: tenant.map { RequestMetadata([(name: "X-Tenant", value: $0), (name: "x-other", value: "o")]) } ?? .empty)
    }

    /// Sends tenants a, b, a, b, none through a chain and checks each attempt holds one tenant's requests.
    static func checkTenantsApart(diskFolder: String?) throws {
        var batch = BatchSettings()
        batch.timeout = .seconds(30)
        let sender = HeaderRecordingSender()
        let chain = try ExporterSendChain(
            exporter: "otlp/up", signal: .traces, sender: sender, retry: .none, queueBytes: 1 << 20,
            diskQueue: diskFolder.map { DiskQueueSettings(directory: $0) }, batch: batch, selfMetrics: MetricsCollector(),
            logger: Logger(label: "test"), outgoingHeaders: tenantHeader)
        let items = try ["a", "b", "a", "b", nil].map(Self.item)
        for item in items { try chain.queue.consume(item) }
        #expect(chain.queue.flush(deadlineNanos: WallClock.monotonicNanos() + 10_000_000_000))
        let attempts = sender.recorded
        #expect(attempts.count == 3, "one request per distinct metadata")
        let expected: [(headers: [String], body: [UInt8])] = [
            (["X-Scope-OrgID: a"], items[0].payload.bytes + items[2].payload.bytes),
            (["X-Scope-OrgID: b"], items[1].payload.bytes + items[3].payload.bytes),
            ([], items[4].payload.bytes),
        ]
        for (attempt, wanted) in zip(attempts, expected) {
            #expect(attempt.headers == wanted.headers)
            #expect(attempt.body == wanted.body)
        }
        #expect(chain.queue.shutdown(deadlineNanos: WallClock.monotonicNanos() + 5_000_000_000))
    }

    @Test("Memory queue: a batch of two tenants is sent as one request per tenant, each with its outgoingHeaders")
    func memoryQueueKeepsTenantsApart() throws {
        try Self.checkTenantsApart(diskFolder: nil)
    }

    @Test("Disk queue: a batch of two tenants is sent as one request per tenant, each with its outgoingHeaders")
    func diskQueueKeepsTenantsApart() throws {
        let scratch = try ScratchFolder()
        try Self.checkTenantsApart(diskFolder: scratch.path)
    }

    @Test("Memory queue: each tenant's request is counted on its own; one tenant's failed export drops only its items")
    func perTenantOutcomes() throws {
        struct Refused: Error {}
        var batch = BatchSettings()
        batch.timeout = .seconds(30)
        let collector = MetricsCollector()
        let queue = SendingQueue(
            exporter: "otlp/up", signal: .traces, capacityBytes: 1 << 20, batch: batch, selfMetrics: collector, logger: Logger(label: "test")
        ) { _, metadata in
            if metadata["x-tenant"] == ["b"] { throw Refused() }
        }
        for tenant in ["a", "b", "a"] { try queue.consume(try Self.item(tenant: tenant)) }
        #expect(queue.flush(deadlineNanos: WallClock.monotonicNanos() + 10_000_000_000))
        let labels = ["exporter": "otlp/up", "signal": "traces"]
        #expect(collector.currentValue("telemetry_exporter_sent_items_total", labels) == 4, "tenant a: 2 requests of 2 spans")
        #expect(collector.currentValue("telemetry_exporter_dropped_items_total", labels.merging(["reason": "export_failed"]) { $1 }) == 2)
        #expect(collector.currentValue("telemetry_exporter_failed_exports_total", labels) == 1)
        #expect(queue.shutdown(deadlineNanos: WallClock.monotonicNanos() + 5_000_000_000))
    }

    @Test("The disk queue keeps each request's metadata across a restart")
    func metadataSurvivesRestart() throws {
        let scratch = try ScratchFolder()
        let backend = ScriptedBackend()
        let items = try ["a", "b", nil].map(Self.item)
        backend.setDown(true)
        do {
            let queue = try DiskSendingQueue(
                exporter: "otlp/up", signal: .traces, settings: DiskQueueSettings(directory: scratch.path), batch: BatchSettings(),
                selfMetrics: MetricsCollector(), logger: Logger(label: "test"),
                retry: .untilDelivered(initialBackoff: .milliseconds(5), maxBackoff: .milliseconds(20)), attempt: backend.attempt)
            for item in items { try queue.consume(item) }
            _ = queue.shutdown(deadlineNanos: WallClock.monotonicNanos() + 200_000_000)
        }
        #expect(backend.sent.isEmpty)
        backend.setDown(false)
        let reopened = try DiskSendingQueueTests.queue(scratch.path, backend: backend)
        #expect(DiskSendingQueueTests.waitUntil { backend.sent.count == 3 })
        #expect(backend.sent == items.map(\.payload.bytes))
        #expect(backend.sentMetadata == items.map(\.metadata))
        #expect(backend.sentMetadata[0]["x-tenant"] == ["a"] && backend.sentMetadata[0]["x-other"] == ["o"])
        #expect(reopened.shutdown(deadlineNanos: WallClock.monotonicNanos() + 5_000_000_000))
    }

    /// A version-1 record (before request metadata), built byte by byte as that format wrote it.
    static func versionOneRecord(_ payload: [UInt8], itemCount: Int) -> [UInt8] {
        var body: [UInt8] = [1]  // traces
        SegmentRecordFormat.appendLittleEndian(UInt32(itemCount), to: &body)
        SegmentRecordFormat.appendLittleEndian(UInt64(1_700_000_000_000_000_000), to: &body)
        body += payload
        var framed = Array("STQR".utf8)
        SegmentRecordFormat.appendLittleEndian(UInt32(body.count), to: &framed)
        SegmentRecordFormat.appendLittleEndian(CRC32C.checksum(body), to: &framed)
        return framed + body
    }

    @Test("A segment written in the version-1 format (no metadata) is still read and delivered, with empty metadata")
    func versionOneSegmentStillRead() throws {
        let scratch = try ScratchFolder()
        let folder = scratch.path + "/" + DiskSendingQueue.folderName("otlp/up") + "/traces"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let items = try [nil, nil].map(Self.item)
        let segment = items.flatMap { Self.versionOneRecord($0.payload.bytes, itemCount: $0.itemCount) }
        try Data(segment).write(to: URL(fileURLWithPath: SegmentLog.path(of: 1, in: folder)))
        // Records without metadata are still written exactly so.
        #expect(
            SegmentRecordFormat.frame(signal: .traces, itemCount: 2, enqueuedAtNanos: 1_700_000_000_000_000_000, payload: items[0].payload.bytes)
                == Self.versionOneRecord(items[0].payload.bytes, itemCount: 2))
        let backend = ScriptedBackend()
        let queue = try DiskSendingQueueTests.queue(scratch.path, backend: backend)
        #expect(queue.recovery.corruptRanges == 0 && queue.recovery.tornTails == 0)
        #expect(DiskSendingQueueTests.waitUntil { backend.sent.count == 2 })
        #expect(backend.sent == items.map(\.payload.bytes))
        #expect(backend.sentMetadata == [.empty], "both in one request: their metadata is the same")
        #expect(queue.shutdown(deadlineNanos: WallClock.monotonicNanos() + 5_000_000_000))
    }

    @Test("A version-2 record round-trips its metadata; a metadata block longer than its record is damage")
    func recordFormatRoundTrip() throws {
        let metadata = RequestMetadata([(name: "X-Tenant", value: "a"), (name: "x-tenant", value: "b"), (name: "ünï", value: "")])
        let block = SegmentRecordFormat.metadataBlock(metadata)
        let framed = SegmentRecordFormat.frame(signal: .logs, itemCount: 3, enqueuedAtNanos: 7, payload: [1, 2, 3], metadataBlock: block)
        let record = try #require(SegmentRecordFormat.decode(framed[...]))
        #expect(record.metadata == metadata)
        #expect(record.payload == [1, 2, 3])
        #expect(record.signal == .logs && record.itemCount == 3 && record.enqueuedAtNanos == 7)
        #expect(record.framedBytes == SegmentRecordFormat.headerBytes + SegmentRecordFormat.bodyPrefixBytes + record.metadataBytes + 3)

        var lying = block
        lying[0] = 0xFF  // the block claims more bytes than the record holds
        let damaged = SegmentRecordFormat.frame(signal: .logs, itemCount: 3, enqueuedAtNanos: 7, payload: [], metadataBlock: lying)
        #expect(SegmentRecordFormat.decode(damaged[...]) == nil)
    }
}
