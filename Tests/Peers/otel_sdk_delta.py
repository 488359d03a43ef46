"""Sends metrics with the official OpenTelemetry Python SDK set to delta temporality, as SDKs configured
for delta backends do: each export holds the change since the previous one, its start time advancing.

Usage: otel_sdk_delta.py ENDPOINT
Adds 5 to a counter and records 1.0 and 3.0 in a histogram, exports; adds 2 and records 5.0, exports.
Prints JSON with the totals a backend should show: {"jobs.done": 7, "job.seconds.count": 3, "job.seconds.sum": 9}.
"""
import json
import sys

from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
from opentelemetry.sdk.metrics import Counter, Histogram, MeterProvider, UpDownCounter
from opentelemetry.sdk.metrics.export import AggregationTemporality, PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource


def main():
    endpoint = sys.argv[1].rstrip("/")
    delta = {Counter: AggregationTemporality.DELTA, Histogram: AggregationTemporality.DELTA,
             UpDownCounter: AggregationTemporality.DELTA}
    exporter = OTLPMetricExporter(endpoint=f"{endpoint}/v1/metrics", preferred_temporality=delta)
    reader = PeriodicExportingMetricReader(exporter, export_interval_millis=3_600_000)
    provider = MeterProvider(resource=Resource.create({"service.name": "delta-service"}), metric_readers=[reader])
    meter = provider.get_meter("delta-test")
    jobs = meter.create_counter("jobs.done")
    seconds = meter.create_histogram("job.seconds", explicit_bucket_boundaries_advisory=[2.0, 4.0])
    jobs.add(5, {"queue": "a"})
    seconds.record(1.0, {"queue": "a"})
    seconds.record(3.0, {"queue": "a"})
    provider.force_flush()
    jobs.add(2, {"queue": "a"})
    seconds.record(5.0, {"queue": "a"})
    provider.force_flush()
    provider.shutdown()
    json.dump({"jobs.done": 7, "job.seconds.count": 3, "job.seconds.sum": 9}, sys.stdout)


if __name__ == "__main__":
    main()
