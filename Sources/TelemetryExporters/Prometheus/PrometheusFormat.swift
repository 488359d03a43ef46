/// The Prometheus exposition formats the exporter renders.
public enum PrometheusFormat: Sendable, Hashable {
    /// The text format 0.0.4, which every Prometheus-compatible scraper reads.
    case text
    /// OpenMetrics 1.0 text, ending with `# EOF`.
    case openMetrics

    /// The HTTP `Content-Type` for this format.
    public var contentType: String {
        switch self {
        case .text: "text/plain; version=0.0.4; charset=utf-8"
        case .openMetrics: "application/openmetrics-text; version=1.0.0; charset=utf-8"
        }
    }

    /// Picks the format for an HTTP `Accept` header: OpenMetrics when the scraper lists it, else text.
    public static func negotiate(accept: String?) -> PrometheusFormat {
        guard let accept else { return .text }
        for range in accept.split(separator: ",") {
            let parts = range.split(separator: ";").map { $0.trimmingCharacters(in: " \t") }
            guard parts.first == "application/openmetrics-text" else { continue }
            let quality = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            if quality > 0 { return .openMetrics }
        }
        return .text
    }
}

extension StringProtocol {
    fileprivate func trimmingCharacters(in characters: String) -> String {
        var slice = Substring(self)
        while let first = slice.first, characters.contains(first) { slice.removeFirst() }
        while let last = slice.last, characters.contains(last) { slice.removeLast() }
        return String(slice)
    }
}
