"""Writes the fuzz targets' seed corpora (Fuzz/Corpus/TARGET/) from real client output: requests the
official OpenTelemetry Python SDK encodes (spans, every metric kind, logs, with attributes nested a few
levels), the specification's OTLP/JSON examples, the shipped configurations, and sample headers.

Usage (from the repository root, after scripts/setup): .venv/bin/python3 Fuzz/make_seeds.py
"""
import gzip
import hashlib
import logging
import pathlib

from google.protobuf import duration_pb2
from google.rpc import error_details_pb2, status_pb2
from opentelemetry._logs import SeverityNumber
from opentelemetry.exporter.otlp.proto.common._log_encoder import encode_logs
from opentelemetry.exporter.otlp.proto.common.metrics_encoder import encode_metrics
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.sdk._logs import LoggerProvider, LoggingHandler
from opentelemetry.sdk._logs.export import InMemoryLogRecordExporter, SimpleLogRecordProcessor
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import Status, StatusCode

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "Fuzz" / "Corpus"
RESOURCE = Resource.create({"service.name": "seed", "deployment.environment": "fuzz"})


def write(target, data):
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / hashlib.sha1(data).hexdigest()[:16]).write_bytes(data)


def requests():
    spans = InMemorySpanExporter()
    tracer_provider = TracerProvider(resource=RESOURCE)
    tracer_provider.add_span_processor(SimpleSpanProcessor(spans))
    tracer = tracer_provider.get_tracer("seed")
    with tracer.start_as_current_span("checkout", attributes={"order.id": 42, "tags": ["a", "b"], "ok": True}) as parent:
        parent.add_event("paid", {"amount": 12.5})
        with tracer.start_as_current_span("charge", links=[]) as child:
            child.set_status(Status(StatusCode.ERROR, "declined"))
    traces = encode_spans(spans.get_finished_spans()).SerializeToString()

    reader = InMemoryMetricReader()
    meter_provider = MeterProvider(resource=RESOURCE, metric_readers=[reader])
    meter = meter_provider.get_meter("seed")
    meter.create_counter("orders.processed").add(7, {"region": "eu"})
    meter.create_histogram("order.value").record(12.5, {"currency": "EUR"})
    meter.create_up_down_counter("queue.depth").add(-3)
    meter.create_gauge("temperature").set(21.5)
    metrics = encode_metrics(reader.get_metrics_data()).SerializeToString()

    logs = InMemoryLogRecordExporter()
    logger_provider = LoggerProvider(resource=RESOURCE)
    logger_provider.add_log_record_processor(SimpleLogRecordProcessor(logs))
    logger = logging.getLogger("seed")
    logger.addHandler(LoggingHandler(level=logging.INFO, logger_provider=logger_provider))
    logger.setLevel(logging.INFO)
    with tracer.start_as_current_span("logged"):
        logger.warning("disk %s is full", "/var", extra={"disk.free": 0, "nested": {"a": [1, 2]}})
    records = encode_logs(logs.get_finished_logs()).SerializeToString()
    return [traces, metrics, records]


# OTLP/JSON the reader must handle: escapes and surrogate pairs, packed and big numbers in every
# spelling, unknown nested fields, duplicate keys, nesting near the limit, and issue 28 item 4's shape.
JSON_SEEDS = [
    (2, r'{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"a\"\\\/\b\u00e9\ud83d\ude00\u0000"},'
        r'"severityNumber":"SEVERITY_NUMBER_WARN","traceId":"0102030405060708090A0B0C0D0E0F10","spanId":"a1b2c3d4e5f60718",'
        r'"timeUnixNano":1.7e18,"flags":"1","attributes":[{"key":"b","value":{"bytesValue":"-_8"}},{"key":"d","value":{"doubleValue":"NaN"}}]}]}]}]}'),
    (1, r'{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"h","histogram":{"aggregationTemporality":"AGGREGATION_TEMPORALITY_DELTA",'
        r'"dataPoints":[{"bucketCounts":[1,"2",0,1e3],"explicitBounds":[0.5,"Infinity",-0.0],"count":"1004","sum":1.5,"min":0,"max":9}]}},'
        r'{"name":"e","exponentialHistogram":{"dataPoints":[{"scale":-3,"zeroCount":"18446744073709551615",'
        r'"positive":{"offset":-7,"bucketCounts":["1",2,3]},"negative":{}}]}},'
        r'{"name":"s","summary":{"dataPoints":[{"quantileValues":[{"quantile":0.30000000000000004,"value":1}]}]}}]}]}]}'),
    (0, r'{"resourceSpans":[{"resource":{"attributes":[]},"future":{"a":[1,{"b":null,"c":[[],{}]}],"d":-1.5e3},"scopeSpans":[{"spans":['
        r'{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"a","name":"b","kind":2,"kind":0,'
        r'"attributes":[{"key":"k"}],"attributes":[{"key":"l","value":{"arrayValue":{"values":[{"intValue":"-1"},{}]}}}]}]}]}]}'),
    (0, '{"resourceSpans":[' + ",".join(['{"schemaUrl":"xxxxxxxxxx"}'] * 200) + "]}"),
]


def nested_json(depth):
    value = '{"stringValue":"leaf"}'
    for _ in range(depth):
        value = '{"kvlistValue":{"values":[{"key":"k","value":%s}]}}' % value
    return ('{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174",'
            '"attributes":[{"key":"k","value":%s}]}]}]}]}' % value)


def main():
    for signal, text in JSON_SEEDS + [(0, nested_json(18)), (0, nested_json(19))]:
        write("gateway-request", bytes([0x10 | signal]) + text.encode())
        write("gateway-request", bytes([0x30 | signal]) + text.encode())
    for signal, body in enumerate(requests()):
        write("gateway-request", bytes([signal]) + body)
        write("gateway-request", bytes([0x20 | signal]) + body)
        write("decode-amplification", bytes([signal]) + body)
    for signal, name in enumerate(["trace", "metrics", "logs"]):
        write("gateway-request", bytes([0x10 | signal]) + (ROOT / "Tests/Fixtures/otlp-examples" / f"{name}.json").read_bytes())
    for path in [ROOT / "Config/gateway.yaml", *sorted((ROOT / "Config/examples").glob("*.yaml"))]:
        write("gateway-config", path.read_bytes())
    for line in [
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\nrojo=00f067aa0ba902b7,congo=t61rcWkgMzE,ot=th:8;rv:01234567890abc\nuserId=alice,serverNode=DF%2028;ttl=30",
        "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-09-extra\n\nk=v,;admin=1",
    ]:
        write("propagation", line.encode())
    for value in ["120", "0", "Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994"]:
        write("retry-after", value.encode())
    for seconds, nanos in [(1, 500_000_000), (0, 0), (-5, 0), (2**62, 999_999_999)]:
        status = status_pb2.Status(code=14, message="overloaded")
        status.details.add().Pack(error_details_pb2.RetryInfo(retry_delay=duration_pb2.Duration(seconds=seconds, nanos=nanos)))
        write("retry-after", status.SerializeToString())
    for words in ["http_requests_total|code|method|1.5", "a.b|le|quantile|NaN", "x_total|__name__|service_name|-Inf"]:
        write("exposition", words.encode())


if __name__ == "__main__":
    main()
