"""Quotas of the classroom preset, so that one student cannot starve the class: a student over
`--producer-byte-rate` gets a throttle time in the Produce response (confluent-kafka's
throttle_cb sees it) and its connection is held that long, logged once, while another student
produces without waiting; and a student who owns `--max-topics-per-student` topics is refused
one more with POLICY_VIOLATION and a message, by CreateTopics and by auto-creation."""
import time

import pytest
from confluent_kafka import KafkaError, Producer
from confluent_kafka.admin import AdminClient, NewTopic

from conftest import AseedBroker, broker_args, unique, wait_for

pytestmark = pytest.mark.needs_aseed

BYTE_RATE = 10_000
MAX_TOPICS = 2
POLICY_VIOLATION = 44


@pytest.fixture(scope="module")
def classroom(tmp_path_factory):
    instance = AseedBroker(
        tmp_path_factory.mktemp("quotas"),
        broker_args(authorizer="classroom", producer_byte_rate=str(BYTE_RATE),
                    max_topics_per_student=str(MAX_TOPICS)),
    ).start()
    yield instance
    assert instance.stop() == 0, instance.output()[-3000:]


def test_a_flooding_student_is_throttled_and_another_is_not(classroom):
    student = unique("flood")
    throttles = []
    flooding = Producer({"bootstrap.servers": classroom.bootstrap, "client.id": student, "linger.ms": 50,
                         "throttle_cb": lambda event: throttles.append(event.throttle_time)})
    # 150 kB where 10 kB/s are allowed: the first window takes 100 kB, so this is half again over.
    for _ in range(150):
        flooding.produce(f"{student}.data", b"x" * 1000)
    assert flooding.flush(30) == 0
    # The throttle callback runs from poll (and flush).
    wait_for(lambda: flooding.poll(0.1) >= 0 and throttles, 15, "a throttle time reported")
    assert max(throttles) > 0, throttles
    # Another student is measured on their own and waits for nobody.
    other = unique("calm")
    calm = Producer({"bootstrap.servers": classroom.bootstrap, "client.id": other})
    delivered = []
    started = time.monotonic()
    calm.produce(f"{other}.data", b"hello", on_delivery=lambda error, _message: delivered.append(error))
    assert calm.flush(10) == 0
    assert delivered == [None] and time.monotonic() - started < 3
    logged = [line for line in (classroom.log_dir / "broker.log").read_text().splitlines()
              if f"throttled client id '{student}' from 127.0.0.1: over its produce quota of {BYTE_RATE}" in line]
    assert len(logged) == 1, logged


def test_a_student_owns_at_most_so_many_topics(classroom):
    student = unique("owner")
    admin = AdminClient({"bootstrap.servers": classroom.bootstrap, "client.id": student})
    for index in range(MAX_TOPICS):
        admin.create_topics([NewTopic(f"{student}.t{index}", 1)])[f"{student}.t{index}"].result(15)
    extra = f"{student}.t{MAX_TOPICS}"
    with pytest.raises(Exception) as refused:
        admin.create_topics([NewTopic(extra, 1)])[extra].result(15)
    error = refused.value.args[0]
    assert error.code() == KafkaError.POLICY_VIOLATION, error
    assert "--max-topics-per-student" in error.str(), error
    # Deleting one makes room again.
    admin.delete_topics([f"{student}.t0"])[f"{student}.t0"].result(15)
    wait_for(lambda: f"{student}.t0" not in admin.list_topics(timeout=10).topics, 10, "the topic deleted")
    admin.create_topics([NewTopic(extra, 1)])[extra].result(15)
    # Auto-creation by producing is refused the same way. This comes last: while it lives, the
    # producer keeps asking for the topic's metadata, and so for its creation, and a request it
    # sent before it closed may still be served after a later deletion made room.
    errors = []
    with Producer({"bootstrap.servers": classroom.bootstrap, "client.id": student,
                   "message.timeout.ms": 5000}) as producer:
        producer.produce(f"{student}.auto", b"x", on_delivery=lambda error, _message: errors.append(error))
        producer.flush(15)
    assert len(errors) == 1, errors
    assert errors[0].code() == KafkaError._MSG_TIMED_OUT, errors
    assert f"{student}.auto" not in admin.list_topics(timeout=10).topics
    # Refused for the quota (POLICY_VIOLATION in the Metadata response, which librdkafka retries
    # until the message times out), not for some other reason.
    refusals = [line for line in (classroom.log_dir / "broker.log").read_text().splitlines()
                if f"auto-creating {student}.auto refused" in line]
    assert refusals and "--max-topics-per-student" in refusals[0], refusals
