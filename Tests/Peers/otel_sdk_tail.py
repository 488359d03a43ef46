"""Sends traces with the official OpenTelemetry Python SDK over OTLP/HTTP for tail sampling tests.

Usage: otel_sdk_tail.py ENDPOINTS TRACES
ENDPOINTS is a comma-separated list of gateway base URLs; span i of a trace goes to endpoint
(trace + i) % len(ENDPOINTS), so with several gateways the spans of one trace arrive at different ones.
Each trace has a root, a child and a grandchild. Every tenth trace has an error on the grandchild,
every tenth (offset 1) a root of 700 ms; the rest take 20 ms. Prints JSON: trace ids (hex) by kind.
"""
import json
import sys
import time

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import Status, StatusCode


def main():
    endpoints = [endpoint.rstrip("/") for endpoint in sys.argv[1].split(",")]
    count = int(sys.argv[2])
    providers = []
    for endpoint in endpoints:
        provider = TracerProvider(resource=Resource.create({"service.name": "tail-sampling-peer"}))
        provider.add_span_processor(BatchSpanProcessor(
            OTLPSpanExporter(endpoint=f"{endpoint}/v1/traces"), max_export_batch_size=128, schedule_delay_millis=50))
        providers.append(provider)
    tracers = [provider.get_tracer("tail-peer") for provider in providers]
    kinds = {"error": [], "slow": [], "normal": []}
    now = time.time_ns()
    for number in range(count):
        kind = "error" if number % 10 == 0 else "slow" if number % 10 == 1 else "normal"
        duration = 700_000_000 if kind == "slow" else 20_000_000
        start = now + number * 1_000
        pick = lambda offset: tracers[(number + offset) % len(tracers)]
        root = pick(0).start_span("GET /checkout", start_time=start)
        root_context = trace.set_span_in_context(root)
        child = pick(1).start_span("charge", context=root_context, start_time=start + 1_000)
        grandchild = pick(2).start_span("card-api", context=trace.set_span_in_context(child), start_time=start + 2_000)
        if kind == "error":
            grandchild.set_status(Status(StatusCode.ERROR, "declined"))
        grandchild.end(end_time=start + 5_000_000)
        child.end(end_time=start + 10_000_000)
        root.end(end_time=start + duration)
        kinds[kind].append(format(root.get_span_context().trace_id, "032x"))
    for provider in providers:
        provider.force_flush()
        provider.shutdown()
    json.dump(kinds, sys.stdout)


if __name__ == "__main__":
    main()
