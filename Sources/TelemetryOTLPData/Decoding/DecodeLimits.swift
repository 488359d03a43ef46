/// Limits on what decoding untrusted OTLP may cost, checked before any message is built.
public struct DecodeLimits: Sendable, Hashable {
    /// The deepest nesting of messages accepted (the request itself is level 0). OTLP needs 5 levels
    /// for a span attribute; each nested `ArrayValue`/`KvListValue` adds 2.
    public var maxDepth: Int
    /// The most memory a decoded request may take (protobuf-c builds a struct per element, so a few
    /// bytes on the wire can become hundreds in memory: at most 186 a wire byte, see `DecodeAmplification.bound`).
    public var maxDecodedBytes: Int

    /// Creates limits; the defaults are 64 levels and 256 MiB.
    public init(maxDepth: Int = 64, maxDecodedBytes: Int = 256 << 20) {
        self.maxDepth = max(1, maxDepth)
        self.maxDecodedBytes = max(1024, maxDecodedBytes)
    }
}

/// Why a request could not be decoded; `description` says which rule or limit, for the client.
public struct OTLPDecodeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of problem.
    public enum Kind: String, Sendable, Equatable {
        /// The bytes are not valid protobuf for the message (or not valid OTLP/JSON).
        case malformed
        /// Messages nest deeper than `DecodeLimits.maxDepth`.
        case tooDeep = "too_deep"
        /// Decoding would take more memory than `DecodeLimits.maxDecodedBytes`.
        case tooLarge = "too_large"
        /// A string field is not valid UTF-8 (proto3 requires it; upstream decoders refuse it).
        case invalidUTF8 = "invalid_utf8"
        /// The memory budget refused what decoding needs (retry later: 429, not 400).
        case memoryLimit = "memory_limit"
    }

    /// The kind of problem (a self-metric label).
    public let kind: Kind
    /// What is wrong, for the client's error message.
    public let description: String

    /// Creates an error.
    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}
