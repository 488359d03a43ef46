/// How a record is framed in a segment file:
///
/// ```
/// magic "STQR" (4) | body length (4, LE) | CRC-32C of the body (4, LE) | body
/// body = signal (1) | item count (4, LE) | enqueued at, ns since the epoch (8, LE) | OTLP request bytes
/// ```
/// The magic lets recovery find the next record after a damaged one.
enum SegmentRecordFormat {
    static let magic: [UInt8] = Array("STQR".utf8)
    static let headerBytes = 12
    static let bodyPrefixBytes = 13
    /// Recovery treats a longer length field as damage.
    static let maxBodyBytes = 256 << 20
    /// The largest request a record holds: the queue refuses a longer one at enqueue, and the
    /// configuration refuses a receiver that accepts longer requests into a disk queue.
    static let maxPayloadBytes = maxBodyBytes - bodyPrefixBytes

    /// The framed record of one request.
    static func frame(signal: OTLPSignalCode, itemCount: Int, enqueuedAtNanos: UInt64, payload: [UInt8]) -> [UInt8] {
        var body = [UInt8]()
        body.reserveCapacity(bodyPrefixBytes + payload.count)
        body.append(signal.rawValue)
        appendLittleEndian(UInt32(clamping: itemCount), to: &body)
        appendLittleEndian(enqueuedAtNanos, to: &body)
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
        guard body.withUnsafeBytes({ CRC32C.checksum($0) }) == stored,
            let signal = OTLPSignalCode(rawValue: body[body.startIndex])
        else { return nil }
        return SegmentRecord(
            signal: signal, itemCount: Int(readLittleEndian(UInt32.self, body, at: body.startIndex + 1)),
            enqueuedAtNanos: readLittleEndian(UInt64.self, body, at: body.startIndex + 5),
            payload: Array(body.dropFirst(bodyPrefixBytes)), framedBytes: framed.count)
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
}

/// The signal as stored in a record.
enum OTLPSignalCode: UInt8, Sendable {
    case traces = 1, metrics = 2, logs = 3
}
