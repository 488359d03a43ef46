"""Sends spans of one tenant with the official OpenTelemetry Python SDK, over OTLP/HTTP or OTLP/gRPC.

Usage: otel_sdk_tenant.py PROTOCOL ENDPOINT TENANT NAME [COUNT]
PROTOCOL is http (ENDPOINT a base URL) or grpc (ENDPOINT host:port, plaintext); TENANT is sent as the
`X-Tenant` header (gRPC metadata `x-tenant`), or nothing when it is `-`. Makes COUNT (default 2) spans
named NAME-0, NAME-1, … with resource attribute `tenant`, exports them in one call, and prints JSON: the
span ids and whether the export succeeded.
"""
import json
import sys

from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExportResult
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter


def main():
    protocol, endpoint, tenant, name = sys.argv[1:5]
    count = int(sys.argv[5]) if len(sys.argv) > 5 else 2
    if protocol == "http":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        headers = {"X-Tenant": tenant} if tenant != "-" else None
        exporter = OTLPSpanExporter(endpoint=f"{endpoint.rstrip('/')}/v1/traces", headers=headers, timeout=10)
    else:
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
        headers = (("x-tenant", tenant),) if tenant != "-" else None
        exporter = OTLPSpanExporter(endpoint=endpoint, insecure=True, headers=headers, timeout=10)
    finished = InMemorySpanExporter()
    provider = TracerProvider(resource=Resource.create({"service.name": "tenant-peer", "tenant": tenant}))
    provider.add_span_processor(SimpleSpanProcessor(finished))
    tracer = provider.get_tracer("tenant-peer")
    for index in range(count):
        with tracer.start_as_current_span(f"{name}-{index}"):
            pass
    spans = finished.get_finished_spans()
    result = exporter.export(spans)
    exporter.shutdown()
    json.dump({
        "span_ids": [format(span.get_span_context().span_id, "016x") for span in spans],
        "ok": result == SpanExportResult.SUCCESS,
    }, sys.stdout)


if __name__ == "__main__":
    main()
