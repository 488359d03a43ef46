"""Sends the data an editing gateway changes, with the official OpenTelemetry Python SDK over OTLP/HTTP
(protobuf): a health check span, a server span with personal data, a card number in its URL and a 5xx,
and its untouched child; request counters (one point of them a health check) and a health check
histogram; log records at DEBUG, INFO (personal data), without severity (a card number in the body)
and WARN (a password in the body).

Usage: otel_sdk_edit.py ENDPOINT
Flushes everything, then prints JSON: each span's name, ids and times, each log record's body and time,
the keys of the resource the SDK sent, and the SHA-256 (hex) of the e-mail address it sent.
"""
import hashlib
import json
import sys
import time

from opentelemetry._logs import SeverityNumber
from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import BatchLogRecordProcessor
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import SpanKind

EMAIL = "ada@example.com"


def send_spans(endpoint, resource):
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=f"{endpoint}/v1/traces")))
    tracer = provider.get_tracer("checkout")
    with tracer.start_as_current_span("GET /healthz", kind=SpanKind.SERVER,
                                      attributes={"http.request.method": "GET", "http.route": "/healthz"}) as health:
        pass
    with tracer.start_as_current_span("GET /cart/42", kind=SpanKind.SERVER, attributes={
        "http.request.method": "GET",
        "http.route": "/cart/{id}",
        "http.url": "https://shop.example.com/cart/42?card=4111111111111111",
        "http.response.status_code": 503,
        "user.email": EMAIL,
        "auth.token": "s3cr3t-token",
        "session.id": "5f2b",
        "user_agent.original": "Mozilla/5.0 " + "x" * 300,
    }) as cart:
        with tracer.start_as_current_span("SELECT orders", kind=SpanKind.CLIENT,
                                          attributes={"db.system": "postgresql"}) as query:
            pass
    provider.force_flush()
    provider.shutdown()
    spans = []
    for span in (health, cart, query):
        context = span.get_span_context()
        spans.append({
            "name": span.name,
            "trace_id": format(context.trace_id, "032x"),
            "span_id": format(context.span_id, "016x"),
            "parent_span_id": format(span.parent.span_id, "016x") if span.parent else None,
            "start": span.start_time,
            "end": span.end_time,
        })
    return spans


def send_metrics(endpoint, resource):
    reader = PeriodicExportingMetricReader(OTLPMetricExporter(endpoint=f"{endpoint}/v1/metrics"),
                                           export_interval_millis=60_000)
    provider = MeterProvider(resource=resource, metric_readers=[reader])
    meter = provider.get_meter("checkout")
    meter.create_counter("orders.processed").add(7, {"region": "eu"})
    requests = meter.create_counter("http.server.requests")
    requests.add(5, {"http.route": "/cart/{id}"})
    requests.add(3, {"http.route": "/healthz"})
    meter.create_histogram("http.server.duration").record(0.004, {"http.route": "/healthz"})
    provider.shutdown()  # exports once (a force_flush before it would send the cumulative points twice)


def send_logs(endpoint, resource):
    provider = LoggerProvider(resource=resource)
    provider.add_log_record_processor(BatchLogRecordProcessor(OTLPLogExporter(endpoint=f"{endpoint}/v1/logs")))
    logger = provider.get_logger("checkout")
    records = [
        dict(severity_number=SeverityNumber.DEBUG, severity_text="DEBUG", body="cache warmed in 3 ms"),
        dict(severity_number=SeverityNumber.INFO, severity_text="INFO", body="login ok",
             attributes={"user.email": EMAIL, "auth.token": "s3cr3t-token", "session.id": "5f2b"}),
        dict(body="ERROR payment declined for card 5555555555554444", attributes={"order.id": 42}),
        dict(severity_number=SeverityNumber.WARN, severity_text="WARN", body="login retry password=hunter2 for ada"),
    ]
    sent = []
    for record in records:
        timestamp = time.time_ns()
        logger.emit(timestamp=timestamp, **record)
        sent.append({"body": record["body"], "time": timestamp})
    provider.force_flush()
    provider.shutdown()
    return sent


def main():
    endpoint = sys.argv[1].rstrip("/")
    resource = Resource.create({"service.name": "checkout", "service.version": "1.4.2"})
    sent = {"spans": send_spans(endpoint, resource)}
    send_metrics(endpoint, resource)
    sent["logs"] = send_logs(endpoint, resource)
    sent["resource_keys"] = sorted(resource.attributes.keys())
    sent["email_sha256"] = hashlib.sha256(EMAIL.encode()).hexdigest()
    json.dump(sent, sys.stdout)


if __name__ == "__main__":
    main()
