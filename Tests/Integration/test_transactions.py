"""Kafka transactions with the Python clients and kcat against the shared broker: confluent-kafka
(librdkafka, read_committed by default), aiokafka and kafka-python commit and abort, commit the
input offsets of a consume-transform-produce loop inside the transaction, and read committed data
only; kcat reads aborted data only when asked to read uncommitted; and consumers of topics without
transactions still read everything."""
import asyncio
import shutil
import subprocess
import time

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.structs import TopicPartition as AioTopicPartition
from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, KafkaException, Producer, TopicPartition
from kafka import KafkaConsumer, KafkaProducer
from kafka import TopicPartition as KpTopicPartition
from kafka.structs import OffsetAndMetadata

from conftest import require, unique, wait_for
from kafkahelpers import produce_acked

TXN_TIMEOUT_MS = 20000


# confluent-kafka helpers.

def txn_producer(bootstrap, transactional_id=None, **config):
    """A confluent-kafka transactional producer, its transactions initialised."""
    producer = Producer({"bootstrap.servers": bootstrap, "transactional.id": transactional_id or unique("txn"),
                         "transaction.timeout.ms": TXN_TIMEOUT_MS, "linger.ms": 5, **config})
    producer.init_transactions(30)
    return producer


def run_transaction(producer, topic, values, partitions, commit=True):
    """One transaction with value i on partition i % partitions; flushed before an abort so the
    aborted records are in the log."""
    producer.begin_transaction()
    for i, value in enumerate(values):
        producer.produce(topic, value=value.encode(), partition=i % partitions)
    if commit:
        producer.commit_transaction(30)
    else:
        assert producer.flush(30) == 0
        producer.abort_transaction(30)


def end_offsets(bootstrap, topic, partitions, isolation):
    """ListOffsets latest as a consumer with `isolation` sees it: the LSO for read_committed."""
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": unique("ends"), "isolation.level": isolation})
    try:
        return [consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10, cached=False)[1]
                for p in range(partitions)]
    finally:
        consumer.close()


def wait_stable(bootstrap, topic, partitions, timeout=30):
    """Waits until nothing is open on the topic (LSO == high watermark everywhere); returns the ends.
    The markers of a transaction just committed may still be on their way when the commit returns."""
    def stable():
        committed = end_offsets(bootstrap, topic, partitions, "read_committed")
        return committed if committed == end_offsets(bootstrap, topic, partitions, "read_uncommitted") else None
    return wait_for(stable, timeout, f"the LSO of {topic} to reach the high watermark")


def read_values(bootstrap, topic, partitions, isolation=None, timeout=30):
    """Every value of every partition from the beginning to its end (the LSO for read_committed),
    per partition in offset order. `isolation` None keeps librdkafka's default (read_committed)."""
    config = {"bootstrap.servers": bootstrap, "group.id": unique("txn-reader"), "enable.auto.commit": False,
              "enable.partition.eof": True}
    if isolation is not None:
        config["isolation.level"] = isolation
    consumer = Consumer(config)
    values = {p: [] for p in range(partitions)}
    at_end = set()
    try:
        consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in range(partitions)])
        deadline = time.monotonic() + timeout
        while len(at_end) < partitions and time.monotonic() < deadline:
            msg = consumer.poll(0.5)
            if msg is None:
                continue
            if msg.error():
                if msg.error().code() == KafkaError._PARTITION_EOF:
                    at_end.add(msg.partition())
                    continue
                raise KafkaException(msg.error())
            values[msg.partition()].append(msg.value().decode())
        assert len(at_end) == partitions, f"read {values} but never reached the end of every partition"
        return values
    finally:
        consumer.close()


def flat(values):
    return sorted(v for partition in values.values() for v in partition)


def committed_offsets(bootstrap, topic, group, partitions):
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "enable.auto.commit": False})
    try:
        found = consumer.committed([TopicPartition(topic, p) for p in range(partitions)], timeout=15)
        return {tp.partition: tp.offset for tp in found}
    finally:
        consumer.close()


def test_confluent_commit_and_abort(broker, topic_factory):
    """Two committed transactions around an aborted one: librdkafka's default consumer
    (read_committed) reads exactly the committed records in order, read_uncommitted all of them,
    and each transaction's marker takes one offset in every partition it wrote."""
    topic = topic_factory(2, prefix="txn-ck")
    producer = txn_producer(broker.bootstrap)
    first = [f"first-{i}" for i in range(10)]
    aborted = [f"aborted-{i}" for i in range(7)]
    last = [f"last-{i}" for i in range(5)]
    run_transaction(producer, topic, first, 2)
    run_transaction(producer, topic, aborted, 2, commit=False)
    run_transaction(producer, topic, last, 2)
    producer.flush(10)

    ends = wait_stable(broker.bootstrap, topic, 2)
    # Partition 0: 5 + 4 + 3 records, partition 1: 5 + 3 + 2, and 3 markers each.
    assert ends == [12 + 3, 10 + 3]
    committed = read_values(broker.bootstrap, topic, 2)
    assert committed == {0: first[0::2] + last[0::2], 1: first[1::2] + last[1::2]}
    uncommitted = read_values(broker.bootstrap, topic, 2, "read_uncommitted")
    assert uncommitted == {p: first[p::2] + aborted[p::2] + last[p::2] for p in (0, 1)}


def test_confluent_open_transaction_holds_back_read_committed(broker, topic_factory):
    """While a transaction is open, the LSO stays at its first record: read_committed stops there,
    also before a non-transactional record written after it; after the commit it reads them all."""
    topic = topic_factory(1, prefix="txn-lso")
    produce_acked(broker.bootstrap, topic, [b"plain-0", b"plain-1"])
    producer = txn_producer(broker.bootstrap)
    producer.begin_transaction()
    for i in range(4):
        producer.produce(topic, value=f"open-{i}".encode(), partition=0)
    assert producer.flush(30) == 0
    produce_acked(broker.bootstrap, topic, [b"plain-after"])

    assert end_offsets(broker.bootstrap, topic, 1, "read_committed") == [2]
    assert end_offsets(broker.bootstrap, topic, 1, "read_uncommitted") == [7]
    assert read_values(broker.bootstrap, topic, 1) == {0: ["plain-0", "plain-1"]}

    producer.commit_transaction(30)
    assert wait_stable(broker.bootstrap, topic, 1) == [8]
    assert read_values(broker.bootstrap, topic, 1) == {
        0: ["plain-0", "plain-1", "open-0", "open-1", "open-2", "open-3", "plain-after"]}


def test_confluent_consume_transform_produce(broker, topic_factory):
    """send_offsets_to_transaction with the consumer's positions and group metadata: after the
    loop the group's offsets are the input's ends and the output holds each input record once;
    an aborted transaction that rewinds the offsets to 0 changes neither."""
    source = topic_factory(2, prefix="txn-ctp-in")
    sink = topic_factory(2, prefix="txn-ctp-out")
    group = unique("txn-ctp-group")
    for partition in (0, 1):
        produce_acked(broker.bootstrap, source, [f"in-{partition}-{i}".encode() for i in range(30)],
                      partition=partition)
    producer = txn_producer(broker.bootstrap)
    consumer = Consumer({"bootstrap.servers": broker.bootstrap, "group.id": group, "enable.auto.commit": False,
                         "auto.offset.reset": "earliest", "isolation.level": "read_committed",
                         "session.timeout.ms": 6000})
    try:
        consumer.subscribe([source])
        processed, transactions = 0, 0
        deadline = time.monotonic() + 60
        while processed < 60 and time.monotonic() < deadline:
            messages = consumer.consume(num_messages=16, timeout=0.5)
            if not messages:
                continue
            producer.begin_transaction()
            for msg in messages:
                assert msg.error() is None, msg.error()
                producer.produce(sink, value=b"out-" + msg.value(), partition=msg.partition())
            positions = [tp for tp in consumer.position(consumer.assignment()) if tp.offset >= 0]
            producer.send_offsets_to_transaction(positions, consumer.consumer_group_metadata(), 30)
            producer.commit_transaction(30)
            processed += len(messages)
            transactions += 1
        assert processed == 60 and transactions > 1

        wait_for(lambda: committed_offsets(broker.bootstrap, source, group, 2) == {0: 30, 1: 30}, 30,
                 "the group's offsets committed by the transactions")
        wait_stable(broker.bootstrap, sink, 2)
        expected = {p: [f"out-in-{p}-{i}" for i in range(30)] for p in (0, 1)}
        assert read_values(broker.bootstrap, sink, 2) == expected

        producer.begin_transaction()
        producer.produce(sink, value=b"discarded", partition=0)
        producer.send_offsets_to_transaction([TopicPartition(source, p, 0) for p in (0, 1)],
                                             consumer.consumer_group_metadata(), 30)
        assert producer.flush(30) == 0
        producer.abort_transaction(30)
        wait_stable(broker.bootstrap, sink, 2)
        assert read_values(broker.bootstrap, sink, 2) == expected
        assert committed_offsets(broker.bootstrap, source, group, 2) == {0: 30, 1: 30}
    finally:
        consumer.close()


# aiokafka.

def run(coroutine, timeout=90):
    return asyncio.run(asyncio.wait_for(coroutine, timeout))


class Discard(Exception):
    """Raised inside `async with producer.transaction()` to make it abort."""


async def aio_read(bootstrap, topic, isolation, count, idle=1.5):
    """`count` values of partition 0 from the start, then whatever arrives within `idle` seconds."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, isolation_level=isolation, enable_auto_commit=False)
    await consumer.start()
    try:
        tp = AioTopicPartition(topic, 0)
        consumer.assign([tp])
        await consumer.seek_to_beginning(tp)
        got = []
        deadline = time.monotonic() + 30
        while len(got) < count and time.monotonic() < deadline:
            for records in (await consumer.getmany(timeout_ms=300)).values():
                got.extend(r.value.decode() for r in records)
        for records in (await consumer.getmany(timeout_ms=int(idle * 1000))).values():
            got.extend(r.value.decode() for r in records)
        return got
    finally:
        await consumer.stop()


async def aio_pipeline(bootstrap, source, sink, group):
    """Consume-transform-produce over partition 0, one transaction per batch, offsets by group id;
    then one aborted transaction."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, transactional_id=unique("aio-txn"),
                                transaction_timeout_ms=TXN_TIMEOUT_MS)
    consumer = AIOKafkaConsumer(source, bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False,
                                auto_offset_reset="earliest", isolation_level="read_committed",
                                session_timeout_ms=6000, heartbeat_interval_ms=500, max_poll_records=8)
    await producer.start()
    await consumer.start()
    try:
        processed = 0
        deadline = time.monotonic() + 45
        while processed < 20 and time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=300)
            if not batches:
                continue
            async with producer.transaction():
                offsets = {}
                for tp, records in batches.items():
                    for record in records:
                        await producer.send(sink, b"out-" + record.value, partition=0)
                    offsets[tp] = records[-1].offset + 1
                    processed += len(records)
                await producer.send_offsets_to_transaction(offsets, group)
        assert processed == 20
        try:
            async with producer.transaction():
                for i in range(3):
                    await producer.send_and_wait(sink, f"aborted-{i}".encode(), partition=0)
                raise Discard()
        except Discard:
            pass
    finally:
        await consumer.stop()
        await producer.stop()


def test_aiokafka_transactions(broker, topic_factory):
    """aiokafka's transaction context commits a consume-transform-produce batch with its input
    offsets, aborts when its block raises; read_committed reads the 20 transformed records only,
    read_uncommitted also the 3 aborted ones."""
    source = topic_factory(1, prefix="txn-aio-in")
    sink = topic_factory(1, prefix="txn-aio-out")
    group = unique("txn-aio-group")
    produce_acked(broker.bootstrap, source, [f"in-{i}".encode() for i in range(20)])

    run(aio_pipeline(broker.bootstrap, source, sink, group))
    wait_stable(broker.bootstrap, sink, 1)
    expected = [f"out-in-{i}" for i in range(20)]
    assert run(aio_read(broker.bootstrap, sink, "read_committed", 20)) == expected
    assert run(aio_read(broker.bootstrap, sink, "read_uncommitted", 23)) == expected + [
        "aborted-0", "aborted-1", "aborted-2"]
    wait_for(lambda: committed_offsets(broker.bootstrap, source, group, 1) == {0: 20}, 30,
             "the group's offset committed by the transactions")


# kafka-python.

def kp_read(bootstrap, topic, isolation, count, idle_ms=1500):
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, isolation_level=isolation, enable_auto_commit=False,
                             consumer_timeout_ms=idle_ms)
    try:
        tp = KpTopicPartition(topic, 0)
        consumer.assign([tp])
        consumer.seek_to_beginning(tp)
        got = []
        deadline = time.monotonic() + 30
        while len(got) < count and time.monotonic() < deadline:
            for records in consumer.poll(timeout_ms=300).values():
                got.extend(r.value.decode() for r in records)
        got.extend(r.value.decode() for r in consumer)  # whatever else comes within idle_ms
        return got
    finally:
        consumer.close()


def test_kafka_python_transactions(broker, topic_factory):
    """kafka-python's transactional producer: a committed and an aborted transaction, then a
    consume-transform-produce loop with send_offsets_to_transaction(group_metadata());
    read_committed reads the committed records only, read_uncommitted also the aborted ones."""
    source = topic_factory(1, prefix="txn-kp-in")
    sink = topic_factory(1, prefix="txn-kp-out")
    group = unique("txn-kp-group")
    produce_acked(broker.bootstrap, source, [f"in-{i}".encode() for i in range(12)])
    producer = KafkaProducer(bootstrap_servers=broker.bootstrap, transactional_id=unique("kp-txn"),
                             transaction_timeout_ms=TXN_TIMEOUT_MS)
    consumer = KafkaConsumer(source, bootstrap_servers=broker.bootstrap, group_id=group, enable_auto_commit=False,
                             auto_offset_reset="earliest", isolation_level="read_committed",
                             session_timeout_ms=6000, heartbeat_interval_ms=500, max_poll_records=5)
    try:
        producer.init_transactions()
        producer.begin_transaction()
        for i in range(4):
            producer.send(sink, f"committed-{i}".encode(), partition=0)
        producer.commit_transaction()
        producer.begin_transaction()
        for i in range(3):
            producer.send(sink, f"aborted-{i}".encode(), partition=0)
        producer.flush()
        producer.abort_transaction()

        processed = 0
        deadline = time.monotonic() + 45
        while processed < 12 and time.monotonic() < deadline:
            batches = consumer.poll(timeout_ms=300)
            if not batches:
                continue
            producer.begin_transaction()
            offsets = {}
            for tp, records in batches.items():
                for record in records:
                    producer.send(sink, b"out-" + record.value, partition=0)
                offsets[tp] = OffsetAndMetadata(records[-1].offset + 1, "", -1)
                processed += len(records)
            producer.send_offsets_to_transaction(offsets, consumer.group_metadata())
            producer.commit_transaction()
        assert processed == 12
    finally:
        consumer.close()
        producer.close(10)

    wait_stable(broker.bootstrap, sink, 1)
    committed = [f"committed-{i}" for i in range(4)]
    transformed = [f"out-in-{i}" for i in range(12)]
    assert kp_read(broker.bootstrap, sink, "read_committed", 16) == committed + transformed
    assert kp_read(broker.bootstrap, sink, "read_uncommitted", 19) == committed + [
        f"aborted-{i}" for i in range(3)] + transformed
    wait_for(lambda: committed_offsets(broker.bootstrap, source, group, 1) == {0: 12}, 30,
             "the group's offset committed by the transactions")


# kcat.

def kcat_values(broker, topic, *args):
    require(shutil.which("kcat") is not None, "kcat is not installed (scripts/ensure-system-packages.sh test)")
    result = subprocess.run(["kcat", "-b", broker.bootstrap, "-m", "15", "-C", "-t", topic, "-p", "0",
                             "-o", "beginning", "-e", "-q", "-f", "%s\\n", *args], capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr.decode(errors="replace")[-3000:]
    return result.stdout.decode().splitlines()


def test_kcat_reads_aborted_data_only_when_uncommitted(broker, topic_factory):
    """kcat (librdkafka) reads committed data by default and the aborted records too with
    -X isolation.level=read_uncommitted."""
    topic = topic_factory(1, prefix="txn-kcat")
    producer = txn_producer(broker.bootstrap)
    run_transaction(producer, topic, ["kept-0", "kept-1", "kept-2"], 1)
    run_transaction(producer, topic, ["dropped-0", "dropped-1"], 1, commit=False)
    run_transaction(producer, topic, ["kept-3"], 1)
    wait_stable(broker.bootstrap, topic, 1)
    assert kcat_values(broker, topic) == ["kept-0", "kept-1", "kept-2", "kept-3"]
    assert kcat_values(broker, topic, "-X", "isolation.level=read_uncommitted") == [
        "kept-0", "kept-1", "kept-2", "dropped-0", "dropped-1", "kept-3"]


# No transactions at all.

def test_consumers_of_a_topic_without_transactions_read_everything(broker, topic_factory):
    """Regression guard: on a topic only plain and idempotent producers wrote to, the LSO is the
    high watermark and read_committed (librdkafka's default, kafka-python asked for it) and
    read_uncommitted consumers read every record."""
    topic = topic_factory(2, prefix="txn-none")
    values = {p: [f"plain-{p}-{i}" for i in range(25)] for p in (0, 1)}
    for partition, items in values.items():
        produce_acked(broker.bootstrap, topic, [v.encode() for v in items], partition=partition)
        produce_acked(broker.bootstrap, topic, [b"not-idempotent"], partition=partition, **{
            "enable.idempotence": False, "acks": "1"})
        items.append("not-idempotent")
    assert end_offsets(broker.bootstrap, topic, 2, "read_committed") == [26, 26]
    assert end_offsets(broker.bootstrap, topic, 2, "read_uncommitted") == [26, 26]
    assert read_values(broker.bootstrap, topic, 2) == values
    assert read_values(broker.bootstrap, topic, 2, "read_uncommitted") == values
    consumer = KafkaConsumer(bootstrap_servers=broker.bootstrap, isolation_level="read_committed",
                             enable_auto_commit=False)
    try:
        partitions = [KpTopicPartition(topic, p) for p in (0, 1)]
        assert consumer.end_offsets(partitions) == {tp: 26 for tp in partitions}
    finally:
        consumer.close()
