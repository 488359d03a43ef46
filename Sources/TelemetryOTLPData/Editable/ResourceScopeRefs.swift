internal import COTLP
internal import CProtobufC

typealias ResourceMessage = Opentelemetry__Proto__Resource__V1__Resource
typealias ScopeMessage = Opentelemetry__Proto__Common__V1__InstrumentationScope

/// The resource of a `Resource…` group of an editable request: shared by every item under it.
public struct ResourceRef {
    let session: EditSession
    let pointer: UnsafeMutablePointer<ResourceMessage>
    let schemaAddress: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>

    /// `resource.attributes`.
    public var attributes: AttributesRef {
        AttributesRef(session, count: field(pointer, \.n_attributes), list: field(pointer, \.attributes))
    }
    /// `resource.dropped_attributes_count`.
    public var droppedAttributesCount: IntegerField<UInt32> { IntegerField(session: session, address: field(pointer, \.dropped_attributes_count)) }
    /// The group's `schema_url`.
    public var schemaURL: TextField { TextField(session: session, address: schemaAddress) }
    /// The edit session of the request the resource belongs to (what evaluation charges its memory to).
    public var editSession: EditSession { session }
}

/// The instrumentation scope of a `Scope…` group: shared by every item under it.
public struct ScopeRef {
    let session: EditSession
    let pointer: UnsafeMutablePointer<ScopeMessage>
    let schemaAddress: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>

    /// `scope.name`.
    public var name: TextField { TextField(session: session, address: field(pointer, \.name)) }
    /// `scope.version`.
    public var version: TextField { TextField(session: session, address: field(pointer, \.version)) }
    /// `scope.attributes`.
    public var attributes: AttributesRef {
        AttributesRef(session, count: field(pointer, \.n_attributes), list: field(pointer, \.attributes))
    }
    /// `scope.dropped_attributes_count`.
    public var droppedAttributesCount: IntegerField<UInt32> { IntegerField(session: session, address: field(pointer, \.dropped_attributes_count)) }
    /// The group's `schema_url`.
    public var schemaURL: TextField { TextField(session: session, address: schemaAddress) }
}

extension EditSession {
    /// The resource at `slot`, made (empty) when absent: an absent resource and an empty one mean the same.
    func resource(
        at slot: UnsafeMutablePointer<UnsafeMutablePointer<ResourceMessage>?>, schema: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
    ) throws(EditMemoryRefused) -> ResourceRef {
        if slot.pointee == nil {
            let made = try allocate(ResourceMessage.self)
            opentelemetry__proto__resource__v1__resource__init(made)
            try write(slot, made, isChange: false)
        }
        return ResourceRef(session: self, pointer: slot.pointee.unsafelyUnwrapped, schemaAddress: schema)
    }

    /// The scope at `slot`, made (empty) when absent.
    func scope(
        at slot: UnsafeMutablePointer<UnsafeMutablePointer<ScopeMessage>?>, schema: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
    ) throws(EditMemoryRefused) -> ScopeRef {
        if slot.pointee == nil {
            let made = try allocate(ScopeMessage.self)
            opentelemetry__proto__common__v1__instrumentation_scope__init(made)
            try write(slot, made, isChange: false)
        }
        return ScopeRef(session: self, pointer: slot.pointee.unsafelyUnwrapped, schemaAddress: schema)
    }
}
