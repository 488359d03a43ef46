/// Writes a syntax tree back as OTTL text, canonically: one space around operators and after commas,
/// `name=value` for named arguments, strings re-escaped, numbers in a form that parses back bit-exactly.
///
/// For every tree `OTTLParser` produces, parsing the printed text gives the same tree. Other trees print
/// as text of the same meaning where the grammar can say it: operands that need them get parentheses
/// (`(a + b) * c`, which parses back with an explicit `.group`), `.negate` of anything but a path,
/// converter or group is written `-(…)`, and a non-finite double, which no OTTL literal can express, is
/// written as the converter call `Double("NaN")`, `Double("+Inf")` or `Double("-Inf")` (Go's
/// `strconv.ParseFloat` spelling, which the `Double` converter reads). Trees outside the grammar — empty
/// bytes, strings in arithmetic, non-string map keys — print as text the parser refuses.
public enum OTTLPrinter {
    /// The text of a statement: `editor(…) where condition`.
    public static func print(_ statement: OTTLStatement) -> String {
        var text = ""
        write(statement.editor, into: &text)
        if let condition = statement.condition {
            text += " where "
            write(condition, into: &text)
        }
        return text
    }

    /// The text of a condition.
    public static func print(_ condition: OTTLBoolExpression) -> String {
        var text = ""
        write(condition, into: &text)
        return text
    }

    /// The text of a value expression.
    public static func print(_ expression: OTTLExpression) -> String {
        var text = ""
        write(expression, into: &text)
        return text
    }

    private static func write(_ condition: OTTLBoolExpression, into text: inout String) {
        switch condition {
        case .or(let operands):
            guard !operands.isEmpty else { return text += "false" }
            for (index, operand) in operands.enumerated() {
                if index > 0 { text += " or " }
                if case .or = operand { writeGrouped(operand, into: &text) } else { write(operand, into: &text) }
            }
        case .and(let operands):
            guard !operands.isEmpty else { return text += "true" }
            for (index, operand) in operands.enumerated() {
                if index > 0 { text += " and " }
                switch operand {
                case .or, .and: writeGrouped(operand, into: &text)
                default: write(operand, into: &text)
                }
            }
        case .not(let operand):
            text += "not "
            switch operand {
            case .or, .and, .not: writeGrouped(operand, into: &text)
            default: write(operand, into: &text)
            }
        case .comparison(let left, let op, let right):
            write(left, into: &text)
            text += " \(op.rawValue) "
            write(right, into: &text)
        case .constant(let flag):
            text += flag ? "true" : "false"
        case .converter(let call):
            write(call, into: &text)
        case .group(let inner):
            writeGrouped(inner, into: &text)
        }
    }

    private static func writeGrouped(_ condition: OTTLBoolExpression, into text: inout String) {
        text += "("
        write(condition, into: &text)
        text += ")"
    }

    private static func write(_ expression: OTTLExpression, into text: inout String) {
        switch expression {
        case .literal(let literal):
            write(literal, into: &text)
        case .enumSymbol(let name, _), .functionName(let name, _):
            text += name
        case .path(let path):
            for (index, field) in path.fields.enumerated() {
                if index > 0 { text += "." }
                text += field.name
                write(field.keys, into: &text)
            }
        case .converter(let call):
            write(call, into: &text)
        case .list(let values):
            text += "["
            for (index, value) in values.enumerated() {
                if index > 0 { text += ", " }
                write(value, into: &text)
            }
            text += "]"
        case .map(let entries):
            text += "{"
            for (index, entry) in entries.enumerated() {
                if index > 0 { text += ", " }
                text += OTTLStringLiteral.quoted(entry.key) + ": "
                write(entry.value, into: &text)
            }
            text += "}"
        case .math(let left, let op, let right):
            writeOperand(left, of: op, onTheRight: false, into: &text)
            text += " \(op.rawValue) "
            writeOperand(right, of: op, onTheRight: true, into: &text)
        case .negate(let operand):
            text += "-"
            switch operand {
            case .path, .converter, .group: write(operand, into: &text)
            default: writeGrouped(operand, into: &text)
            }
        case .group(let inner):
            writeGrouped(inner, into: &text)
        }
    }

    /// An operand of `op`, in parentheses when left-associative precedence would otherwise regroup it.
    private static func writeOperand(_ operand: OTTLExpression, of op: OTTLMathOperator, onTheRight: Bool, into text: inout String) {
        guard case .math(_, let inner, _) = operand else { return write(operand, into: &text) }
        let binding = precedence(inner) - precedence(op)
        if binding < 0 || (binding == 0 && onTheRight) {
            writeGrouped(operand, into: &text)
        } else {
            write(operand, into: &text)
        }
    }

    private static func precedence(_ op: OTTLMathOperator) -> Int { op == .add || op == .subtract ? 0 : 1 }

    private static func writeGrouped(_ expression: OTTLExpression, into text: inout String) {
        text += "("
        write(expression, into: &text)
        text += ")"
    }

    private static func write(_ call: OTTLCall, into text: inout String) {
        text += call.name + "("
        for (index, argument) in call.arguments.enumerated() {
            if index > 0 { text += ", " }
            if let name = argument.name { text += name + "=" }
            write(argument.value, into: &text)
        }
        text += ")"
        write(call.keys, into: &text)
    }

    private static func write(_ keys: [OTTLKey], into text: inout String) {
        for key in keys {
            text += "["
            switch key {
            case .string(let name): text += OTTLStringLiteral.quoted(name)
            case .int(let index): text += String(index)
            case .expression(let expression): write(expression, into: &text)
            }
            text += "]"
        }
    }

    private static func write(_ literal: OTTLLiteral, into text: inout String) {
        switch literal {
        case .null: text += "nil"
        case .bool(let flag): text += flag ? "true" : "false"
        case .int(let value): text += String(value)
        case .double(let value): text += double(value)
        case .string(let value): text += OTTLStringLiteral.quoted(value)
        case .bytes(let bytes):
            text += "0x"
            for byte in bytes { text += String(byte >> 4, radix: 16) + String(byte & 0x0F, radix: 16) }
        }
    }

    /// The shortest text that parses back to `value` bit-exactly, always with a dot (`1.0`, `1.0e+16`,
    /// `-0.0`): the OTTL float needs one, and without it the text would be an integer.
    static func double(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "Double(\"NaN\")" : value < 0 ? "Double(\"-Inf\")" : "Double(\"+Inf\")" }
        let text = "\(value)"
        guard let exponent = text.firstIndex(of: "e"), !text[..<exponent].contains(".") else { return text }
        return text[..<exponent] + ".0" + text[exponent...]
    }
}
