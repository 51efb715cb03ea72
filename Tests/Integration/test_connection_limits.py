"""How the broker guards its memory, CPU and file descriptors against connections: requests still
arriving share one memory budget, a request must be complete within a deadline, idle connections
are closed, and running out of file descriptors makes the accept loop back off instead of spin.
Numbers measured here are printed (`pytest -s`) and recorded as test properties."""
import concurrent.futures
import os
import resource
import socket
import time

import pytest

import kafkaproto as kp
from conftest import unique
from kafkahelpers import assert_broker_serves, create_topic, produce_acked, read_partition
from procstats import cpu_share, open_descriptors, rss_mb

pytestmark = pytest.mark.needs_aseed

MIB = 1024 * 1024


def push(sockets_and_data, pid, patience=1.5, ceiling=20.0):
    """Sends each socket's bytes without blocking until all are sent or nothing moved for
    `patience` seconds (the broker stopped reading); returns the broker's peak RSS meanwhile."""
    sent = {sock: 0 for sock, _ in sockets_and_data}
    peak = rss_mb(pid)
    last_progress = started = time.monotonic()
    while time.monotonic() - last_progress < patience and time.monotonic() - started < ceiling:
        moved = False
        for sock, data in sockets_and_data:
            if sent[sock] == len(data):
                continue
            try:
                count = sock.send(data[sent[sock]:sent[sock] + 256 * 1024])
            except BlockingIOError:
                continue
            sent[sock] += count
            moved = moved or count > 0
        if moved:
            last_progress = time.monotonic()
        else:
            time.sleep(0.02)
        peak = max(peak, rss_mb(pid))
    return peak


# ---------------------------------------------------------------- memory of requests still arriving


def test_requests_still_arriving_cannot_take_the_memory_of_the_process(aseed_factory, record_property):
    """200 connections each announce a 2 MiB request and send all of it but the last bytes. The
    broker buffers them only within its budget (64 MiB by default) and stops reading the rest,
    so its memory stays bounded, while another client still produces and consumes."""
    instance = aseed_factory().start()
    pid = instance.process.pid
    topic = unique("flood")
    create_topic(instance.bootstrap, topic, 1)
    assert_broker_serves(instance.bootstrap)
    before = rss_mb(pid)

    size = 2 * MIB
    data = memoryview(kp.i32(size) + b"\x00" * (size - 16))
    flood = []
    try:
        for _ in range(200):
            sock = socket.create_connection((instance.host, instance.port), timeout=10)
            sock.setblocking(False)
            flood.append((sock, data))
        peak = push(flood, pid)
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline:
            peak = max(peak, rss_mb(pid))
            time.sleep(0.05)

        # The flood is still open: a normal client produces and reads back on its own connection.
        offsets = produce_acked(instance.bootstrap, topic, [b"during-the-flood-%d" % n for n in range(10)])
        messages = read_partition(instance.bootstrap, topic, 0, 10, start=offsets[0], timeout=20)
        assert [m.value() for m in messages] == [b"during-the-flood-%d" % n for n in range(10)]
        peak = max(peak, rss_mb(pid))
    finally:
        for sock, _ in flood:
            sock.close()
    record_property("rss_before_mb", round(before))
    record_property("rss_peak_during_flood_mb", round(peak))
    print(f"\nbroker RSS: {before:.0f} MB before, {peak:.0f} MB at the peak of 200 x 2 MiB partial requests")
    assert peak < 300, f"broker RSS reached {peak:.0f} MB under 200 partial 2 MiB requests"
    assert_broker_serves(instance.bootstrap)
    assert instance.stop() == 0


def test_large_produce_requests_wait_for_budget_instead_of_failing(aseed_factory):
    """Eight producers send ~1 MB requests at once through a 2 MiB budget: requests that do not fit
    wait for the ones being received, and every record is acknowledged."""
    instance = aseed_factory(queued_max_request_bytes=str(2 * MIB)).start()
    topic = unique("large")
    create_topic(instance.bootstrap, topic, 8)
    value = os.urandom(900_000)  # one record per request, under the clients' 1 MB default limit

    def produce(partition):
        return produce_acked(instance.bootstrap, topic, [value] * 3, partition=partition, **{"linger.ms": 0})

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        results = list(pool.map(produce, range(8)))
    assert all(offsets == [0, 1, 2] for offsets in results)
    [message] = read_partition(instance.bootstrap, topic, 5, 1, start=2)
    assert message.value() == value
    assert instance.stop() == 0


# ---------------------------------------------------------------- deadlines


def test_a_request_not_complete_within_the_deadline_closes_the_connection(aseed_factory):
    instance = aseed_factory(partial_request_timeout_ms="1000").start()
    full = kp.frame(kp.request_header(kp.METADATA, 1, 7) + kp.metadata_v1_body(["orders"]))
    with kp.Connection(instance.host, instance.port) as stalled, \
            kp.Connection(instance.host, instance.port) as dribbling, \
            kp.Connection(instance.host, instance.port) as quiet:
        stalled.send(full[:10])
        assert not stalled.wait_closed(0.5), "closed half a second into a 1 s deadline"
        # A client sending a byte every 200 ms keeps the connection busy but does not finish
        # within the deadline either.
        try:
            for byte in full[:12]:
                dribbling.send(bytes([byte]))
                time.sleep(0.2)
        except (BrokenPipeError, ConnectionResetError):
            pass
        assert dribbling.wait_closed(3), "a request dribbled over 2.4 s outlived a 1 s deadline"
        assert stalled.wait_closed(3), "connection with a stalled request still open after 3.5 s"
        # A connection with nothing half-sent is not affected by the deadline.
        payload = quiet.request(kp.API_VERSIONS, 0, 8, b"")
        assert payload is not kp.CLOSED and kp.correlation_of(payload) == 8
    assert "incomplete after 1000 ms" in instance.output()
    assert_broker_serves(instance.bootstrap)
    assert instance.stop() == 0


def test_idle_connections_are_closed_after_connections_max_idle_ms(aseed_factory):
    instance = aseed_factory(connections_max_idle_ms="1500").start()
    topic = unique("idle")
    create_topic(instance.bootstrap, topic, 1)
    with kp.Connection(instance.host, instance.port) as idle, kp.Connection(instance.host, instance.port) as busy:
        assert idle.request(kp.API_VERSIONS, 0, 1, b"") is not kp.CLOSED
        # A connection that sends a request every 500 ms stays open past the idle limit,
        # and so does one waiting 2.5 s for a long-polling fetch.
        started = time.monotonic()
        for correlation in range(2, 8):
            payload = busy.request(kp.API_VERSIONS, 0, correlation, b"")
            assert payload is not kp.CLOSED, "a busy connection was closed as idle"
            time.sleep(0.5)
        payload = busy.request(kp.FETCH, 4, 9, kp.fetch_v4_body(topic, 0, 0, max_wait_ms=2500))
        assert payload is not kp.CLOSED, "a connection waiting for a fetch was closed as idle"
        assert time.monotonic() - started > 4
        assert idle.wait_closed(3), "an idle connection was still open well after 1.5 s"
    assert "idle for" in instance.output()
    assert instance.stop() == 0


# ---------------------------------------------------------------- file descriptors


def test_running_out_of_file_descriptors_does_not_spin_the_accept_loop(aseed_factory):
    """With 256 descriptors the broker cannot accept 300 connections. The accept loop backs
    off instead of retrying at full speed, says so once, and serves again when descriptors free."""
    instance = aseed_factory().start()
    pid = instance.process.pid
    assert_broker_serves(instance.bootstrap)
    resource.prlimit(pid, resource.RLIMIT_NOFILE, (256, 256))
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 1024:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(1024, hard), hard))

    extra = []
    try:
        for _ in range(300):
            extra.append(socket.create_connection((instance.host, instance.port), timeout=10))
        # Wait until the broker took every descriptor it can get.
        deadline, seen = time.monotonic() + 10, 0
        while time.monotonic() < deadline:
            time.sleep(0.3)
            count = open_descriptors(pid)
            if count >= 250 and count == seen:
                break
            seen = count
        assert open_descriptors(pid) >= 250, "the broker never ran out of descriptors"

        share = cpu_share(pid, 2.0)
        print(f"\nbroker CPU with accept failing for want of descriptors: {share:.1%} of a core")
        assert share < 0.05, f"the broker used {share:.0%} of a core while accept kept failing"
    finally:
        for sock in extra:
            sock.close()
    # Descriptors free as the broker sees those connections close; new clients are served again.
    assert_broker_serves(instance.bootstrap)
    # Once per episode, not per attempt: each "cannot accept" is followed by one recovery line
    # (a client of the checks above closing late may free a descriptor and split the episode).
    log = (instance.log_dir / "broker.log").read_text()
    episodes = log.count("cannot accept connections")
    assert episodes >= 1 and episodes == log.count("accepting connections again"), log[-3000:]
    assert instance.stop() == 0
