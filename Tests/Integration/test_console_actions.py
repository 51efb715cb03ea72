"""The broker console's actions in headless Chromium against `aseed run`: with the admin token
and an operator name, a topic is created, grown, reconfigured, written to (key, value, headers,
partition), trimmed and deleted from the page, and a group's offsets are reset (previewed,
then applied) and the group deleted, each change checked with confluent-kafka; the cluster's
refusals and a wrong token show as sentences; a value that is markup shows as text; the
dashboard's log names who did what."""
import json

import pytest
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, ConfigResource, NewTopic, OffsetSpec, ResourceType

from conftest import unique, wait_for
from kafkahelpers import committed, read_and_commit
from test_poison import Appliance

pytestmark = [pytest.mark.needs_aseed, pytest.mark.timeout(240)]


@pytest.fixture(scope="module")
def appliance(tmp_path_factory):
    instance = Appliance(tmp_path_factory.mktemp("console-actions"))
    try:
        yield instance
    finally:
        assert instance.stop() == 0


def console_page(appliance):
    """Headless Chromium on the appliance's console, closed after the test (for fixtures)."""
    from test_dashboard_page import Browser

    browser = Browser()
    browser.open_page()
    browser.navigate(appliance.url + "/console")
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture
def page(appliance):
    yield from console_page(appliance)


def set_value(page, element_id, value):
    page.evaluate(f"(() => {{ const e = document.getElementById({json.dumps(element_id)}); "
                  f"e.value = {json.dumps(value)}; e.dispatchEvent(new Event('input')); }})()")


def submit(page, form_id):
    page.evaluate(f"document.getElementById({json.dumps(form_id)}).requestSubmit()")


def result(page, element_id, phrase, what):
    """Waits until the result line says `phrase`; returns its text."""
    expression = f"document.getElementById({json.dumps(element_id)}).textContent"
    page.wait_for(f"{expression}.includes({json.dumps(phrase)})", 30, what)
    return page.evaluate(expression)


def log_in(page, token, name="Ada Lovelace"):
    page.evaluate("document.getElementById('admin').open = true")
    set_value(page, "token-input", token)
    set_value(page, "operator-name", name)
    submit(page, "token-form")
    page.wait_for("document.body.classList.contains('is-admin')", 10, "the page did not take the token")


def displayed(page, element_id):
    return page.evaluate(f"getComputedStyle(document.getElementById({json.dumps(element_id)})).display") != "none"


def topic_configs(admin, topic):
    resource = ConfigResource(ResourceType.TOPIC, topic)
    return admin.describe_configs([resource])[resource].result(timeout=30)


def partition_count(admin, topic):
    topics = admin.list_topics(timeout=30).topics
    return len(topics[topic].partitions) if topic in topics else None


def page_errors(page):
    """Errors besides the refused requests the test makes on purpose (logged as failed loads)."""
    return [error for error in page.errors() if not error.startswith("log (network)")]


def test_a_topic_is_created_changed_written_trimmed_and_deleted_from_the_page(appliance, page):
    admin = AdminClient({"bootstrap.servers": appliance.bootstrap})
    topic = unique("lab")
    assert not displayed(page, "create-topic-form"), "actions show before a token was given"
    log_in(page, appliance.token)
    assert displayed(page, "create-topic-form")

    set_value(page, "create-name", topic)
    set_value(page, "create-partitions", "2")
    set_value(page, "create-configs", "retention.ms=3600000, cleanup.policy=delete")
    submit(page, "create-topic-form")
    result(page, "create-result", "done", "the topic was not created")
    assert partition_count(admin, topic) == 2
    assert topic_configs(admin, topic)["retention.ms"].value == "3600000"
    page.wait_for(f"document.getElementById('topic-name').textContent === {json.dumps(topic)}", 30,
                  "the new topic is not shown")

    page.wait_for("document.getElementById('partitions-count').value === '3'", 30, "the grow form is not set")
    set_value(page, "partitions-count", "4")
    submit(page, "partitions-form")
    result(page, "topic-action-result", "done", "the topic did not grow")
    assert partition_count(admin, topic) == 4

    set_value(page, "config-key", "retention.ms")
    set_value(page, "config-value", "7200000")
    submit(page, "config-form")
    result(page, "topic-action-result", "Set retention.ms=7200000", "the config was not set")
    assert topic_configs(admin, topic)["retention.ms"].value == "7200000"
    page.evaluate("document.getElementById('config-remove').click()")
    result(page, "topic-action-result", "default: done", "the config was not removed")
    assert topic_configs(admin, topic)["retention.ms"].is_default

    page.wait_for("document.querySelectorAll('#produce-partition option').length === 5", 30,
                  "the write form does not list 4 partitions")
    set_value(page, "produce-partition", "1")
    set_value(page, "produce-key", "k1")
    set_value(page, "produce-value", '{"hello": "class"}')
    set_value(page, "produce-headers", "trace=abc, source=console")
    submit(page, "produce-form")
    said = result(page, "produce-result", "Written to", "the record was not written")
    assert f"{topic} partition 1 at offset 0" in said, said
    consumer = Consumer({"bootstrap.servers": appliance.bootstrap, "group.id": unique("check")})
    consumer.assign([TopicPartition(topic, 1, 0)])
    message = wait_for(lambda: (lambda m: m if m is not None and not m.error() else None)(consumer.poll(0.5)),
                       30, "the written record")
    consumer.close()
    assert (message.key(), message.value()) == (b"k1", b'{"hello": "class"}')
    assert message.headers() == [("trace", b"abc"), ("source", b"console")]

    producer = Producer({"bootstrap.servers": appliance.bootstrap})
    for number in range(10):
        producer.produce(topic, b"r%d" % number, partition=0)
    assert producer.flush(30) == 0
    set_value(page, "delete-records-partition", "0")
    set_value(page, "delete-records-before", "4")
    submit(page, "delete-records-form")
    result(page, "topic-action-result", "below 4: done", "the records were not deleted")
    key = TopicPartition(topic, 0)
    assert admin.list_offsets({key: OffsetSpec.earliest()})[key].result(timeout=30).offset == 4

    assert page.evaluate("document.getElementById('delete-topic-button').disabled")
    set_value(page, "delete-topic-confirm", topic + "x")
    assert page.evaluate("document.getElementById('delete-topic-button').disabled")
    set_value(page, "delete-topic-confirm", topic)
    assert not page.evaluate("document.getElementById('delete-topic-button').disabled")
    submit(page, "delete-topic-form")
    result(page, "create-result", f"Topic {topic} deleted", "the topic was not deleted")
    wait_for(lambda: partition_count(admin, topic) is None, 30, "the topic gone from the cluster")
    # The console forgets a deleted topic (it kept it once, and every listing then failed).
    assert topic not in {t["name"] for t in appliance.json("/api/broker/topics")["topics"]}
    assert page_errors(page) == []

    log = appliance.log("dashboard")
    for line in (f"console action by 'Ada Lovelace': created topic '{topic}' with 2 partitions",
                 f"console action by 'Ada Lovelace': grew topic '{topic}' to 4 partitions",
                 f"console action by 'Ada Lovelace': wrote a record of 18 bytes to {topic}-1 at offset 0",
                 f"console action by 'Ada Lovelace': deleted topic '{topic}'"):
        assert line in log, line


def test_refusals_and_a_wrong_token_show_as_sentences_and_change_nothing(appliance, page):
    admin = AdminClient({"bootstrap.servers": appliance.bootstrap})
    log_in(page, appliance.token)
    set_value(page, "create-name", "orders")
    submit(page, "create-topic-form")
    said = result(page, "create-result", "failed", "the refusal is not shown")
    assert "TOPIC_ALREADY_EXISTS" in said and "Pick another name" in said, said

    set_value(page, "create-name", "bad name!")
    submit(page, "create-topic-form")
    said = result(page, "create-result", "Topic names use letters", "the bad name's refusal is not shown")

    set_value(page, "create-configs", "retention.ms")
    set_value(page, "create-name", unique("lab"))
    submit(page, "create-topic-form")
    result(page, "create-result", "expected key=value", "a malformed config is not explained")

    log_in(page, "not-the-token")
    name = unique("lab")
    set_value(page, "create-name", name)
    set_value(page, "create-configs", "")
    submit(page, "create-topic-form")
    result(page, "create-result", "the admin token was refused (401)", "the wrong token is not explained")
    assert partition_count(admin, name) is None
    assert page_errors(page) == []


def test_a_written_value_that_is_markup_is_shown_as_text(appliance, page):
    log_in(page, appliance.token)
    topic = unique("markup")
    set_value(page, "create-name", topic)
    set_value(page, "create-partitions", "1")
    submit(page, "create-topic-form")
    result(page, "create-result", "done", "the topic was not created")
    page.wait_for(f"document.getElementById('tail-topic').value === {json.dumps(topic)}", 30, "the tail topic")
    markup = "<img src=x onerror=alert(1)>"
    set_value(page, "produce-key", "<b>key</b>")
    set_value(page, "produce-value", markup)
    set_value(page, "produce-headers", "h=<script>alert(2)</script>")
    submit(page, "produce-form")
    result(page, "produce-result", "Written to", "the record was not written")
    row = "[...document.querySelectorAll('#messages-table tbody tr')].find(r => r.cells[4] && " \
          f"r.cells[4].textContent === {json.dumps(markup)})"
    page.wait_for(f"!!{row}", 30, "the message viewer does not show the value as text")
    assert page.evaluate("document.querySelectorAll('main img, main b, main script').length") == 0
    assert page_errors(page) == []


def test_a_group_reset_is_previewed_applied_and_the_group_deleted_from_the_page(appliance, page):
    topic, group = unique("reset"), unique("g-reset")
    admin = AdminClient({"bootstrap.servers": appliance.bootstrap})
    admin.create_topics([NewTopic(topic, 2, 1)])[topic].result(timeout=30)
    producer = Producer({"bootstrap.servers": appliance.bootstrap})
    for number in range(20):
        producer.produce(topic, b"r%d" % number, partition=number % 2)
    assert producer.flush(30) == 0
    read_and_commit(appliance.bootstrap, group, topic, 20)
    assert committed(appliance.bootstrap, group, topic) == [10, 10]

    log_in(page, appliance.token)
    row = f"document.querySelector('#groups-table tr[data-group={json.dumps(group)}]')"
    page.wait_for(f"!!{row}", 30, "the group is not listed")
    page.evaluate(f"{row}.click()")
    page.wait_for(f"document.getElementById('group-name').textContent === {json.dumps(group)}", 30,
                  "the group is not shown")
    set_value(page, "reset-to", "earliest")
    page.evaluate("document.getElementById('reset-to').dispatchEvent(new Event('change'))")
    submit(page, "reset-form")
    result(page, "group-action-result", "nothing changed yet", "no preview")
    news = page.evaluate("[...document.querySelectorAll('#reset-table tbody tr')].map(r => r.cells[3].textContent)")
    assert news == ["0", "0"], news
    assert committed(appliance.bootstrap, group, topic) == [10, 10]
    page.evaluate("document.getElementById('reset-apply').click()")
    result(page, "group-action-result", "done", "the reset was not applied")
    assert committed(appliance.bootstrap, group, topic) == [0, 0]

    member = Consumer({"bootstrap.servers": appliance.bootstrap, "group.id": group})
    member.subscribe([topic])
    try:
        wait_for(lambda: member.poll(0.2) is None and len(
            admin.describe_consumer_groups([group])[group].result(timeout=30).members) == 1, 30, "a member joined")
        submit(page, "reset-form")
        said = result(page, "group-action-result", "Preview failed", "the busy group is not explained")
        assert "Stop the group's consumers first" in said, said
    finally:
        member.close()

    set_value(page, "delete-group-confirm", group)
    submit(page, "delete-group-form")
    page.wait_for(f"document.getElementById('group-empty').textContent === 'Group {group} deleted.'", 30,
                  "the group was not deleted")
    assert group not in {g.group_id for g in admin.list_consumer_groups().result(timeout=30).valid}
    assert page_errors(page) == []
    log = appliance.log("dashboard")
    assert f"console action by 'Ada Lovelace': reset the offsets of group '{group}' to earliest" in log
    assert f"console action by 'Ada Lovelace': deleted group '{group}'" in log
