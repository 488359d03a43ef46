import Foundation

/// A blocking HTTP/1.1 client for the harness's own loopback requests (load generation, the discard
/// server's counter): one keep-alive connection, `Content-Length` bodies. Not for anything but
/// `http://127.0.0.1:PORT/...` URLs served by the gateway or the discard server.
final class LoopbackHTTPClient {
    struct Response {
        let status: Int
        let body: [UInt8]
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private var socket: Int32 = -1

    deinit { disconnect() }

    /// Sends one request with `headers` (reconnecting once if the kept-alive connection was closed).
    func send(
        _ method: String = "POST", _ url: String, contentType: String? = nil, headers: [(name: String, value: String)] = [], body: [UInt8] = []
    ) throws -> Response {
        guard let parsed = URL(string: url), let port = parsed.port, parsed.host == "127.0.0.1" else {
            throw Failure(description: "not a loopback URL: \(url)")
        }
        var head = "\(method) \(parsed.path.isEmpty ? "/" : parsed.path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n"
        if let contentType { head += "Content-Type: \(contentType)\r\n" }
        for header in headers { head += "\(header.name): \(header.value)\r\n" }
        head += "Content-Length: \(body.count)\r\n\r\n"
        let request = Array(head.utf8) + body
        for attempt in 0..<2 {
            do {
                if socket < 0 { try connect(port: port) }
                try write(request)
                return try readResponse()
            } catch where attempt == 0 {
                disconnect()
            }
        }
        throw Failure(description: "unreachable")
    }

    private func connect(port: Int) throws {
        let descriptor = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(descriptor)
            throw Failure(description: "connect to port \(port): errno \(errno)")
        }
        var noDelay: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
        socket = descriptor
    }

    private func disconnect() {
        if socket >= 0 { close(socket) }
        socket = -1
    }

    private func write(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { throw Failure(description: "send: errno \(errno)") }
            offset += written
        }
    }

    private func readResponse() throws -> Response {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        func fill() throws {
            let count = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { throw Failure(description: "connection closed") }
            buffer += chunk[0..<count]
        }
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        while headEnd == nil {
            try fill()
            headEnd = buffer.indices.dropLast(3).first { buffer[$0..<$0 + 4].elementsEqual(separator) }
        }
        guard let headEnd else { throw Failure(description: "no response head") }
        let lines = String(decoding: buffer[..<headEnd], as: UTF8.self).split(separator: "\r\n")
        guard let statusLine = lines.first, let status = Int(statusLine.split(separator: " ").dropFirst().first ?? "") else {
            throw Failure(description: "bad status line")
        }
        var length = 0
        var closes = false
        for line in lines.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard parts.count == 2 else { continue }
            if parts[0] == "content-length" { length = Int(parts[1]) ?? 0 }
            if parts[0] == "connection", parts[1] == "close" { closes = true }
        }
        let bodyStart = headEnd + 4
        while buffer.count < bodyStart + length { try fill() }
        let body = Array(buffer[bodyStart..<bodyStart + length])
        if closes { disconnect() }
        return Response(status: status, body: body)
    }
}
