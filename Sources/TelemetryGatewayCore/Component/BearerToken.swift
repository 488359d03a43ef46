/// The bearer-token check both receivers make on a request's `authorization` value.
package enum BearerToken {
    /// Whether `authorization` is `Bearer <token>`, compared in constant time.
    package static func matches(_ authorization: String, _ token: String) -> Bool {
        constantTimeEquals(authorization, "Bearer \(token)")
    }

    /// Compares without an early exit, so the time taken does not reveal how much of a token matched.
    static func constantTimeEquals(_ given: String, _ expected: String) -> Bool {
        let a = Array(given.utf8)
        let b = Array(expected.utf8)
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for index in 0..<max(a.count, b.count) {
            difference |= (index < a.count ? a[index] : 0) ^ (index < b.count ? b[index] : 0)
        }
        return difference == 0
    }
}
