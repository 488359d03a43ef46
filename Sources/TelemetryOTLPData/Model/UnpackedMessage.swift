internal import COTLP
internal import CProtobufC

/// A request unpacked by protobuf-c, freed when the last view of it goes away.
///
/// Only made from a validated `OTLPPayload`, so unpacking cannot recurse too deep, and it is held to the
/// payload's `decodedBytesEstimate` by its `DecodeAllocator`. Views keep a reference to it, which is what
/// makes them safe to hold.
final class UnpackedMessage: @unchecked Sendable {
    // @unchecked: the message is never changed after unpacking, and freed only in deinit.
    let message: UnsafeMutablePointer<ProtobufCMessage>
    /// What the unpack allocated, counted; it frees the message too.
    let allocation: DecodeAllocator

    /// Unpacks `payload`; `nil` when it would take more memory than its estimate (or none is left).
    init?(_ payload: OTLPPayload) {
        let descriptor = OTLPSchema.request(payload.signal)
        let allocation = DecodeAllocator(capBytes: payload.decodedBytesEstimate)
        let unpacked = payload.bytes.withUnsafeBufferPointer { bytes in
            protobuf_c_message_unpack(descriptor, allocation.allocator, bytes.count, bytes.baseAddress)
        }
        guard let unpacked else { return nil }
        message = unpacked
        self.allocation = allocation
    }

    deinit {
        protobuf_c_message_free_unpacked(message, allocation.allocator)
    }

    /// The message as its generated type.
    func typed<Message>(_: Message.Type) -> UnsafeMutablePointer<Message> {
        UnsafeMutableRawPointer(message).assumingMemoryBound(to: Message.self)
    }
}

/// The elements of a protobuf-c repeated message field, as views holding the message alive.
public struct MessageList<Element>: RandomAccessCollection, @unchecked Sendable where Element: Sendable {
    // @unchecked: it reads an unpacked message that never changes and that `owner` keeps alive.
    let owner: UnpackedMessage
    let base: UnsafeMutableRawPointer?
    public let count: Int
    let make: @Sendable (UnpackedMessage, UnsafeMutableRawPointer) -> Element

    /// The first position (0).
    public var startIndex: Int { 0 }
    /// One past the last position.
    public var endIndex: Int { count }

    /// The element at `position` (protobuf-c never stores a null element in a list it unpacked).
    public subscript(position: Int) -> Element {
        let slot = base.unsafelyUnwrapped.assumingMemoryBound(to: UnsafeMutableRawPointer.self)
        return make(owner, slot[position])
    }
}

extension MessageList {
    init<Message>(
        _ owner: UnpackedMessage, _ list: UnsafeMutablePointer<UnsafeMutablePointer<Message>?>?, _ count: Int,
        _ make: @escaping @Sendable (UnpackedMessage, UnsafeMutablePointer<Message>) -> Element
    ) {
        self.owner = owner
        base = list.map { UnsafeMutableRawPointer($0) }
        self.count = list == nil ? 0 : count
        self.make = { owner, raw in make(owner, raw.assumingMemoryBound(to: Message.self)) }
    }
}
