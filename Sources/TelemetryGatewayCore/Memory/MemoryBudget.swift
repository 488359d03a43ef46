import Synchronization

/// One in-flight byte budget shared by everything the gateway holds: bodies being read, requests being
/// decoded, and payloads waiting in exporter queues. A receiver reserves before it reads; when the
/// budget cannot cover a request, the request is refused (429) instead of growing memory.
public final class MemoryBudget: Sendable {
    /// The most bytes held at once.
    public let limitBytes: Int
    /// The `Retry-After` advice for requests refused because the budget is spent.
    public let overload = OverloadAdvice()
    private let used = Atomic<Int>(0)

    /// Creates a budget of `limitBytes` (at least 1 MiB).
    public init(limitBytes: Int) {
        self.limitBytes = max(1 << 20, limitBytes)
    }

    /// Bytes currently reserved.
    public var usedBytes: Int { used.load(ordering: .relaxed) }

    /// Reserves `bytes`; `nil` when that would pass the limit.
    public func reserve(_ bytes: Int) -> MemoryLease? {
        guard take(max(0, bytes)) else { return nil }
        return MemoryLease(budget: self, bytes: max(0, bytes))
    }

    fileprivate func take(_ bytes: Int) -> Bool {
        var current = used.load(ordering: .relaxed)
        while true {
            let (next, overflow) = current.addingReportingOverflow(bytes)
            guard !overflow, next <= limitBytes else { return false }
            let (exchanged, original) = used.weakCompareExchange(
                expected: current, desired: next, successOrdering: .acquiringAndReleasing, failureOrdering: .relaxed)
            if exchanged { return true }
            current = original
        }
    }

    fileprivate func give(_ bytes: Int) {
        used.wrappingSubtract(bytes, ordering: .acquiringAndReleasing)
    }
}

/// Bytes reserved from a `MemoryBudget`, returned when the lease is released or goes away.
public final class MemoryLease: Sendable {
    private let budget: MemoryBudget
    private let held: Mutex<Int>

    fileprivate init(budget: MemoryBudget, bytes: Int) {
        self.budget = budget
        held = Mutex(bytes)
    }

    deinit {
        let bytes = held.withLock { $0 }
        if bytes > 0 { budget.give(bytes) }
    }

    /// The bytes held.
    public var bytes: Int { held.withLock { $0 } }

    /// Holds `bytes` instead of what is held now; false (and nothing changes) when growing would pass the
    /// budget's limit.
    @discardableResult
    public func resize(to bytes: Int) -> Bool {
        held.withLock { current in
            let target = max(0, bytes)
            if target > current {
                guard budget.take(target - current) else { return false }
            } else if target < current {
                budget.give(current - target)
            }
            current = target
            return true
        }
    }
}
