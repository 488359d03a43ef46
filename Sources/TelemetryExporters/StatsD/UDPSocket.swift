#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A UDP socket connected to one host and port (IPv4 or IPv6, resolved once).
final class UDPSocket: @unchecked Sendable {
    // @unchecked: the descriptor is only used under StatsDExporter's lock.
    private var descriptor: Int32

    /// Resolves `host` and connects a datagram socket to it.
    init(host: String, port: Int) throws(StatsDError) {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_DGRAM.rawValue)
        var results: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &results)
        guard status == 0, let first = results else {
            throw StatsDError.resolve(host: host, reason: String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(results) }
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let info = candidate {
            let socketDescriptor = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            if socketDescriptor >= 0 {
                if connect(socketDescriptor, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 {
                    descriptor = socketDescriptor
                    return
                }
                #if canImport(Glibc)
                _ = Glibc.close(socketDescriptor)
                #else
                _ = Musl.close(socketDescriptor)
                #endif
            }
            candidate = info.pointee.ai_next
        }
        throw StatsDError.resolve(host: host, reason: "no usable address")
    }

    deinit {
        close()
    }

    /// Sends one datagram.
    func send(_ datagram: [UInt8]) throws(StatsDError) {
        guard descriptor >= 0 else { throw StatsDError.closed }
        let sent = datagram.withUnsafeBytes { bytes in
            #if canImport(Glibc)
            Glibc.send(descriptor, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
            #else
            Musl.send(descriptor, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
            #endif
        }
        guard sent == datagram.count else {
            throw StatsDError.send(reason: String(cString: strerror(errno)))
        }
    }

    /// Closes the socket; later sends fail.
    func close() {
        guard descriptor >= 0 else { return }
        #if canImport(Glibc)
        _ = Glibc.close(descriptor)
        #else
        _ = Musl.close(descriptor)
        #endif
        descriptor = -1
    }
}

/// Why a StatsD export failed.
public enum StatsDError: Error, CustomStringConvertible, Equatable {
    /// The host could not be resolved or connected.
    case resolve(host: String, reason: String)
    /// A datagram could not be sent.
    case send(reason: String)
    /// The exporter was closed.
    case closed

    /// A one-line description.
    public var description: String {
        switch self {
        case .resolve(let host, let reason): "cannot reach StatsD host \(host): \(reason)"
        case .send(let reason): "cannot send a StatsD datagram: \(reason)"
        case .closed: "the StatsD exporter is closed"
        }
    }
}
