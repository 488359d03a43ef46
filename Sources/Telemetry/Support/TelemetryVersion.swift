/// The version of this library, reported as `telemetry.sdk.version` and in `User-Agent`.
public enum TelemetryVersion {
    /// The current version.
    public static let current = "0.1.0"
}
