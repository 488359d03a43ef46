import Testing

@testable import TelemetryGatewayCore

/// How a request body's storage grows (issue 28, item 6): the bound its reservation relies on.
@Suite("Gateway: request body storage")
struct RequestBodyBufferTests {
    @Test("Storage steps are powers of two from 4 KiB, capped by the declared length, and never more than twice the bytes held")
    func storageSteps() {
        #expect(RequestBodyBuffer.capacity(for: 1, limit: 20 << 20) == 4096)
        #expect(RequestBodyBuffer.capacity(for: 4097, limit: 20 << 20) == 8192)
        #expect(RequestBodyBuffer.capacity(for: 3 << 20 + 1, limit: 20 << 20) == 4 << 20)
        #expect(RequestBodyBuffer.capacity(for: 17 << 20, limit: 20 << 20) == 20 << 20)
        #expect(RequestBodyBuffer.capacity(for: 10, limit: 10) == 10)
        for size in stride(from: 4096, through: 20 << 20, by: 65_537) {
            let capacity = RequestBodyBuffer.capacity(for: size, limit: 20 << 20)
            #expect(capacity >= size && capacity <= 2 * size, "\(size) → \(capacity)")
        }
    }
}
