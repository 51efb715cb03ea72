"""Hand-written Kafka wire encoding for the raw-socket tests: just enough of the request and
response layouts (from Apache Kafka's message JSON definitions) to send well-formed and
deliberately broken requests and to read the fields the tests check."""
import socket
import struct
import time

# ---------------------------------------------------------------- primitive writers


def i8(v): return struct.pack(">b", v)
def i16(v): return struct.pack(">h", v)
def i32(v): return struct.pack(">i", v)
def i64(v): return struct.pack(">q", v)
def u32(v): return struct.pack(">I", v)


def string(s):
    if s is None:
        return i16(-1)
    b = s.encode()
    return i16(len(b)) + b


def nbytes(b):
    if b is None:
        return i32(-1)
    return i32(len(b)) + b


def array(items):
    return i32(len(items)) + b"".join(items)


def uvarint(v):
    out = bytearray()
    while True:
        byte = v & 0x7F
        v >>= 7
        if v:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def varint(v):
    """Zig-zag signed varint, as used inside record batches."""
    return uvarint((v << 1) ^ (v >> 63))


def compact_string(s):
    if s is None:
        return uvarint(0)
    b = s.encode()
    return uvarint(len(b) + 1) + b


def compact_array(items):
    return uvarint(len(items) + 1) + b"".join(items)


NO_TAGS = uvarint(0)

# ---------------------------------------------------------------- reader


class Reader:
    def __init__(self, data: bytes):
        self.data = data
        self.pos = 0

    def take(self, n):
        if self.pos + n > len(self.data):
            raise ValueError(f"response too short: wanted {n} bytes at {self.pos} of {len(self.data)}")
        chunk = self.data[self.pos:self.pos + n]
        self.pos += n
        return chunk

    def i8(self): return struct.unpack(">b", self.take(1))[0]
    def i16(self): return struct.unpack(">h", self.take(2))[0]
    def i32(self): return struct.unpack(">i", self.take(4))[0]
    def i64(self): return struct.unpack(">q", self.take(8))[0]

    def string(self):
        n = self.i16()
        return None if n < 0 else self.take(n).decode()

    def nbytes(self):
        n = self.i32()
        return None if n < 0 else self.take(n)

    def uvarint(self):
        shift = value = 0
        while True:
            byte = self.take(1)[0]
            value |= (byte & 0x7F) << shift
            if not byte & 0x80:
                return value
            shift += 7

    def varint(self):
        """A zigzag-encoded signed varint (record fields)."""
        value = self.uvarint()
        return (value >> 1) ^ -(value & 1)

    def array(self, read_item):
        n = self.i32()
        return None if n < 0 else [read_item(self) for _ in range(n)]

    def remaining(self):
        return len(self.data) - self.pos


# ---------------------------------------------------------------- framing and connections


def request_header(api_key, version, correlation_id, client_id="raw-test", flexible=False):
    header = i16(api_key) + i16(version) + i32(correlation_id) + string(client_id)
    return header + (NO_TAGS if flexible else b"")


def frame(payload: bytes) -> bytes:
    return i32(len(payload)) + payload


CLOSED = "closed"


class Connection:
    """A blocking socket with a deadline on every read."""

    def __init__(self, host, port, timeout=10.0):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.timeout = timeout

    def send(self, data: bytes):
        self.sock.sendall(data)

    def request(self, api_key, version, correlation_id, body, flexible=False):
        self.send(frame(request_header(api_key, version, correlation_id, flexible=flexible) + body))
        return self.read_frame()

    def read_exact(self, n):
        chunks, got = [], 0
        deadline = time.monotonic() + self.timeout
        while got < n:
            self.sock.settimeout(max(0.01, deadline - time.monotonic()))
            chunk = self.sock.recv(n - got)
            if not chunk:
                return None
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)

    def read_frame(self):
        """Returns the response payload (correlation id first), or CLOSED if the peer closed."""
        try:
            head = self.read_exact(4)
            if head is None:
                return CLOSED
            (length,) = struct.unpack(">i", head)
            body = self.read_exact(length)
            return CLOSED if body is None else body
        except (ConnectionResetError, BrokenPipeError):
            return CLOSED

    def wait_closed(self, timeout=5.0):
        """True if the broker closes the connection (EOF or reset) within the timeout, without
        us sending anything more."""
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(65536)
            return data == b""
        except (ConnectionResetError, BrokenPipeError):
            return True
        except socket.timeout:
            return False

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def correlation_of(payload) -> int:
    return struct.unpack(">i", payload[:4])[0]


# ---------------------------------------------------------------- requests and responses

API_VERSIONS, METADATA, PRODUCE, FETCH, OFFSET_COMMIT = 18, 3, 0, 1, 8
JOIN_GROUP, SYNC_GROUP, LEAVE_GROUP = 11, 14, 13


def parse_api_versions_v0(payload):
    """ApiVersions response, v0 body layout: error, [api_key, min, max]."""
    r = Reader(payload)
    correlation = r.i32()
    error = r.i16()
    ranges = r.array(lambda r: (r.i16(), r.i16(), r.i16()))
    return correlation, error, {key: (low, high) for key, low, high in ranges or []}


def api_versions_v3_body():
    return compact_string("raw-test") + compact_string("1.0") + NO_TAGS


def metadata_v1_body(topics):
    return array([string(t) for t in topics])


def parse_metadata_v1(payload):
    r = Reader(payload)
    correlation = r.i32()
    brokers = r.array(lambda r: (r.i32(), r.string(), r.i32(), r.string()))
    controller = r.i32()

    def partition(r):
        error, index, leader = r.i16(), r.i32(), r.i32()
        r.array(lambda r: r.i32())
        r.array(lambda r: r.i32())
        return index, error, leader

    def topic(r):
        error, name = r.i16(), r.string()
        r.i8()  # is_internal
        return name, error, r.array(partition)

    topics = r.array(topic)
    return correlation, brokers, controller, {name: (error, parts) for name, error, parts in topics}


# -- record batch v2 (CRC-32C over attributes .. end)

def _crc32c_table():
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_CRC_TABLE = _crc32c_table()


def crc32c(data: bytes) -> int:
    c = 0xFFFFFFFF
    for b in data:
        c = _CRC_TABLE[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def record_batch(values, base_offset=0, timestamp_ms=None, producer_id=-1, producer_epoch=-1,
                 base_sequence=-1):
    """An uncompressed RecordBatch v2 holding one record per value (no keys, no headers)."""
    records = b""
    for delta, value in enumerate(values):
        body = i8(0) + varint(0) + varint(delta) + varint(-1) + varint(len(value)) + value + varint(0)
        records += varint(len(body)) + body
    return batch_with_records_section(records, len(values), base_offset=base_offset, timestamp_ms=timestamp_ms,
                                      producer_id=producer_id, producer_epoch=producer_epoch,
                                      base_sequence=base_sequence)


def batch_with_records_section(section, count, codec=0, base_offset=0, timestamp_ms=None, producer_id=-1,
                               producer_epoch=-1, base_sequence=-1):
    """A RecordBatch v2 around an arbitrary records section (well-formed or not) with a
    correct CRC-32C, claiming `count` records compressed with `codec`."""
    ts = int(time.time() * 1000) if timestamp_ms is None else timestamp_ms
    after_crc = (i16(codec) + i32(count - 1) + i64(ts) + i64(ts) + i64(producer_id)
                 + i16(producer_epoch) + i32(base_sequence) + i32(count) + section)
    after_length = i32(0) + i8(2) + u32(crc32c(after_crc)) + after_crc
    return i64(base_offset) + i32(len(after_length)) + after_length


def records_in(data: bytes):
    """(offset, value) of every record in uncompressed RecordBatch v2 bytes (a Fetch
    response's records); a partial batch at the end is skipped, as clients do."""
    position = 0
    while position + 61 <= len(data):
        r = Reader(data[position:])
        base_offset, length = r.i64(), r.i32()
        if position + 12 + length > len(data):
            return
        r.i32(), r.i8(), r.i32()  # leader epoch, magic, crc
        attributes = r.i16()
        assert attributes & 0x07 == 0, "records_in reads uncompressed batches only"
        r.i32(), r.i64(), r.i64(), r.i64(), r.i16(), r.i32()
        count = r.i32()
        for _ in range(count):
            r.varint()  # record length
            r.i8()
            r.varint()  # timestamp delta
            delta = r.varint()
            key_length = r.varint()
            if key_length > 0:
                r.take(key_length)
            value_length = r.varint()
            value = r.take(value_length) if value_length >= 0 else None
            for _ in range(r.varint()):
                r.take(r.varint())
                header_value = r.varint()
                if header_value > 0:
                    r.take(header_value)
            yield base_offset + delta, value
        position += 12 + length


def produce_v3_body(topic, partition, batch, acks=-1, timeout_ms=10000):
    return (string(None) + i16(acks) + i32(timeout_ms)
            + array([string(topic) + array([i32(partition) + nbytes(batch)])]))


def parse_produce_v3(payload):
    """-> {(topic, partition): (error, base_offset)}"""
    r = Reader(payload)
    r.i32()
    out = {}
    for _ in range(r.i32()):
        name = r.string()
        for _ in range(r.i32()):
            index, error, base_offset, _log_append = r.i32(), r.i16(), r.i64(), r.i64()
            out[(name, index)] = (error, base_offset)
    return out


INIT_PRODUCER_ID = 22


def init_producer_id_v0_body():
    return string(None) + i32(60000)


def parse_init_producer_id_v0(payload):
    """-> (error, producer_id, epoch)"""
    r = Reader(payload)
    r.i32()
    r.i32()  # throttle
    return r.i16(), r.i64(), r.i16()


def fetch_v4_body(topic, partition, offset, max_wait_ms=100, max_bytes=1 << 20):
    return (i32(-1) + i32(max_wait_ms) + i32(1) + i32(max_bytes) + i8(0)
            + array([string(topic) + array([i32(partition) + i64(offset) + i32(max_bytes)])]))


def parse_fetch_v4(payload):
    """-> {(topic, partition): (error, high_watermark, records_bytes)}"""
    r = Reader(payload)
    r.i32()
    r.i32()  # throttle
    out = {}
    for _ in range(r.i32()):
        name = r.string()
        for _ in range(r.i32()):
            index, error, high, _lso = r.i32(), r.i16(), r.i64(), r.i64()
            r.array(lambda r: (r.i64(), r.i64()))
            out[(name, index)] = (error, high, r.nbytes())
    return out


def join_group_v2_body(group, member_id="", session_ms=10000, rebalance_ms=10000, topics=("x",)):
    # ConsumerProtocolSubscription v0: version, topics, user data
    subscription = i16(0) + array([string(t) for t in topics]) + nbytes(b"")
    return (string(group) + i32(session_ms) + i32(rebalance_ms) + string(member_id)
            + string("consumer") + array([string("range") + nbytes(subscription)]))


def parse_join_group_v2(payload):
    r = Reader(payload)
    r.i32()
    r.i32()  # throttle
    error, generation = r.i16(), r.i32()
    r.string()  # protocol name
    leader, member = r.string(), r.string()
    r.array(lambda r: (r.string(), r.nbytes()))
    return error, generation, leader, member


def sync_group_v1_body(group, generation, member_id, assignments):
    return (string(group) + i32(generation) + string(member_id)
            + array([string(m) + nbytes(a) for m, a in assignments]))


def parse_sync_group_v1(payload):
    r = Reader(payload)
    r.i32()
    r.i32()
    return r.i16(), r.nbytes()


def offset_commit_v2_body(group, generation, member_id, topic, partition, offset):
    return (string(group) + i32(generation) + string(member_id) + i64(-1)
            + array([string(topic) + array([i32(partition) + i64(offset) + string(None)])]))


def parse_offset_commit_v2(payload):
    """-> {(topic, partition): error}"""
    r = Reader(payload)
    r.i32()
    out = {}
    for _ in range(r.i32()):
        name = r.string()
        for _ in range(r.i32()):
            index, error = r.i32(), r.i16()
            out[(name, index)] = error
    return out


def leave_group_v0_body(group, member_id):
    return string(group) + string(member_id)
