import TelemetryYAML

/// `endpoint` values: `host:port` for an address to listen on or a UDP peer (IPv6 hosts in brackets),
/// an `http://` or `https://` URL for an HTTP peer.
package struct EndpointSettings: Sendable, Equatable {
    /// The host name or address (without brackets).
    package var host: String
    /// The port, 0...65535 (0 picks a free one when listening).
    package var port: Int

    /// A `host:port` endpoint.
    package init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Reads `host:port`.
    package static func parse(_ node: ConfigNode) throws(ConfigError) -> EndpointSettings {
        let text = try node.string()
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port), colon != text.startIndex
        else { throw node.error("expected host:port, such as 127.0.0.1:4318, got \"\(text)\"") }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return EndpointSettings(host: host, port: port)
    }

    /// Reads an `http://` or `https://` URL.
    package static func url(_ node: ConfigNode) throws(ConfigError) -> String {
        let text = try node.string()
        guard (text.hasPrefix("http://") || text.hasPrefix("https://")), text.count > 8, !text.contains(" ") else {
            throw node.error("expected an http:// or https:// URL, got \"\(text)\"")
        }
        return text
    }
}
