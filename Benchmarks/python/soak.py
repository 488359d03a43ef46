"""Soak test of telemetry-gateway: mixed OTLP load (traces, metrics, logs) for a while, with the upstream
flapping between healthy, 503s, hanging, refusing connections and absurd Retry-After answers.

Usage: soak.py GATEWAY_BINARY [SECONDS] [RESULTS_FILE]
Checks that the gateway never crashes, that its RSS stays flat (the last third's peak within 10% + 16 MiB
of the peak before it), and that the accounting adds up per signal (received = sent + dropped + queued, dropped by processors included).
Writes a Markdown table (one row per phase) and exits non-zero when a check fails.
"""
import http.server
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

from opentelemetry.proto.collector.logs.v1 import logs_service_pb2
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2

MODES = ["healthy", "503", "hang", "refused", "absurd_retry_after"]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Upstream:
    """An OTLP/HTTP sink whose behaviour changes with `mode`."""

    def __init__(self, port):
        self.port, self.mode, self.server, self.received = port, "healthy", None, 0
        self.start()

    def start(self):
        upstream = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                mode = upstream.mode
                if mode == "hang":
                    time.sleep(20)
                if mode == "503":
                    self.send_response(503)
                elif mode == "absurd_retry_after":
                    self.send_response(429)
                    self.send_header("Retry-After", random.choice(["100000000000", "Fri, 31 Dec 9999 23:59:59 GMT", "-5", "soon"]))
                else:
                    self.send_response(200)
                    upstream.received += 1
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def set(self, mode):
        if mode == "refused" and self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None
        elif mode != "refused" and self.server is None:
            self.start()
        self.mode = mode


def requests():
    traces = trace_service_pb2.ExportTraceServiceRequest()
    scope = traces.resource_spans.add().scope_spans.add()
    for _ in range(200):
        span = scope.spans.add(trace_id=os.urandom(16), span_id=os.urandom(8), name="soak", start_time_unix_nano=1, end_time_unix_nano=2)
        span.attributes.add(key="payload").value.string_value = "x" * 200
    metrics = metrics_service_pb2.ExportMetricsServiceRequest()
    metric = metrics.resource_metrics.add().scope_metrics.add().metrics.add(name="soak.counter")
    metric.sum.aggregation_temporality = 1
    metric.sum.is_monotonic = True
    for index in range(50):
        point = metric.sum.data_points.add(as_int=1, time_unix_nano=time.time_ns())
        point.attributes.add(key="series").value.int_value = index
    logs = logs_service_pb2.ExportLogsServiceRequest()
    scope_logs = logs.resource_logs.add().scope_logs.add()
    for _ in range(100):
        scope_logs.log_records.add(severity_number=9).body.string_value = "soak log line " + "y" * 100
    return {"traces": traces.SerializeToString(), "metrics": metrics.SerializeToString(), "logs": logs.SerializeToString()}


def load(port, stop, statuses):
    while not stop.is_set():
        for signal_name, body in requests().items():
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/v1/{signal_name}", data=body, headers={"Content-Type": "application/x-protobuf"})
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    status = response.status
            except urllib.error.HTTPError as error:
                status = error.code
            except OSError:
                status = 0
            statuses[status] = statuses.get(status, 0) + 1
        time.sleep(0.01)


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0


def self_metrics(port):
    values = {}
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        for line in response.read().decode().splitlines():
            if line and not line.startswith("#"):
                name, value = line.rsplit(" ", 1)
                values[name] = float(value)
    return values


def total(values, prefix, **labels):
    return sum(v for k, v in values.items()
               if k.startswith(prefix + "{") and all(f'{key}="{value}"' in k for key, value in labels.items()))


def main():
    binary, seconds = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 600
    output = sys.argv[3] if len(sys.argv) > 3 else None
    receiver, telemetry, upstream_port = free_port(), free_port(), free_port()
    upstream = Upstream(upstream_port)
    config = tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False)
    config.write(f"""
receivers:
  otlp:
    protocols:
      http: {{endpoint: "127.0.0.1:{receiver}"}}
processors:
  memory_limiter: {{check_interval: 1s, limit_mib: 128, spike_limit_mib: 32}}
  batch: {{timeout: 200ms}}
exporters:
  otlphttp:
    endpoint: http://127.0.0.1:{upstream_port}
    timeout: 5s
    retry_on_failure: {{initial_interval: 100ms, max_interval: 1s, max_elapsed_time: 10s}}
    sending_queue: {{max_bytes: 33554432}}
service:
  pipelines:
    traces: {{receivers: [otlp], processors: [memory_limiter, batch], exporters: [otlphttp]}}
    metrics: {{receivers: [otlp], processors: [memory_limiter, batch], exporters: [otlphttp]}}
    logs: {{receivers: [otlp], processors: [memory_limiter, batch], exporters: [otlphttp]}}
  telemetry: {{metrics: {{address: "127.0.0.1:{telemetry}"}}, logs: {{level: error}}}}
""")
    config.close()
    gateway = subprocess.Popen([binary, "run", "--config", config.name, "--shutdown-timeout", "10"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{receiver}/healthz", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    stop, statuses = threading.Event(), {}
    workers = [threading.Thread(target=load, args=(receiver, stop, statuses), daemon=True) for _ in range(4)]
    for worker in workers:
        worker.start()
    rows, samples, started = [], [], time.time()
    phase_length = 15
    phase = 0
    while time.time() - started < seconds:
        mode = "healthy" if phase % 2 == 0 else MODES[1 + (phase // 2) % (len(MODES) - 1)]
        upstream.set(mode)
        before = dict(statuses)
        time.sleep(phase_length)
        if gateway.poll() is not None:
            print(f"the gateway exited with {gateway.returncode}", file=sys.stderr)
            sys.exit(1)
        rss = rss_mib(gateway.pid)
        samples.append(rss)
        accepted = statuses.get(200, 0) - before.get(200, 0)
        refused = statuses.get(429, 0) - before.get(429, 0)
        rows.append((int(time.time() - started), mode, accepted, refused, rss))
        phase += 1
    upstream.set("healthy")
    stop.set()
    for worker in workers:
        worker.join()
    time.sleep(20)  # let the queues drain to the healthy upstream
    values = self_metrics(telemetry)
    checks = []
    for signal_name in ["traces", "metrics", "logs"]:
        received = total(values, "telemetry_gateway_received_items_total", signal=signal_name)
        sent = total(values, "telemetry_exporter_sent_items_total", signal=signal_name)
        dropped = total(values, "telemetry_exporter_dropped_items_total", signal=signal_name)
        queued = total(values, "telemetry_exporter_queued_items", signal=signal_name)
        dropped += total(values, "telemetry_gateway_processor_dropped_items_total", signal=signal_name)
        checks.append((signal_name, received, sent, dropped, queued, received == sent + dropped + queued))
    third = max(1, len(samples) // 3)
    first_peak, last_peak = max(samples[:-third] or samples), max(samples[-third:])
    flat = last_peak <= first_peak * 1.1 + 16
    gateway.send_signal(signal.SIGTERM)
    exit_status = gateway.wait(timeout=30)
    exhausted = total(values, "telemetry_exporter_retries_exhausted_total", reason="retry_after_beyond_budget")
    lines = [
        f"Soak of {seconds} s: 4 clients posting traces (200 spans), metrics (50 points) and logs (100 records) in a loop; "
        f"the upstream flaps every {phase_length} s between healthy and 503 / hanging / refusing connections / absurd Retry-After.",
        "", "| t (s) | upstream | requests 200 | requests 429 | gateway RSS (MiB) |", "|---|---|---|---|---|",
        *[f"| {t} | {mode} | {ok} | {refused} | {rss:.0f} |" for t, mode, ok, refused, rss in rows],
        "", "| signal | received | sent | dropped | queued | received = sent + dropped + queued |", "|---|---|---|---|---|---|",
        *[f"| {name} | {r:.0f} | {s:.0f} | {d:.0f} | {q:.0f} | {'yes' if ok else 'NO'} |" for name, r, s, d, q, ok in checks],
        "", f"RSS peak before the last third {first_peak:.0f} MiB, last third {last_peak:.0f} MiB ({'flat' if flat else 'GREW'}); "
        f"exports that gave up on an absurd Retry-After: {exhausted:.0f}; all client statuses: {dict(sorted(statuses.items()))}; "
        f"exit status after SIGTERM: {exit_status}.",
    ]
    report = "\n".join(lines) + "\n"
    print(report)
    if output:
        with open(output, "w") as file:
            file.write(report)
    sys.exit(0 if flat and all(check[-1] for check in checks) and exit_status in (0, 2) else 1)


if __name__ == "__main__":
    main()
