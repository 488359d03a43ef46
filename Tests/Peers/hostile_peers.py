"""Attackers and stub peers for the hostile-resource suite (Tests/TelemetryGatewayTests/HostileResourceTests.swift).

Usage:
  hostile_peers.py grpc-streams ENDPOINT --streams N --connections C --message-bytes B --hold S [--token T]
      N gRPC Export streams over C connections, each sending one gzip message of B zero bytes (a few KB on
      the wire) with no (or a wrong) bearer token and never half-closing, held S seconds; meanwhile a
      well-behaved client (the right token, a one-record logs request) calls every 200 ms.
  hostile_peers.py grpc-calls ENDPOINT --body FILE --method M --concurrency K --timeout S [--token T]
      K concurrent unary calls of method M with FILE's bytes (gzip), each waited for at most S seconds,
      while the well-behaved client calls as above.
  hostile_peers.py upstream PORT [--answer-bytes N]
      An OTLP/HTTP upstream that answers every POST 200 with N bytes of unknown protobuf fields (field 2,
      varint 0: two bytes each) or an empty body; GET /count answers {"requests": n, "bytes": b}.

The attack commands print one JSON object: the attackers' gRPC codes, the probe's codes and latencies.
"""
import argparse
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PROBE_METHOD = "/opentelemetry.proto.collector.logs.v1.LogsService/Export"


def probe_request():
    """ExportLogsServiceRequest{resource_logs{scope_logs{log_records{severity_number 9, body "probe"}}}}."""
    record = bytes([0x10, 0x09, 0x2A, 0x07, 0x0A, 0x05]) + b"probe"
    scope_logs = bytes([0x12, len(record)]) + record
    resource_logs = bytes([0x12, len(scope_logs)]) + scope_logs
    return bytes([0x0A, len(resource_logs)]) + resource_logs


def metadata(token):
    return (("authorization", "Bearer " + token),) if token else ()


class Probe(threading.Thread):
    """Calls the logs service every 200 ms with a valid request until stopped; records codes and latencies."""

    def __init__(self, grpc, endpoint, token):
        super().__init__(daemon=True)
        self.grpc = grpc
        self.channel = grpc.insecure_channel(endpoint, options=[("grpc.use_local_subchannel_pool", 1)])
        self.call = self.channel.unary_unary(PROBE_METHOD, request_serializer=None, response_deserializer=None)
        self.token = token
        self.stopped = threading.Event()
        self.codes = {}
        self.latencies = []

    def run(self):
        while not self.stopped.is_set():
            started = time.monotonic()
            try:
                self.call(probe_request(), timeout=5, metadata=metadata(self.token))
                code = "OK"
            except self.grpc.RpcError as error:
                code = error.code().name
            self.latencies.append(round(time.monotonic() - started, 3))
            self.codes[code] = self.codes.get(code, 0) + 1
            self.stopped.wait(0.2)


def attack_report(grpc, endpoint, token, attack):
    probe = Probe(grpc, endpoint, token)
    probe.start()
    codes = attack()
    probe.stopped.set()
    probe.join(10)
    print(json.dumps({"attack_codes": codes, "probe_codes": probe.codes, "probe_latencies": probe.latencies}), flush=True)


def grpc_streams(arguments):
    import grpc

    channels = [
        grpc.insecure_channel(arguments.endpoint, options=[
            ("grpc.use_local_subchannel_pool", 1), ("grpc.max_send_message_length", 1 << 30)])
        for _ in range(arguments.connections)
    ]
    message = bytes(arguments.message_bytes)
    release = threading.Event()
    codes = {}
    lock = threading.Lock()

    def one_stream(index):
        call = channels[index % len(channels)].stream_stream(
            "/opentelemetry.proto.collector.trace.v1.TraceService/Export", request_serializer=None, response_deserializer=None)

        def requests():
            yield message
            release.wait(arguments.hold + 5)  # never half-closes while the attack lasts

        code = "OK"
        try:
            for _ in call(requests(), timeout=arguments.hold + 10, compression=grpc.Compression.Gzip,
                          metadata=metadata("wrong-" + arguments.token if arguments.token else "")):
                pass
        except grpc.RpcError as error:
            code = error.code().name
        with lock:
            codes[code] = codes.get(code, 0) + 1

    def attack():
        threads = [threading.Thread(target=one_stream, args=(index,), daemon=True) for index in range(arguments.streams)]
        for thread in threads:
            thread.start()
        time.sleep(arguments.hold)
        release.set()
        for thread in threads:
            thread.join(15)
        with lock:
            return dict(codes, unfinished=sum(thread.is_alive() for thread in threads))

    attack_report(grpc, arguments.endpoint, arguments.token, attack)


def grpc_calls(arguments):
    import grpc

    with open(arguments.body, "rb") as file:
        body = file.read()
    codes = {}
    lock = threading.Lock()

    def one_call():
        channel = grpc.insecure_channel(arguments.endpoint, options=[
            ("grpc.use_local_subchannel_pool", 1), ("grpc.max_send_message_length", 1 << 30)])
        call = channel.unary_unary(arguments.method, request_serializer=None, response_deserializer=None)
        started = time.monotonic()
        try:
            call(body, timeout=arguments.timeout, compression=grpc.Compression.Gzip, metadata=metadata(arguments.token))
            code = "OK"
        except grpc.RpcError as error:
            code = error.code().name
        with lock:
            codes[code] = codes.get(code, 0) + 1
            codes["slowest_seconds"] = max(codes.get("slowest_seconds", 0), round(time.monotonic() - started, 3))

    def attack():
        threads = [threading.Thread(target=one_call, daemon=True) for _ in range(arguments.concurrency)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(arguments.timeout + 5)
        with lock:
            return dict(codes)

    attack_report(grpc, arguments.endpoint, arguments.token, attack)


def upstream(arguments):
    answer = bytes([0x10, 0x00]) * (arguments.answer_bytes // 2)
    counts = {"requests": 0, "bytes": 0}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            received = self.rfile.read(length)
            with lock:
                counts["requests"] += 1
                counts["bytes"] += len(received)
            self.send_response(200)
            self.send_header("Content-Type", "application/x-protobuf")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def do_GET(self):
            with lock:
                text = json.dumps(counts).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(text)))
            self.end_headers()
            self.wfile.write(text)

        def log_message(self, *_):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", arguments.port), Handler)
    print("listening", flush=True)
    server.serve_forever()


def main():
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    streams = commands.add_parser("grpc-streams")
    streams.add_argument("endpoint")
    streams.add_argument("--streams", type=int, required=True)
    streams.add_argument("--connections", type=int, required=True)
    streams.add_argument("--message-bytes", type=int, required=True)
    streams.add_argument("--hold", type=float, required=True)
    streams.add_argument("--token", default="")
    calls = commands.add_parser("grpc-calls")
    calls.add_argument("endpoint")
    calls.add_argument("--body", required=True)
    calls.add_argument("--method", required=True)
    calls.add_argument("--concurrency", type=int, required=True)
    calls.add_argument("--timeout", type=float, required=True)
    calls.add_argument("--token", default="")
    stub = commands.add_parser("upstream")
    stub.add_argument("port", type=int)
    stub.add_argument("--answer-bytes", type=int, default=0)
    arguments = parser.parse_args()
    {"grpc-streams": grpc_streams, "grpc-calls": grpc_calls, "upstream": upstream}[arguments.command](arguments)


if __name__ == "__main__":
    sys.exit(main())
