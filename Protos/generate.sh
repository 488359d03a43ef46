#!/usr/bin/env bash
# Regenerates Sources/COTLP from the OTLP schema in Protos/otlp.binpb with protoc-c.
#
#   Protos/generate.sh                   regenerate the C code from the committed schema
#   Protos/generate.sh --refresh-schema  first re-dump the schema from the opentelemetry-proto PyPI package
#
# Needs protoc-c (apt: protobuf-c-compiler). Generating is not part of a normal build: the output is committed.
set -euo pipefail

OTLP_PROTO_VERSION="1.45.2"
root="$(cd "$(dirname "$0")/.." && pwd)"
schema="$root/Protos/otlp.binpb"
target="$root/Sources/COTLP"
files=(
  opentelemetry/proto/common/v1/common.proto
  opentelemetry/proto/resource/v1/resource.proto
  opentelemetry/proto/trace/v1/trace.proto
  opentelemetry/proto/metrics/v1/metrics.proto
  opentelemetry/proto/logs/v1/logs.proto
  opentelemetry/proto/collector/trace/v1/trace_service.proto
  opentelemetry/proto/collector/metrics/v1/metrics_service.proto
  opentelemetry/proto/collector/logs/v1/logs_service.proto
)

if [[ "${1:-}" == "--refresh-schema" ]]; then
  venv="$root/.build-protos/venv"
  [[ -x "$venv/bin/python" ]] || python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "opentelemetry-proto==$OTLP_PROTO_VERSION"
  "$venv/bin/python" "$root/Protos/dump_descriptors.py" "$schema"
fi

command -v protoc-c >/dev/null || { echo "protoc-c not found: apt-get install protobuf-c-compiler" >&2; exit 1; }
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
protoc-c --descriptor_set_in="$schema" --c_out="$scratch" "${files[@]}"

rm -rf "$target/include/opentelemetry" "$target/generated"
(cd "$scratch" && find . -name '*.pb-c.h' -exec install -D -m 644 {} "$target/include/{}" \;)
(cd "$scratch" && find . -name '*.pb-c.c' -exec install -D -m 644 {} "$target/generated/{}" \;)
echo "regenerated $(find "$target" -name '*.pb-c.[ch]' | wc -l) files in Sources/COTLP from Protos/otlp.binpb"
