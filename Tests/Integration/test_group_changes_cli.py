"""`aseed groups reset-offsets|delete` against the real broker: each target (earliest, latest,
a time, an offset, a shift) previewed and applied, checked with confluent-kafka's committed
offsets; a group with an active member is refused with what to do; delete removes a group."""
import subprocess
import time

import pytest
from confluent_kafka import Consumer, Producer
from confluent_kafka.admin import AdminClient

from conftest import ASEED_BIN, unique, wait_for
from kafkahelpers import committed, create_topic, read_and_commit

pytestmark = pytest.mark.needs_aseed

HOUR_MS = 3_600_000


def aseed(bootstrap, *args, check=True):
    result = subprocess.run([ASEED_BIN, "groups", *args, "--bootstrap-servers", bootstrap],
                            capture_output=True, text=True, timeout=60)
    if check and result.returncode != 0:
        raise AssertionError(f"aseed groups {' '.join(args)} exited {result.returncode}\n{result.stderr}")
    return result


def plan_rows(output):
    """The plan's rows as {partition: (current, new, lag after)}."""
    rows = {}
    for line in output.splitlines()[1:]:
        cells = line.split()
        if len(cells) == 6 and cells[1].isdigit():
            rows[int(cells[1])] = (cells[2], int(cells[3]), int(cells[5]))
    return rows


@pytest.fixture
def consumed(broker):
    """A 2-partition topic with 10 records in each (the first 5 an hour old), read to the end by
    a group that committed and left."""
    topic, group = unique("reset"), unique("g-reset")
    create_topic(broker.bootstrap, topic, 2)
    producer = Producer({"bootstrap.servers": broker.bootstrap})
    now = int(time.time() * 1000)
    for partition in (0, 1):
        for number in range(10):
            stamp = now - HOUR_MS if number < 5 else now
            producer.produce(topic, b"r%d" % number, partition=partition, timestamp=stamp)
    assert producer.flush(30) == 0
    read_and_commit(broker.bootstrap, group, topic, 20)
    return {"topic": topic, "group": group, "now": now}


def test_each_target_is_previewed_then_applied(broker, consumed):
    topic, group = consumed["topic"], consumed["group"]
    preview = aseed(broker.bootstrap, "reset-offsets", group, "--to-earliest").stdout
    assert plan_rows(preview) == {0: ("10", 0, 10), 1: ("10", 0, 10)}
    assert "nothing changed: add --execute" in preview
    assert committed(broker.bootstrap, group, topic) == [10, 10]

    applied = aseed(broker.bootstrap, "reset-offsets", group, "--to-earliest", "--execute").stdout
    assert f"reset the offsets of group {group} to earliest" in applied
    assert committed(broker.bootstrap, group, topic) == [0, 0]

    aseed(broker.bootstrap, "reset-offsets", group, "--shift-by", "3", "--execute")
    assert committed(broker.bootstrap, group, topic) == [3, 3]
    aseed(broker.bootstrap, "reset-offsets", group, "--shift-by", "-7", "--execute")
    assert committed(broker.bootstrap, group, topic) == [0, 0]
    aseed(broker.bootstrap, "reset-offsets", group, "--to-offset", "100", "--execute")
    assert committed(broker.bootstrap, group, topic) == [10, 10]

    half_hour_ago = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime((consumed["now"] - HOUR_MS // 2) / 1000))
    aseed(broker.bootstrap, "reset-offsets", group, "--to-datetime", half_hour_ago, "--execute")
    assert committed(broker.bootstrap, group, topic) == [5, 5]
    future = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))
    aseed(broker.bootstrap, "reset-offsets", group, "--to-datetime", future, "--execute")
    assert committed(broker.bootstrap, group, topic) == [10, 10]

    aseed(broker.bootstrap, "reset-offsets", group, "--to-earliest", "--execute")
    preview = aseed(broker.bootstrap, "reset-offsets", group, "--topic", topic, "--to-latest").stdout
    assert plan_rows(preview) == {0: ("0", 10, 0), 1: ("0", 10, 0)}


def test_a_group_with_a_member_is_refused_and_deleted_once_it_has_none(broker, consumed):
    topic, group = consumed["topic"], consumed["group"]
    member = Consumer({"bootstrap.servers": broker.bootstrap, "group.id": group})
    member.subscribe([topic])
    admin = AdminClient({"bootstrap.servers": broker.bootstrap})

    def described_members():
        description = admin.describe_consumer_groups([group])[group].result(timeout=30)
        return len(description.members)

    try:
        wait_for(lambda: member.poll(0.2) is None and described_members() == 1, 30, "the member joined")
        refused = aseed(broker.bootstrap, "reset-offsets", group, "--to-earliest", "--execute", check=False)
        assert refused.returncode != 0
        assert "NON_EMPTY_GROUP" in refused.stderr and "1 active member" in refused.stderr
        assert "stop its consumers first" in refused.stderr
        assert committed(broker.bootstrap, group, topic) == [10, 10]
        busy = aseed(broker.bootstrap, "delete", group, check=False)
        assert busy.returncode != 0 and "NON_EMPTY_GROUP" in busy.stderr
    finally:
        member.close()
    assert f"deleted group {group}" in aseed(broker.bootstrap, "delete", group).stdout
    listed = {g.group_id for g in admin.list_consumer_groups().result(timeout=30).valid}
    assert group not in listed
    gone = aseed(broker.bootstrap, "delete", group, check=False)
    assert gone.returncode != 0 and "GROUP_ID_NOT_FOUND" in gone.stderr


def test_targets_are_checked_before_anything_is_asked(broker):
    both = aseed(broker.bootstrap, "reset-offsets", "g", "--to-earliest", "--to-latest", check=False)
    assert both.returncode != 0 and "exactly one of" in both.stderr
    bad = aseed(broker.bootstrap, "reset-offsets", "g", "--to-datetime", "yesterday", check=False)
    assert bad.returncode != 0 and "expected a time like" in bad.stderr
    empty = aseed(broker.bootstrap, "reset-offsets", unique("g-none"), "--to-earliest", check=False)
    assert empty.returncode != 0 and "name the topic" in empty.stderr
