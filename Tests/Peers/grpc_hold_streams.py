"""Holds gRPC streams open with grpcio, for resource tests of the OTLP/gRPC receiver.

Usage: grpc_hold_streams.py ENDPOINT STREAMS CONNECTIONS MESSAGE_BYTES HOLD_SECONDS KIND [TOKEN]
Opens STREAMS trace Export streams spread over CONNECTIONS connections; each sends one message and does
not end its stream for HOLD_SECONDS. KIND `bomb`: MESSAGE_BYTES zero bytes, gzip (a few KB on the wire);
`unknown`: a valid request of MESSAGE_BYTES whose only field is an unknown one, uncompressed. Prints one
JSON line: how many calls were answered while their streams were held, and the status codes.
"""
import json
import sys
import threading
import time

import grpc

METHOD = "/opentelemetry.proto.collector.trace.v1.TraceService/Export"


def main():
    endpoint, streams, connections, size, hold = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
    kind = sys.argv[6]
    metadata = [("authorization", "Bearer " + sys.argv[7])] if len(sys.argv) > 7 else None
    release = threading.Event()
    if kind == "bomb":
        message, compression = bytes(size), grpc.Compression.Gzip
    else:
        # Field 99, length-delimited: its tag, its length as a varint, then zeros.
        varint, length = b"", size
        while True:
            varint += bytes([length & 0x7F | (0x80 if length > 0x7F else 0)])
            length >>= 7
            if not length:
                break
        message, compression = b"\x9a\x06" + varint + bytes(size), grpc.Compression.NoCompression

    def requests():
        yield message
        release.wait()

    options = [("grpc.max_send_message_length", 1 << 30), ("grpc.use_local_subchannel_pool", 1)]
    channels = [grpc.insecure_channel(endpoint, options=options + [("grpc.channel_id", index)]) for index in range(connections)]
    calls = []
    for index in range(streams):
        method = channels[index % connections].stream_unary(METHOD, request_serializer=None, response_deserializer=None)
        calls.append(method.future(requests(), timeout=hold + 30, compression=compression, metadata=metadata))
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
