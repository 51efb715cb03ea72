"""Recovery after an unclean stop: a segment whose tail holds garbage, half a batch, a batch with
a bad CRC or zero fill is truncated at the first bad byte; everything acknowledged before stays
readable and new records continue at the right offset."""
import random
import re
import struct
import uuid

import pytest

from kafkahelpers import create_topic, produce_acked, read_partition

pytestmark = pytest.mark.needs_aseed

RECORDS = 60


def last_batch(data: bytes) -> bytes:
    pos, last = 0, b""
    while pos + 12 <= len(data):
        (length,) = struct.unpack(">i", data[pos + 8:pos + 12])
        last = data[pos:pos + 12 + length]
        pos += 12 + length
    assert pos == len(data), "segment did not end on a batch boundary before corruption"
    return last


def corruption(kind: str, data: bytes) -> bytes:
    batch = last_batch(data)
    if kind == "garbage":
        rng = random.Random(99)
        return bytes(rng.getrandbits(8) for _ in range(777))
    if kind == "partial-batch":
        # A copy of the last batch, renumbered to follow it, cut in the middle: a write torn by the crash.
        renumbered = struct.pack(">q", RECORDS) + batch[8:]
        return renumbered[:len(renumbered) // 2]
    if kind == "bad-crc":
        # A complete batch whose last byte changed after the CRC was computed.
        renumbered = bytearray(struct.pack(">q", RECORDS) + batch[8:])
        renumbered[-1] ^= 0xFF
        return bytes(renumbered)
    if kind == "zero-fill":
        return bytes(4096)
    raise ValueError(kind)


@pytest.mark.parametrize("kind", ["garbage", "partial-batch", "bad-crc", "zero-fill"])
def test_corrupt_tail_is_truncated_on_restart(aseed_factory, kind):
    broker = aseed_factory(flush="every-batch").start()
    topic = f"torn-{uuid.uuid4().hex[:8]}"
    create_topic(broker.bootstrap, topic, 1)
    values = [f"{kind}-{i}".encode() for i in range(RECORDS)]
    for start in range(0, RECORDS, 15):  # several batches
        produce_acked(broker.bootstrap, topic, values[start:start + 15])
    broker.kill()

    segments = sorted(broker.partition_dir(topic, 0).glob("*.log"))
    assert segments, f"no segment files in {broker.partition_dir(topic, 0)}"
    segment = segments[-1]
    original = segment.read_bytes()
    tail = corruption(kind, original)
    with open(segment, "ab") as f:
        f.write(tail)

    broker.start()
    assert segment.stat().st_size == len(original), "segment not cut back to its last valid batch"
    log = (broker.log_dir / "broker.log").read_text(errors="replace")
    lines = [line for line in log.splitlines() if re.search(r"truncated \d+ bytes", line)]
    assert len(lines) == 1, f"expected one truncation line, got {lines}"
    match = re.search(r"truncated (\d+) bytes", lines[0])
    assert match and int(match.group(1)) == len(tail), lines[0]

    stored = read_partition(broker.bootstrap, topic, 0, RECORDS)
    assert [(m.offset(), m.value()) for m in stored] == list(enumerate(values))
    assert produce_acked(broker.bootstrap, topic, [b"after-recovery"]) == [RECORDS]
    [after] = read_partition(broker.bootstrap, topic, 0, 1, start=RECORDS)
    assert after.value() == b"after-recovery"
    assert broker.stop() == 0
