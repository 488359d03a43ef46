import Telemetry
import TelemetryHTTP

/// An exporter's `headers_setter` rules bound to its configured `headers`: for each batch, the headers
/// its request metadata sets, as overrides of the configured ones (`HeaderField.overriding`).
///
/// The rules run in order on the configured headers, as the Collector's do on an HTTP request: `insert`
/// sets a header that is absent or empty, `update` one that is present and not empty, `upsert` always,
/// `delete` removes it. `from_context` takes the first value of its metadata key, else `default_value`,
/// else empty; a header whose value ends up empty is not sent. A metadata value holding a control
/// character (CR, LF, NUL…) would break the header line: that rule is skipped (no `default_value`
/// either, so the batch never lands in a default tenant) and counted in
/// `telemetry_exporter_header_values_dropped_total{exporter, header}`; the value is never logged.
package struct OutgoingHeaders: Sendable {
    private let rules: [HeadersSetterSettings.Rule]
    private let configured: [String: (name: String, value: String)]
    private let dropped: TelemetryCounter
    private let exporter: String

    /// The rules of `settings` over `configured` headers, counting skipped values of `exporter` in `collector`.
    package init(_ settings: HeadersSetterSettings, configured: [String: String], exporter: String, collector: MetricsCollector) {
        rules = settings.rules
        var byName: [String: (name: String, value: String)] = [:]
        for (name, value) in configured { byName[name.lowercased()] = (name, value) }
        self.configured = byName
        self.exporter = exporter
        dropped = collector.selfMetricCounter(
            "telemetry_exporter_header_values_dropped_total",
            help: "Request metadata values not sent as a header because they hold a control character", labels: ["exporter", "header"])
    }

    /// The headers `metadata` sets: each header a rule touched, with its final value (empty: not sent,
    /// and a configured header of that name is not sent either).
    package func overrides(for metadata: RequestMetadata) -> [(name: String, value: String)] {
        var current = configured
        var touched: [(lowered: String, name: String)] = []
        for rule in rules {
            let lowered = rule.key.lowercased()
            let value: String
            switch rule.source {
            case .none:
                value = ""
            case .value(let fixed):
                value = fixed
            case .context(let key, let defaultValue):
                if let first = metadata[key].first {
                    guard HeaderField.isValidValue(first) else {
                        // Not sent at all: neither a default nor the configured header of that name may stand in.
                        dropped.inc(["exporter": exporter, "header": rule.key])
                        current[lowered] = nil
                        if !touched.contains(where: { $0.lowered == lowered }) { touched.append((lowered, rule.key)) }
                        continue
                    }
                    value = first
                } else {
                    value = defaultValue ?? ""
                }
            }
            let present = !(current[lowered]?.value.isEmpty ?? true)
            switch rule.action {
            case .insert where !present, .update where present, .upsert:
                current[lowered] = (rule.key, value)
            case .delete:
                current[lowered] = nil
            case .insert, .update:
                continue
            }
            if !touched.contains(where: { $0.lowered == lowered }) { touched.append((lowered, rule.key)) }
        }
        return touched.map { entry in (name: current[entry.lowered]?.name ?? entry.name, value: current[entry.lowered]?.value ?? "") }
    }
}
