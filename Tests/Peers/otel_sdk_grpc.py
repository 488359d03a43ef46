"""Sends traces, metrics and logs with the official OpenTelemetry Python SDK over OTLP/gRPC.

Usage: otel_sdk_grpc.py ENDPOINT COMPRESSION [TOKEN]
ENDPOINT is host:port; COMPRESSION is none or gzip; TOKEN, when given, is sent as a bearer token. With
OTLP_CA_FILE set the channel uses TLS trusting that CA, and with OTLP_CLIENT_CERT and OTLP_CLIENT_KEY it
presents that client certificate (mutual TLS); plaintext otherwise. Prints JSON: the span ids sent, the counter value and the log body, and whether each export
succeeded.
"""
import json
import logging
import os
import sys

import grpc

from opentelemetry.exporter.otlp.proto.grpc._log_exporter import OTLPLogExporter
from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter
from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
from opentelemetry.exporter.otlp.proto.grpc.exporter import Compression
from opentelemetry.sdk._logs import LoggerProvider, LoggingHandler
from opentelemetry.sdk._logs.export import SimpleLogRecordProcessor
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor


def main():
    endpoint = sys.argv[1]
    compression = Compression.Gzip if sys.argv[2] == "gzip" else Compression.NoCompression
    headers = (("authorization", f"Bearer {sys.argv[3]}"),) if len(sys.argv) > 3 else None
    options = dict(endpoint=endpoint, insecure=True, compression=compression, headers=headers, timeout=10)
    if os.environ.get("OTLP_CA_FILE"):
        def read(name):
            path = os.environ.get(name)
            return open(path, "rb").read() if path else None
        options["insecure"] = False
        options["credentials"] = grpc.ssl_channel_credentials(
            root_certificates=read("OTLP_CA_FILE"), private_key=read("OTLP_CLIENT_KEY"),
            certificate_chain=read("OTLP_CLIENT_CERT"))
    resource = Resource.create({"service.name": "python-grpc-service"})
    sent = {}

    spans = OTLPSpanExporter(**options)
    tracer_provider = TracerProvider(resource=resource)
    tracer_provider.add_span_processor(SimpleSpanProcessor(spans))
    tracer = tracer_provider.get_tracer("grpc-peer")
    with tracer.start_as_current_span("grpc-parent") as parent:
        with tracer.start_as_current_span("grpc-child") as child:
            child.set_attribute("order.id", 42)
    sent["span_ids"] = [format(span.get_span_context().span_id, "016x") for span in (parent, child)]
    tracer_provider.shutdown()

    reader = PeriodicExportingMetricReader(OTLPMetricExporter(**options), export_interval_millis=60_000)
    meter_provider = MeterProvider(resource=resource, metric_readers=[reader])
    meter_provider.get_meter("grpc-peer").create_counter("grpc.orders").add(5, {"region": "eu"})
    sent["metrics_flushed"] = meter_provider.force_flush()
    meter_provider.shutdown()

    logger_provider = LoggerProvider(resource=resource)
    logger_provider.add_log_record_processor(SimpleLogRecordProcessor(OTLPLogExporter(**options)))
    logger = logging.getLogger("grpc-peer")
    logger.addHandler(LoggingHandler(logger_provider=logger_provider))
    logger.setLevel(logging.INFO)
    logger.warning("payment retried over grpc")
    logger_provider.shutdown()
    sent["log_body"] = "payment retried over grpc"
    json.dump(sent, sys.stdout)


if __name__ == "__main__":
    main()
