#!/usr/bin/env bash
# Runs every benchmark scenario for swift-telemetry and its peers in one run on this machine, and
# writes Benchmarks/results/latest.md. Usage (as root, from anywhere): Benchmarks/run.sh
set -euo pipefail

bench="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$bench/.." && pwd)"

"$root/scripts/setup" --runtime
venv="$bench/.build/python-peers"
if [[ ! -x "$venv/bin/python3" ]]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    opentelemetry-sdk==1.45.2 opentelemetry-exporter-otlp-proto-http==1.45.2 prometheus-client==0.26.0
fi

(cd "$root" && swift build -c release --product telemetry-gateway)
# SwiftPM keeps its plan of the package reached through the swift-telemetry link and misses source files
# added since: dropping the plan makes it look again (the compiled modules are kept).
rm -f "$bench/.build/release.yaml" "$bench/.build/release/description.json"
(cd "$bench" && swift build -c release --product TelemetryBench)
bin="$(cd "$bench" && swift build -c release --show-bin-path)"
interposer="$(find "$bin" -name 'libMallocInterposerSwift.so' | head -1)"
cpu="$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
machine="${cpu:-unknown CPU}, $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -m), $(swift --version 2>&1 | head -1)"

cd "$bench"
LD_PRELOAD="$interposer" "$bin/TelemetryBench" run \
  --python "$venv/bin/python3" --gateway "$root/.build/release/telemetry-gateway" \
  --out "$bench/results/latest.md" --machine "$machine"
