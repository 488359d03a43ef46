import Telemetry
import TelemetryOTLPData

/// How long `tail_sampling` waits and how much it may hold.
struct TailSamplingLimits: Sendable {
    /// The longest a trace waits for its decision after its first span arrived.
    var decisionWaitNanos: UInt64 = 30_000_000_000
    /// The wait after the root span arrived (nil: only `decisionWaitNanos`).
    var afterRootNanos: UInt64? = 1_000_000_000
    /// All buffered traces together (encoded spans plus bookkeeping).
    var maxBufferedBytes = 64 << 20
    /// One trace; a trace past it is decided at once on the spans it has.
    var maxTraceBytes = 8 << 20
    /// Traces buffered at once.
    var maxTraces = 50_000
    /// Kept and dropped trace ids remembered for late spans.
    var sampledCacheSize = 100_000
    var nonSampledCacheSize = 100_000
    /// Stop evaluating at the first policy that samples.
    var sampleOnFirstMatch = false
}

/// Why a trace was decided before its time.
enum EarlyDecision: String, Sendable {
    /// The buffer was full (bytes or traces) and this was the oldest trace: the Collector's
    /// `dropped_too_early`, except that the trace is decided on what arrived instead of lost.
    case bufferFull = "buffer_full"
    /// The trace alone passed `maximum_trace_size_bytes`.
    case traceTooLarge = "trace_too_large"
    /// The gateway is stopping.
    case shutdown
}

/// A trace that got its decision, with its spans.
struct DecidedTrace: Sendable {
    let traceID: TraceID
    let decision: TraceDecision
    let fragments: [TraceFragment]
    let spanCount: Int
    /// From the first span's arrival to the decision.
    let waitedNanos: UInt64
    let early: EarlyDecision?
}

/// Where the spans of one trace of a request went.
enum FragmentRoute: Sendable, Equatable {
    /// Into the buffer, to wait for the decision (`newTrace`: the first spans of a trace not seen before).
    case buffered(newTrace: Bool)
    /// The trace was kept already: forward them now (with this `th`).
    case lateKept(threshold: String?)
    /// The trace was dropped already.
    case lateDropped
}

/// The traces waiting for their decision, bounded in bytes and count, with the decision caches and the
/// policies. Not thread-safe: `TailSamplingProcessor` calls it under its lock.
struct TailSamplingBuffer: Sendable {
    /// Bytes counted per trace beyond its encoded spans (the requests its fragments point into are
    /// charged to the gateway's memory budget by the consumer), from the layout of what the buffer keeps
    /// for it: the map entry (a hash map is 38–75% full: × 1.8), its arrival and deadline entries (each list
    /// holds up to as many entries of decided traces as live ones: × 2), and the fragment's array header
    /// and allocation rounding (48). About 430 bytes on 64-bit Linux.
    static let traceOverheadBytes: Int = {
        let entry = MemoryLayout<TraceID>.stride + MemoryLayout<Trace>.stride
        let arrival = MemoryLayout<(traceID: TraceID, sequence: UInt64)>.stride
        return entry * 9 / 5 + arrival * 2 + MemoryLayout<Deadline>.stride * 2 + 48
    }()

    private struct Trace: Sendable {
        /// The first spans received, and any later ones (most traces arrive in one request, and an
        /// empty array allocates nothing).
        let first: TraceFragment
        var more: [TraceFragment] = []
        var bytes: Int
        var facts: TraceFacts
        let arrivedNanos: UInt64
        var deadline: UInt64
        let sequence: UInt64
    }

    private struct Deadline: Comparable, Sendable {
        let nanos: UInt64
        let sequence: UInt64
        let traceID: TraceID

        static func < (lhs: Deadline, rhs: Deadline) -> Bool { (lhs.nanos, lhs.sequence) < (rhs.nanos, rhs.sequence) }
    }

    let limits: TailSamplingLimits
    private var policies: [TailSamplingPolicy]
    private var caches: DecisionCaches
    private var traces: [TraceID: Trace] = [:]
    /// Trace ids in arrival order (with their sequence, to skip decided ones), for oldest-first eviction.
    private var arrivals: [(traceID: TraceID, sequence: UInt64)] = []
    private var arrivalsHead = 0
    private var deadlines = MinHeap<Deadline>()
    private var nextSequence: UInt64 = 0
    /// Bytes held by buffered traces.
    private(set) var bufferedBytes = 0

    init(policies: [TailSamplingPolicy], limits: TailSamplingLimits) {
        self.policies = policies
        self.limits = limits
        caches = DecisionCaches(sampledSize: limits.sampledCacheSize, nonSampledSize: limits.nonSampledCacheSize)
    }

    /// Traces buffered.
    var bufferedTraces: Int { traces.count }

    /// The earliest deadline of a buffered trace.
    var nextDeadline: UInt64? {
        mutating get {
            dropStaleDeadlines()
            return deadlines.min?.nanos
        }
    }

    /// Routes the spans of one trace; traces decided early to make room (or because this one grew too
    /// large) are appended to `decided`.
    mutating func add(_ fragment: TraceFragment, facts: TraceFacts, nowNanos: UInt64, decided: inout [DecidedTrace]) -> FragmentRoute {
        let traceID = fragment.traceID
        let bytes = fragment.spanBytes
        let newTrace = traces[traceID] == nil
        if var trace = traces[traceID] {
            trace.more.append(fragment)
            trace.bytes += bytes
            trace.facts.merge(facts)
            if facts.rootDuration != nil, let afterRoot = limits.afterRootNanos {
                let deadline = nowNanos.addingSaturated(afterRoot)
                if deadline < trace.deadline {
                    trace.deadline = deadline
                    deadlines.insert(Deadline(nanos: deadline, sequence: trace.sequence, traceID: traceID))
                }
            }
            traces[traceID] = trace
            bufferedBytes += bytes
        } else {
            switch caches.lookUp(traceID) {
            case .kept(let threshold): return .lateKept(threshold: threshold)
            case .dropped: return .lateDropped
            case .unknown: break
            }
            var deadline = nowNanos.addingSaturated(limits.decisionWaitNanos)
            if facts.rootDuration != nil, let afterRoot = limits.afterRootNanos { deadline = min(deadline, nowNanos.addingSaturated(afterRoot)) }
            let sequence = nextSequence
            nextSequence += 1
            traces[traceID] = Trace(
                first: fragment, bytes: bytes + Self.traceOverheadBytes, facts: facts, arrivedNanos: nowNanos,
                deadline: deadline, sequence: sequence)
            arrivals.append((traceID, sequence))
            deadlines.insert(Deadline(nanos: deadline, sequence: sequence, traceID: traceID))
            bufferedBytes += bytes + Self.traceOverheadBytes
        }
        if let trace = traces[traceID], trace.bytes > limits.maxTraceBytes, let early = decide(traceID, nowNanos: nowNanos, early: .traceTooLarge) {
            decided.append(early)
        }
        while bufferedBytes > limits.maxBufferedBytes || traces.count > limits.maxTraces, let oldest = takeOldestArrival(),
            let early = decide(oldest, nowNanos: nowNanos, early: .bufferFull)
        {
            decided.append(early)
        }
        return .buffered(newTrace: newTrace)
    }

    /// Decides every trace whose deadline has come.
    mutating func takeDue(nowNanos: UInt64) -> [DecidedTrace] {
        var decided: [DecidedTrace] = []
        while let next = deadlines.min, next.nanos <= nowNanos {
            deadlines.removeMin()
            guard let trace = traces[next.traceID], trace.sequence == next.sequence, trace.deadline == next.nanos,
                let due = decide(next.traceID, nowNanos: nowNanos, early: nil)
            else { continue }
            decided.append(due)
        }
        compactIfMostlyStale()
        return decided
    }

    /// Decides every buffered trace now (at shutdown).
    mutating func takeAll(nowNanos: UInt64) -> [DecidedTrace] {
        let oldestFirst = traces.sorted { $0.value.sequence < $1.value.sequence }.map(\.key)
        return oldestFirst.compactMap { decide($0, nowNanos: nowNanos, early: .shutdown) }
    }

    private mutating func decide(_ traceID: TraceID, nowNanos: UInt64, early: EarlyDecision?) -> DecidedTrace? {
        guard let trace = traces.removeValue(forKey: traceID) else { return nil }
        bufferedBytes -= trace.bytes
        let decision = TailSamplingPolicy.decide(
            &policies, traceID: traceID, facts: trace.facts, nowNanos: nowNanos, firstMatch: limits.sampleOnFirstMatch)
        caches.remember(decision, for: traceID)
        return DecidedTrace(
            traceID: traceID, decision: decision, fragments: [trace.first] + trace.more, spanCount: trace.facts.spanCount,
            waitedNanos: nowNanos.subtractingSaturated(trace.arrivedNanos), early: early)
    }

    private mutating func takeOldestArrival() -> TraceID? {
        while arrivalsHead < arrivals.count {
            let entry = arrivals[arrivalsHead]
            arrivalsHead += 1
            if traces[entry.traceID]?.sequence == entry.sequence { return entry.traceID }
        }
        return nil
    }

    private mutating func dropStaleDeadlines() {
        while let next = deadlines.min, traces[next.traceID].map({ $0.sequence != next.sequence || $0.deadline != next.nanos }) ?? true {
            deadlines.removeMin()
        }
    }

    /// Drops the entries of decided traces from the arrival list and the deadline heap once they
    /// outnumber the live ones, so both stay proportional to the traces buffered.
    private mutating func compactIfMostlyStale() {
        let live = traces.count
        if arrivals.count - arrivalsHead > 2 * live + 1024 || arrivalsHead > 4096 {
            arrivals = arrivals[arrivalsHead...].filter { traces[$0.traceID]?.sequence == $0.sequence }
            arrivalsHead = 0
        }
        if deadlines.count > 2 * live + 1024 {
            deadlines.removeAll { deadline in
                traces[deadline.traceID].map { $0.sequence != deadline.sequence || $0.deadline != deadline.nanos } ?? true
            }
        }
    }
}
