import TelemetryOTLPData

/// Compiles a path against a context: which context it addresses (its prefix, or the statement's own
/// context when it has none) and which field, as the Collector's `pkg/ottl/contexts`.
struct OTTLPathCompiler {
    let context: OTTLContext
    let compileKey: (OTTLKey) throws(OTTLCompileError) -> CompiledKey

    func compile(_ path: OTTLPath) throws(OTTLCompileError) -> OTTLTarget {
        var fields = path.fields[...]
        var target = context
        if let first = fields.first, first.keys.isEmpty, fields.count > 1, let named = OTTLContext(name: first.name),
            context.reachable.contains(named)
        {
            target = named
            fields = fields.dropFirst()
        } else if let first = fields.first, first.keys.isEmpty, fields.count > 1, let named = OTTLContext(name: first.name),
            named != context
        {
            throw OTTLCompileError(
                "context \"\(named.rawValue)\" from path \"\(Self.text(path))\" is not valid, it must be replaced by one of: "
                    + context.reachable.map { "\"\($0.rawValue)\"" }.joined(separator: ", "), at: path.position)
        }
        // Every field but the last names a sub-field (`status.code`, `trace_id.string`); the last carries the keys.
        guard let last = fields.last, fields.dropLast().allSatisfy(\.keys.isEmpty) else {
            throw OTTLCompileError("the keys indexing \"\(Self.text(path))\" were not used by the context", at: path.position)
        }
        let name = fields.map(\.name).joined(separator: ".")
        if name == "cache" {
            // `cache` belongs to the statement's own context only (the Collector refuses `resource.cache` in a span statement).
            guard target == context else {
                throw OTTLCompileError("the cache of the \(target.rawValue) context is not available in the \(context.rawValue) context", at: path.position)
            }
            var keys: [CompiledKey] = []
            for key in last.keys { keys.append(try compileKey(key)) }
            return PathTargets.attributes({ $0.cache }, keys: keys)
        }
        var keys: [CompiledKey] = []
        for key in last.keys { keys.append(try compileKey(key)) }
        guard let compiled = try field(name, keys: keys, in: target) else {
            throw OTTLCompileError(
                "segment \"\(fields.first?.name ?? "")\" from path \"\(Self.text(path))\" is not a valid path nor a valid OTTL keyword for the \(target.rawValue.prefix(1).uppercased() + target.rawValue.dropFirst()) context",
                at: path.position)
        }
        return compiled
    }

    /// The path as written (for messages).
    static func text(_ path: OTTLPath) -> String {
        path.fields.map { field in field.name + field.keys.map { key in
            switch key {
            case .string(let text): "[\(text)]"
            case .int(let index): "[\(index)]"
            case .expression: "[…]"
            }
        }.joined() }.joined(separator: ".")
    }

    private func noKeys(_ keys: [CompiledKey], _ target: OTTLTarget) -> OTTLTarget? { keys.isEmpty ? target : nil }

    private func field(_ name: String, keys: [CompiledKey], in target: OTTLContext) throws(OTTLCompileError) -> OTTLTarget? {
        switch target {
        case .resource: return resourceField(name, keys)
        case .scope: return scopeField(name, keys)
        case .span: return spanField(name, keys)
        case .spanevent: return spanEventField(name, keys)
        case .metric: return metricField(name, keys)
        case .datapoint: return dataPointField(name, keys)
        case .log: return logField(name, keys)
        }
    }

    private func resourceField(_ name: String, _ keys: [CompiledKey]) -> OTTLTarget? {
        switch name {
        case "attributes": PathTargets.attributes({ $0.resource.attributes }, keys: keys)
        case "dropped_attributes_count": noKeys(keys, PathTargets.integer { $0.resource.droppedAttributesCount })
        case "schema_url": noKeys(keys, PathTargets.text { $0.resource.schemaURL })
        default: nil
        }
    }

    private func scopeField(_ name: String, _ keys: [CompiledKey]) -> OTTLTarget? {
        switch name {
        case "name": noKeys(keys, PathTargets.text { $0.scope?.name })
        case "version": noKeys(keys, PathTargets.text { $0.scope?.version })
        case "attributes": PathTargets.attributes({ $0.scope?.attributes }, keys: keys)
        case "dropped_attributes_count": noKeys(keys, PathTargets.integer { $0.scope?.droppedAttributesCount })
        case "schema_url": noKeys(keys, PathTargets.text { $0.scope?.schemaURL })
        default: nil
        }
    }

    private func spanField(_ name: String, _ keys: [CompiledKey]) -> OTTLTarget? {
        guard keys.isEmpty || name == "attributes" else { return nil }
        switch name {
        case "trace_id": return PathTargets.identifier({ $0.span?.traceID }, length: 16, hex: false)
        case "trace_id.string": return PathTargets.identifier({ $0.span?.traceID }, length: 16, hex: true)
        case "span_id": return PathTargets.identifier({ $0.span?.spanID }, length: 8, hex: false)
        case "span_id.string": return PathTargets.identifier({ $0.span?.spanID }, length: 8, hex: true)
        case "parent_span_id": return PathTargets.identifier({ $0.span?.parentSpanID }, length: 8, hex: false)
        case "parent_span_id.string": return PathTargets.identifier({ $0.span?.parentSpanID }, length: 8, hex: true)
        case "trace_state": return PathTargets.text { $0.span?.traceState }
        case "name": return PathTargets.text { $0.span?.name }
        case "kind": return PathTargets.integer { $0.span?.kind }
        case "kind.string": return SpanKindNames.target(deprecated: false)
        case "kind.deprecated_string": return SpanKindNames.target(deprecated: true)
        case "flags": return PathTargets.integer { $0.span?.flags }
        case "start_time_unix_nano": return PathTargets.integer { $0.span?.startTime }
        case "end_time_unix_nano": return PathTargets.integer { $0.span?.endTime }
        case "attributes": return PathTargets.attributes({ $0.span?.attributes }, keys: keys)
        case "dropped_attributes_count": return PathTargets.integer { $0.span?.droppedAttributesCount }
        case "dropped_events_count": return PathTargets.integer { $0.span?.droppedEventsCount }
        case "dropped_links_count": return PathTargets.integer { $0.span?.droppedLinksCount }
        case "status.code":
            return OTTLTarget(
                get: { item in item.span.map { .int($0.statusCode) } ?? .null },
                set: { item, value throws(OTTLError) in
                    guard case .int(let code) = value else { throw PathTargets.wrongType("int64", value) }
                    do throws(EditMemoryRefused) { try item.span?.setStatusCode(code) } catch { throw .memory(error) }
                },
                map: { _, _ in nil })
        case "status.message":
            return OTTLTarget(
                get: { item in item.span.map { .string($0.statusMessage) } ?? .null },
                set: { item, value throws(OTTLError) in
                    guard case .string(let message) = value else { throw PathTargets.wrongType("string", value) }
                    do throws(EditMemoryRefused) { try item.span?.setStatusMessage(message) } catch { throw .memory(error) }
                },
                map: { _, _ in nil })
        default: return nil
        }
    }

    private func spanEventField(_ name: String, _ keys: [CompiledKey]) -> OTTLTarget? {
        switch name {
        case "time_unix_nano": noKeys(keys, PathTargets.integer { $0.spanEvent?.event.time })
        case "name": noKeys(keys, PathTargets.text { $0.spanEvent?.event.name })
        case "attributes": PathTargets.attributes({ $0.spanEvent?.event.attributes }, keys: keys)
        case "dropped_attributes_count": noKeys(keys, PathTargets.integer { $0.spanEvent?.event.droppedAttributesCount })
        case "event_index": noKeys(keys, PathTargets.readOnly("event_index") { item in item.spanEvent.map { .int(Int64($0.index)) } ?? .null })
        default: nil
        }
    }

    private func metricField(_ name: String, _ keys: [CompiledKey]) -> OTTLTarget? {
        switch name {
        case "name": noKeys(keys, PathTargets.text { $0.metric?.name })
        case "description": noKeys(keys, PathTargets.text { $0.metric?.description })
        case "unit": noKeys(keys, PathTargets.text { $0.metric?.unit })
        case "metadata": PathTargets.attributes({ $0.metric?.metadata }, keys: keys)
        case "type":
            // The Collector's setter is a no-op: a metric's type is changed by the convert_* functions.
            noKeys(keys, OTTLTarget(get: { item in item.metric.map { .int($0.type.rawValue) } ?? .null }, set: { _, _ in }, map: { _, _ in nil }))
        case "aggregation_temporality": noKeys(keys, PathTargets.integer { $0.metric?.aggregationTemporality })
        case "is_monotonic":
            noKeys(
                keys,
                OTTLTarget(
                    get: { item in item.metric?.isMonotonic.map { .bool($0) } ?? .null },
                    set: { item, value throws(OTTLError) in
                        guard case .bool(let flag) = value else { throw PathTargets.wrongType("bool", value) }
                        item.metric?.setMonotonic(flag)
                    }, map: { _, _ in nil }))
        default: nil
        }
    }

    private func dataPointField(_ name: String, _ keys: [CompiledKey]) -> OTTLTarget? {
        guard keys.isEmpty || name == "attributes" else { return nil }
        switch name {
        case "attributes": return PathTargets.attributes({ $0.dataPoint?.attributes }, keys: keys)
        case "start_time_unix_nano": return PathTargets.integer { $0.dataPoint?.startTime }
        case "time_unix_nano": return PathTargets.integer { $0.dataPoint?.time }
        case "flags": return PathTargets.integer { $0.dataPoint?.flags }
        case "value_int":
            return OTTLTarget(
                get: { item in item.dataPoint?.valueInt.map { .int($0) } ?? .null },
                set: { item, value in if case .int(let number) = value { item.dataPoint?.setValueInt(number) } }, map: { _, _ in nil })
        case "value_double":
            return OTTLTarget(
                get: { item in item.dataPoint?.valueDouble.map { .double($0) } ?? .null },
                set: { item, value in if case .double(let number) = value { item.dataPoint?.setValueDouble(number) } }, map: { _, _ in nil })
        case "count": return PathTargets.readOnly("count") { item in item.dataPoint?.count.map { .int($0) } ?? .null }
        case "sum": return PathTargets.readOnly("sum") { item in item.dataPoint?.sum.map { .double($0) } ?? .null }
        case "bucket_counts":
            return PathTargets.readOnly("bucket_counts") { item in
                item.dataPoint?.bucketCounts.map { .list($0.map { .int(Int64(truncatingIfNeeded: $0)) }) } ?? .null
            }
        case "explicit_bounds":
            return PathTargets.readOnly("explicit_bounds") { item in item.dataPoint?.explicitBounds.map { .list($0.map { .double($0) }) } ?? .null }
        default: return nil
        }
    }

    private func logField(_ name: String, _ keys: [CompiledKey]) -> OTTLTarget? {
        guard keys.isEmpty || name == "attributes" || name == "body" else { return nil }
        switch name {
        case "time_unix_nano": return PathTargets.integer { $0.log?.time }
        case "observed_time_unix_nano": return PathTargets.integer { $0.log?.observedTime }
        case "severity_number": return PathTargets.integer { $0.log?.severityNumber }
        case "severity_text": return PathTargets.text { $0.log?.severityText }
        case "attributes": return PathTargets.attributes({ $0.log?.attributes }, keys: keys)
        case "dropped_attributes_count": return PathTargets.integer { $0.log?.droppedAttributesCount }
        case "flags": return PathTargets.integer { $0.log?.flags }
        case "trace_id": return PathTargets.identifier({ $0.log?.traceID }, length: 16, hex: false)
        case "trace_id.string": return PathTargets.identifier({ $0.log?.traceID }, length: 16, hex: true)
        case "span_id": return PathTargets.identifier({ $0.log?.spanID }, length: 8, hex: false)
        case "span_id.string": return PathTargets.identifier({ $0.log?.spanID }, length: 8, hex: true)
        case "event_name": return PathTargets.text { $0.log?.eventName }
        case "body": return LogBody.target(keys: keys)
        case "body.string": return LogBody.stringTarget()
        default: return nil
        }
    }
}
