"""A minimal HTTP/2 client on raw sockets (no flow control, literal HPACK), for limit tests of the
OTLP/gRPC receiver that a well-behaved client library cannot make.

Usage (prints one JSON line):
  h2_raw.py streams PORT N          one connection opening N gRPC streams that send nothing: the
                                    server's MAX_CONCURRENT_STREAMS setting, the streams it reset, and
                                    whether it sent GOAWAY and closed the connection
  h2_raw.py connections PORT N      N connections: how many the server closed within 2 s
  h2_raw.py partial PORT N DECLARED SENT WAIT [TOKEN]
                                    N connections, one stream each, whose message declares DECLARED
                                    bytes and sends SENT of them (SENT < 65,535): how many streams the
                                    server answered (HEADERS with END_STREAM, or RST_STREAM) within WAIT s
"""
import json
import socket
import struct
import sys
import time

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
DATA, HEADERS, RST_STREAM, SETTINGS, GOAWAY = 0x0, 0x1, 0x3, 0x4, 0x7
END_STREAM, END_HEADERS, ACK = 0x1, 0x4, 0x1
METHOD = "/opentelemetry.proto.collector.trace.v1.TraceService/Export"


def frame(kind, flags, stream, payload=b""):
    return struct.pack(">I", len(payload))[1:] + bytes([kind, flags]) + struct.pack(">I", stream) + payload


def integer(value, prefix_bits):
    limit = (1 << prefix_bits) - 1
    if value < limit:
        return bytes([value])
    out, value = [limit], value - limit
    while value >= 128:
        out.append(value % 128 + 128)
        value //= 128
    return bytes(out + [value])


def literal(name, value):
    """A header as a literal without indexing, without Huffman coding."""
    name, value = name.encode(), value.encode()
    return b"\x00" + integer(len(name), 7) + name + integer(len(value), 7) + value


def grpc_headers(port, token=None):
    fields = [(":method", "POST"), (":scheme", "http"), (":path", METHOD), (":authority", f"127.0.0.1:{port}"),
              ("content-type", "application/grpc"), ("te", "trailers")]
    if token:
        fields.append(("authorization", "Bearer " + token))
    return b"".join(literal(name, value) for name, value in fields)


def connect(port):
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.sendall(PREFACE + frame(SETTINGS, 0, 0))
    return sock


def read_frames(sock, seconds, until=None):
    """Frames read for up to `seconds` (SETTINGS acknowledged), or until `until(frames)`; stops at EOF."""
    frames, buffer, deadline, closed = [], b"", time.monotonic() + seconds, False
    while time.monotonic() < deadline and not (until and until(frames)):
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            break
        except OSError:
            closed = True
            break
        if not chunk:
            closed = True
            break
        buffer += chunk
        while len(buffer) >= 9:
            length = int.from_bytes(buffer[:3], "big")
            if len(buffer) < 9 + length:
                break
            kind, flags, stream = buffer[3], buffer[4], int.from_bytes(buffer[5:9], "big") & 0x7FFFFFFF
            payload, buffer = buffer[9:9 + length], buffer[9 + length:]
            frames.append((kind, flags, stream, payload))
            if kind == SETTINGS and not flags & ACK:
                sock.sendall(frame(SETTINGS, ACK, 0))
    return frames, closed


def settings_of(frames):
    values = {}
    for kind, flags, _, payload in frames:
        if kind == SETTINGS and not flags & ACK:
            for offset in range(0, len(payload) - 5, 6):
                identifier, value = struct.unpack(">HI", payload[offset:offset + 6])
                values[identifier] = value
    return values


def streams(port, count):
    sock = connect(port)
    frames, _ = read_frames(sock, 1, until=lambda frames: any(kind == SETTINGS for kind, *_ in frames))
    for index in range(count):
        sock.sendall(frame(HEADERS, END_HEADERS, 1 + 2 * index, grpc_headers(port)))
    more, closed = read_frames(sock, 2)
    frames += more
    resets = [(stream, int.from_bytes(payload[:4], "big")) for kind, _, stream, payload in frames if kind == RST_STREAM]
    return {
        "max_concurrent_streams": settings_of(frames).get(0x3),
        "refused": sum(1 for _, code in resets if code == 0x7),
        "reset": len(resets),
        "goaway": any(kind == GOAWAY for kind, *_ in frames),
        "closed": closed,
    }


def connections(port, count):
    socks = []
    for _ in range(count):
        socks.append(connect(port))
        time.sleep(0.05)
    time.sleep(1.5)
    closed = sum(1 for sock in socks if read_frames(sock, 0.2)[1])
    for sock in socks:
        sock.close()
    return {"closed": closed}


def partial(port, count, declared, sent, wait, token=None):
    socks = []
    body = b"\x00" + struct.pack(">I", declared) + bytes(sent)
    for _ in range(count):
        sock = connect(port)
        sock.sendall(frame(HEADERS, END_HEADERS, 1, grpc_headers(port, token)))
        for offset in range(0, len(body), 16384):
            sock.sendall(frame(DATA, 0, 1, body[offset:offset + 16384]))
        socks.append(sock)
    started, answered = time.monotonic(), 0
    for sock in socks:
        remaining = max(0.05, wait - (time.monotonic() - started))
        frames, _ = read_frames(sock, remaining, until=lambda frames: any(
            stream == 1 and (kind == RST_STREAM or (kind == HEADERS and flags & END_STREAM)) for kind, flags, stream, _ in frames))
        answered += any(stream == 1 and (kind == RST_STREAM or (kind == HEADERS and flags & END_STREAM)) for kind, flags, stream, _ in frames)
    for sock in socks:
        sock.close()
    return {"answered": answered}


def main():
    command, port = sys.argv[1], int(sys.argv[2])
    if command == "streams":
        result = streams(port, int(sys.argv[3]))
    elif command == "connections":
        result = connections(port, int(sys.argv[3]))
    else:
        result = partial(port, int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6]),
                         sys.argv[7] if len(sys.argv) > 7 else None)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
