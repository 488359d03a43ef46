import Logging
import TelemetryOTLPData
import TelemetryOTTL
import TelemetryYAML

/// The `transform` processor's settings, in the Collector's shape: `error_mode` (default `ignore`, the
/// Collector's default since v0.157), `trace_statements`, `metric_statements`, `log_statements` — each
/// a list of statements (the basic style: one group, its context inferred from the path prefixes) or
/// of groups `{context, error_mode, conditions, statements}` (the advanced style: with `context`, paths
/// without a prefix get it; without, the context is inferred from the statements and conditions).
struct TransformSettings: Sendable {
    /// The statement groups of each signal, in order.
    let groups: [OTTLSignalGroups]

    /// One signal's groups.
    struct OTTLSignalGroups: Sendable {
        let signal: OTLPSignal
        let groups: [OTTLStatementGroup]
    }

    /// The lists and the contexts each may use.
    static let lists: [(key: String, signal: OTLPSignal)] = [
        ("trace_statements", .traces), ("metric_statements", .metrics), ("log_statements", .logs),
    ]

    /// Reads a `transform` section.
    static func parse(_ node: ConfigNode, functions: OTTLFunctionTable = .standard) throws(ConfigError) -> TransformSettings {
        guard !node.isEmpty else { throw node.error("give trace_statements, metric_statements or log_statements") }
        let fields = try node.mapping(allowed: ["error_mode"] + lists.map(\.key))
        let errorMode = try fields["error_mode"].map { node throws(ConfigError) in try OTTLSettings.errorMode(node) } ?? .ignore
        var groups: [OTTLSignalGroups] = []
        for (key, signal) in lists {
            guard let list = fields[key] else { continue }
            let allowed = OTTLItemWalk.contexts(of: signal)
            let (basic, advanced) = try OTTLSettings.styledList(list)
            var signalGroups: [OTTLStatementGroup] = []
            for group in advanced {
                signalGroups.append(try Self.group(group, allowed: allowed, errorMode: errorMode, functions: functions))
            }
            if !basic.isEmpty {
                signalGroups.append(
                    try Self.statements(basic, context: nil, conditions: [], allowed: allowed, errorMode: errorMode, functions: functions, at: list))
            }
            groups.append(OTTLSignalGroups(signal: signal, groups: signalGroups))
        }
        guard !groups.isEmpty else { throw node.error("give trace_statements, metric_statements or log_statements") }
        return TransformSettings(groups: groups)
    }

    /// An advanced-style group.
    private static func group(_ node: ConfigNode, allowed: [OTTLContext], errorMode: OTTLErrorMode, functions: OTTLFunctionTable)
        throws(ConfigError) -> OTTLStatementGroup
    {
        let fields = try node.mapping(allowed: ["context", "error_mode", "conditions", "statements", "shared_cache"])
        if let cache = fields["shared_cache"], try cache.bool() {
            throw cache.error("not supported: each item's cache is its own (shared_cache is internal to the Collector)")
        }
        let context = try fields["context"].map { node throws(ConfigError) in try OTTLSettings.context(node, allowed: allowed) }
        let mode = try fields["error_mode"].map { node throws(ConfigError) in try OTTLSettings.errorMode(node) } ?? errorMode
        let conditions = try fields["conditions"]?.sequence() ?? []
        let statementsNode = try fields.required("statements")
        let statements = try statementsNode.sequence()
        guard !statements.isEmpty else { throw statementsNode.error("give at least one statement") }
        return try Self.statements(
            statements, context: context, conditions: conditions, allowed: allowed, errorMode: mode, functions: functions, at: statementsNode)
    }

    /// A group of `statements` (and ORed `conditions`) in `context`, or in the context they infer.
    private static func statements(
        _ nodes: [ConfigNode], context: OTTLContext?, conditions conditionNodes: [ConfigNode], allowed: [OTTLContext], errorMode: OTTLErrorMode,
        functions: OTTLFunctionTable, at list: ConfigNode
    ) throws(ConfigError) -> OTTLStatementGroup {
        var statements: [(node: ConfigNode, text: String, tree: OTTLStatement)] = []
        for node in nodes {
            var (text, tree) = try OTTLSettings.statement(node)
            if let context {
                (text, tree) = try prefixed(text, tree, context: context, at: node) { text throws(OTTLSyntaxError) in try OTTLParser.statement(text) } references: { $0.references }
            }
            statements.append((node, text, tree))
        }
        var conditions: [(node: ConfigNode, text: String, tree: OTTLBoolExpression)] = []
        for node in conditionNodes {
            var (text, tree) = try OTTLSettings.condition(node)
            if let context {
                (text, tree) = try prefixed(text, tree, context: context, at: node) { text throws(OTTLSyntaxError) in try OTTLParser.condition(text) } references: { $0.references }
            }
            conditions.append((node, text, tree))
        }
        let chosen: OTTLContext
        if let context {
            chosen = context
        } else {
            do {
                chosen = try OTTLContextInference.infer(
                    statements: statements.map(\.tree), conditions: conditions.map(\.tree), allowed: allowed, functions: functions)
            } catch {
                throw list.error("unable to infer a valid context (\(allowed.map(\.rawValue))) from statements: \(error)")
            }
        }
        var compiledConditions: [(condition: OTTLCondition, text: String)] = []
        for (node, text, tree) in conditions {
            compiledConditions.append((try OTTLSettings.compile(tree, text: text, in: chosen, functions: functions, at: node), text))
        }
        var compiledStatements: [(statement: OTTLCompiler.Statement, text: String)] = []
        for (node, text, tree) in statements {
            compiledStatements.append((try OTTLSettings.compile(tree, text: text, in: chosen, functions: functions, at: node), text))
        }
        var references = OTTLReferences()
        for statement in statements { references.add(statement.tree) }
        for condition in conditions { references.add(condition.tree) }
        return OTTLStatementGroup(
            context: chosen, conditions: compiledConditions, statements: compiledStatements, errorMode: errorMode, usesCache: references.usesCache)
    }

    /// `text` with `context.` put before every path that names no context it can reach (the Collector's
    /// `context:` style), parsed again.
    private static func prefixed<Tree>(
        _ text: String, _ tree: Tree, context: OTTLContext, at node: ConfigNode, parse: (String) throws(OTTLSyntaxError) -> Tree,
        references: (Tree) -> OTTLReferences
    ) throws(ConfigError) -> (String, Tree) {
        let names = Set(context.reachable.map(\.rawValue) + (context.reachable.contains(.scope) ? ["instrumentation_scope"] : []))
        let rewritten = OTTLPath.insertingContext(context.rawValue, into: text, at: references(tree).paths, unlessNamed: names)
        guard rewritten != text else { return (text, tree) }
        do {
            return (rewritten, try parse(rewritten))
        } catch {
            throw node.error("unable to parse OTTL \"\(rewritten)\" (\"\(text)\" with its context prefix): \(error)")
        }
    }
}

/// Makes `transform` processors.
enum TransformProcessorFactory {
    /// The definition of a `transform` section.
    static func definition(_ node: ConfigNode) throws(ConfigError) -> ProcessorDefinition {
        let settings = try TransformSettings.parse(node)
        var definition = ProcessorDefinition(signals: Set(OTLPSignal.allCases)) { context throws(GatewayError) in
            let name = context.id.description
            let logger = context.logger
            var edits: [OTLPSignal: RequestEdit] = [:]
            for signalGroups in settings.groups {
                let groups = signalGroups.groups
                edits[signalGroups.signal] = RequestEdit { request, _ throws(EditFailure) in
                    for group in groups {
                        do throws(OTTLError) {
                            try group.run(on: request) { message, statement in
                                logger.warning("\(name): failed to execute statement: \(statement): \(message)")
                            }
                        } catch {
                            if let refusal = error.memoryRefusal { throw .memory(refusal) }
                            throw .failed(error.message)
                        }
                    }
                    return [:]
                }
            }
            return EditingProcessor(context: context, edits: edits)
        }
        definition.decodesPayloads = true
        return definition
    }
}
