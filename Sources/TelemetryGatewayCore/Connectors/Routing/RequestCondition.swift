import TelemetryOTTL

/// A `context: request` route's condition: the Collector's restricted grammar `request["<name>"] == "<value>"`
/// or `!=`, over the headers (OTLP/HTTP) or metadata (OTLP/gRPC) of the request an item came in
/// (`PipelineItem.metadata`). As the Collector's `requestCondition`: the name is compared without case, the
/// condition holds when **any** value sent under the name satisfies the comparison, and a name not sent
/// satisfies neither `==` nor `!=`.
struct RequestCondition: Sendable, Equatable {
    /// The header or metadata name, as written.
    let name: String
    /// The value compared with.
    let value: String
    /// `!=` rather than `==`.
    let isNegated: Bool

    /// The grammar's error text (the Collector's, in `routingconnector/request.go`).
    static let formatError = #"condition must have format 'request["<name>"] <comparator> "<value>"'"#

    /// Reads `text`, or throws the Collector's message for a condition outside the grammar.
    init(parsing text: String) throws(RequestConditionError) {
        let tree: OTTLBoolExpression
        do {
            tree = try OTTLParser.condition(text)
        } catch {
            throw RequestConditionError(message: "\(Self.formatError): \(error)")
        }
        guard case .comparison(let left, let comparison, let right) = tree else {
            throw RequestConditionError(message: Self.formatError)
        }
        guard comparison == .equal || comparison == .notEqual else {
            throw RequestConditionError(message: "condition does not contain a valid comparator")
        }
        guard case .path(let path) = left, path.fields.count == 1, path.fields[0].name == "request", path.fields[0].keys.count == 1,
            case .string(let name) = path.fields[0].keys[0]
        else { throw RequestConditionError(message: Self.formatError) }
        guard case .literal(.string(let value)) = right else { throw RequestConditionError(message: Self.formatError) }
        self.name = name
        self.value = value
        isNegated = comparison == .notEqual
    }

    /// Whether the request `metadata` came with satisfies it.
    func matches(_ metadata: RequestMetadata) -> Bool {
        metadata[name].contains { ($0 == value) != isNegated }
    }
}

/// A `context: request` condition outside the grammar.
struct RequestConditionError: Error {
    /// The Collector's text.
    let message: String
}
