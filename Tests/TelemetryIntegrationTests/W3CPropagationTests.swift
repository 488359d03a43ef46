import Telemetry
import Testing
import Tracing

/// A plain dictionary carrier for inject/extract.
struct HeaderInjector: Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) { carrier[key] = value }
}

struct HeaderExtractor: Extractor {
    func extract(key: String, from carrier: [String: String]) -> String? { carrier[key] }
}

@Suite("W3C Trace Context and Baggage")
struct W3CPropagationTests {
    @Test("The specification's valid traceparent examples parse; the flags, ids and remote flag are kept")
    func validExamples() throws {
        let context = try #require(W3CTraceParent.parse("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"))
        #expect(context.traceID.description == "0af7651916cd43dd8448eb211c80319c")
        #expect(context.spanID.description == "b7ad6b7169203331")
        #expect(context.isSampled && context.isRemote)
        let unsampled = try #require(W3CTraceParent.parse("00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-00"))
        #expect(!unsampled.isSampled)
        let random = try #require(W3CTraceParent.parse("00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-03"))
        #expect(random.traceFlags == 0x03)
        // A future version may add fields after the flags.
        #expect(W3CTraceParent.parse("cc-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01-what-the-future-will-be-like") != nil)
        #expect(W3CTraceParent.format(context) == "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
    }

    @Test("Invalid traceparent values are ignored", arguments: [
        "ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",  // forbidden version
        "00-00000000000000000000000000000000-b7ad6b7169203331-01",  // zero trace id
        "00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01",  // zero span id
        "00-0AF7651916CD43DD8448EB211C80319C-B7AD6B7169203331-01",  // upper case
        "00-0af7651916cd43dd8448eb211c80319-b7ad6b7169203331-01",  // short trace id
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra",  // version 00 with extra fields
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b716920333z-01",  // not hex
        "00_0af7651916cd43dd8448eb211c80319c_b7ad6b7169203331_01",
        "", "garbage",
    ])
    func invalidExamples(header: String) {
        #expect(W3CTraceParent.parse(header) == nil)
    }

    @Test("Baggage: the specification's example, percent-encoding, properties, limits")
    func baggage() {
        let parsed = W3CBaggage.parse("key1=value1;property1;property2, key2 = value2, key3=value3; propertyKey=propertyValue")
        #expect(parsed == ["key1": "value1", "key2": "value2", "key3": "value3"])
        #expect(W3CBaggage.parse("user=J%C3%BCrgen,bad key=x,=novalue,ok=%zz") == ["user": "Jürgen"])
        #expect(W3CBaggage.format(["user": "Jürgen Ü", "a": "1"]) == "a=1,user=J%C3%BCrgen%20%C3%9C")
        #expect(W3CBaggage.parse(String(repeating: "k=v,", count: 3000)).isEmpty, "over 8192 bytes is ignored")
        let many = (0..<300).map { "k\($0)=v" }.joined(separator: ",")
        #expect(W3CBaggage.parse(many).count == 180)
    }

    @Test("Baggage members that are only properties or separators are skipped without a trap")
    func baggageEdgeCases() {
        #expect(W3CBaggage.parse(";").isEmpty)
        #expect(W3CBaggage.parse(";;,;,,").isEmpty)
        #expect(W3CBaggage.parse("k=v,;admin=1") == ["k": "v"], "a property is not an entry")
        #expect(W3CBaggage.parse("k=v;;admin=1,=,==,;=") == ["k": "v"])
        #expect(W3CBaggage.parse("empty=") == ["empty": ""], "an empty value is allowed")
        #expect(W3CBaggage.parse("a=%") .isEmpty && W3CBaggage.parse("a=%4").isEmpty)
    }

    @Test("Inject and extract round-trip through swift-distributed-tracing's Injector/Extractor")
    func roundTrip() throws {
        let tracer = SimpleTracer()
        let span = tracer.startSpan("client", kind: .client)
        var context = ServiceContext.topLevel
        context.baggage = ["tenant": "acme"]
        let outgoing = span.serviceContext(basedOn: context)
        var headers: [String: String] = [:]
        tracer.inject(outgoing, into: &headers, using: HeaderInjector())
        #expect(headers["traceparent"] == "00-\(span.traceID)-\(span.spanID)-03")
        #expect(headers["baggage"] == "tenant=acme")

        var incoming = ServiceContext.topLevel
        tracer.extract(headers.merging(["tracestate": "vendor=1,INVALID=2"]) { $1 }, into: &incoming, using: HeaderExtractor())
        let remote = try #require(incoming.remoteSpanContext)
        #expect(remote.traceID == span.traceID && remote.spanID == span.spanID && remote.isRemote)
        #expect(remote.traceState == "vendor=1")
        #expect(incoming.baggage == ["tenant": "acme"])

        var untouched = ServiceContext.topLevel
        tracer.extract(["traceparent": "nonsense", "baggage": "%%%"], into: &untouched, using: HeaderExtractor())
        #expect(untouched.remoteSpanContext == nil && untouched.baggage.isEmpty)
    }

    @Test("ParentBased honours an extracted remote parent's sampled flag")
    func remoteParentDecides() throws {
        let tracer = SimpleTracer(sampler: .parentBased(root: .alwaysOn))
        for (flags, sampled) in [("00", false), ("01", true)] {
            var context = ServiceContext.topLevel
            tracer.extract(
                ["traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-\(flags)"], into: &context,
                using: HeaderExtractor())
            let span = tracer.startSpan("server", context: context, ofKind: .server)
            #expect(span.span.context.isSampled == sampled)
            #expect(span.span.parentSpanID?.description == "b7ad6b7169203331")
            #expect(span.span.traceID.description == "0af7651916cd43dd8448eb211c80319c")
            span.end()
        }
    }
}
