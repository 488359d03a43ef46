"""Writes the seed corpus of the disk-queue-files fuzz target (Fuzz/Corpus/disk-queue-files/): segment
data in the disk queue's format (magic "STQR" | body length | CRC-32C | body = signal | item count |
enqueued-at | payload), split into segment files by the first two bytes, some with an ack file, some
torn or damaged as a crash or a power loss leaves them. Needs no package: python3 Fuzz/make_disk_queue_seeds.py
"""
import hashlib
import pathlib
import struct

CORPUS = pathlib.Path(__file__).resolve().parent / "Corpus" / "disk-queue-files"


def crc32c(data):
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def record(index, signal=1, size=40):
    payload = (b"request-%d-" % index).ljust(size, bytes([index % 256]))
    body = bytes([signal]) + struct.pack("<IQ", index % 7 + 1, 1_764_547_200_000_000_000 + index) + payload
    return b"STQR" + struct.pack("<II", len(body), crc32c(body)) + body


def ack(segment, offset):
    position = struct.pack("<QQ", segment, offset)
    return position + struct.pack("<I", crc32c(position))


def write(split_a, split_b, flags, data):
    seed = bytes([split_a, split_b, flags]) + data
    CORPUS.mkdir(parents=True, exist_ok=True)
    (CORPUS / hashlib.sha1(seed).hexdigest()[:16]).write_bytes(seed)


records = b"".join(record(i) for i in range(12))
write(128, 128, 0, records)                                    # three segments of intact records
write(255, 0, 0, records)                                      # all in one segment
write(100, 200, 1, records + ack(8, 0))                        # an ack at the start of segment 8
write(100, 200, 1, records + ack(7, len(record(0)) * 2))       # an ack two records into segment 7
write(128, 128, 0, records[:-9])                               # a torn tail
damaged = bytearray(records)
damaged[len(record(0)) * 3 + 20] ^= 0x5A
write(128, 128, 0, bytes(damaged))                             # a flipped byte in record 3
write(128, 128, 1, records + ack(8, 0)[:-1] + b"\x00")         # a damaged ack
write(60, 60, 0, records + record(99, signal=2))               # a record of another signal at the end
write(128, 128, 0, records[:50] + b"\x00" * 64 + records[50:]) # zeroes in the middle (a lost page)
write(128, 128, 0, b"STQR" + struct.pack("<II", 0xFFFFFFFF, 0) + records)  # a length pointing far away
# Bit 1 of the flags: the 24 bytes before the ack (here, the data's last) name the third file.
write(100, 200, 2, records + b"18446744073709551615.seg")     # the largest UInt64: not a number the log writes
write(100, 200, 2, records + b"+0000000000000000001.seg")     # a sign: not 20 digits
write(100, 200, 2, records + b"09223372036854775807.seg")     # the log's last number: nothing after it
crafted = 1 + 12 * 300 + len(record(1))                       # a false header every 12 bytes, each reaching to the end
false_headers = b"".join(b"STQR" + struct.pack("<II", crafted - 1 - 12 * (i + 1), 0xDEADBEEF) for i in range(300))
write(255, 0, 0, b"\x00" + false_headers + record(1))         # (quadratic for recovery before it became linear)
