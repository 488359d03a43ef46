/// The headers (OTLP/HTTP) or metadata (OTLP/gRPC) of the request an item came in, kept by a receiver
/// with `include_metadata: true`: the Collector's `client.Info.Metadata`. Names are compared without
/// case (they are stored lower-cased); a name may have several values.
public struct RequestMetadata: Sendable, Hashable {
    /// Each lower-cased name and its values, in the order received.
    public private(set) var values: [String: [String]]

    /// No metadata (a receiver without `include_metadata`, or data a connector made).
    public static let empty = RequestMetadata(values: [:])

    private init(values: [String: [String]]) {
        self.values = values
    }

    /// The metadata of `pairs` (name, value), names lower-cased; repeated names keep every value in order.
    public init(_ pairs: some Sequence<(name: String, value: String)>) {
        var values: [String: [String]] = [:]
        for (name, value) in pairs { values[name.lowercased(), default: []].append(value) }
        self.values = values
    }

    /// The values of `name` (any case); empty when it was not sent.
    public subscript(name: String) -> [String] {
        values[name.lowercased()] ?? []
    }

    /// Whether it holds nothing.
    public var isEmpty: Bool { values.isEmpty }

    /// Only the names in `keys` (any case): what `batch` with `metadata_keys` keeps of an item's metadata.
    public func restricted(to keys: [String]) -> RequestMetadata {
        var kept: [String: [String]] = [:]
        for key in keys {
            let name = key.lowercased()
            if let found = values[name] { kept[name] = found }
        }
        return RequestMetadata(values: kept)
    }

    /// The bytes of its names and values (what holding it costs beyond a fixed overhead per entry).
    public var textBytes: Int {
        values.reduce(0) { total, entry in total + entry.key.utf8.count + entry.value.reduce(0) { $0 + $1.utf8.count + 16 } + 32 }
    }
}
