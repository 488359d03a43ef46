"""Holds gRPC streams open with grpcio, for resource tests of the OTLP/gRPC receiver.

Usage: grpc_hold_streams.py ENDPOINT STREAMS CONNECTIONS MESSAGE_BYTES HOLD_SECONDS [TOKEN]
Opens STREAMS trace Export streams spread over CONNECTIONS connections; each sends one gzip message of
MESSAGE_BYTES zero bytes (a few KB on the wire) and does not end its stream for HOLD_SECONDS. Prints
one JSON line: how many calls were answered while their streams were held, and the status codes.
"""
import json
import sys
import threading
import time

import grpc

METHOD = "/opentelemetry.proto.collector.trace.v1.TraceService/Export"


def main():
    endpoint, streams, connections, size, hold = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
    metadata = [("authorization", "Bearer " + sys.argv[6])] if len(sys.argv) > 6 else None
    release = threading.Event()
    message = bytes(size)

    def requests():
        yield message
        release.wait()

    options = [("grpc.max_send_message_length", 1 << 30), ("grpc.use_local_subchannel_pool", 1)]
    channels = [grpc.insecure_channel(endpoint, options=options + [("grpc.channel_id", index)]) for index in range(connections)]
    calls = []
    for index in range(streams):
        method = channels[index % connections].stream_unary(METHOD, request_serializer=None, response_deserializer=None)
        calls.append(method.future(requests(), timeout=hold + 30, compression=grpc.Compression.Gzip, metadata=metadata))
    time.sleep(hold)
    answered = sum(1 for call in calls if call.done())
    release.set()
    codes = {}
    for call in calls:
        try:
            call.result()
            code = "OK"
        except grpc.RpcError as error:
            code = error.code().name
        codes[code] = codes.get(code, 0) + 1
    print(json.dumps({"answered_while_held": answered, "codes": codes}), flush=True)


if __name__ == "__main__":
    main()
