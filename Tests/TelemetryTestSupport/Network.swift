import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A free TCP port on 127.0.0.1 (bound once and released, so another process can take it).
public func freeLoopbackPort() throws -> Int {
    let socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard socketDescriptor >= 0 else { throw TestPeerError("socket() failed") }
    defer { close(socketDescriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(socketDescriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
    }
    guard bound == 0 else { throw TestPeerError("bind() failed") }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socketDescriptor, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// A response read by `httpRequest`.
public struct HTTPTestResponse: Sendable {
    /// The status code.
    public let status: Int
    /// Response headers, names lowercased.
    public let headers: [String: String]
    /// The body bytes.
    public let body: Data

    /// The body as UTF-8 text.
    public var text: String { String(decoding: body, as: UTF8.self) }
}

/// Sends one HTTP request and waits for the response (at most `timeout` seconds).
public func httpRequest(
    _ url: String, method: String = "GET", headers: [String: String] = [:], body: Data? = nil,
    timeout: TimeInterval = 10
) async throws -> HTTPTestResponse {
    guard let target = URL(string: url) else { throw TestPeerError("bad URL \(url)") }
    var request = URLRequest(url: target, timeoutInterval: timeout)
    request.httpMethod = method
    request.httpBody = body
    for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
    let configuration = URLSessionConfiguration.ephemeral
    configuration.httpAdditionalHeaders = ["Accept-Encoding": "identity"]
    let session = URLSession(configuration: configuration)
    defer { session.finishTasksAndInvalidate() }
    let (data, response) = try await session.data(for: request)
    guard let http = response as? HTTPURLResponse else { throw TestPeerError("not an HTTP response") }
    var lowercased: [String: String] = [:]
    for (name, value) in http.allHeaderFields {
        if let name = name as? String, let value = value as? String { lowercased[name.lowercased()] = value }
    }
    return HTTPTestResponse(status: http.statusCode, headers: lowercased, body: data)
}

/// Polls `condition` every 100 ms until it returns true or `timeout` seconds pass.
public func waitUntil(timeout: TimeInterval, _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(100))
    }
    return try await condition()
}
