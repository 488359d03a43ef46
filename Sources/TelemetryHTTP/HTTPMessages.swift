/// One HTTP request for `HTTPClient`.
public struct HTTPRequest: Sendable {
    /// The HTTP method.
    public var method: String
    /// The absolute URL.
    public var url: String
    /// Header fields, sent in order.
    public var headers: [(name: String, value: String)]
    /// The request body.
    public var body: [UInt8]
    /// The deadline for the whole request (connect, send, receive).
    public var timeout: Duration

    /// Creates a request.
    public init(
        method: String = "POST", url: String, headers: [(name: String, value: String)] = [], body: [UInt8] = [],
        timeout: Duration = .seconds(10)
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}

/// An HTTP response received by `HTTPClient`.
public struct HTTPResponse: Sendable {
    /// The status code.
    public let status: Int
    /// Header fields as received (names keep their case; look up with `header(_:)`).
    public let headers: [(name: String, value: String)]
    /// The response body (bounded by the client's `maxResponseBytes`).
    public let body: [UInt8]

    /// Creates a response.
    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of header `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }

    /// Whether the status is 2xx.
    public var isSuccess: Bool { (200..<300).contains(status) }
}

/// Why an HTTP request produced no response.
public struct HTTPClientError: Error, CustomStringConvertible, Sendable {
    /// The class of failure, which decides whether a retry can help.
    public enum Kind: Sendable, Equatable {
        /// The peer could not be reached or the connection broke (retryable).
        case connection
        /// The request did not complete within its timeout (retryable).
        case timeout
        /// TLS negotiation or certificate verification failed.
        case tls
        /// The response body exceeded the client's limit.
        case responseTooLarge
        /// The request itself is invalid (bad URL, unsupported protocol).
        case invalidRequest
        /// Anything else libcurl reported.
        case other
    }

    /// The class of failure.
    public let kind: Kind
    /// libcurl's error code, when the failure came from libcurl.
    public let curlCode: Int
    /// What happened, without secrets.
    public let message: String

    /// Creates an error.
    public init(kind: Kind, curlCode: Int = 0, message: String) {
        self.kind = kind
        self.curlCode = curlCode
        self.message = message
    }

    /// Whether retrying the same request may succeed.
    public var isRetryable: Bool { kind == .connection || kind == .timeout }

    /// The message.
    public var description: String { message }
}
