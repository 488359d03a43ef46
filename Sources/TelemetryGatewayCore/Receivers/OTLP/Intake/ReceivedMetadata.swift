extension RequestMetadata {
    /// What a receiver with `include_metadata: true` keeps of a request's HTTP headers or gRPC metadata, as
    /// the Collector's confighttp / configgrpc do: every text header, names lower-cased. HTTP/2
    /// pseudo-headers (`:path`, `:method`, …) are left out (grpc-go never shows them), but `:authority`
    /// becomes `host` when the request has no `host`; binary gRPC metadata (`-bin` names) is left out.
    ///
    /// Bounded by the transports' header limits, applied before: 80 KiB of headers on HTTP/1.1 (SwiftNIO's
    /// decoder), 16 KiB on HTTP/2 (HPACK's header list limit). The receiver charges `textBytes` to the
    /// request's lease before it keeps them.
    public static func received(_ headers: some Sequence<(name: String, value: String)>) -> RequestMetadata {
        var kept: [(name: String, value: String)] = []
        var authority: [String] = []
        var hasHost = false
        for header in headers {
            if header.name.hasPrefix(":") {
                if header.name == ":authority" { authority.append(header.value) }
                continue
            }
            let name = header.name.lowercased()
            guard !name.hasSuffix("-bin") else { continue }
            hasHost = hasHost || name == "host"
            kept.append((name, header.value))
        }
        if !hasHost {
            for value in authority { kept.append(("host", value)) }
        }
        return RequestMetadata(kept)
    }
}
