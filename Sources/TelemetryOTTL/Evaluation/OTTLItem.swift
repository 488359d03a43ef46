import TelemetryOTLPData

/// What one OTTL evaluation runs on: the item of the statement's context and everything above it (the
/// Collector's `TransformContext`). Lower levels are nil in higher contexts (no span in `resource`).
public struct OTTLItem {
    /// The resource.
    public var resource: ResourceRef
    /// The instrumentation scope (nil in the `resource` context).
    public var scope: ScopeRef?
    /// The span (`span` and `spanevent` contexts).
    public var span: SpanRef?
    /// The span event (`spanevent` context) and its index in the span.
    public var spanEvent: (event: SpanEventRef, index: Int)?
    /// The metric (`metric` and `datapoint` contexts).
    public var metric: MetricRef?
    /// The data point (`datapoint` context).
    public var dataPoint: DataPointRef?
    /// The log record (`log` context).
    public var log: LogRecordRef?
    /// The `cache` map: scratch space for the statements of one group on this item (nil when the group
    /// does not use it).
    public var cache: AttributesRef?

    /// The request's edit session: what evaluation charges working memory to.
    public var session: EditSession { resource.editSession }

    /// Creates an item.
    public init(
        resource: ResourceRef, scope: ScopeRef? = nil, span: SpanRef? = nil, spanEvent: (event: SpanEventRef, index: Int)? = nil,
        metric: MetricRef? = nil, dataPoint: DataPointRef? = nil, log: LogRecordRef? = nil
    ) {
        self.resource = resource
        self.scope = scope
        self.span = span
        self.spanEvent = spanEvent
        self.metric = metric
        self.dataPoint = dataPoint
        self.log = log
    }
}

/// A compiled value expression: its value for an item.
public typealias OTTLGetter = @Sendable (OTTLItem) throws(OTTLError) -> OTTLValue

/// A compiled path that can be written: what editors take as their target.
public struct OTTLTarget: Sendable {
    /// Reads the path.
    public let get: OTTLGetter
    /// Writes the path (a value of the wrong type is an error or ignored, per the path, as in the Collector).
    public let set: @Sendable (OTTLItem, OTTLValue) throws(OTTLError) -> Void
    /// The map at the path, editable in place; nil when the path holds something other than a map (with
    /// `create`, an absent or empty value becomes an empty map first). Paths that can never hold a map
    /// return nil.
    public let map: @Sendable (OTTLItem, _ create: Bool) throws(OTTLError) -> AttributesRef?

    /// Creates a target.
    public init(
        get: @escaping OTTLGetter, set: @escaping @Sendable (OTTLItem, OTTLValue) throws(OTTLError) -> Void,
        map: @escaping @Sendable (OTTLItem, Bool) throws(OTTLError) -> AttributesRef?
    ) {
        self.get = get
        self.set = set
        self.map = map
    }
}

/// One compiled argument of a function call.
public struct OTTLArgumentValue: Sendable {
    /// Its value for an item (for a path: the path read).
    public let getter: OTTLGetter
    /// The path, when the argument is one (editors' targets must be).
    public let target: OTTLTarget?
    /// The value, when it is known when compiling (a literal, an enum, or a list or map of those): lets a
    /// function compile a regex or check a mode once.
    public let literal: OTTLValue?
    /// The name, when the argument is a bare function name (`SHA256` in `replace_pattern`).
    public let functionName: String?
    /// Where the argument starts.
    public let position: OTTLPosition

    /// Creates an argument.
    public init(getter: @escaping OTTLGetter, target: OTTLTarget?, literal: OTTLValue?, functionName: String?, position: OTTLPosition) {
        self.getter = getter
        self.target = target
        self.literal = literal
        self.functionName = functionName
        self.position = position
    }
}

/// A compiled function call: an editor (returns `.null`) or a converter.
public typealias OTTLCallable = @Sendable (OTTLItem) throws(OTTLError) -> OTTLValue

/// An OTTL function: its parameters and how a call of it is compiled.
public struct OTTLFunction: Sendable {
    /// Editor (lowercase, a statement's head) or converter (uppercase, returns a value).
    public enum Kind: Sendable {
        case editor, converter
    }

    /// The name (`set`, `IsMatch`).
    public let name: String
    /// Editor or converter.
    public let kind: Kind
    /// Parameter names in order, snake_case (for named arguments: `truncation_marker=`).
    public let parameters: [String]
    /// How many leading parameters are required (the rest are optional).
    public let required: Int
    /// Builds the call from its arguments by position (nil = an optional one left out); `functions` lets a
    /// call resolve a function-name argument; throws the Collector's compile errors.
    public let compile: @Sendable (_ arguments: [OTTLArgumentValue?], _ call: OTTLCall, _ functions: OTTLFunctionTable) throws(OTTLCompileError)
        -> OTTLCallable

    /// Creates a function.
    public init(
        name: String, kind: Kind, parameters: [String], required: Int,
        compile: @escaping @Sendable ([OTTLArgumentValue?], OTTLCall, OTTLFunctionTable) throws(OTTLCompileError) -> OTTLCallable
    ) {
        self.name = name
        self.kind = kind
        self.parameters = parameters
        self.required = required
        self.compile = compile
    }
}

/// The functions statements may call, by name.
public struct OTTLFunctionTable: Sendable {
    /// The functions.
    public var functions: [String: OTTLFunction]

    /// Creates a table.
    public init(_ functions: [OTTLFunction]) {
        self.functions = Dictionary(functions.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
    }

    /// The function `name`.
    public subscript(name: String) -> OTTLFunction? { functions[name] }
}

extension OTTLError {
    /// The memory budget refused what a write needed: never subject to `error_mode` (the request is
    /// answered "retry later").
    public static func memory(_ refusal: EditMemoryRefused) -> OTTLError {
        OTTLError(memoryRefusal: refusal)
    }
}
