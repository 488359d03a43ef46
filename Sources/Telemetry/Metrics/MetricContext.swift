/// What a series needs to report a refused measurement: the metric's name and its collector's issue counter.
struct MetricContext: Sendable {
    let name: String
    let issues: RecordingIssues?

    /// Reports a measurement refused for its value (a negative counter increment, NaN, infinity).
    func rejectValue(_ detail: String) {
        issues?.rejected(metric: name, reason: "invalid_value", detail: detail)
    }
}
