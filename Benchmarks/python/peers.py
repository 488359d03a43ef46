"""The Python peers of the benchmark: prometheus_client and the official OpenTelemetry SDK.

Usage: peers.py RECEIVER_URL [burst]
Prints JSON with the same scenarios as telemetry-bench measures for the Swift libraries; with `burst`,
only the 200,000-span burst, so its peak RSS is that of a fresh process (as the Swift libraries' are).
"""
import json
import resource
import sys
import time
import urllib.request

from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF, ALWAYS_ON
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest


def per_op_ns(iterations, body, rounds=3):
    samples = []
    for _ in range(rounds):
        start = time.perf_counter_ns()
        for _ in range(iterations):
            body()
        samples.append((time.perf_counter_ns() - start) / iterations)
    return sorted(samples)[len(samples) // 2]


def spans(receiver, sampler, count, queue):
    provider = TracerProvider(resource=Resource.create({"service.name": "bench"}), sampler=sampler)
    provider.add_span_processor(BatchSpanProcessor(
        OTLPSpanExporter(endpoint=f"{receiver}/v1/traces"), max_queue_size=queue, max_export_batch_size=512))
    tracer = provider.get_tracer("bench")

    def one():
        span = tracer.start_span("process_batch")
        span.set_attribute("batch_size", 1000)
        span.set_attribute("source", "kafka")
        span.set_attribute("retry", False)
        span.end()

    cpu = time.process_time()
    calling = per_op_ns(count, one, rounds=1)
    provider.force_flush(timeout_millis=300_000)
    cpu_per_span = (time.process_time() - cpu) * 1e9 / count
    provider.shutdown()
    return calling, cpu_per_span


def delivered(receiver):
    with urllib.request.urlopen(f"{receiver}/count") as response:
        return int(response.read())


def burst(receiver):
    urllib.request.urlopen(urllib.request.Request(f"{receiver}/reset", method="POST")).read()
    count = 200_000
    start = time.perf_counter()
    spans(receiver, ALWAYS_ON, count, count)
    elapsed = time.perf_counter() - start
    return {
        "burst_spans_per_s": delivered(receiver) / elapsed,
        "burst_delivered": delivered(receiver),
        "burst_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }


def main():
    receiver = sys.argv[1]
    if sys.argv[2:] == ["burst"]:
        json.dump(burst(receiver), sys.stdout)
        return
    results = {}
    registry = CollectorRegistry()
    counter = Counter("executions_total", "x", ["pipeline_name", "status"], registry=registry)
    results["counter_labels_ns"] = per_op_ns(200_000, lambda: counter.labels(pipeline_name="data_processor", status="success").inc())
    child = counter.labels(pipeline_name="data_processor", status="success")
    results["counter_bound_ns"] = per_op_ns(500_000, child.inc)
    histogram = Histogram("latency_seconds", "x", ["a"], registry=registry,
                          buckets=[0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5])
    bound_histogram = histogram.labels(a="x")
    results["histogram_ns"] = per_op_ns(500_000, lambda: bound_histogram.observe(0.42))

    render_registry = CollectorRegistry()
    requests = Counter("requests_total", "Requests", ["path", "code"], registry=render_registry)
    for index in range(10_000):
        requests.labels(path=f"/api/v1/resource/{index // 10}", code=str(200 + index % 10)).inc()
    results["render_us"] = per_op_ns(5, lambda: generate_latest(render_registry)) / 1000

    urllib.request.urlopen(urllib.request.Request(f"{receiver}/reset", method="POST")).read()
    results["span_ns"], span_cpu_ns = spans(receiver, ALWAYS_ON, 20_000, 2048 * 16)
    if delivered(receiver) == 20_000:  # CPU per delivered span only when every span arrived
        results["span_cpu_ns"] = span_cpu_ns
    results["unsampled_ns"], _ = spans(receiver, ALWAYS_OFF, 100_000, 2048)

    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
