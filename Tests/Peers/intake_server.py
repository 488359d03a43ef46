"""A loopback intake for the exporters' tests: an OTLP/HTTP receiver that decodes every request with the
official opentelemetry-proto package, and a Datadog metrics intake that deserialises every payload with
the official datadog-api-client models.

Usage: intake_server.py PORT [--grpc-port N] [--tls CERT KEY] [--client-ca CA]

--grpc-port N  also an OTLP/gRPC server on N (grpcio with the official service stubs): each Export is
               decoded, stored under the path of the same signal over HTTP ("/v1/traces"…, with
               "transport": "grpc" and the call's metadata as "headers"), and answered per the same
               script: a step's "grpc_code" ("UNAVAILABLE", "RESOURCE_EXHAUSTED"…) fails the call, with
               google.rpc.RetryInfo of "retry_delay" seconds in grpc-status-details-bin when given;
               "partial" and "delay" as for HTTP
--tls CERT KEY the gRPC server uses TLS (PEM files); --client-ca CA also requires client certificates
--https-port N with --tls: the same HTTP intake over TLS on N too (Python's ssl, the same client CA rule)

POST /v1/traces, /v1/metrics, /v1/logs   decoded and stored; answered per the response script
POST /api/v2/series                      Datadog: gunzipped, parsed as MetricPayload, stored with
                                         "parsed_cleanly" (no part of the payload left unparsed)
POST /cloudwatch                         CloudWatch Query protocol: the form decoded and stored as "form";
                                         answered per the script ("status", "body"): for the faults moto
                                         cannot produce (Throttling, 500, refusals)
GET  /received                           JSON list of every request: path, status answered, arrival time,
                                         client port, headers, and the decoded request (ids as hex)
POST /script                             JSON list of responses to give next, each
                                         {"status": 503, "retry_after": "2", "partial": {"rejected": 2,
                                         "message": "..."}, "delay": 1.5}; once used up, requests get 200
POST /hold                               {"on": true} makes every request wait (up to 60 s) without an
                                         answer until {"on": false}: a server that accepts and never answers
POST /reset                              forget everything
"""
import base64
import collections
import gzip
import json
import os
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from google.protobuf import json_format
from opentelemetry.proto.collector.logs.v1 import logs_service_pb2
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2
from datadog_api_client.api_client import ApiClient
from datadog_api_client.configuration import Configuration
from datadog_api_client.v2.model.metric_payload import MetricPayload

REQUESTS = {
    "/v1/traces": (trace_service_pb2.ExportTraceServiceRequest, trace_service_pb2.ExportTraceServiceResponse),
    "/v1/metrics": (metrics_service_pb2.ExportMetricsServiceRequest, metrics_service_pb2.ExportMetricsServiceResponse),
    "/v1/logs": (logs_service_pb2.ExportLogsServiceRequest, logs_service_pb2.ExportLogsServiceResponse),
}
datadog_client = ApiClient(Configuration())
ID_FIELDS = {"trace_id", "span_id", "parent_span_id"}
lock = threading.Lock()
received = []
script = []
released = threading.Event()
released.set()


def fully_parsed(model):
    """Whether a datadog-api-client model and everything in it was parsed without falling back to raw data."""
    if getattr(model, "_unparsed", False):
        return False
    data = getattr(model, "_data_store", None)
    values = data.values() if isinstance(data, dict) else []
    for value in values:
        items = value if isinstance(value, list) else [value]
        if any(hasattr(item, "_data_store") and not fully_parsed(item) for item in items):
            return False
        if any(getattr(item, "_unparsed", False) for item in items):
            return False
    return True


def hexify(value, key=None):
    """Turns base64 id fields into lowercase hex, recursively."""
    if isinstance(value, dict):
        return {k: hexify(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [hexify(v) for v in value]
    if key in ID_FIELDS and isinstance(value, str):
        return base64.b64decode(value).hex()
    return value


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def read_body(self):
        length = int(self.headers.get("Content-Length", "0"))
        return self.rfile.read(length)

    def reply(self, status, body=b"", content_type="application/json", extra=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/received":
            with lock:
                body = json.dumps(received).encode()
            self.reply(200, body)
        else:
            self.reply(404)

    def do_POST(self):
        body = self.read_body()
        if self.path == "/script":
            with lock:
                script.extend(json.loads(body))
            return self.reply(200, b"{}")
        if self.path == "/hold":
            if json.loads(body).get("on"):
                released.clear()
            else:
                released.set()
            return self.reply(200, b"{}")
        if self.path == "/reset":
            with lock:
                received.clear()
                script.clear()
            return self.reply(200, b"{}")
        released.wait(60)
        if self.path == "/api/v2/series":
            return self.datadog(body)
        if self.path == "/cloudwatch":
            return self.cloudwatch(body)
        if self.path not in REQUESTS:
            return self.reply(404)
        arrival = time.time()
        request_type, response_type = REQUESTS[self.path]
        with lock:
            step = script.pop(0) if script else {}
        if "delay" in step:
            time.sleep(step["delay"])
        status = step.get("status", 200)
        message = request_type()
        try:
            raw = gzip.decompress(body) if self.headers.get("Content-Encoding") == "gzip" else body
            message.ParseFromString(raw)
            decode_error = None
        except Exception as error:  # the official decoder refused the bytes
            decode_error = str(error) or type(error).__name__
            status = 400
        with lock:
            received.append({
                "path": self.path,
                "status": status,
                "time": arrival,
                "client_port": self.client_address[1],
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body_bytes": len(body),
                "decode_error": decode_error,
                "request": hexify(json_format.MessageToDict(message, preserving_proto_field_name=True)),
            })
        extra = {"Retry-After": step["retry_after"]} if "retry_after" in step else {}
        if status != 200:
            return self.reply(status, b"scripted failure", "text/plain", extra)
        response = response_type()
        if "partial" in step:
            partial = response.partial_success
            rejected = step["partial"].get("rejected", 0)
            if self.path == "/v1/traces":
                partial.rejected_spans = rejected
            elif self.path == "/v1/metrics":
                partial.rejected_data_points = rejected
            else:
                partial.rejected_log_records = rejected
            partial.error_message = step["partial"].get("message", "")
        self.reply(200, response.SerializeToString(), "application/x-protobuf")


    def cloudwatch(self, body):
        with lock:
            step = script.pop(0) if script else {}
        status = step.get("status", 200)
        form = {key: values[0] for key, values in urllib.parse.parse_qs(body.decode(), keep_blank_values=True).items()}
        with lock:
            received.append({
                "path": self.path, "status": status, "time": time.time(), "client_port": self.client_address[1],
                "headers": {k.lower(): v for k, v in self.headers.items()}, "body_bytes": len(body), "form": form,
            })
        answer = step.get("body", "<PutMetricDataResponse><ResponseMetadata><RequestId>1</RequestId>"
                                  "</ResponseMetadata></PutMetricDataResponse>")
        self.reply(status, answer.encode(), "text/xml")

    def datadog(self, body):
        arrival = time.time()
        with lock:
            step = script.pop(0) if script else {}
        status = step.get("status", 202)
        try:
            text = gzip.decompress(body) if self.headers.get("Content-Encoding") == "gzip" else body
            document = json.loads(text)
            payload = datadog_client.deserialize(json.dumps(document), (MetricPayload,), True)
            parsed_cleanly, decode_error = fully_parsed(payload), None
            if not parsed_cleanly:
                status = 400
        except Exception as error:
            document, parsed_cleanly, decode_error, status = None, False, str(error), 400
        with lock:
            received.append({
                "path": self.path, "status": status, "time": arrival, "client_port": self.client_address[1],
                "headers": {k.lower(): v for k, v in self.headers.items()}, "body_bytes": len(body),
                "uncompressed_bytes": len(text) if document is not None else 0,
                "decode_error": decode_error, "parsed_cleanly": parsed_cleanly, "request": document,
            })
        self.reply(status, json.dumps({"errors": [] if status == 202 else ["scripted"]}).encode())


def record_grpc(path, message, context, status):
    with lock:
        received.append({
            "path": path, "transport": "grpc", "status": status, "time": time.time(), "client_port": 0,
            "headers": {key: value for key, value in context.invocation_metadata() if not key.endswith("-bin")},
            "body_bytes": message.ByteSize(), "decode_error": None,
            "request": hexify(json_format.MessageToDict(message, preserving_proto_field_name=True)),
        })


def grpc_export(path, response_type):
    """An Export handler: the request was decoded by the official stubs; answered per the script."""
    import grpc
    from google.protobuf import duration_pb2
    from google.rpc import code_pb2, error_details_pb2, status_pb2

    class Status(collections.namedtuple("Status", ("code", "details", "trailing_metadata")), grpc.Status):
        """What grpcio-status's rpc_status.to_status makes: the code, and the google.rpc.Status as details."""

    def export(request, context):
        with lock:
            step = script.pop(0) if script else {}
        if "delay" in step:
            time.sleep(step["delay"])
        code = step.get("grpc_code")
        record_grpc(path, request, context, 200 if code is None else code)
        if code is not None:
            status = status_pb2.Status(code=getattr(code_pb2, code), message="scripted " + code)
            if "retry_delay" in step:
                seconds = float(step["retry_delay"])
                info = error_details_pb2.RetryInfo(
                    retry_delay=duration_pb2.Duration(seconds=int(seconds), nanos=int((seconds % 1) * 1e9)))
                status.details.add().Pack(info)
            context.abort_with_status(Status(
                grpc.StatusCode[code], status.message, (("grpc-status-details-bin", status.SerializeToString()),)))
        response = response_type()
        if "partial" in step:
            partial = response.partial_success
            rejected = step["partial"].get("rejected", 0)
            if path == "/v1/traces":
                partial.rejected_spans = rejected
            elif path == "/v1/metrics":
                partial.rejected_data_points = rejected
            else:
                partial.rejected_log_records = rejected
            partial.error_message = step["partial"].get("message", "")
        return response
    return export


def serve_grpc(port, tls, client_ca):
    import grpc
    from concurrent import futures
    from opentelemetry.proto.collector.logs.v1 import logs_service_pb2_grpc
    from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2_grpc
    from opentelemetry.proto.collector.trace.v1 import trace_service_pb2_grpc

    class Traces(trace_service_pb2_grpc.TraceServiceServicer):
        Export = staticmethod(grpc_export("/v1/traces", trace_service_pb2.ExportTraceServiceResponse))

    class Metrics(metrics_service_pb2_grpc.MetricsServiceServicer):
        Export = staticmethod(grpc_export("/v1/metrics", metrics_service_pb2.ExportMetricsServiceResponse))

    class Logs(logs_service_pb2_grpc.LogsServiceServicer):
        Export = staticmethod(grpc_export("/v1/logs", logs_service_pb2.ExportLogsServiceResponse))

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8), options=[("grpc.max_receive_message_length", 64 << 20)])
    trace_service_pb2_grpc.add_TraceServiceServicer_to_server(Traces(), server)
    metrics_service_pb2_grpc.add_MetricsServiceServicer_to_server(Metrics(), server)
    logs_service_pb2_grpc.add_LogsServiceServicer_to_server(Logs(), server)
    address = "127.0.0.1:%d" % port
    if tls:
        cert, key = (open(path, "rb").read() for path in tls)
        ca = open(client_ca, "rb").read() if client_ca else None
        credentials = grpc.ssl_server_credentials([(key, cert)], root_certificates=ca, require_client_auth=ca is not None)
        server.add_secure_port(address, credentials)
    else:
        server.add_insecure_port(address)
    server.start()
    return server


def exit_with_parent():
    """Stops the receiver when the test process that started it goes away."""
    parent = os.getppid()
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def main():
    threading.Thread(target=exit_with_parent, daemon=True).start()
    args = sys.argv[2:]
    grpc_port = int(args[args.index("--grpc-port") + 1]) if "--grpc-port" in args else None
    tls = args[args.index("--tls") + 1:args.index("--tls") + 3] if "--tls" in args else None
    client_ca = args[args.index("--client-ca") + 1] if "--client-ca" in args else None
    grpc_server = serve_grpc(grpc_port, tls, client_ca) if grpc_port else None
    if tls and "--https-port" in args:
        import ssl
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(tls[0], tls[1])
        if client_ca:
            context.load_verify_locations(client_ca)
            context.verify_mode = ssl.CERT_REQUIRED
        secure = ThreadingHTTPServer(("127.0.0.1", int(args[args.index("--https-port") + 1])), Handler)
        secure.daemon_threads = True
        secure.socket = context.wrap_socket(secure.socket, server_side=True)
        threading.Thread(target=secure.serve_forever, daemon=True).start()
    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
    server.daemon_threads = True
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
