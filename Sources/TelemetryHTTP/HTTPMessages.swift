/// One HTTP request for `HTTPClient`.
package struct HTTPRequest: Sendable {
    /// The HTTP method.
    package var method: String
    /// The absolute URL.
    package var url: String
    /// Header fields, sent in order.
    package var headers: [(name: String, value: String)]
    /// The request body.
    package var body: [UInt8]
    /// The deadline for the whole request (connect, send, receive).
    package var timeout: Duration

    /// Creates a request.
    package init(
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
package struct HTTPResponse: Sendable {
    /// The status code.
    package let status: Int
    /// Header fields as received (names keep their case; look up with `header(_:)`).
    package let headers: [(name: String, value: String)]
    /// The response body (bounded by the client's `maxResponseBytes`).
    package let body: [UInt8]

    /// Creates a response.
    package init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of header `name`, compared case-insensitively.
    package func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }

    /// Whether the status is 2xx.
    package var isSuccess: Bool { (200..<300).contains(status) }
}

/// Why an HTTP request produced no response.
package struct HTTPClientError: Error, CustomStringConvertible, Sendable {
    /// The class of failure, which decides whether a retry can help.
    package enum Kind: Sendable, Equatable {
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
    package let kind: Kind
    /// libcurl's error code, when the failure came from libcurl.
    package let curlCode: Int
    /// What happened, without secrets.
    package let message: String

    /// Creates an error.
    package init(kind: Kind, curlCode: Int = 0, message: String) {
        self.kind = kind
        self.curlCode = curlCode
        self.message = message
    }

    /// Whether retrying the same request may succeed.
    package var isRetryable: Bool { kind == .connection || kind == .timeout }

    /// The message.
    package var description: String { message }
}

/// What a configured header may hold, so none can inject another header or break every request.
package enum HeaderField {
    /// RFC 9110 `tchar`.
    private static let tokenCharacters = Set("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    /// Whether `name` is an HTTP token.
    package static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy(tokenCharacters.contains)
    }

    /// Whether `value` holds no control character (tab allowed): no line break can end it early.
    package static func isValidValue(_ value: String) -> Bool {
        !value.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\t") || $0.value == 0x7F }
    }

    /// `configured` with `overrides` applied: a configured header named (any case) in `overrides` is
    /// replaced by it; an override with an empty value is not sent (it removes the configured one).
    package static func overriding(
        _ configured: [(name: String, value: String)], with overrides: [(name: String, value: String)]
    ) -> [(name: String, value: String)] {
        guard !overrides.isEmpty else { return configured }
        let replaced = Set(overrides.map { $0.name.lowercased() })
        return configured.filter { !replaced.contains($0.name.lowercased()) } + overrides.filter { !$0.value.isEmpty }
    }
}
