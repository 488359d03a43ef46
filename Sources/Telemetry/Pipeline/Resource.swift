/// The entity producing telemetry: `service.name`, the SDK's identity, and any other attributes.
public struct Resource: Sendable, Hashable {
    /// The resource attributes.
    public var attributes: [String: AttributeValue]

    /// Creates a resource from explicit attributes.
    public init(attributes: [String: AttributeValue]) {
        self.attributes = attributes
    }

    /// The SDK's own attributes: `telemetry.sdk.name/language/version`.
    public static let sdkAttributes: [String: AttributeValue] = [
        "telemetry.sdk.name": "swift-telemetry", "telemetry.sdk.language": "swift",
        "telemetry.sdk.version": .string(TelemetryVersion.current),
    ]

    /// A resource for `serviceName` with the SDK attributes and `extra` attributes (which win on conflicts,
    /// except `service.name`).
    public init(serviceName: String, extra: [String: AttributeValue] = [:]) {
        var attributes = Self.sdkAttributes.merging(extra) { $1 }
        attributes["service.name"] = .string(serviceName)
        self.attributes = attributes
    }

    /// `service.name`, or `unknown_service` when missing.
    public var serviceName: String {
        if case .string(let name)? = attributes["service.name"] { return name }
        return "unknown_service"
    }
}

/// The instrumentation scope reported with exported telemetry.
public struct InstrumentationScope: Sendable, Hashable {
    /// The scope name.
    public var name: String
    /// The scope version.
    public var version: String

    /// Creates a scope.
    public init(name: String, version: String) {
        self.name = name
        self.version = version
    }

    /// This library's scope.
    public static let library = InstrumentationScope(name: "swift-telemetry", version: TelemetryVersion.current)
}
