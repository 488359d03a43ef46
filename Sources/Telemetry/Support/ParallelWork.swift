/// Runs one blocking operation per item on its own thread, so one slow item cannot use up the others' time.
package enum ParallelWork {
    /// Whether `operation` returned true for every item.
    package static func allSucceed<Item: Sendable>(_ items: [Item], _ operation: @escaping @Sendable (Item) -> Bool) -> Bool {
        let results = LockedValue([Bool]())
        let threads = items.map { item in
            WorkerThread {
                let succeeded = operation(item)
                results.withLock { $0.append(succeeded) }
            }
        }
        threads.forEach { $0.join() }
        return results.withLock { $0.allSatisfy { $0 } && $0.count == items.count }
    }
}
