import Telemetry

/// Builds resources from the OpenTelemetry environment variables.
enum OpenTelemetryResources {
    /// The SDK attributes, `coded` attributes overridden by `OTEL_RESOURCE_ATTRIBUTES`, and the service name: `OTEL_SERVICE_NAME` when set,
    /// else `serviceName`, else `service.name` from the attributes, else `unknown_service:swift`.
    static func fromEnvironment(
        _ environment: OTLPEnvironment, serviceName: String?, attributes coded: [String: AttributeValue] = [:]
    ) -> Resource {
        let attributes = coded.merging(environment.resourceAttributes) { $1 }
        let fromAttributes: String? = if case .string(let name)? = attributes["service.name"] { name } else { nil }
        let name = environment.serviceName ?? serviceName ?? fromAttributes ?? "unknown_service:swift"
        return Resource(serviceName: name, extra: attributes)
    }
}
