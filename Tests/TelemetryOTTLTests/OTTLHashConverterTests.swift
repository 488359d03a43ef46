import Foundation
import TelemetryOTLPData
import Testing

@testable import TelemetryOTTL

/// `SHA256`, `SHA1`, `MD5`, alone and as the `function` of `replace_pattern`.
@Suite("OTTL converters: SHA256, SHA1, MD5")
struct OTTLHashConverterTests {
    static func call(_ function: OTTLFunction, _ value: OTTLValue) throws -> OTTLValue {
        try OTTLFunctionFixture().run(function, [Arg.dynamic(value)])
    }

    // pkg/ottl/ottlfuncs/func_sha256_test.go @03267c0; e2e @008a0cb
    @Test("SHA256 is the lowercase hex digest; a non-string is an error")
    func sha256() throws {
        #expect(try Self.call(.sha256, .string("hello world")) == .string("b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"))
        #expect(try Self.call(.sha256, .string("")) == .string("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"))
        #expect(try Self.call(.sha256, .string("pass")) == .string("d74ff0ee8da3b9806b18c877dbf29bbde50b5bd8e4dad7a3a725000feb82e8f1"))
        #expect(throws: OTTLError("expected string but got int64")) { try Self.call(.sha256, .int(1)) }
        #expect(throws: OTTLError("expected string but got nil")) { try Self.call(.sha256, .null) }
    }

    // pkg/ottl/ottlfuncs/func_sha1_test.go, func_md5_test.go
    @Test("SHA1 and MD5")
    func sha1AndMD5() throws {
        #expect(try Self.call(.sha1, .string("hello world")) == .string("2aae6c35c94fcfb415dbe95f408b9ce91ee846ed"))
        #expect(try Self.call(.md5, .string("hello world")) == .string("5eb63bbbe01eeed093cb22bb8f5acdc3"))
        #expect(throws: OTTLError("expected string but got bool")) { try Self.call(.md5, .bool(true)) }
    }

    // pkg/ottl/e2e/e2e_test.go @008a0cb; ottlfuncs README @000d4c7 (the Collector YAML's $$1 is OTTL's $1)
    @Test("replace_pattern with SHA256 hashes each expanded match; with a format the hash goes into it")
    func replaceWithHash() throws {
        let fixture = try OTTLFunctionFixture([kv("http.path", .string("/health")), kv("name", .string("kube_pod_status"))])
        _ = try fixture.run(.replacePattern, [Arg.attribute("http.path"), Arg.string("/"), Arg.string("@"), Arg.function("SHA256")])
        #expect(fixture.attributes["http.path"] == .string("c3641f8544d7c02f3580b07c0f9887f0c6a27ff5ab1d4a3e29caf197cfc299aehealth"))
        _ = try fixture.run(
            .replacePattern, [Arg.attribute("name"), Arg.string("^kube_([0-9A-Za-z]+_)"), Arg.string("$1."), Arg.function("SHA256"), Arg.string("k8s.%s")])
        #expect(fixture.attributes["name"] == .string("k8s.6d84a506bd7fb1f256ed60c44bd7cd7fb1c12b2f531231e13db610d418021420status"))
    }

    @Test("A replacement function runs the same on a thread outside any Swift task (how the gateway's event loops call it)")
    func functionOutsideATask() throws {
        let fixture = try OTTLFunctionFixture([kv("x", .string("a-b"))])
        let editor = try OTTLFunctionFixture.compile(.replacePattern, [Arg.attribute("x"), Arg.string("[ab]"), Arg.string("$0"), Arg.function("ToUpperCase")])
        let done = DispatchSemaphore(value: 0)
        let item = UncheckedItem(item: fixture.item)
        let outcome = LockedResult()
        let thread = Thread {
            outcome.set(Result { () throws(OTTLError) -> OTTLValue in try editor(item.item) })
            done.signal()
        }
        thread.start()
        done.wait()
        _ = try #require(outcome.get()).get()
        #expect(fixture.attributes["x"] == .string("A-B"))
    }
}

/// The item handed to a plain thread (the test waits for it, so nothing is shared at once).
private struct UncheckedItem: @unchecked Sendable {
    let item: OTTLItem
}

/// The thread's result.
private final class LockedResult: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Result<OTTLValue, OTTLError>?

    func set(_ value: Result<OTTLValue, OTTLError>) { lock.withLock { result = value } }
    func get() -> Result<OTTLValue, OTTLError>? { lock.withLock { result } }
}
