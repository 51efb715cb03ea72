"""aiokafka 0.14 (asyncio, only non-flexible versions): produce, group consume, commit, resume."""
import asyncio

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.structs import TopicPartition


def run(coroutine, timeout=90):
    return asyncio.run(asyncio.wait_for(coroutine, timeout))


async def produce(bootstrap, topic, items, **config):
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, **config)
    await producer.start()
    try:
        results = []
        for partition, key, value in items:
            results.append(await producer.send_and_wait(topic, value, key=key, partition=partition))
        return results
    finally:
        await producer.stop()


async def consume(bootstrap, topic, group, count, idle_timeout=2.0):
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=group,
                                auto_offset_reset="earliest", enable_auto_commit=False,
                                session_timeout_ms=6000, heartbeat_interval_ms=500)
    await consumer.start()
    try:
        got = []
        while len(got) < count:
            batches = await consumer.getmany(timeout_ms=500)
            for records in batches.values():
                got.extend((r.partition, r.offset, r.key, r.value) for r in records)
        # Nothing more should arrive.
        extra = await consumer.getmany(timeout_ms=int(idle_timeout * 1000))
        got.extend((r.partition, r.offset, r.key, r.value) for records in extra.values() for r in records)
        await consumer.commit()
        committed = {p: await consumer.committed(TopicPartition(topic, p)) for p in (0, 1)}
        return got, committed
    finally:
        await consumer.stop()


def test_produce_group_consume_commit_and_resume(broker, topic_factory):
    topic = topic_factory(2)
    group = f"aio-group-{topic}"
    items = [(i % 2, f"k{i}".encode(), f"v{i}".encode()) for i in range(12)]
    metadata = run(produce(broker.bootstrap, topic, items))
    assert [(m.partition, m.offset) for m in metadata] == [(i % 2, i // 2) for i in range(12)]

    got, committed = run(consume(broker.bootstrap, topic, group, 12))
    assert sorted(got) == sorted((i % 2, i // 2, f"k{i}".encode(), f"v{i}".encode()) for i in range(12))
    assert committed == {0: 6, 1: 6}

    run(produce(broker.bootstrap, topic, [(1, b"k-late", b"v-late")], compression_type="gzip"))
    got, committed = run(consume(broker.bootstrap, topic, group, 1))
    assert got == [(1, 6, b"k-late", b"v-late")]
    assert committed == {0: 6, 1: 7}
