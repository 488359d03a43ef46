import Foundation

/// A throwaway PKI made with openssl for TLS tests: a CA, a server certificate for 127.0.0.1 and a
/// client certificate, all signed by the CA, in a folder of their own.
public final class TestCertificates: Sendable {
    /// The folder holding `ca.pem`, `server.pem`/`server.key` and `client.pem`/`client.key`.
    public let folder: URL

    /// Makes the files.
    public init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let commands = [
            "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=test-ca -keyout ca.key -out ca.pem",
            "openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout server.key -out server.csr",
            "printf 'subjectAltName=IP:127.0.0.1\\n' > server.ext",
            "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile server.ext -out server.pem",
            "openssl req -newkey rsa:2048 -nodes -subj /CN=client -keyout client.key -out client.csr",
            "openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -out client.pem",
        ]
        let output = try runProcess("/bin/sh", ["-c", "set -e; cd '\(folder.path)'; " + commands.joined(separator: "; ")])
        guard output.status == 0 else { throw TestPeerError("openssl: \(output.stderr)") }
    }

    deinit {
        try? FileManager.default.removeItem(at: folder)
    }

    /// The path of one of the files (`ca.pem`, `server.key`…).
    public func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
}
