/// Percent-decoding as W3C Baggage values and `OTEL_EXPORTER_OTLP_HEADERS` entries use it.
package enum PercentEncoding {
    /// `text` with every `%XX` replaced by its byte; `nil` for a truncated or non-hex escape, or bytes
    /// that are not UTF-8.
    package static func decoded(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next(), let low = iterator.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            else { return nil }
            bytes.append(value)
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
