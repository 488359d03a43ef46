"""Decodes an OTLP protobuf request from stdin with the official opentelemetry-proto package.

Usage: decode_otlp.py traces|metrics|logs
Prints the request as JSON (proto field names, ids as lowercase hex); exits non-zero if it does not parse.
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


def hexify(value, key=None):
    if isinstance(value, dict):
        return {k: hexify(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [hexify(v) for v in value]
    if key in ("trace_id", "span_id", "parent_span_id") and isinstance(value, str):
        return base64.b64decode(value).hex()
    return value


def main():
    message = TYPES[sys.argv[1]]()
    message.ParseFromString(sys.stdin.buffer.read())
    json.dump(hexify(json_format.MessageToDict(message, preserving_proto_field_name=True)), sys.stdout)


if __name__ == "__main__":
    main()
