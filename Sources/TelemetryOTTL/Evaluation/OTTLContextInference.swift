/// Context inference for statements written with prefixed paths in a flat list (the Collector's
/// `context_inferrer.go`, the v0.146 style): the highest-priority context any path names is the
/// candidate; when it lacks a function or an enum the statements use, the lower contexts that can reach
/// it are tried in priority order.
public enum OTTLContextInference {
    /// The context `statements` (and a group's `conditions`) run in, among `allowed`.
    ///
    /// - Throws: `OTTLCompileError` in the Collector's words when no path names a context, or no allowed
    ///   context supports every function and enum.
    public static func infer(
        statements: [OTTLStatement], conditions: [OTTLBoolExpression], allowed: [OTTLContext], functions: OTTLFunctionTable
    ) throws(OTTLCompileError) -> OTTLContext {
        var references = OTTLReferences()
        for statement in statements { references.add(statement) }
        for condition in conditions { references.add(condition) }
        if let foreign = references.paths.first(where: { path in
            path.contextName.flatMap(OTTLContext.init(name:)).map { !allowed.contains($0) } ?? false
        }) {
            throw OTTLCompileError(
                "context \"\(foreign.contextName ?? "")\" from path \"\(OTTLPathCompiler.text(foreign))\" is not valid here, it must be one of: "
                    + allowed.map { "\"\($0.rawValue)\"" }.joined(separator: ", "), at: foreign.position)
        }
        let named = references.paths.compactMap { $0.contextName.flatMap(OTTLContext.init(name:)) }.filter(allowed.contains)
        guard let candidate = named.min(by: { $0.priority < $1.priority }) else {
            throw OTTLCompileError(
                "unable to infer context from statements, path's first segment must be a valid context name: "
                    + allowed.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))
        }
        let lower = allowed.filter { $0 != candidate && $0.reachable.contains(candidate) }.sorted { $0.priority < $1.priority }
        for context in [candidate] + lower where supports(context, references, functions) {
            return context
        }
        let missing = references.functionNames.first { functions[$0] == nil } ?? references.enumSymbols.first { candidate.enumValue($0) == nil } ?? ""
        throw OTTLCompileError("inferred context \"\(candidate.rawValue)\" does not support the function \"\(missing)\"")
    }

    /// Whether `context` knows every function and enum the statements use (functions are one table for
    /// every context here; enums differ per context).
    private static func supports(_ context: OTTLContext, _ references: OTTLReferences, _ functions: OTTLFunctionTable) -> Bool {
        references.functionNames.allSatisfy { functions[$0] != nil }
            && references.enumSymbols.allSatisfy { context.enumValue($0) != nil || functions[$0] != nil }
    }
}
