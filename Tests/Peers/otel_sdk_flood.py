"""Floods a gateway with spans from the official OpenTelemetry Python SDK, several providers at once,
each span carrying a 1 KiB attribute; the SDK retries 429 answers (honouring Retry-After) within its
30 s export timeout.

Usage: otel_sdk_flood.py ENDPOINT PROVIDERS SPANS_EACH
Prints JSON: {"ended": spans ended, "failed_exports": exports the SDK gave up on}.
"""
import json
import sys
import threading

from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExportResult

failed = 0
lock = threading.Lock()


class CountingExporter(OTLPSpanExporter):
    def export(self, spans):
        result = super().export(spans)
        if result != SpanExportResult.SUCCESS:
            global failed
            with lock:
                failed += 1
        return result


def run(endpoint, index, count):
    provider = TracerProvider(resource=Resource.create({"service.name": f"flood-{index}"}))
    provider.add_span_processor(BatchSpanProcessor(
        CountingExporter(endpoint=f"{endpoint}/v1/traces", timeout=30), max_queue_size=count, max_export_batch_size=256))
    tracer = provider.get_tracer("flood")
    payload = "x" * 1024
    for number in range(count):
        with tracer.start_as_current_span("work", attributes={"payload": payload, "n": number}):
            pass
    provider.force_flush(60_000)
    provider.shutdown()


def main():
    endpoint, providers, each = sys.argv[1].rstrip("/"), int(sys.argv[2]), int(sys.argv[3])
    threads = [threading.Thread(target=run, args=(endpoint, index, each)) for index in range(providers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    json.dump({"ended": providers * each, "failed_exports": failed}, sys.stdout)


if __name__ == "__main__":
    main()
