"""The broker against hand-made bytes: valid requests checked field by field, and bad input
(garbage, truncated and oversized frames, unknown APIs and versions, absurd array counts).
After every bad input a fresh client must still be able to produce and consume."""
import random
import struct
import threading
import time

import pytest

import kafkaproto as kp
from kafkahelpers import assert_broker_serves, produce_acked

# What the broker advertises at least (contract), api key -> (min, max).
CONTRACT_RANGES = {
    0: (0, 9), 1: (4, 12), 2: (1, 7), 3: (0, 12), 8: (2, 9), 9: (1, 7), 10: (0, 3), 11: (0, 9),
    12: (0, 4), 13: (0, 5), 14: (0, 5), 15: (0, 5), 16: (0, 4), 18: (0, 4), 19: (0, 7),
    20: (0, 4), 22: (0, 4), 32: (1, 4),
    # The transaction APIs, from the oldest version aiokafka sends to the newest 4.x clients send
    # without KIP-890's second protocol.
    24: (0, 5), 25: (0, 4), 26: (0, 4), 27: (0, 1), 28: (0, 4), 65: (0, 0), 66: (0, 1),
    # SASL and the SCRAM admin APIs (kafka-configs --entity-type users).
    17: (0, 1), 36: (0, 2), 50: (0, 0), 51: (0, 0),
}

UNSUPPORTED_VERSION = 35
INVALID_REQUEST = 42


def connect(broker, timeout=10.0):
    return kp.Connection(broker.host, broker.port, timeout)


def parse_api_versions_v3(payload):
    r = kp.Reader(payload)
    correlation, error = r.i32(), r.i16()
    ranges = {}
    for _ in range(r.uvarint() - 1):
        key, low, high = r.i16(), r.i16(), r.i16()
        for _ in range(r.uvarint()):
            r.uvarint()
            r.take(r.uvarint())
        ranges[key] = (low, high)
    return correlation, error, ranges


def assert_covers_contract(ranges):
    missing = {k: v for k, v in CONTRACT_RANGES.items()
               if k not in ranges or ranges[k][0] > v[0] or ranges[k][1] < v[1]}
    assert not missing, f"advertised {ranges}, contract needs at least {missing}"


# ---------------------------------------------------------------- ApiVersions


@pytest.mark.parametrize("version", [0, 1, 2, 3])
def test_api_versions_advertises_the_contract_ranges(broker, version):
    with connect(broker) as conn:
        if version < 3:
            payload = conn.request(kp.API_VERSIONS, version, 101, b"")
            correlation, error, ranges = kp.parse_api_versions_v0(payload)
        else:
            payload = conn.request(kp.API_VERSIONS, 3, 101, kp.api_versions_v3_body(), flexible=True)
            correlation, error, ranges = parse_api_versions_v3(payload)
    assert correlation == 101
    assert error == 0
    assert_covers_contract(ranges)


def test_api_versions_with_an_unknown_version_answers_in_v0_layout(broker):
    """KIP-511: the client learns the supported range from a v0-shaped answer and retries."""
    with connect(broker) as conn:
        payload = conn.request(kp.API_VERSIONS, 99, 202, kp.api_versions_v3_body(), flexible=True)
        assert payload is not kp.CLOSED, "broker closed the connection instead of answering"
        correlation, error, ranges = kp.parse_api_versions_v0(payload)
        assert correlation == 202
        assert error == UNSUPPORTED_VERSION
        assert_covers_contract(ranges)
        # The client then retries with a version from the list, on the same connection.
        payload = conn.request(kp.API_VERSIONS, 3, 203, kp.api_versions_v3_body(), flexible=True)
        assert payload is not kp.CLOSED
        assert parse_api_versions_v3(payload)[:2] == (203, 0)
    assert_broker_serves(broker.bootstrap)


# ---------------------------------------------------------------- unknown keys and versions


@pytest.mark.parametrize("api_key,version", [(1000, 0), (74, 0), (kp.METADATA, 99), (kp.FETCH, 99),
                                             (kp.PRODUCE, 50), (kp.OFFSET_COMMIT, 77)])
def test_unknown_api_or_version_gets_unsupported_version(broker, api_key, version):
    with connect(broker) as conn:
        payload = conn.request(api_key, version, 303, b"\x00" * 16)
    assert payload is not kp.CLOSED, "broker closed the connection instead of answering"
    assert kp.correlation_of(payload) == 303
    assert len(payload) >= 6
    assert struct.unpack(">h", payload[4:6])[0] == UNSUPPORTED_VERSION
    assert_broker_serves(broker.bootstrap)


@pytest.mark.parametrize("version", [0, 2])
def test_old_produce_versions_answer_unsupported_version(broker, topic_factory, version):
    """Produce 0-2 are advertised (librdkafka checks for them) but answer with error 35."""
    topic = topic_factory(1)
    batch = kp.record_batch([b"old"])
    body = kp.i16(-1) + kp.i32(5000) + kp.array([kp.string(topic) + kp.array([kp.i32(0) + kp.nbytes(batch)])])
    with connect(broker) as conn:
        payload = conn.request(kp.PRODUCE, version, 404, body)
    assert payload is not kp.CLOSED
    r = kp.Reader(payload)
    assert r.i32() == 404
    assert r.i32() == 1
    assert r.string() == topic
    assert r.i32() == 1
    assert r.i32() == 0
    assert r.i16() == UNSUPPORTED_VERSION
    assert_broker_serves(broker.bootstrap)


# ---------------------------------------------------------------- produce and fetch errors


def test_produce_then_fetch_round_trip(broker, topic_factory):
    """The raw encoder itself works: a well-formed produce succeeds and fetch returns it."""
    topic = topic_factory(1)
    with connect(broker) as conn:
        payload = conn.request(kp.PRODUCE, 3, 1, kp.produce_v3_body(topic, 0, kp.record_batch([b"a", b"b"])))
        assert kp.parse_produce_v3(payload) == {(topic, 0): (0, 0)}
        payload = conn.request(kp.FETCH, 4, 2, kp.fetch_v4_body(topic, 0, 0))
        error, high, records = kp.parse_fetch_v4(payload)[(topic, 0)]
    assert (error, high) == (0, 2)
    # The whole stored batch comes back (possibly recompressed): check its v2 header and CRC.
    r = kp.Reader(records)
    base_offset, length, _epoch, magic, crc = r.i64(), r.i32(), r.i32(), r.i8(), r.take(4)
    assert (base_offset, magic) == (0, 2)
    assert len(records) >= 12 + length
    assert kp.crc32c(records[21:12 + length]) == struct.unpack(">I", crc)[0]
    _attributes, last_delta = r.i16(), r.i32()
    r.take(8 + 8 + 8 + 2 + 4)
    assert (last_delta, r.i32()) == (1, 2)


def test_uncompressed_batch_with_broken_records_is_refused(broker, topic_factory):
    """A correct CRC over records that do not parse: INVALID_RECORD, nothing stored."""
    topic = topic_factory(1)
    broken = kp.varint(40) + b"\x00" * 10  # a record claiming 40 bytes, 10 present
    with connect(broker) as conn:
        payload = conn.request(kp.PRODUCE, 3, 3, kp.produce_v3_body(topic, 0, kp.batch_with_records_section(broken, 1)))
        assert kp.parse_produce_v3(payload)[(topic, 0)][0] == 87  # INVALID_RECORD
        payload = conn.request(kp.PRODUCE, 3, 4, kp.produce_v3_body(topic, 0, kp.record_batch([b"ok"])))
        assert kp.parse_produce_v3(payload)[(topic, 0)] == (0, 0)  # the refused batch took no offset
    assert_broker_serves(broker.bootstrap)


@pytest.mark.needs_aseed
@pytest.mark.parametrize("validate", ["true", "false"])
def test_compressed_batch_with_garbage_payload(aseed_factory, validate):
    """With --validate-compressed-records (the default) the broker decompresses and refuses a
    batch whose lz4 payload is garbage (CORRUPT_MESSAGE); turned off, compressed batches are
    checked by header and CRC only, so the same batch is stored as sent."""
    instance = aseed_factory(validate_compressed_records=validate).start()
    batch = kp.batch_with_records_section(b"not an lz4 frame at all", 1, codec=3)
    with connect(instance) as conn:
        payload = conn.request(kp.PRODUCE, 3, 5, kp.produce_v3_body("orders", 0, batch))
    expected = 2 if validate == "true" else 0  # CORRUPT_MESSAGE or stored
    assert kp.parse_produce_v3(payload)[("orders", 0)][0] == expected
    assert_broker_serves(instance.bootstrap)
    assert instance.stop() == 0


def test_idempotent_retry_is_answered_with_the_original_offset(broker, topic_factory):
    """A retried batch (same producer, epoch and sequences) is not appended twice; a gap in
    the sequence is OUT_OF_ORDER_SEQUENCE_NUMBER."""
    topic = topic_factory(1)
    with connect(broker) as conn:
        error, producer_id, epoch = kp.parse_init_producer_id_v0(
            conn.request(kp.INIT_PRODUCER_ID, 0, 1, kp.init_producer_id_v0_body()))
        assert error == 0 and producer_id >= 0 and epoch == 0

        def produce(correlation, values, sequence):
            batch = kp.record_batch(values, producer_id=producer_id, producer_epoch=epoch, base_sequence=sequence)
            return kp.parse_produce_v3(conn.request(kp.PRODUCE, 3, correlation, kp.produce_v3_body(topic, 0, batch)))[(topic, 0)]

        assert produce(2, [b"a", b"b", b"c"], 0) == (0, 0)
        assert produce(3, [b"a", b"b", b"c"], 0) == (0, 0)  # the retry: original offset, nothing appended
        assert produce(4, [b"d"], 3) == (0, 3)
        assert produce(5, [b"x"], 9)[0] == 45  # OUT_OF_ORDER_SEQUENCE_NUMBER
        _error, high, _records = kp.parse_fetch_v4(conn.request(kp.FETCH, 4, 6, kp.fetch_v4_body(topic, 0, 0)))[(topic, 0)]
    assert high == 4


def test_fetch_waits_for_data_and_answers_when_it_arrives(broker, topic_factory):
    """Long polling: a fetch with max_wait 10 s returns as soon as a record arrives, and one
    on a partition that stays empty returns empty after its max_wait."""
    topic = topic_factory(1)
    with connect(broker) as conn:
        start = time.monotonic()
        payload = conn.request(kp.FETCH, 4, 1, kp.fetch_v4_body(topic, 0, 0, max_wait_ms=700))
        waited = time.monotonic() - start
        error, high, records = kp.parse_fetch_v4(payload)[(topic, 0)]
        assert (error, high, records) == (0, 0, b"")
        assert 0.6 <= waited < 5

        def produce_later():
            time.sleep(0.5)
            produce_acked(broker.bootstrap, topic, [b"late"])

        producer = threading.Thread(target=produce_later)
        producer.start()
        start = time.monotonic()
        payload = conn.request(kp.FETCH, 4, 2, kp.fetch_v4_body(topic, 0, 0, max_wait_ms=10_000))
        waited = time.monotonic() - start
        producer.join()
    error, high, records = kp.parse_fetch_v4(payload)[(topic, 0)]
    assert (error, high) == (0, 1) and len(records) > 0
    assert 0.3 <= waited < 5, f"fetch answered after {waited:.2f} s"


def test_produce_to_a_partition_that_does_not_exist(broker, topic_factory):
    topic = topic_factory(2)
    with connect(broker) as conn:
        payload = conn.request(kp.PRODUCE, 3, 7, kp.produce_v3_body(topic, 99, kp.record_batch([b"x"])))
    assert kp.correlation_of(payload) == 7
    assert kp.parse_produce_v3(payload)[(topic, 99)][0] == 3  # UNKNOWN_TOPIC_OR_PARTITION
    assert_broker_serves(broker.bootstrap)


def test_produce_of_a_batch_over_message_max_bytes(broker, topic_factory):
    topic = topic_factory(1)
    batch = kp.record_batch([b"z" * (2 * 1024 * 1024)])
    with connect(broker, timeout=20) as conn:
        payload = conn.request(kp.PRODUCE, 3, 8, kp.produce_v3_body(topic, 0, batch))
    assert payload is not kp.CLOSED
    assert kp.parse_produce_v3(payload)[(topic, 0)][0] == 10  # MESSAGE_TOO_LARGE
    assert_broker_serves(broker.bootstrap)


@pytest.mark.parametrize("where", ["past-the-end", "negative"])
def test_fetch_out_of_range(broker, topic_factory, where):
    topic = topic_factory(1)
    produce_acked(broker.bootstrap, topic, [b"1", b"2", b"3"])
    offset = 1000 if where == "past-the-end" else -7
    with connect(broker) as conn:
        payload = conn.request(kp.FETCH, 4, 9, kp.fetch_v4_body(topic, 0, offset))
    assert kp.correlation_of(payload) == 9
    error, high, _ = kp.parse_fetch_v4(payload)[(topic, 0)]
    assert error == 1  # OFFSET_OUT_OF_RANGE
    assert high == 3
    assert_broker_serves(broker.bootstrap)


# ---------------------------------------------------------------- group membership errors


def join(conn, group, member_id, topics):
    """Joins (or rejoins) as the only member and syncs; returns (generation, member id).
    Retries like a client would on REBALANCE_IN_PROGRESS."""
    for _ in range(5):
        # JoinGroup v4 has the v2 layout; from v4 on a broker may first answer MEMBER_ID_REQUIRED
        # (79) with the id to join with.
        payload = conn.request(kp.JOIN_GROUP, 4, 20, kp.join_group_v2_body(group, member_id, topics=topics))
        error, generation, leader, member = kp.parse_join_group_v2(payload)
        if error == 79 and not member_id:
            assert member, "MEMBER_ID_REQUIRED without a member id"
            member_id = member
            continue
        assert error == 0, f"JoinGroup failed with {error}"
        assert leader == member
        member_id = member
        payload = conn.request(kp.SYNC_GROUP, 1, 21, kp.sync_group_v1_body(group, generation, member, [(member, b"")]))
        error, _assignment = kp.parse_sync_group_v1(payload)
        if error == 27:
            continue
        assert error == 0, f"SyncGroup failed with {error}"
        return generation, member
    raise AssertionError("group did not stabilise after 5 join attempts")


def test_offset_commit_from_unknown_member_and_stale_generation(broker, topic_factory):
    topic = topic_factory(1)
    group = f"raw-group-{topic}"
    with connect(broker, timeout=30) as conn:
        first_generation, member = join(conn, group, "", [topic])
        # Rejoining with a different subscription forces a new generation.
        generation, same_member = join(conn, group, member, [topic, topic + "-other"])
        assert same_member == member
        assert generation > first_generation

        def commit(gen, who, offset):
            payload = conn.request(kp.OFFSET_COMMIT, 2, 30, kp.offset_commit_v2_body(group, gen, who, topic, 0, offset))
            return kp.parse_offset_commit_v2(payload)[(topic, 0)]

        assert commit(generation, member, 5) == 0
        assert commit(generation, "not-a-member-of-this-group", 6) == 25  # UNKNOWN_MEMBER_ID
        assert commit(first_generation, member, 7) == 22  # ILLEGAL_GENERATION
        conn.request(kp.LEAVE_GROUP, 0, 31, kp.leave_group_v0_body(group, member))
    assert_broker_serves(broker.bootstrap)


# ---------------------------------------------------------------- malformed frames


def test_random_bytes_do_not_hurt_the_broker(broker):
    rng = random.Random(20240611)
    for _ in range(5):
        with connect(broker, timeout=2) as conn:
            try:
                conn.send(bytes(rng.getrandbits(8) for _ in range(4096)))
                conn.wait_closed(1)
            except (ConnectionResetError, BrokenPipeError):
                pass
    assert_broker_serves(broker.bootstrap)


def test_random_bodies_of_known_apis_do_not_hurt_the_broker(broker):
    rng = random.Random(7)
    for api_key, version in [(kp.METADATA, 1), (kp.PRODUCE, 3), (kp.FETCH, 4), (kp.JOIN_GROUP, 2),
                             (kp.OFFSET_COMMIT, 2), (kp.API_VERSIONS, 3), (kp.METADATA, 9), (24, 0), (26, 0), (28, 0)]:
        body = bytes(rng.getrandbits(8) for _ in range(200))
        with connect(broker, timeout=5) as conn:
            try:
                payload = conn.request(api_key, version, 55, body, flexible=version >= 9 or api_key == kp.API_VERSIONS)
            except (ConnectionResetError, BrokenPipeError):
                payload = kp.CLOSED
            if payload is not kp.CLOSED:
                assert kp.correlation_of(payload) == 55
    assert_broker_serves(broker.bootstrap)


MALFORMED_BODIES = {
    # topics array says 5 entries, none follow
    "metadata-truncated-array": (kp.METADATA, 1, kp.i32(5), False),
    # array counts near 2^31 inside a frame of a few bytes: must not allocate or loop
    "metadata-huge-array": (kp.METADATA, 1, kp.i32(0x7FFFFFFF), False),
    "produce-huge-array": (kp.PRODUCE, 3, kp.string(None) + kp.i16(-1) + kp.i32(1000) + kp.i32(0x7FFFFFFF), False),
    "fetch-huge-partitions": (kp.FETCH, 4, kp.i32(-1) + kp.i32(100) + kp.i32(1) + kp.i32(1000) + kp.i8(0)
                              + kp.i32(1) + kp.string("t") + kp.i32(0x7FFFFFFF), False),
    "metadata-v9-huge-compact-array": (kp.METADATA, 9, kp.uvarint(0xFFFFFFFF), True),
    "string-longer-than-frame": (kp.METADATA, 1, kp.i32(1) + kp.i16(30000) + b"abc", False),
    # AddPartitionsToTxn v0 with a topic count near 2^31, EndTxn v0 cut after the producer id,
    # TxnOffsetCommit v0 whose partitions array is longer than the frame
    "add-partitions-to-txn-huge-array": (24, 0, kp.string("tx") + kp.i64(1) + kp.i16(0) + kp.i32(0x7FFFFFFF), False),
    "end-txn-truncated": (26, 0, kp.string("tx") + kp.i64(1), False),
    "txn-offset-commit-truncated": (28, 0, kp.string("tx") + kp.string("g") + kp.i64(1) + kp.i16(0) + kp.i32(1)
                                    + kp.string("t") + kp.i32(3), False),
    "produce-records-longer-than-frame": (kp.PRODUCE, 3, kp.string(None) + kp.i16(-1) + kp.i32(1000) + kp.i32(1)
                                          + kp.string("t") + kp.i32(1) + kp.i32(0) + kp.i32(1 << 30) + b"xx", False),
}


@pytest.mark.parametrize("case", sorted(MALFORMED_BODIES))
def test_malformed_body_of_a_known_api_gets_an_answer(broker, case):
    api_key, version, body, flexible = MALFORMED_BODIES[case]
    started = time.monotonic()
    with connect(broker, timeout=10) as conn:
        payload = conn.request(api_key, version, 77, body, flexible=flexible)
    assert payload is not kp.CLOSED, "no response frame before the connection closed"
    assert kp.correlation_of(payload) == 77
    assert time.monotonic() - started < 10
    assert_broker_serves(broker.bootstrap)


def test_truncated_frame_held_open_does_not_block_others(broker):
    with connect(broker) as stalled:
        stalled.send(kp.i32(100) + kp.request_header(kp.METADATA, 1, 1)[:6])
        assert_broker_serves(broker.bootstrap)
    assert_broker_serves(broker.bootstrap)


def test_truncated_frame_then_disconnect(broker):
    for cut in (1, 3, 5, 12):
        with connect(broker) as conn:
            full = kp.frame(kp.request_header(kp.METADATA, 1, 1) + kp.metadata_v1_body(["a"]))
            conn.send(full[:cut])
    assert_broker_serves(broker.bootstrap)


@pytest.mark.parametrize("length", [-1, -2147483648, 0x7FFFFFFF, 0x40000000])
def test_bad_frame_length_closes_the_connection_without_reading_a_body(broker, length):
    with connect(broker) as conn:
        conn.send(kp.i32(length))
        assert conn.wait_closed(5), "connection still open 5s after an impossible frame length"
    assert_broker_serves(broker.bootstrap)


@pytest.mark.needs_aseed
def test_frame_over_socket_request_max_bytes_is_refused(aseed_factory):
    limit = 4096
    instance = aseed_factory(socket_request_max_bytes=str(limit)).start()
    # Below the limit: a metadata request made big by a long client id is served.
    request = kp.request_header(kp.METADATA, 1, 5, client_id="c" * 3000) + kp.metadata_v1_body(["orders"])
    assert 3000 < len(request) < limit
    with connect(instance) as conn:
        conn.send(kp.frame(request))
        payload = conn.read_frame()
        assert payload is not kp.CLOSED
        correlation, _brokers, _controller, topics = kp.parse_metadata_v1(payload)
        assert correlation == 5
        assert topics["orders"][0] == 0 and len(topics["orders"][1]) == 3
    # Above it: only the length is sent, and the broker hangs up.
    with connect(instance) as conn:
        conn.send(kp.i32(limit * 2))
        assert conn.wait_closed(5)
    assert_broker_serves(instance.bootstrap)
    assert instance.stop() == 0
