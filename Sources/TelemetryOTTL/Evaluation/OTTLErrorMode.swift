/// What a failing statement or condition does (the Collector's `error_mode`).
public enum OTTLErrorMode: String, Sendable, CaseIterable {
    /// The error fails the request: it is dropped and the client told (the Collector returns the error).
    case propagate
    /// The error is logged and the next statement runs (a failing condition counts as false).
    case ignore
    /// Like `ignore`, without the log.
    case silent
}

/// How the errors `OTTLErrorMode.ignore` lets pass are reported (a logger, in the gateway).
public typealias OTTLErrorReport = @Sendable (_ message: String, _ statement: String) -> Void
