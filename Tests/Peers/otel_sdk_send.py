"""Sends spans and metrics with the official OpenTelemetry Python SDK over OTLP/HTTP (protobuf).

Usage: otel_sdk_send.py ENDPOINT
Creates a parent and a child span (attributes, an event, an error status) and a counter, histogram and
gauge; flushes; prints JSON describing what it sent: span ids, names, attributes and metric values.
"""
import json
import sys

from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import Status, StatusCode


def main():
    endpoint = sys.argv[1].rstrip("/")
    resource = Resource.create({"service.name": "python-sdk-service"})
    tracer_provider = TracerProvider(resource=resource)
    tracer_provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=f"{endpoint}/v1/traces")))
    tracer = tracer_provider.get_tracer("peer-test")
    sent = {"spans": []}
    with tracer.start_as_current_span("checkout", attributes={"order.id": 42, "customer": "ada"}) as parent:
        parent.add_event("payment.authorized", {"amount": 12.5})
        with tracer.start_as_current_span("charge_card") as child:
            child.set_attribute("card.last4", "4242")
            child.set_status(Status(StatusCode.ERROR, "declined"))
    for span in (parent, child):
        context = span.get_span_context()
        sent["spans"].append({
            "name": span.name,
            "trace_id": format(context.trace_id, "032x"),
            "span_id": format(context.span_id, "016x"),
            "parent_span_id": format(span.parent.span_id, "016x") if span.parent else None,
            "start": span.start_time,
            "end": span.end_time,
        })
    tracer_provider.force_flush()
    tracer_provider.shutdown()

    reader = PeriodicExportingMetricReader(OTLPMetricExporter(endpoint=f"{endpoint}/v1/metrics"),
                                           export_interval_millis=60_000)
    meter_provider = MeterProvider(resource=resource, metric_readers=[reader])
    meter = meter_provider.get_meter("peer-test")
    meter.create_counter("orders.processed").add(7, {"region": "eu"})
    meter.create_histogram("order.value").record(12.5)
    meter.create_up_down_counter("queue.depth").add(-3)
    meter_provider.force_flush()
    meter_provider.shutdown()
    sent["metrics"] = {"orders.processed": 7, "order.value.sum": 12.5, "queue.depth": -3}
    json.dump(sent, sys.stdout)


if __name__ == "__main__":
    main()
