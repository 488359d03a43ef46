import TelemetryHTTP
import TelemetryYAML

/// `headers`: a mapping of names to values, checked so that no header can be injected or make the
/// transport fail every request: names are HTTP tokens, values hold no control character. For gRPC
/// metadata the `grpc-…` names, reserved by gRPC, are refused too.
package enum HeaderSettings {
    /// Reads a `headers` section of an exporter speaking gRPC (`grpc`) or HTTP.
    package static func parse(_ node: ConfigNode, grpc: Bool = false) throws(ConfigError) -> [String: String] {
        let headers = try node.stringMap()
        for name in headers.keys.sorted() {
            guard HeaderField.isValidName(name) else { throw node.error("header name \"\(name)\" is not an HTTP token") }
            guard HeaderField.isValidValue(headers[name] ?? "") else {
                throw node.error("header \"\(name)\": the value holds a control character")
            }
            if grpc, name.lowercased().hasPrefix("grpc-") {
                throw node.error("header \"\(name)\": grpc- names are reserved by gRPC")
            }
        }
        return headers
    }
}
