/// How a record is framed in a segment file:
///
/// ```
/// magic "STQR" (4) | body length (4, LE) | CRC-32C of the body (4, LE) | body
/// body = signal (1) | item count (4, LE) | enqueued at, ns since the epoch (8, LE) | [metadata] | OTLP request bytes
/// metadata = block length (4, LE) | per value: name length (4, LE) | name | value length (4, LE) | value
/// ```
/// The magic lets recovery find the next record after a damaged one.
///
/// Version 2 adds the request metadata: a record whose signal byte has `metadataFlag` set carries the
/// metadata block (names lower-cased, UTF-8). A record without metadata is written as in version 1 (no
/// flag, no block), so segments written before are read unchanged.
enum SegmentRecordFormat {
    static let magic: [UInt8] = Array("STQR".utf8)
    static let headerBytes = 12
    static let bodyPrefixBytes = 13
    /// Set in the signal byte of a record that carries a metadata block (version 2).
    static let metadataFlag: UInt8 = 0x80
    /// Recovery treats a longer length field as damage.
    static let maxBodyBytes = 256 << 20
    /// The largest request a record holds (less its metadata block): the queue refuses a longer one at
    /// enqueue, and the configuration refuses a receiver that accepts longer requests into a disk queue.
    static let maxPayloadBytes = maxBodyBytes - bodyPrefixBytes

    /// The framed record of one request and its metadata's `block` (`metadataBlock`; none by default).
    static func frame(
        signal: OTLPSignalCode, itemCount: Int, enqueuedAtNanos: UInt64, payload: [UInt8], metadataBlock block: [UInt8] = []
    ) -> [UInt8] {
        var body = [UInt8]()
        body.reserveCapacity(bodyPrefixBytes + block.count + payload.count)
        body.append(block.isEmpty ? signal.rawValue : signal.rawValue | metadataFlag)
        appendLittleEndian(UInt32(clamping: itemCount), to: &body)
        appendLittleEndian(enqueuedAtNanos, to: &body)
        body.append(contentsOf: block)
        body.append(contentsOf: payload)
        var framed = magic
        framed.reserveCapacity(headerBytes + body.count)
        appendLittleEndian(UInt32(body.count), to: &framed)
        appendLittleEndian(CRC32C.checksum(body), to: &framed)
        framed.append(contentsOf: body)
        return framed
    }

    /// The body length a header at the start of `header` announces, or nil when it is no header
    /// (wrong magic or an impossible length).
    static func bodyLength(header: ArraySlice<UInt8>) -> Int? {
        guard header.count >= headerBytes, header.prefix(4).elementsEqual(magic) else { return nil }
        let length = Int(readLittleEndian(UInt32.self, header, at: header.startIndex + 4))
        return (bodyPrefixBytes...maxBodyBytes).contains(length) ? length : nil
    }

    /// The decoded record when `framed` (header and body) is intact.
    static func decode(_ framed: ArraySlice<UInt8>) -> SegmentRecord? {
        guard let length = bodyLength(header: framed), framed.count == headerBytes + length else { return nil }
        let body = framed.dropFirst(headerBytes)
        let stored = readLittleEndian(UInt32.self, framed, at: framed.startIndex + 8)
        let code = body[body.startIndex]
        guard body.withUnsafeBytes({ CRC32C.checksum($0) }) == stored,
            let signal = OTLPSignalCode(rawValue: code & ~metadataFlag)
        else { return nil }
        var rest = body.dropFirst(bodyPrefixBytes)
        var metadata = RequestMetadata.empty
        var metadataBytes = 0
        if code & metadataFlag != 0 {
            guard let (decoded, blockBytes) = decodeMetadataBlock(rest) else { return nil }
            (metadata, metadataBytes) = (decoded, blockBytes)
            rest = rest.dropFirst(blockBytes)
        }
        return SegmentRecord(
            signal: signal, itemCount: Int(readLittleEndian(UInt32.self, body, at: body.startIndex + 1)),
            enqueuedAtNanos: readLittleEndian(UInt64.self, body, at: body.startIndex + 5),
            payload: Array(rest), framedBytes: framed.count, metadata: metadata, metadataBytes: metadataBytes)
    }

    /// The metadata block of `metadata` (names in order, each value with its name); empty when it is.
    static func metadataBlock(_ metadata: RequestMetadata) -> [UInt8] {
        guard !metadata.isEmpty else { return [] }
        var block = [UInt8](repeating: 0, count: 4)
        for (name, values) in metadata.values.sorted(by: { $0.key < $1.key }) {
            for value in values {
                appendLittleEndian(UInt32(clamping: name.utf8.count), to: &block)
                block.append(contentsOf: name.utf8)
                appendLittleEndian(UInt32(clamping: value.utf8.count), to: &block)
                block.append(contentsOf: value.utf8)
            }
        }
        let length = UInt32(clamping: block.count)
        for index in 0..<4 { block[index] = UInt8(truncatingIfNeeded: length >> (8 * index)) }
        return block
    }

    /// The metadata at the start of `bytes` and the block's size, or nil when the block does not fit
    /// its record or its lengths do not add up (damage). Linear in the block.
    static func decodeMetadataBlock(_ bytes: ArraySlice<UInt8>) -> (RequestMetadata, Int)? {
        guard bytes.count >= 4 else { return nil }
        let blockBytes = Int(readLittleEndian(UInt32.self, bytes, at: bytes.startIndex))
        guard blockBytes >= 4, blockBytes <= bytes.count else { return nil }
        let end = bytes.startIndex + blockBytes
        var index = bytes.startIndex + 4
        func text() -> String? {
            guard end - index >= 4 else { return nil }
            let length = Int(readLittleEndian(UInt32.self, bytes, at: index))
            guard length <= end - index - 4 else { return nil }
            defer { index += 4 + length }
            return String(decoding: bytes[(index + 4)..<(index + 4 + length)], as: UTF8.self)
        }
        var pairs: [(name: String, value: String)] = []
        while index < end {
            guard let name = text(), let value = text() else { return nil }
            pairs.append((name, value))
        }
        return (RequestMetadata(pairs), blockBytes)
    }

    static func appendLittleEndian<Value: FixedWidthInteger>(_ value: Value, to bytes: inout [UInt8]) {
        for shift in stride(from: 0, to: Value.bitWidth, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> shift)) }
    }

    static func readLittleEndian<Value: FixedWidthInteger>(_: Value.Type, _ bytes: ArraySlice<UInt8>, at index: Int) -> Value {
        var value: Value = 0
        for byte in 0..<(Value.bitWidth / 8) { value |= Value(bytes[index + byte]) << (8 * byte) }
        return value
    }
}

/// One request read back from a segment.
struct SegmentRecord: Sendable, Equatable {
    var signal: OTLPSignalCode
    var itemCount: Int
    var enqueuedAtNanos: UInt64
    var payload: [UInt8]
    /// The record's size in the file, framing included.
    var framedBytes: Int
    /// The request metadata it was queued with (version 2 records).
    var metadata = RequestMetadata.empty
    /// The size of its metadata block (0 without one).
    var metadataBytes = 0
}

/// The signal as stored in a record.
enum OTLPSignalCode: UInt8, Sendable {
    case traces = 1, metrics = 2, logs = 3
}
