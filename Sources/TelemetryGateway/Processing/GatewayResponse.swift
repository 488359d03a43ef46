import Foundation
import TelemetryOTLP

/// What the receiver answers: a status and a body in the request's encoding.
struct GatewayResponse: Sendable {
    let status: Int
    let contentType: String
    let body: [UInt8]
    var headers: [(String, String)] = []

    /// An empty `Export…ServiceResponse`: zero protobuf bytes, or `{}` in JSON.
    static func success(json: Bool) -> GatewayResponse {
        GatewayResponse(
            status: 200, contentType: json ? "application/json" : "application/x-protobuf", body: json ? Array("{}".utf8) : [])
    }

    /// An error with a `google.rpc.Status` body (code and message) in the request's encoding.
    static func failure(_ status: Int, _ message: String, json: Bool, headers: [(String, String)] = []) -> GatewayResponse {
        let code = rpcCode(status)
        let body: [UInt8]
        if json {
            let escaped = message.unicodeScalars.map { scalar -> String in
                switch scalar {
                case "\"": return "\\\""
                case "\\": return "\\\\"
                case _ where scalar.value < 0x20: return String(format: "\\u%04x", scalar.value)
                default: return String(scalar)
                }
            }.joined()
            body = Array("{\"code\":\(code),\"message\":\"\(escaped)\"}".utf8)
        } else {
            // google.rpc.Status: field 1 (code, varint), field 2 (message, bytes).
            let text = Array(message.utf8)
            body = [0x08] + varint(UInt64(code)) + [0x12] + varint(UInt64(text.count)) + text
        }
        return GatewayResponse(
            status: status, contentType: json ? "application/json" : "application/x-protobuf", body: body, headers: headers)
    }

    private static func rpcCode(_ status: Int) -> Int {
        switch status {
        case 400, 415: 3  // INVALID_ARGUMENT
        case 401: 16  // UNAUTHENTICATED
        case 404: 5  // NOT_FOUND
        case 405: 12  // UNIMPLEMENTED
        case 413, 429: 8  // RESOURCE_EXHAUSTED
        default: 13  // INTERNAL
        }
    }

    private static func varint(_ value: UInt64) -> [UInt8] {
        var value = value
        var bytes: [UInt8] = []
        repeat {
            var byte = UInt8(value & 0x7F)
            value >>= 7
            if value != 0 { byte |= 0x80 }
            bytes.append(byte)
        } while value != 0
        return bytes
    }
}
