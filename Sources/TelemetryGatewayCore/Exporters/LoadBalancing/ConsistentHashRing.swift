import Telemetry

/// A consistent-hash ring: each endpoint owns `pointsPerEndpoint` points, a key belongs to the
/// endpoint of the first point at or after its hash. Adding or removing one of N endpoints moves only
/// the keys between its points and their neighbours: about 1/N of them.
struct ConsistentHashRing: Sendable {
    /// Points per endpoint: enough that each owns close to 1/N of the ring.
    static let pointsPerEndpoint = 160

    /// The endpoints, sorted (so every gateway given the same set builds the same ring).
    let endpoints: [String]
    private let points: [(hash: UInt64, endpoint: Int)]

    init(endpoints: [String]) {
        self.endpoints = Array(Set(endpoints)).sorted()
        var points: [(hash: UInt64, endpoint: Int)] = []
        points.reserveCapacity(self.endpoints.count * Self.pointsPerEndpoint)
        for (index, endpoint) in self.endpoints.enumerated() {
            for point in 0..<Self.pointsPerEndpoint {
                points.append((Self.hash(Array("\(endpoint)#\(point)".utf8)), index))
            }
        }
        self.points = points.sorted { ($0.hash, $0.endpoint) < ($1.hash, $1.endpoint) }
    }

    /// The endpoint owning `key`, nil when the ring is empty.
    func owner(of key: UInt64) -> String? {
        guard !points.isEmpty else { return nil }
        var low = 0
        var high = points.count
        while low < high {
            let middle = (low + high) / 2
            if points[middle].hash < key { low = middle + 1 } else { high = middle }
        }
        return endpoints[points[low == points.count ? 0 : low].endpoint]
    }

    /// The ring position of a trace.
    static func key(_ traceID: TraceID) -> UInt64 {
        mix(traceID.high ^ mix(traceID.low))
    }

    /// The ring position of a routing string (a service name).
    static func key(_ text: String) -> UInt64 {
        hash(Array(text.utf8))
    }

    /// FNV-1a over `bytes`, then mixed so nearby inputs land far apart.
    static func hash(_ bytes: [UInt8]) -> UInt64 {
        var value: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes { value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return mix(value)
    }

    /// The splitmix64 finaliser.
    private static func mix(_ input: UInt64) -> UInt64 {
        var value = input
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
