/// The bounds of `max_datagram_bytes`, the same for the gateway's and the application's `statsd`.
package enum StatsDLimits {
    /// The largest UDP payload over IPv4 (65,535 − 8 − 20).
    package static let largestDatagram = 65_507
    /// The smallest datagram limit (the exporter's floor).
    package static let smallestDatagram = 64
    /// The datagram sizes `max_datagram_bytes` may give.
    package static let datagramBytes = smallestDatagram...largestDatagram
    /// The default: fits an Ethernet MTU.
    package static let defaultDatagramBytes = 1432
}
