import CCurl

/// One libcurl easy handle; reused across requests so its connection cache keeps connections alive.
final class CurlEasyHandle: @unchecked Sendable {
    // @unchecked: used only under HTTPClient's lock.
    private static let globalInit: CURLcode = curl_global_init(3)  // CURL_GLOBAL_SSL | CURL_GLOBAL_WIN32
    private let handle: UnsafeMutableRawPointer

    init() throws(HTTPClientError) {
        guard Self.globalInit == CURLE_OK else {
            throw HTTPClientError(kind: .other, message: "curl_global_init failed with code \(Self.globalInit.rawValue)")
        }
        guard let handle = curl_easy_init() else {
            throw HTTPClientError(kind: .other, message: "curl_easy_init failed")
        }
        self.handle = handle
    }

    deinit {
        curl_easy_cleanup(handle)
    }

    func perform(_ request: HTTPRequest, configuration: HTTPClient.Configuration) throws(HTTPClientError) -> HTTPResponse {
        curl_easy_reset(handle)
        let collector = CurlResponseCollector(limit: configuration.maxResponseBytes)
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }
        for header in request.headers {
            headerList = curl_slist_append(headerList, "\(header.name): \(header.value)")
        }
        // No `Expect: 100-continue` round trip before large bodies.
        headerList = curl_slist_append(headerList, "Expect:")
        if let token = configuration.awsSigV4?.sessionToken {
            headerList = curl_slist_append(headerList, "X-Amz-Security-Token: \(token)")
        }

        setLong(CURLOPT_NOSIGNAL, 1)
        setLong(CURLOPT_TCP_KEEPALIVE, 1)
        setLong(CURLOPT_FOLLOWLOCATION, 0)
        let tls = configuration.tls
        setLong(CURLOPT_SSL_VERIFYPEER, tls.insecureSkipVerify ? 0 : 1)
        setLong(CURLOPT_SSL_VERIFYHOST, tls.insecureSkipVerify ? 0 : 2)
        if let caFile = tls.caFile { setString(CURLOPT_CAINFO, caFile) }
        if let certificateFile = tls.certificateFile { setString(CURLOPT_SSLCERT, certificateFile) }
        if let keyFile = tls.keyFile { setString(CURLOPT_SSLKEY, keyFile) }
        setLong(CURLOPT_TIMEOUT_MS, Self.milliseconds(request.timeout))
        setLong(CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(min(configuration.connectTimeout, request.timeout)))
        setString(CURLOPT_URL, request.url)
        setString(CURLOPT_PROTOCOLS_STR, "http,https")
        setString(CURLOPT_USERAGENT, configuration.userAgent)
        if let signing = configuration.awsSigV4 {
            setString(CURLOPT_AWS_SIGV4, signing.scope)
            setString(CURLOPT_USERNAME, signing.accessKeyID)
            setString(CURLOPT_PASSWORD, signing.secretAccessKey)
        }
        telemetry_curl_setopt_pointer(handle, CURLOPT_HTTPHEADER, headerList)
        let context = Unmanaged.passUnretained(collector).toOpaque()
        telemetry_curl_setopt_data_callback(handle, CURLOPT_WRITEFUNCTION, curlWriteBody)
        telemetry_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, context)
        telemetry_curl_setopt_data_callback(handle, CURLOPT_HEADERFUNCTION, curlWriteHeader)
        telemetry_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, context)

        let code: CURLcode = request.body.withUnsafeBytes { body in
            switch request.method {
            case "GET":
                setLong(CURLOPT_HTTPGET, 1)
            case "POST":
                setLong(CURLOPT_POST, 1)
            default:
                setString(CURLOPT_CUSTOMREQUEST, request.method)
            }
            if request.method != "GET" {
                telemetry_curl_setopt_pointer(handle, CURLOPT_POSTFIELDS, body.baseAddress ?? UnsafeRawPointer(bitPattern: 1))
                telemetry_curl_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
            }
            return curl_easy_perform(handle)
        }
        withExtendedLifetime(collector) {}
        guard code == CURLE_OK else {
            throw Self.error(for: code, url: request.url, overflowed: collector.overflowed)
        }
        var status = 0
        telemetry_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return HTTPResponse(status: status, headers: collector.headers, body: collector.body)
    }

    private func setLong(_ option: CURLoption, _ value: Int) {
        telemetry_curl_setopt_long(handle, option, value)
    }

    private func setString(_ option: CURLoption, _ value: String) {
        // libcurl copies string options (all but POSTFIELDS), so the C string need not outlive the call.
        value.withCString { _ = telemetry_curl_setopt_pointer(handle, option, $0) }
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(1, Int(clamping: seconds) &* 1000 &+ Int(attoseconds / 1_000_000_000_000_000))
    }

    private static func error(for code: CURLcode, url: String, overflowed: Bool) -> HTTPClientError {
        let text = String(cString: curl_easy_strerror(code))
        let kind: HTTPClientError.Kind
        switch code {
        case CURLE_WRITE_ERROR where overflowed:
            kind = .responseTooLarge
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT, CURLE_SEND_ERROR,
            CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_HTTP2, CURLE_HTTP2_STREAM:
            kind = .connection
        case CURLE_OPERATION_TIMEDOUT:
            kind = .timeout
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH:
            kind = .tls
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            kind = .invalidRequest
        default:
            kind = .other
        }
        return HTTPClientError(kind: kind, curlCode: Int(code.rawValue), message: "\(url): \(text)")
    }
}
