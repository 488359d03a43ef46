"""Makes raw unary gRPC calls with grpcio, for hostile-input tests of the OTLP/gRPC receiver.

Usage: grpc_raw_call.py ENDPOINT  (reads JSON lines from stdin: {"method": "/pkg.Service/Method",
"body_hex": "...", "gzip": false, "token": "...", "metadata": [["name", "value"], ...]}) and prints one JSON line per call: the status code
name, the details, the RetryInfo delay in seconds when the status carries one (grpc-status-details-bin),
and how long the call took.
"""
import json
import sys
import time

import grpc
from google.rpc import error_details_pb2, status_pb2


def main():
    channel = grpc.insecure_channel(sys.argv[1], options=[("grpc.max_send_message_length", 64 << 20)])
    for line in sys.stdin:
        call = json.loads(line)
        method = channel.unary_unary(call["method"], request_serializer=None, response_deserializer=None)
        compression = grpc.Compression.Gzip if call.get("gzip") else grpc.Compression.NoCompression
        metadata = [("authorization", "Bearer " + call["token"])] if call.get("token") else []
        for key, value in call.get("metadata", []):
            metadata.append((key, value.encode() if key.endswith("-bin") else value))
        result = {"code": "OK", "details": "", "retry_seconds": None, "response_bytes": 0}
        started = time.monotonic()
        try:
            response = method(bytes.fromhex(call["body_hex"]), timeout=10, compression=compression, metadata=metadata or None)
            result["response_bytes"] = len(response)
        except grpc.RpcError as error:
            result["code"] = error.code().name
            result["details"] = error.details() or ""
            for key, value in error.trailing_metadata() or ():
                if key == "grpc-status-details-bin":
                    status = status_pb2.Status.FromString(value)
                    for detail in status.details:
                        if detail.Is(error_details_pb2.RetryInfo.DESCRIPTOR):
                            info = error_details_pb2.RetryInfo()
                            detail.Unpack(info)
                            result["retry_seconds"] = info.retry_delay.seconds + info.retry_delay.nanos / 1e9
        result["seconds"] = time.monotonic() - started
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
