import TelemetryOTLPData

/// Compiles parsed statements and conditions against one context and a function table into closures
/// that run on `OTTLItem`s.
public struct OTTLCompiler: Sendable {
    /// The context statements run in.
    public let context: OTTLContext
    /// The functions statements may call.
    public let functions: OTTLFunctionTable

    /// Creates a compiler.
    public init(context: OTTLContext, functions: OTTLFunctionTable) {
        self.context = context
        self.functions = functions
    }

    /// A compiled statement: its editor, run when its condition holds.
    public struct Statement: Sendable {
        /// The condition (`where`), nil for always.
        public let condition: OTTLCondition?
        /// The editor call.
        public let editor: OTTLCallable

        /// Runs the statement on `item`.
        public func execute(_ item: OTTLItem) throws(OTTLError) {
            if let condition, try !condition(item) { return }
            _ = try editor(item)
        }
    }

    /// Compiles a statement.
    public func statement(_ statement: OTTLStatement) throws(OTTLCompileError) -> Statement {
        guard let function = functions[statement.editor.name] else {
            throw OTTLCompileError("undefined function \"\(statement.editor.name)\"", at: statement.editor.position)
        }
        guard function.kind == .editor else {
            throw OTTLCompileError("editor names must start with a lowercase letter but got '\(statement.editor.name)'", at: statement.editor.position)
        }
        let editor = try call(statement.editor, function)
        return Statement(condition: try statement.condition.map { expression throws(OTTLCompileError) in try condition(expression) }, editor: editor)
    }

    /// Compiles a condition.
    public func condition(_ expression: OTTLBoolExpression) throws(OTTLCompileError) -> OTTLCondition {
        switch expression {
        case .constant(let value):
            return { _ in value }
        case .group(let inner):
            return try condition(inner)
        case .not(let inner):
            let compiled = try condition(inner)
            return { item throws(OTTLError) in try !compiled(item) }
        case .and(let operands):
            var compiled: [OTTLCondition] = []
            for operand in operands { compiled.append(try condition(operand)) }
            return { [compiled] item throws(OTTLError) in
                for operand in compiled where try !operand(item) { return false }
                return true
            }
        case .or(let operands):
            var compiled: [OTTLCondition] = []
            for operand in operands { compiled.append(try condition(operand)) }
            return { [compiled] item throws(OTTLError) in
                for operand in compiled where try operand(item) { return true }
                return false
            }
        case .comparison(let left, let comparison, let right):
            let (lhs, rhs) = (try value(left).getter, try value(right).getter)
            return { item throws(OTTLError) in comparison.evaluate(try lhs(item), try rhs(item)) }
        case .converter(let call):
            let getter = try value(.converter(call)).getter
            return { item throws(OTTLError) in
                let result = try getter(item)
                guard case .bool(let flag) = result else {
                    throw OTTLError("value returned from Converter in constant expression must be bool but got \(result.goTypeName)")
                }
                return flag
            }
        }
    }

    /// Compiles a value expression into an argument (getter, and target/literal where it is one).
    public func value(_ expression: OTTLExpression) throws(OTTLCompileError) -> OTTLArgumentValue {
        let start = Self.position(expression)
        switch expression {
        case .literal(let literal):
            let constant = Self.value(literal)
            return OTTLArgumentValue(getter: { _ in constant }, target: nil, literal: constant, functionName: nil, position: start)
        case .enumSymbol(let symbol, let position):
            if let number = context.enumValue(symbol) {
                return OTTLArgumentValue(getter: { _ in .int(number) }, target: nil, literal: .int(number), functionName: nil, position: position)
            }
            if functions[symbol] != nil {
                return OTTLArgumentValue(
                    getter: { _ throws(OTTLError) in throw OTTLError("\(symbol) is a function name") }, target: nil, literal: nil,
                    functionName: symbol, position: position)
            }
            throw OTTLCompileError("enum symbol, \(symbol), not found", at: position)
        case .functionName(let name, let position):
            guard functions[name] != nil else { throw OTTLCompileError("undefined function \(name)", at: position) }
            return OTTLArgumentValue(
                getter: { _ throws(OTTLError) in throw OTTLError("\(name) is a function name") }, target: nil, literal: nil, functionName: name,
                position: position)
        case .path(let path):
            let target = try OTTLPathCompiler(context: context, compileKey: key).compile(path)
            return OTTLArgumentValue(getter: target.get, target: target, literal: nil, functionName: nil, position: path.position)
        case .converter(let call):
            guard let function = functions[call.name] else { throw OTTLCompileError("undefined function \"\(call.name)\"", at: call.position) }
            guard function.kind == .converter else {
                throw OTTLCompileError("converter names must start with an uppercase letter but got '\(call.name)'", at: call.position)
            }
            let callable = try self.call(call, function)
            var keys: [CompiledKey] = []
            for key in call.keys { keys.append(try self.key(key)) }
            let indexKeys = keys
            let getter: OTTLGetter
            if indexKeys.isEmpty {
                getter = callable
            } else {
                getter = { item throws(OTTLError) in try Self.index(try callable(item), try PathTargets.resolve(indexKeys, item)) }
            }
            return OTTLArgumentValue(getter: getter, target: nil, literal: nil, functionName: nil, position: call.position)
        case .list(let elements):
            var getters: [OTTLGetter] = []
            var literals: [OTLPValue]? = []
            for element in elements {
                let compiled = try value(element)
                getters.append(compiled.getter)
                if let literal = compiled.literal { literals?.append(literal.otlpValue) } else { literals = nil }
            }
            let getter: OTTLGetter = { [getters] item throws(OTTLError) in
                var values: [OTLPValue] = []
                values.reserveCapacity(getters.count)
                for getter in getters { values.append(try getter(item).otlpValue) }
                return .list(values)
            }
            return OTTLArgumentValue(getter: getter, target: nil, literal: literals.map { .list($0) }, functionName: nil, position: start)
        case .map(let entries):
            var getters: [(String, OTTLGetter)] = []
            for entry in entries { getters.append((entry.key, try value(entry.value).getter)) }
            let getter: OTTLGetter = { [getters] item throws(OTTLError) in
                var pairs: [OTLPKeyValue] = []
                for (key, getter) in getters { pairs.append(OTLPKeyValue(key: key, value: try getter(item).otlpValue)) }
                return .map(pairs)
            }
            return OTTLArgumentValue(getter: getter, target: nil, literal: nil, functionName: nil, position: start)
        case .math(let left, let operation, let right):
            let (lhs, rhs) = (try value(left).getter, try value(right).getter)
            return OTTLArgumentValue(
                getter: { item throws(OTTLError) in try operation.evaluate(try lhs(item), try rhs(item)) }, target: nil, literal: nil,
                functionName: nil, position: start)
        case .negate(let inner):
            let getter = try value(inner).getter
            return OTTLArgumentValue(
                getter: { item throws(OTTLError) in
                    switch try getter(item) {
                    case .int(let number): return .int(0 &- number)
                    case .double(let number): return .double(-number)
                    case let other: throw OTTLError("unsupported unary minus operation on type \(other.goTypeName)")
                    }
                }, target: nil, literal: nil, functionName: nil, position: start)
        case .group(let inner):
            return try value(inner)
        }
    }

    // MARK: Internals

    private func key(_ key: OTTLKey) throws(OTTLCompileError) -> CompiledKey {
        switch key {
        case .string(let text): .string(text)
        case .int(let index): .int(index)
        case .expression(let expression): .dynamic(try value(expression).getter)
        }
    }

    private func call(_ call: OTTLCall, _ function: OTTLFunction) throws(OTTLCompileError) -> OTTLCallable {
        var arguments = [OTTLArgumentValue?](repeating: nil, count: function.parameters.count)
        var sawNamed = false
        for (index, argument) in call.arguments.enumerated() {
            let slot: Int
            if let name = argument.name {
                sawNamed = true
                guard let found = function.parameters.firstIndex(where: { Self.sameName($0, name) }) else {
                    throw OTTLCompileError("no such parameter: \(name)", at: Self.position(argument.value))
                }
                slot = found
            } else {
                guard !sawNamed else { throw OTTLCompileError("unnamed argument used after named argument", at: Self.position(argument.value)) }
                guard index < function.parameters.count else {
                    throw OTTLCompileError(
                        "incorrect number of arguments. Expected: \(function.parameters.count) Received: \(call.arguments.count)", at: call.position)
                }
                slot = index
            }
            arguments[slot] = try value(argument.value)
        }
        guard arguments.prefix(function.required).allSatisfy({ $0 != nil }) else {
            throw OTTLCompileError(
                "incorrect number of arguments. Expected: \(function.parameters.count) Received: \(call.arguments.count)", at: call.position)
        }
        do {
            return try function.compile(arguments, call, functions)
        } catch {
            throw OTTLCompileError(
                "error while parsing arguments for call to \"\(call.name)\": \(error.message)", at: error.position ?? call.position)
        }
    }

    /// `truncation_marker` names the parameter `truncation_marker`; the Collector also accepts its
    /// camelCase field name (`truncationMarker`).
    private static func sameName(_ parameter: String, _ given: String) -> Bool {
        parameter == given || parameter.replacingUnderscoresWithCamelCase() == given
    }

    /// A converter's result indexed by `keys` (a missing map key is an error here, unlike on paths).
    private static func index(_ value: OTTLValue, _ keys: [ResolvedKey]) throws(OTTLError) -> OTTLValue {
        var current = value.otlpValue
        for key in keys {
            switch (key, current) {
            case (.string(let name), .map(let pairs)):
                guard let found = pairs.first(where: { $0.key == name }) else { throw OTTLError("key not found in map") }
                current = found.value
            case (.int(let index), .array(let values)):
                guard index >= 0, index < values.count else { throw OTTLError("index \(index) out of bounds") }
                current = values[Int(index)]
            case (.string, _):
                throw OTTLError("type, \(OTTLValue(current).goTypeName), does not support string indexing")
            case (.int, _):
                throw OTTLError("type, \(OTTLValue(current).goTypeName), does not support int indexing")
            }
        }
        return OTTLValue(current)
    }

    static func value(_ literal: OTTLLiteral) -> OTTLValue {
        switch literal {
        case .null: .null
        case .bool(let flag): .bool(flag)
        case .int(let number): .int(number)
        case .double(let number): .double(number)
        case .string(let text): .string(text)
        case .bytes(let bytes): .bytes(bytes)
        }
    }

    static func position(_ expression: OTTLExpression) -> OTTLPosition {
        switch expression {
        case .enumSymbol(_, let position), .functionName(_, let position): position
        case .path(let path): path.position
        case .converter(let call): call.position
        case .math(let left, _, _): position(left)
        case .negate(let inner), .group(let inner): position(inner)
        case .literal, .list, .map: OTTLPosition(line: 1, column: 1, offset: 0)
        }
    }
}

/// A compiled condition.
public typealias OTTLCondition = @Sendable (OTTLItem) throws(OTTLError) -> Bool

extension String {
    /// `truncation_marker` → `truncationMarker`.
    func replacingUnderscoresWithCamelCase() -> String {
        var result = ""
        var upper = false
        for character in self {
            if character == "_" {
                upper = true
            } else {
                result.append(upper ? Character(character.uppercased()) : character)
                upper = false
            }
        }
        return result
    }
}
