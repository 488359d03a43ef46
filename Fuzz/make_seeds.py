"""Writes the fuzz targets' seed corpora (Fuzz/Corpus/TARGET/) from real client output: requests the
official OpenTelemetry Python SDK encodes (spans, every metric kind, logs, with attributes nested a few
levels), the specification's OTLP/JSON examples, the shipped configurations, and sample headers.

Usage (from the repository root, after scripts/setup): .venv/bin/python3 Fuzz/make_seeds.py [TARGET]
(with a target, only its seeds are written: the SDK's timestamps make every run's requests new files)
"""
import gzip
import hashlib
import logging
import pathlib
import sys

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


def ottl_eval_requests():
    """Traces, metrics and logs that the ottl-eval target's statements match: hashed e-mails, URLs to
    extract, JSON to parse and flatten, nested `http` maps with tokens, items the filter drops, card
    numbers the redaction masks; 512 spans in one request as the benchmark sends."""
    card, email = "4111111111111111", "jane.doe@example.com"
    http = {"url": "https://shop.example/cart?token=abc&x=1", "method": "GET", "secret": "s3"}
    spans = InMemorySpanExporter()
    tracer_provider = TracerProvider(resource=Resource.create({"service.name": "shop", "host.ip": "10.0.0.1", "owner": email}))
    tracer_provider.add_span_processor(SimpleSpanProcessor(spans))
    tracer = tracer_provider.get_tracer("seed")
    for index in range(512):
        name = "healthcheck" if index % 64 == 0 else f"GET /cart/{index % 7}"
        attributes = {"user.email": email, "http.url": "https://shop.example/cart/7?q=1", "card": card,
                      "json": '{"a":{"b":{"c":[1,2,{"d":"x"}]}},"k":"v"}', "drop": index % 50 == 0, "n": index}
        with tracer.start_as_current_span(name, attributes=attributes) as span:
            span.add_event("paid", {"card": card})
    traces = encode_spans(spans.get_finished_spans())
    for resource in traces.resource_spans:
        for scope in resource.scope_spans:
            for span in scope.spans[:8]:  # a nested map: the SDK sets only flat attributes
                span.attributes.add(key="http").value.kvlist_value.values.extend(
                    [kv(key, value) for key, value in http.items()])

    reader = InMemoryMetricReader()
    meter_provider = MeterProvider(resource=RESOURCE, metric_readers=[reader])
    meter = meter_provider.get_meter("seed")
    counter = meter.create_counter("orders.processed")
    for index in range(32):
        counter.add(1, {"user.email": email, "json": '{"region":{"name":"eu"}}', "drop": index % 8 == 0, "i": index})
    meter.create_histogram("order.value").record(12.5, {"http.url": "http://shop.example/pay", "card": card})
    metrics = encode_metrics(reader.get_metrics_data())
    point = metrics.resource_metrics[0].scope_metrics[0].metrics[0].sum.data_points[0]
    point.attributes.add(key="http").value.kvlist_value.values.extend([kv(key, value) for key, value in http.items()])

    logs = InMemoryLogRecordExporter()
    logger_provider = LoggerProvider(resource=RESOURCE)
    logger_provider.add_log_record_processor(SimpleLogRecordProcessor(logs))
    logger = logging.getLogger("ottl-eval")
    logger.addHandler(LoggingHandler(level=logging.DEBUG, logger_provider=logger_provider))
    logger.setLevel(logging.DEBUG)
    logger.debug("dropped by the filter")
    logger.warning('{"user":{"email":"%s","card":"%s"},"http":{"status":500}}', email, card, extra={"user.email": email})
    logger.error("payment for %s failed", email, extra={"http.url": "https://pay.example/v1/charge?token=t"})
    records = encode_logs(logs.get_finished_logs())
    records.resource_logs[0].scope_logs[0].log_records[1].attributes.add(key="http").value.kvlist_value.values.extend(
        [kv(key, value) for key, value in http.items()])
    return [message.SerializeToString() for message in (traces, metrics, records)]


def kv(key, value):
    from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
    return KeyValue(key=key, value=AnyValue(string_value=value))


def main():
    if sys.argv[1:] == ["ottl-eval"]:
        for signal, body in enumerate(ottl_eval_requests()):
            write("ottl-eval", bytes([signal]) + body)
        return
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
    for signal, body in enumerate(ottl_eval_requests()):
        write("ottl-eval", bytes([signal]) + body)
    for words in ["http_requests_total|code|method|1.5", "a.b|le|quantile|NaN", "x_total|__name__|service_name|-Inf"]:
        write("exposition", words.encode())


if __name__ == "__main__":
    main()
