/// Encodes `PutMetricData` requests in the CloudWatch Query protocol (form-encoded), split so each has
/// at most 1000 datums and at most 1 MB.
enum CloudWatchRequestEncoder {
    static let maxDatums = 1000
    static let maxBytes = 1_000_000

    /// One request body and the datums it carries (positions in the input).
    struct Body {
        let bytes: [UInt8]
        let datums: Range<Int>
    }

    static func bodies(namespace: String, timestamp: String, datums: [CloudWatchDatum]) -> [Body] {
        let header = "Action=PutMetricData&Version=2010-08-01&Namespace=\(formEncoded(namespace))"
        var bodies: [Body] = []
        var current = header
        var first = 0
        for (position, datum) in datums.enumerated() {
            let count = position - first
            let encoded = encode(datum, index: count + 1, timestamp: timestamp)
            if count == maxDatums || (count > 0 && current.utf8.count + encoded.utf8.count > maxBytes) {
                bodies.append(Body(bytes: Array(current.utf8), datums: first..<position))
                current = header + encode(datum, index: 1, timestamp: timestamp)
                first = position
            } else {
                current += encoded
            }
        }
        if first < datums.count { bodies.append(Body(bytes: Array(current.utf8), datums: first..<datums.count)) }
        return bodies
    }

    private static func encode(_ datum: CloudWatchDatum, index: Int, timestamp: String) -> String {
        let member = "&MetricData.member.\(index)."
        var text = "\(member)MetricName=\(formEncoded(datum.name))\(member)Timestamp=\(formEncoded(timestamp))"
        text += "\(member)Unit=\(datum.unit)"
        for (position, dimension) in datum.dimensions.enumerated() {
            let prefix = "\(member)Dimensions.member.\(position + 1)."
            text += "\(prefix)Name=\(formEncoded(dimension.name))\(prefix)Value=\(formEncoded(dimension.value))"
        }
        switch datum.payload {
        case .value(let value):
            text += "\(member)Value=\(number(value))"
        case .statistics(let count, let sum, let minimum, let maximum):
            let prefix = "\(member)StatisticValues."
            text += "\(prefix)SampleCount=\(number(count))\(prefix)Sum=\(number(sum))"
            text += "\(prefix)Minimum=\(number(minimum))\(prefix)Maximum=\(number(maximum))"
        }
        return text
    }

    /// The value as text, form-encoded (`1e+16` would otherwise arrive as `1e 16`).
    private static func number(_ value: Double) -> String {
        formEncoded(value.rounded(.towardZero) == value && abs(value) < 1e15 ? String(Int64(value)) : String(value))
    }

    /// RFC 3986 percent-encoding of everything but unreserved characters, as AWS signing expects.
    static func formEncoded(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                result.unicodeScalars.append(UnicodeScalar(byte))
            default:
                result += "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 0xF, radix: 16, uppercase: true)
            }
        }
        return result
    }
}
