"""Checks OTLP/JSON conversions against the official opentelemetry-proto package's json_format.

Usage: json_parity.py < cases
Each input line is a JSON object {"signal": "traces|metrics|logs", "json": TEXT, "protobuf": BASE64}:
TEXT is parsed with json_format.ParseDict (after turning the OTLP/JSON hex ids into the base64 that
json_format expects; unknown fields ignored), BASE64 with ParseFromString. Prints a JSON array with
null for each case whose two messages are equal, else a description of the difference.
"""
import base64
import json
import sys

from google.protobuf import json_format
from opentelemetry.proto.collector.logs.v1 import logs_service_pb2
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2

TYPES = {
    "traces": trace_service_pb2.ExportTraceServiceRequest,
    "metrics": metrics_service_pb2.ExportMetricsServiceRequest,
    "logs": logs_service_pb2.ExportLogsServiceRequest,
}
HEX_FIELDS = {"traceId", "spanId", "parentSpanId", "trace_id", "span_id", "parent_span_id"}


def hex_to_base64(value, key=None):
    if isinstance(value, dict):
        return {k: hex_to_base64(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [hex_to_base64(v) for v in value]
    if key in HEX_FIELDS and isinstance(value, str):
        return base64.b64encode(bytes.fromhex(value)).decode()
    return value


def compare(case):
    expected = TYPES[case["signal"]]()
    json_format.ParseDict(hex_to_base64(json.loads(case["json"])), expected, ignore_unknown_fields=True)
    actual = TYPES[case["signal"]]()
    actual.ParseFromString(base64.b64decode(case["protobuf"]))
    if actual == expected:
        return None
    return "expected:\n%s\nactual:\n%s" % (expected, actual)


def main():
    json.dump([compare(json.loads(line)) for line in sys.stdin if line.strip()], sys.stdout)


if __name__ == "__main__":
    main()
