import TelemetryOTLPData

/// A group of statements run in one context, in order, on every item of that context that passes the
/// group's conditions (ORed; none = every item) — one `trace_statements`/`metric_statements`/
/// `log_statements` group of the transform processor.
public struct OTTLStatementGroup: Sendable {
    /// The context.
    public let context: OTTLContext
    /// The group's conditions, ORed (with their text, for error reports).
    public let conditions: [(condition: OTTLCondition, text: String)]
    /// The statements, in order (with their text).
    public let statements: [(statement: OTTLCompiler.Statement, text: String)]
    /// What an error does.
    public let errorMode: OTTLErrorMode
    /// Whether a statement or condition uses `cache` (each item then gets a fresh one).
    public let usesCache: Bool

    /// Creates a group.
    public init(
        context: OTTLContext, conditions: [(condition: OTTLCondition, text: String)],
        statements: [(statement: OTTLCompiler.Statement, text: String)], errorMode: OTTLErrorMode, usesCache: Bool = false
    ) {
        self.usesCache = usesCache
        self.context = context
        self.conditions = conditions
        self.statements = statements
        self.errorMode = errorMode
    }

    /// Runs the group on every item of its context in `request`.
    ///
    /// - Throws: `OTTLError` under `propagate` (the failing statement named), and always when the memory
    ///   budget refused a write (`memoryRefusal` set).
    public func run(on request: EditableRequest, report: OTTLErrorReport) throws(OTTLError) {
        do {
            try OTTLItemWalk.forEach(context, in: request) { item in
                var item = item
                if usesCache {
                    do throws(EditMemoryRefused) { item.cache = try request.session.scratchMap() } catch { throw OTTLError.memory(error) }
                }
                try run(on: item, report: report)
            }
        } catch let error as OTTLError {
            throw error
        } catch {
            throw OTTLError("\(error)")
        }
    }

    private func run(on item: OTTLItem, report: OTTLErrorReport) throws(OTTLError) {
        if !conditions.isEmpty {
            var matched = false
            for (condition, text) in conditions {
                do {
                    if try condition(item) {
                        matched = true
                        break
                    }
                } catch {
                    try handle(error, "failed to eval condition: \(text)", text, report)
                }
            }
            guard matched else { return }
        }
        for (statement, text) in statements {
            do {
                try statement.execute(item)
            } catch {
                try handle(error, "failed to execute statement: \(text)", text, report)
            }
        }
    }

    private func handle(_ error: OTTLError, _ what: String, _ text: String, _ report: OTTLErrorReport) throws(OTTLError) {
        if error.memoryRefusal != nil { throw error }
        switch errorMode {
        case .propagate: throw OTTLError("\(what), \(error.message)")
        case .ignore: report(error.message, text)
        case .silent: break
        }
    }
}
