import TelemetryOTTL

/// Short spellings of syntax trees for the tests (positions take no part in equality).
enum Tree {
    static let origin = OTTLPosition(line: 1, column: 1, offset: 0)

    static func path(_ fields: OTTLField...) -> OTTLExpression { .path(OTTLPath(fields: fields, position: origin)) }

    static func path(_ names: String...) -> OTTLExpression { .path(OTTLPath(fields: names.map { OTTLField(name: $0) }, position: origin)) }

    static func field(_ name: String, _ keys: OTTLKey...) -> OTTLField { OTTLField(name: name, keys: keys) }

    static func call(_ name: String, _ arguments: OTTLExpression..., keys: [OTTLKey] = []) -> OTTLCall {
        OTTLCall(name: name, arguments: arguments.map { OTTLArgument(value: $0) }, keys: keys, position: origin)
    }

    static func converter(_ name: String, _ arguments: OTTLExpression..., keys: [OTTLKey] = []) -> OTTLExpression {
        .converter(OTTLCall(name: name, arguments: arguments.map { OTTLArgument(value: $0) }, keys: keys, position: origin))
    }

    static func string(_ text: String) -> OTTLExpression { .literal(.string(text)) }

    static func int(_ value: Int64) -> OTTLExpression { .literal(.int(value)) }

    static func double(_ value: Double) -> OTTLExpression { .literal(.double(value)) }

    static func enumSymbol(_ name: String) -> OTTLExpression { .enumSymbol(name, origin) }

    static func equal(_ left: OTTLExpression, _ right: OTTLExpression) -> OTTLBoolExpression { .comparison(left, .equal, right) }
}
