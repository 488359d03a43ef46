#!/usr/bin/env bash
# Regenerates Sources/COTLP from the OTLP schema in Protos/otlp.binpb with protoc-c.
#
#   Protos/generate.sh                   regenerate the C code from the committed schema
#   Protos/generate.sh --refresh-schema  first re-dump the schema from the opentelemetry-proto PyPI package
#   Protos/generate.sh --check           fail if the committed code differs from what the schema generates
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

layout="$scratch/COTLP"
(cd "$scratch" && find opentelemetry -name '*.pb-c.h' -exec install -D -m 644 {} "$layout/include/{}" \;)
(cd "$scratch" && find opentelemetry -name '*.pb-c.c' -exec install -D -m 644 {} "$layout/generated/{}" \;)

if [[ "${1:-}" == "--check" ]]; then
  for folder in include/opentelemetry generated; do
    diff -r "$layout/$folder" "$target/$folder" >/dev/null || {
      echo "Sources/COTLP/$folder differs from what Protos/otlp.binpb generates: run Protos/generate.sh" >&2
      exit 1
    }
  done
  echo "Sources/COTLP matches Protos/otlp.binpb"
  exit 0
fi

rm -rf "$target/include/opentelemetry" "$target/generated"
cp -R "$layout/include/opentelemetry" "$target/include/"
cp -R "$layout/generated" "$target/"
echo "regenerated $(find "$target" -name '*.pb-c.[ch]' | wc -l) files in Sources/COTLP from Protos/otlp.binpb"
