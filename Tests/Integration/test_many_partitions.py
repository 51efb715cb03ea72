"""Thousands of partitions under a low open-file limit: the broker keeps only the files in use
open, starts again whatever the partition count, refuses topics past --max-partitions, and a
CreateTopics that fails halfway leaves nothing behind."""
import os
import subprocess

import pytest
from confluent_kafka.admin import AdminClient, NewTopic

from conftest import AseedBroker, require
from kafkahelpers import assert_broker_serves, create_topic, produce_acked, read_partition

pytestmark = pytest.mark.needs_aseed

FILE_LIMIT = 256
POLICY_VIOLATION = 44


class LimitedBroker(AseedBroker):
    """`aseed broker` started under `prlimit --nofile=N:N`: soft and hard limit both N."""

    def command(self) -> list[str]:
        return ["prlimit", f"--nofile={FILE_LIMIT}:{FILE_LIMIT}", "--", *super().command()]

    def open_files(self) -> int:
        return len(os.listdir(f"/proc/{self.process.pid}/fd"))


@pytest.fixture
def limited(aseed_factory):
    """Brokers under the low file limit, killed after the test."""
    return lambda **overrides: aseed_factory(LimitedBroker, **overrides)


def create_topics(bootstrap: str, topics: dict[str, int]) -> dict[str, Exception | None]:
    """Creates topics in one request; the error of each, None when created."""
    admin = AdminClient({"bootstrap.servers": bootstrap})
    new = [NewTopic(name, num_partitions=count, replication_factor=1) for name, count in topics.items()]
    outcome = {}
    for name, future in admin.create_topics(new, operation_timeout=60, request_timeout=120).items():
        try:
            future.result(timeout=180)
            outcome[name] = None
        except Exception as error:
            outcome[name] = error
    return outcome


def test_thousands_of_partitions_under_a_256_file_limit(limited):
    broker = limited().start()
    # One request of 1,500 partitions, then 300 one-partition topics: 12 times what 256
    # descriptors could hold open at three files a partition.
    assert create_topics(broker.bootstrap, {"wide": 1500}) == {"wide": None}
    small = {f"small-{index:03d}": 1 for index in range(300)}
    assert all(error is None for error in create_topics(broker.bootstrap, small).values())
    assert broker.open_files() < FILE_LIMIT

    # Every partition still takes and serves records.
    for topic, partition in [("wide", 0), ("wide", 777), ("wide", 1499), ("small-000", 0), ("small-299", 0)]:
        produce_acked(broker.bootstrap, topic, [f"{topic}-{partition}".encode()], partition=partition)
    create_topic(broker.bootstrap, "busy", 3)
    produce_acked(broker.bootstrap, "busy", [b"%d" % n for n in range(300)], partition=1)
    assert [m.value() for m in read_partition(broker.bootstrap, "wide", 777, 1)] == [b"wide-777"]
    assert len(read_partition(broker.bootstrap, "busy", 1, 300)) == 300

    # It starts again, cleanly stopped or killed, and serves every partition.
    assert broker.stop() == 0, broker.output()[-3000:]
    broker.start(timeout=120)
    assert [m.value() for m in read_partition(broker.bootstrap, "wide", 1499, 1)] == [b"wide-1499"]
    broker.kill()
    broker.start(timeout=120)
    assert [m.value() for m in read_partition(broker.bootstrap, "small-299", 0, 1)] == [b"small-299-0"]
    assert broker.open_files() < FILE_LIMIT
    assert "Too many open files" not in broker.output()


def test_topics_past_the_partition_limit_are_refused_whole(limited):
    broker = limited(max_partitions="100").start()
    assert create_topics(broker.bootstrap, {"first": 60}) == {"first": None}
    outcome = create_topics(broker.bootstrap, {"second": 50})
    assert outcome["second"] is not None
    assert outcome["second"].args[0].code() == POLICY_VIOLATION
    assert "at most 100" in str(outcome["second"])
    assert not list((broker.data_dir / "topics").glob("second-*"))
    # 60 + the 3 of `orders` (made at start) + 36 + the health check's 1 is exactly the limit.
    assert create_topics(broker.bootstrap, {"third": 36}) == {"third": None}
    assert_broker_serves(broker.bootstrap)


def test_a_create_topics_that_fails_halfway_leaves_nothing(limited, tmp_path):
    """A tmpfs with few inodes: the partition directories run out halfway through the topic."""
    require(os.geteuid() == 0, "mounting a tmpfs needs root (CI runs as root)")
    disk = tmp_path / "few-inodes"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m,nr_inodes=400", "tmpfs", str(disk)], check=True)
    try:
        broker = limited()
        broker.data_dir = disk / "data"
        broker.start()
        outcome = create_topics(broker.bootstrap, {"too-wide": 300})
        assert outcome["too-wide"] is not None
        assert not list((broker.data_dir / "topics").glob("too-wide-*"))
        admin = AdminClient({"bootstrap.servers": broker.bootstrap})
        assert "too-wide" not in admin.list_topics(timeout=10).topics
        # The failed topic is not reopened (and failed again) at the next start.
        assert broker.stop() == 0, broker.output()[-3000:]
        broker.start()
        assert "too-wide" not in AdminClient({"bootstrap.servers": broker.bootstrap}).list_topics(timeout=10).topics
        assert create_topics(broker.bootstrap, {"fits": 20}) == {"fits": None}
        assert_broker_serves(broker.bootstrap)
        broker.kill()
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)
