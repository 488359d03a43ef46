import CFuzzerDriver
import TelemetryGatewayTesting

#if canImport(Glibc)
import Glibc
#endif

/// The `decode-amplification` target: see `FuzzInputs.decodeAmplification`.
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
    FuzzInputs.run("decode-amplification", data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
})
