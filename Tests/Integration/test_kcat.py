"""kcat (Debian, librdkafka 2.0): metadata, every compression codec with keys and headers, and a
balanced consumer group that resumes from its committed offsets."""
import json
import shutil
import subprocess

import pytest

from conftest import require
from kafkahelpers import produce_acked


@pytest.fixture(autouse=True)
def kcat_installed():
    """Skipped without kcat locally; a failure in CI."""
    require(shutil.which("kcat") is not None, "kcat is not installed (scripts/ensure-system-packages.sh test)")


def kcat(broker, *args, stdin=None, timeout=60):
    result = subprocess.run(["kcat", "-b", broker.bootstrap, "-m", "15", *args], input=stdin,
                            capture_output=True, timeout=timeout)
    assert result.returncode == 0, f"kcat {' '.join(args)} exited {result.returncode}:\n{result.stderr.decode(errors='replace')[-3000:]}"
    return result.stdout.decode()


def json_lines(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_metadata_lists_brokers_topics_and_partitions(broker, topic_factory):
    topic = topic_factory(4)
    metadata = json.loads(kcat(broker, "-L", "-J"))
    assert [b["name"] for b in metadata["brokers"]] == [broker.bootstrap]
    topics = {t["topic"]: t for t in metadata["topics"]}
    assert topic in topics
    partitions = topics[topic]["partitions"]
    assert sorted(p["partition"] for p in partitions) == [0, 1, 2, 3]
    assert all(p["leader"] == metadata["brokers"][0]["id"] for p in partitions)


def test_orders_topic_exists_with_three_partitions(broker):
    metadata = json.loads(kcat(broker, "-L", "-J", "-t", "orders"))
    [orders] = metadata["topics"]
    assert orders["topic"] == "orders"
    assert "error" not in orders or not orders["error"]
    assert len(orders["partitions"]) == 3


@pytest.mark.parametrize("codec", ["none", "gzip", "snappy", "lz4", "zstd"])
def test_produce_and_consume_with_codec_keys_and_headers(broker, topic_factory, codec):
    topic = topic_factory(1, prefix=f"kcat-{codec}")
    count = 50
    lines = "".join(f"key-{i}\tvalue-{i}-{'abc' * (i % 40)}\n" for i in range(count))
    kcat(broker, "-P", "-t", topic, "-p", "0", "-z", codec, "-K", "\t",
         "-H", "source=kcat", "-H", f"codec={codec}", "-X", "linger.ms=50", stdin=lines.encode())
    records = json_lines(kcat(broker, "-C", "-t", topic, "-p", "0", "-o", "beginning", "-e", "-J"))
    assert [r["offset"] for r in records] == list(range(count))
    assert [r["key"] for r in records] == [f"key-{i}" for i in range(count)]
    assert [r["payload"] for r in records] == [f"value-{i}-{'abc' * (i % 40)}" for i in range(count)]
    assert all(r["headers"] == ["source", "kcat", "codec", codec] for r in records)


def test_consume_from_an_offset_in_the_middle_of_a_compressed_batch(broker, topic_factory):
    """Fetch returns the whole batch holding the offset; the client drops the earlier records."""
    topic = topic_factory(1)
    lines = "".join(f"m{i}\n" for i in range(20))
    kcat(broker, "-P", "-t", topic, "-p", "0", "-z", "lz4", "-X", "linger.ms=200", stdin=lines.encode())
    records = json_lines(kcat(broker, "-C", "-t", topic, "-p", "0", "-o", "13", "-e", "-J"))
    assert [(r["offset"], r["payload"]) for r in records] == [(i, f"m{i}") for i in range(13, 20)]


def test_balanced_group_consumes_everything_then_resumes_after_commits(broker, topic_factory):
    topic = topic_factory(3)
    group = f"kcat-group-{topic}"
    expected = set()
    for partition in range(3):
        values = [f"p{partition}-{i}".encode() for i in range(10)]
        produce_acked(broker.bootstrap, topic, values, partition=partition)
        expected |= {v.decode() for v in values}

    def group_read():
        out = kcat(broker, "-G", group, "-X", "auto.offset.reset=earliest", "-X", "enable.auto.commit=true",
                   "-X", "auto.commit.interval.ms=100", "-e", "-J", topic, timeout=90)
        return [r for r in json_lines(out) if "payload" in r]

    first = group_read()
    assert sorted(r["payload"] for r in first) == sorted(expected)
    assert {r["partition"] for r in first} == {0, 1, 2}

    produce_acked(broker.bootstrap, topic, [b"late-1", b"late-2"], partition=1)
    second = group_read()
    assert sorted(r["payload"] for r in second) == ["late-1", "late-2"]
    assert [r["offset"] for r in second] == [10, 11]
