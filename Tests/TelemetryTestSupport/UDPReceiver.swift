import Foundation

/// A real UDP socket bound on 127.0.0.1 that collects the datagrams sent to it.
public final class UDPReceiver: @unchecked Sendable {
    // @unchecked: the descriptor is only read after init; datagrams are guarded by `lock`.
    /// The bound port.
    public let port: Int
    private let descriptor: Int32

    /// Binds a free port.
    public init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard descriptor >= 0 else { throw TestPeerError("socket() failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else { throw TestPeerError("bind() failed") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        self.descriptor = descriptor
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit {
        close(descriptor)
    }

    /// Reads datagrams until none arrives for 200 ms (or `limit` arrived); returns them as text.
    public func receive(limit: Int = 10_000) -> [String] {
        var datagrams: [String] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while datagrams.count < limit {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { break }
            datagrams.append(String(decoding: buffer[0..<count], as: UTF8.self))
        }
        return datagrams
    }
}
