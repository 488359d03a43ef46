/// Encodes `PutMetricData` requests in the CloudWatch Query protocol (form-encoded), split so each has
/// at most 1000 datums and at most 1 MB.
enum CloudWatchRequestEncoder {
    static let maxDatums = 1000
    static let maxBytes = 1_000_000

    static func bodies(namespace: String, timestamp: String, datums: [CloudWatchDatum]) -> [[UInt8]] {
        let header = "Action=PutMetricData&Version=2010-08-01&Namespace=\(formEncoded(namespace))"
        var bodies: [[UInt8]] = []
        var current = header
        var count = 0
        for datum in datums {
            let encoded = encode(datum, index: count + 1, timestamp: timestamp)
            if count == maxDatums || (count > 0 && current.utf8.count + encoded.utf8.count > maxBytes) {
                bodies.append(Array(current.utf8))
                current = header
                count = 0
                current += encode(datum, index: 1, timestamp: timestamp)
            } else {
                current += encoded
            }
            count += 1
        }
        if count > 0 { bodies.append(Array(current.utf8)) }
        return bodies
    }

    private static func encode(_ datum: CloudWatchDatum, index: Int, timestamp: String) -> String {
        let member = "&MetricData.member.\(index)."
        var text = "\(member)MetricName=\(formEncoded(datum.name))\(member)Timestamp=\(timestamp)\(member)Unit=\(datum.unit)"
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

    private static func number(_ value: Double) -> String {
        value.rounded(.towardZero) == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
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
