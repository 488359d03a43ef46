import Telemetry

/// `Now` and `UnixNano` (`pkg/ottl/ottlfuncs/func_now.go`, `func_unix_nano.go`). OTTL has no time value
/// here: a time is an `.int` of nanoseconds since the Unix epoch (what `time_unix_nano` paths hold), so
/// `Now() - Now()` is plain int math and `UnixNano` returns its argument.
extension OTTLFunction {
    /// `Now()`: the wall-clock time, in nanoseconds since the epoch.
    static let now = OTTLFunction(name: "Now", kind: .converter, parameters: [], required: 0) { _, _, _ throws(OTTLCompileError) in
        { _ throws(OTTLError) in .int(Int64(clamping: WallClock.nowNanos())) }
    }

    /// `UnixNano(time)`: the time's nanoseconds since the epoch; anything but a time (an int) is an error.
    static let unixNano = converter("UnixNano", parameter: "time") { value throws(OTTLError) in
        guard case .int = value else { throw OTTLError("expected time but got \(value.goTypeName)") }
        return value
    }
}
