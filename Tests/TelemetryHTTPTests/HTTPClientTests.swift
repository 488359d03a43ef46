import Foundation
import TelemetryHTTP
import TelemetryTestSupport
import Testing

@Suite("libcurl HTTP client")
struct HTTPClientTests {
    private func post(
        _ receiver: IntakeServer, _ client: HTTPClient, timeout: Duration = .seconds(5)
    ) throws(HTTPClientError) -> HTTPResponse {
        try client.send(HTTPRequest(
            url: "\(receiver.endpoint)/v1/traces", headers: [(name: "Content-Type", value: "application/x-protobuf")],
            body: [], timeout: timeout))
    }

    @Test("Keeps the connection alive across requests and sends its User-Agent")
    func keepAlive() async throws {
        let receiver = try await IntakeServer()
        let client = try HTTPClient()
        for _ in 0..<3 { #expect(try post(receiver, client).status == 200) }
        let requests = try await receiver.received()
        #expect(Set(requests.compactMap { $0["client_port"] as? Int }).count == 1, "one TCP connection for all requests")
        #expect((requests.first?["headers"] as? [String: String])?["user-agent"]?.hasPrefix("swift-telemetry/") == true)
    }

    @Test("A response slower than the timeout fails as a retryable timeout")
    func timeout() async throws {
        let receiver = try await IntakeServer()
        try await receiver.script([["delay": 2]])
        let start = Date()
        let client = try HTTPClient()
        do {
            _ = try post(receiver, client, timeout: .milliseconds(300))
            Issue.record("no timeout")
        } catch {
            #expect(error.kind == .timeout && error.isRetryable)
        }
        #expect(Date().timeIntervalSince(start) < 1.5)
    }

    @Test("A refused connection fails as a retryable connection error")
    func refused() throws {
        let port = try freeLoopbackPort()
        let client = try HTTPClient()
        do {
            _ = try client.send(HTTPRequest(url: "http://127.0.0.1:\(port)/v1/traces"))
            Issue.record("no error")
        } catch {
            #expect(error.kind == .connection && error.isRetryable)
        }
    }

    @Test("TLS is verified: https to a plain HTTP server fails as a TLS error, not retried")
    func tlsFailure() async throws {
        let receiver = try await IntakeServer()
        let client = try HTTPClient()
        do {
            _ = try client.send(HTTPRequest(url: "https://127.0.0.1:\(receiver.port)/v1/traces"))
            Issue.record("no error")
        } catch {
            #expect(error.kind == .tls || error.kind == .connection)
            #expect(error.kind != .tls || !error.isRetryable)
        }
    }

    @Test("Response bodies beyond the limit are refused")
    func responseLimit() async throws {
        let receiver = try await IntakeServer()
        _ = try post(receiver, try HTTPClient())
        let small = try HTTPClient(configuration: .init(maxResponseBytes: 16))
        do {
            _ = try small.send(HTTPRequest(method: "GET", url: "\(receiver.endpoint)/received"))
            Issue.record("no error")
        } catch {
            #expect(error.kind == .responseTooLarge)
        }
        #expect(try small.send(HTTPRequest(method: "GET", url: "\(receiver.endpoint)/nothing")).status == 404)
    }

    @Test("Malformed URLs are invalid requests")
    func invalidURL() throws {
        #expect(throws: HTTPClientError.self) { try HTTPClient().send(HTTPRequest(url: "ftp://example/")) }
    }
}
