import TelemetryOTLPData

/// `span.kind.string` and `span.kind.deprecated_string`.
enum SpanKindNames {
    private static let names = ["Unspecified", "Internal", "Server", "Client", "Producer", "Consumer"]
    private static let deprecatedNames = [
        "SPAN_KIND_UNSPECIFIED", "SPAN_KIND_INTERNAL", "SPAN_KIND_SERVER", "SPAN_KIND_CLIENT", "SPAN_KIND_PRODUCER", "SPAN_KIND_CONSUMER",
    ]

    static func target(deprecated: Bool) -> OTTLTarget {
        let table = deprecated ? deprecatedNames : names
        return OTTLTarget(
            get: { item in
                guard let kind = item.span?.kind.value else { return .null }
                return .string(kind >= 0 && kind < table.count ? table[Int(kind)] : "")
            },
            set: { item, value throws(OTTLError) in
                guard case .string(let text) = value else { throw PathTargets.wrongType("string", value) }
                guard let index = table.firstIndex(of: text) else { throw OTTLError("unknown span kind string, \(text)") }
                item.span?.kind.set(Int64(index))
            },
            map: { _, _ in nil })
    }
}

/// `log.body`, `log.body[…]` and `log.body.string`.
enum LogBody {
    static func target(keys: [CompiledKey]) -> OTTLTarget {
        OTTLTarget(
            get: { item throws(OTTLError) in
                guard let log = item.log else { return .null }
                guard !keys.isEmpty else { return OTTLValue(log.body) }
                let body = log.body
                switch body {
                case .map, .array: break
                default: throw OTTLError("log bodies of type \(body.typeName) cannot be indexed")
                }
                return OTTLValue(try KeyedValues.get(body, PathTargets.resolve(keys, item)[...]))
            },
            set: { item, value throws(OTTLError) in
                guard let log = item.log else { return }
                try OTTLValue.checkNesting(value, below: keys.count)
                let new = keys.isEmpty ? value.otlpValue : try KeyedValues.set(log.body, PathTargets.resolve(keys, item)[...], to: value.otlpValue)
                do throws(EditMemoryRefused) { try log.setBody(new) } catch { throw .memory(error) }
            },
            map: { item, create throws(OTTLError) in
                guard let log = item.log else { return nil }
                let body: AttributesRef?
                do throws(EditMemoryRefused) { body = try log.bodyMap(create: create) } catch { throw .memory(error) }
                guard let body else { return nil }
                return keys.isEmpty ? body : try body.map(at: PathTargets.resolve(keys, item), create: create)
            })
    }

    static func stringTarget() -> OTTLTarget {
        OTTLTarget(
            get: { item in item.log.map { .string($0.body.pdataText) } ?? .null },
            set: { item, value throws(OTTLError) in
                guard case .string(let text) = value else { throw PathTargets.wrongType("string", value) }
                do throws(EditMemoryRefused) { try item.log?.setBody(.string(text)) } catch { throw .memory(error) }
            },
            map: { _, _ in nil })
    }
}
