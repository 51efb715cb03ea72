"""Log compaction end to end: a compacted topic written with updates and tombstones across many
segments, read back with kcat after the cleaner ran, holds the newest value of every key at its
original offset; keyless records are refused; after `kill -9` during cleanings nothing of the
newest values is lost; configs switch a topic to compaction at run time."""
import json
import random
import shutil
import subprocess
import time

import pytest
from confluent_kafka import KafkaException, Producer
from confluent_kafka.admin import AdminClient, AlterConfigOpType, ConfigEntry, ConfigResource, NewTopic, ResourceType

from conftest import require, unique, wait_for

KEYS = 40


@pytest.fixture(autouse=True)
def kcat_installed():
    require(shutil.which("kcat") is not None, "kcat is not installed (scripts/ensure-system-packages.sh test)")


def read_all(bootstrap: str, topic: str) -> list[dict]:
    """Every record of partition 0 with kcat, from the beginning to the end."""
    result = subprocess.run(["kcat", "-b", bootstrap, "-C", "-t", topic, "-p", "0", "-o", "beginning", "-e", "-J"],
                            capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr.decode(errors="replace")[-2000:]
    return [json.loads(line) for line in result.stdout.decode().splitlines() if line.strip()]


def create_compacted(bootstrap: str, topic: str) -> None:
    admin = AdminClient({"bootstrap.servers": bootstrap})
    configs = {"cleanup.policy": "compact", "segment.bytes": "2048", "min.cleanable.dirty.ratio": "0.01",
               "delete.retention.ms": "0"}
    admin.create_topics([NewTopic(topic, 1, 1, config=configs)])[topic].result(timeout=30)


def write_rounds(bootstrap: str, topic: str, rounds: range, newest: dict) -> None:
    """Each round updates every key; the last round deletes a few keys with tombstones."""
    producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 0, "batch.num.messages": 5,
                         "enable.idempotence": True})
    for round_ in rounds:
        for key in range(KEYS):
            name = f"key-{key}"
            value = None if round_ == rounds[-1] and key % 7 == 0 else f"{name}-round-{round_}"
            producer.produce(topic, key=name, value=value, partition=0)
            newest[name] = value
        producer.flush(30)
    assert producer.flush(30) == 0


def check_newest(records: list[dict], newest: dict) -> None:
    offsets = [r["offset"] for r in records]
    assert offsets == sorted(offsets), "offsets must only grow"
    seen = {}
    for record in records:
        seen[record["key"]] = record["payload"]
    for key, value in newest.items():
        assert seen.get(key) == value, f"{key}: newest {value!r}, read {seen.get(key)!r}"


def test_the_cleaner_keeps_the_newest_value_of_every_key_at_its_offset(aseed_factory):
    broker = aseed_factory(log_cleaner_interval_ms="200").start()
    topic = unique("compacted")
    create_compacted(broker.bootstrap, topic)
    newest: dict = {}
    write_rounds(broker.bootstrap, topic, range(30), newest)
    written = 30 * KEYS
    # The active segment is never cleaned; one more round rolls the last dirty one.
    wait_for(lambda: len(read_all(broker.bootstrap, topic)) < written / 3, timeout=60,
             message="the cleaner to remove old values")
    records = read_all(broker.bootstrap, topic)
    check_newest(records, newest)
    # Offsets are kept: the last record is still at offset written - 1.
    assert records[-1]["offset"] == written - 1


def test_keyless_records_are_refused_on_a_compacted_topic(aseed_factory):
    broker = aseed_factory().start()
    topic = unique("compacted-keyless")
    create_compacted(broker.bootstrap, topic)
    producer = Producer({"bootstrap.servers": broker.bootstrap, "linger.ms": 0})
    outcome = {}
    producer.produce(topic, value=b"no key", partition=0, on_delivery=lambda error, _: outcome.setdefault("e", error))
    producer.flush(30)
    assert outcome["e"] is not None and "INVALID_RECORD" in outcome["e"].name(), outcome


def test_no_newest_value_is_lost_when_the_broker_is_killed_while_cleaning(aseed_factory):
    broker = aseed_factory(log_cleaner_interval_ms="50", log_cleaner_io_bytes_per_second="200000").start()
    topic = unique("compacted-kill")
    create_compacted(broker.bootstrap, topic)
    newest: dict = {}
    rng = random.Random(11)
    written = 0
    for cycle in range(5):
        write_rounds(broker.bootstrap, topic, range(written, written + 12), newest)
        written += 12
        time.sleep(rng.uniform(0.05, 0.6))  # somewhere in a (throttled) cleaning
        broker.kill()
        broker.start()
        check_newest(read_all(broker.bootstrap, topic), newest)


def test_a_topic_switched_to_compaction_at_run_time_is_cleaned(aseed_factory):
    broker = aseed_factory(log_cleaner_interval_ms="200").start()
    topic = unique("switched")
    admin = AdminClient({"bootstrap.servers": broker.bootstrap})
    admin.create_topics([NewTopic(topic, 1, 1, config={"segment.bytes": "2048"})])[topic].result(timeout=30)
    newest: dict = {}
    write_rounds(broker.bootstrap, topic, range(20), newest)
    assert len(read_all(broker.bootstrap, topic)) == 20 * KEYS
    changes = [ConfigEntry("cleanup.policy", "compact", incremental_operation=AlterConfigOpType.SET),
               ConfigEntry("min.cleanable.dirty.ratio", "0.01", incremental_operation=AlterConfigOpType.SET)]
    resource = ConfigResource(ResourceType.TOPIC, topic, incremental_configs=changes)
    admin.incremental_alter_configs([resource])[resource].result(timeout=30)
    wait_for(lambda: len(read_all(broker.bootstrap, topic)) < 20 * KEYS / 2, timeout=60,
             message="the cleaner to compact the switched topic")
    check_newest(read_all(broker.bootstrap, topic), newest)
    bad = ConfigResource(ResourceType.TOPIC, topic, incremental_configs=[
        ConfigEntry("cleanup.policy", "shred", incremental_operation=AlterConfigOpType.SET)])
    with pytest.raises(KafkaException) as refused:
        admin.incremental_alter_configs([bad])[bad].result(timeout=30)
    assert "cleanup.policy" in str(refused.value)
