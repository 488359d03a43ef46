import CFuzzerDriver
import TelemetryGatewayTesting

#if canImport(Glibc)
import Glibc
#endif

/// The `ottl-eval` target: see `FuzzInputs`.
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
    FuzzInputs.run("ottl-eval", data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
})
