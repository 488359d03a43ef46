import Dispatch
import GRPCCore
import GRPCNIOTransportHTTP2

/// A blocking OTLP/gRPC client for the gateway benchmark: `TraceService/Export` with the request bytes
/// as they are, one call at a time, on its own HTTP/2 connection.
final class GRPCLoadClient: Sendable {
    private let client: GRPCClient<HTTP2ClientTransport.Posix>

    init(port: Int) throws {
        let transport = try HTTP2ClientTransport.Posix(target: .ipv4(address: "127.0.0.1", port: port), transportSecurity: .plaintext)
        let client = GRPCClient(transport: transport)
        self.client = client
        Task { try? await client.runConnections() }
    }

    /// Sends one request; true when the gateway answered OK.
    func export(_ body: [UInt8]) -> Bool {
        let done = DispatchSemaphore(value: 0)
        let outcome = Outcome()
        let client = self.client
        Task {
            var options = CallOptions.defaults
            options.timeout = .seconds(10)
            let ok = try? await client.unary(
                request: ClientRequest(message: body),
                descriptor: MethodDescriptor(fullyQualifiedService: "opentelemetry.proto.collector.trace.v1.TraceService", method: "Export"),
                serializer: Bytes(), deserializer: Bytes(), options: options
            ) { response in (try? response.message) != nil }
            outcome.ok = ok ?? false
            done.signal()
        }
        done.wait()
        return outcome.ok
    }

    func close() {
        client.beginGracefulShutdown()
    }

    private final class Outcome: @unchecked Sendable {
        // @unchecked: written before the semaphore is signalled, read after waiting.
        var ok = false
    }

    private struct Bytes: MessageSerializer, MessageDeserializer {
        func serialize<Output: GRPCContiguousBytes>(_ message: [UInt8]) throws -> Output { Output(message) }
        func deserialize<Input: GRPCContiguousBytes>(_ serializedMessageBytes: Input) throws -> [UInt8] {
            serializedMessageBytes.withUnsafeBytes { Array($0) }
        }
    }
}
