#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Logging
import Telemetry

/// Where a `loadbalancing` exporter's endpoints come from.
enum EndpointResolver: Sendable {
    /// `static: {hostnames: [...]}`: a fixed list of `host:port` or URLs.
    case fixed([String])
    /// `dns: {hostname, port, interval}`: every address `hostname` resolves to, re-resolved each `interval`.
    case dns(hostname: String, port: Int, interval: Duration)

    /// `host:port` becomes `http://host:port`; URLs stay as they are.
    static func endpoint(_ entry: String) -> String {
        entry.hasPrefix("http://") || entry.hasPrefix("https://") ? entry : "http://" + entry
    }

    /// The addresses `hostname` resolves to (IPv4 and IPv6, sorted, without duplicates), as endpoints on
    /// `port`; nil when resolution fails.
    static func resolve(_ hostname: String, port: Int) -> [String]? {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(hostname, nil, &hints, &list) == 0, let first = list else { return nil }
        defer { freeaddrinfo(list) }
        var addresses = Set<String>()
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let current = entry {
            var text = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(current.pointee.ai_addr, current.pointee.ai_addrlen, &text, socklen_t(text.count), nil, 0, NI_NUMERICHOST) == 0 {
                let address = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                addresses.insert(current.pointee.ai_family == AF_INET6 ? "[\(address)]" : address)
            }
            entry = current.pointee.ai_next
        }
        return addresses.sorted().map { "http://\($0):\(port)" }
    }
}

/// Keeps a load balancer's endpoints up to date from DNS on its own thread.
final class DNSEndpointWatcher: Sendable {
    private let stopped = CancellationSignal()
    private let thread: LockedValue<WorkerThread?> = LockedValue(nil)

    /// Resolves now (so the balancer starts with endpoints), then every `interval` until stopped. A
    /// failed resolution keeps the endpoints it had, and is logged.
    init(hostname: String, port: Int, interval: Duration, balancer: LoadBalancingExporter, logger: Logger) {
        let resolveOnce: @Sendable () -> Void = {
            if let endpoints = EndpointResolver.resolve(hostname, port: port) {
                balancer.update(endpoints: endpoints)
            } else {
                logger.warning("loadbalancing: cannot resolve \(hostname); keeping the endpoints it had", metadata: ["exporter": "\(balancer.name)"])
            }
        }
        resolveOnce()
        let stopped = self.stopped
        thread.withLock { $0 = WorkerThread { while stopped.sleep(for: interval) { resolveOnce() } } }
    }

    func stop() {
        stopped.cancel()
        thread.withLock { $0 }?.join()
    }
}
