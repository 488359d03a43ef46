import CCurl
import Telemetry

/// A blocking HTTP/1.1 (and HTTP/2 over TLS) client on libcurl, one request at a time, keeping the
/// connection alive between requests.
///
/// TLS certificates are verified (unless `ClientTLS.insecureSkipVerify` says not to); every request has a timeout; response bodies are bounded. Each
/// exporter owns its own client, so a slow backend never holds another's connection.
package final class HTTPClient: Sendable {
    /// Settings shared by every request of a client.
    package struct Configuration: Sendable {
        /// Sent as `User-Agent`.
        package var userAgent: String
        /// The most response body bytes kept; a larger response fails with `.responseTooLarge`.
        package var maxResponseBytes: Int
        /// The deadline for establishing a connection (capped by each request's timeout).
        package var connectTimeout: Duration
        /// The CAs trusted, the client certificate, and whether to verify at all.
        package var tls: ClientTLS
        /// AWS SigV4 signing (`provider:region:service`, e.g. `aws:amz:us-east-1:monitoring`) and its
        /// credentials; `nil` for no signing.
        package var awsSigV4: AWSSigV4?

        /// Creates a configuration.
        package init(
            userAgent: String = "swift-telemetry/\(TelemetryVersion.current)", maxResponseBytes: Int = 4 << 20,
            connectTimeout: Duration = .seconds(5), tls: ClientTLS = ClientTLS(), awsSigV4: AWSSigV4? = nil
        ) {
            self.userAgent = userAgent
            self.maxResponseBytes = maxResponseBytes
            self.connectTimeout = connectTimeout
            self.tls = tls
            self.awsSigV4 = awsSigV4
        }
    }

    /// AWS Signature Version 4 settings, applied by libcurl (`CURLOPT_AWS_SIGV4`).
    package struct AWSSigV4: Sendable {
        /// `aws:amz:<region>:<service>`.
        package var scope: String
        /// The access key id.
        package var accessKeyID: String
        /// The secret access key (never logged).
        package var secretAccessKey: String
        /// The session token for temporary credentials, sent as `X-Amz-Security-Token`.
        package var sessionToken: String?

        /// Creates signing settings for `region` and `service`.
        package init(region: String, service: String, accessKeyID: String, secretAccessKey: String, sessionToken: String?) {
            scope = "aws:amz:\(region):\(service)"
            self.accessKeyID = accessKeyID
            self.secretAccessKey = secretAccessKey
            self.sessionToken = sessionToken
        }
    }

    /// The client's settings.
    package let configuration: Configuration
    private let handle: LockedValue<CurlEasyHandle>

    /// Creates a client.
    ///
    /// - Throws: `HTTPClientError` when libcurl cannot create a handle.
    package init(configuration: Configuration = Configuration()) throws(HTTPClientError) {
        self.configuration = configuration
        handle = LockedValue(try CurlEasyHandle())
    }

    /// Sends `request` and waits for the response; requests on one client run one at a time.
    ///
    /// - Throws: `HTTPClientError` when no response arrives (connection failure, timeout, TLS, size).
    package func send(_ request: HTTPRequest) throws(HTTPClientError) -> HTTPResponse {
        let configuration = self.configuration
        let result: Result<HTTPResponse, HTTPClientError> = handle.withLock { easy in
            do throws(HTTPClientError) {
                return .success(try easy.perform(request, configuration: configuration))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}
