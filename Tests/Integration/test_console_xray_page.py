"""The console's X-ray in headless Chromium against `aseed run`, with real clients: the Clients
table shows an admin client's refusal (UNKNOWN_TOPIC_OR_PARTITION on DeleteTopics) with the
broker's explanation, a client id that is markup as text, consumers' groups and positions;
Watch streams a busy confluent-kafka producer's requests (Produce rows naming the topic, the
decoded fields, the raw bytes in hex, Pause holding the rows still, Resume bringing new ones, a
sentence once the connection closes); the doctor names a group with more consumers than
partitions; the group's rebalances show as a timeline (a join, the Stable moment) with member
boxes holding the partition chip, replayed one moment after the other."""
import json
import threading
import time

import pytest
from confluent_kafka import Consumer, KafkaError, KafkaException, Producer
from confluent_kafka.admin import AdminClient, NewTopic

from conftest import unique
from test_poison import Appliance

pytestmark = [pytest.mark.needs_aseed, pytest.mark.timeout(150)]


@pytest.fixture(scope="module")
def appliance(tmp_path_factory):
    instance = Appliance(tmp_path_factory.mktemp("xray-page"))
    try:
        yield instance
    finally:
        assert instance.stop() == 0


@pytest.fixture
def page(appliance):
    from test_dashboard_page import Browser

    browser = Browser()
    try:
        browser.open_page()
        browser.navigate(appliance.url + "/console")
        yield browser
    finally:
        browser.close()


def connections(appliance) -> list[dict]:
    return appliance.json("/api/broker/connections")["connections"]


CLIENT_ROWS = "[...document.querySelectorAll('#clients-table tbody tr.client-main')]"


def part(row: str, name: str) -> str:
    """JavaScript for the lines of one part ("errors", "groups", "positions") of a client's
    second row (`row` is the first)."""
    return f"{row}.nextElementSibling.querySelector('[data-part=\"{name}\"] .lines')"


def client_row(client_id: str, condition: str = "true") -> str:
    """JavaScript for the Clients table's (first) row of `client_id` that meets `condition` (on `r`)."""
    return f"{CLIENT_ROWS}.find(r => r.cells[1].textContent === {json.dumps(client_id)} && ({condition}))"


def create_topic(appliance, topic: str, partitions: int = 1) -> None:
    admin = AdminClient({"bootstrap.servers": appliance.bootstrap})
    admin.create_topics([NewTopic(topic, partitions, 1)])[topic].result(30)


def page_errors(page) -> list[str]:
    """Errors besides a refused request made on purpose (a 404 is logged as a failed load)."""
    return [error for error in page.errors() if not error.startswith("log (network)")]


def test_a_refusal_shows_with_its_explanation_and_a_markup_client_id_as_text(appliance, page):
    markup = unique("<img src=x onerror=alert(1)>")
    topic = unique("doomed")
    admin = AdminClient({"bootstrap.servers": appliance.bootstrap, "client.id": markup})
    admin.create_topics([NewTopic(topic, 1, 1)])[topic].result(30)
    admin.delete_topics([topic])[topic].result(30)
    with pytest.raises(KafkaException) as refused:
        admin.delete_topics([topic])[topic].result(30)
    assert refused.value.args[0].code() == KafkaError.UNKNOWN_TOPIC_OR_PART

    listed = appliance.wait_for(
        lambda: [c for c in connections(appliance) if c["client_id"] == markup and c["last_error"]],
        message="the refusal counted")[0]
    explanation = listed["last_error"]["explanation"]
    row = client_row(markup, f"{part('r', 'errors')}.textContent.includes('UNKNOWN_TOPIC_OR_PARTITION')")
    page.wait_for(f"!!{row}", 30, "the Clients table does not show the refusal")
    cells = page.evaluate(f"[...{row}.cells].map(c => c.textContent)")
    assert cells[2].startswith("confluent-kafka-python "), cells
    errors = page.evaluate(f"[...{part(row, 'errors')}.children].map(line => line.textContent)")
    assert errors == ["UNKNOWN_TOPIC_OR_PARTITION on DeleteTopics ×1", explanation], errors
    assert "does not exist" in explanation, explanation
    assert page.evaluate(f"{part(row, 'errors')}.querySelector('.error-text').textContent") == errors[0]
    # The markup is text: no element made of it, no script run.
    assert page.evaluate("document.querySelectorAll('main img').length") == 0
    assert page.errors() == []


def test_watch_streams_a_busy_producers_requests_and_pause_holds_them(appliance, page):
    client_id, topic = unique("busy-writer"), unique("stream")
    create_topic(appliance, topic)
    producer = Producer({"bootstrap.servers": appliance.bootstrap, "client.id": client_id, "linger.ms": 0})
    stop = threading.Event()

    def produce():
        while not stop.is_set():  # about 200 records a second, each its own Produce mostly
            producer.produce(topic, b"a record of the stream")
            producer.poll(0)
            time.sleep(0.005)

    writer = threading.Thread(target=produce, daemon=True)
    writer.start()
    closed = False
    try:
        row = client_row(client_id, "r.cells[6].textContent.includes('Produce')")
        page.wait_for(f"!!{row}", 30, "the Clients table does not list the producer's Produce requests")
        page.evaluate(f"{row}.nextElementSibling.querySelector('button[data-connection]').click()")
        assert client_id in page.evaluate("document.getElementById('stream-client').textContent")
        assert page.evaluate(f"{row}.classList.contains('selected')"), "the watched client is not marked"

        rows = "[...document.querySelectorAll('#stream-table tbody tr[data-sequence]')]"
        produce_row = (f"{rows}.find(r => r.cells[1].textContent.startsWith('Produce v') && "
                       f"r.cells[2].textContent.includes({json.dumps(topic)}))")
        page.wait_for(f"!!{produce_row}", 20, "the stream shows no Produce request naming the topic")
        page.wait_for("/^[\\d,]+ skipped \\(at most 20 kept per second\\)$/"
                      ".test(document.getElementById('stream-skipped').textContent)",
                      10, "the stream does not say how many requests it skipped")

        page.evaluate(f"{produce_row}.click()")
        page.wait_for(f"document.getElementById('stream-detail').textContent.includes({json.dumps(topic)})", 10,
                      "the decoded request does not name the topic")
        assert "acks: -1" in page.evaluate("document.getElementById('stream-detail').textContent")
        page.evaluate("document.getElementById('stream-raw-button').click()")
        page.wait_for("!document.getElementById('stream-raw').hidden", 10, "no raw bytes shown")
        dump = page.evaluate("document.getElementById('stream-raw').textContent").splitlines()
        # The frame after its size: api key 0 (Produce), then its version.
        assert dump[0].startswith("0000  00 00 00 "), dump[:2]
        assert all(len(line.split("  ")[1].split()) == 16 for line in dump[:-1]), dump
        assert topic[:10] in "".join(line[55:] for line in dump), dump  # the ASCII column

        newest = f"Number({rows}[0].dataset.sequence)"
        page.evaluate("document.getElementById('stream-pause').click()")
        assert page.evaluate("document.getElementById('stream-pause').getAttribute('aria-pressed')") == "true"
        time.sleep(1.2)  # a poll under way when paused is still shown
        held = page.evaluate(f"[{newest}, {rows}.length]")
        time.sleep(3)
        assert page.evaluate(f"[{newest}, {rows}.length]") == held, "rows came while paused"
        assert held[1] <= 300

        page.evaluate("document.getElementById('stream-pause').click()")
        assert page.evaluate("document.getElementById('stream-pause').getAttribute('aria-pressed')") == "false"
        page.wait_for(f"{newest} > {held[0]}", 10, "no new rows after Resume")
        assert page.evaluate(f"{rows}.length") <= 300

        stop.set()
        writer.join(10)
        producer.close()
        closed = True
        page.wait_for("document.getElementById('stream-error').textContent.includes('is not open')", 20,
                      "the stream does not say the connection closed")
        assert page.evaluate("document.getElementById('stream-pause').disabled")
        assert page_errors(page) == []
    finally:
        stop.set()
        writer.join(10)
        if not closed:
            producer.close()


def test_the_doctor_names_idle_consumers_and_the_group_plays_its_rebalance(appliance, page):
    topic, group = unique("one-partition"), unique("g-idle")
    create_topic(appliance, topic)
    producer = Producer({"bootstrap.servers": appliance.bootstrap})
    for number in range(10):
        producer.produce(topic, b"record %d" % number)
    assert producer.flush(30) == 0

    readers = [unique(f"reader-{n}") for n in range(2)]
    consumers = [Consumer({"bootstrap.servers": appliance.bootstrap, "client.id": reader, "group.id": group,
                           "auto.offset.reset": "earliest"}) for reader in readers]
    stop = threading.Event()

    def poll():
        while not stop.is_set():
            for consumer in consumers:
                consumer.poll(0.1)

    for consumer in consumers:
        consumer.subscribe([topic])
    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    try:
        appliance.wait_for(lambda: [f for f in appliance.json("/api/broker/doctor")["findings"]
                                    if f["kind"] == "idle-consumers" and group in f["subject"]],
                           40, "the doctor's finding of idle consumers")
        finding = ("[...document.querySelectorAll('#doctor-findings li[data-kind=\"idle-consumers\"]')]"
                   f".find(li => li.textContent.includes({json.dumps(group)}))")
        page.wait_for(f"!!{finding}", 30, "the doctor panel does not name the idle consumers")
        text = page.evaluate(f"{finding}.textContent")
        assert "idle consumers" in text and "sit idle" in text and "Fix: " in text, text

        # The members' groups (one with the partition, one with none) and the reading one's position.
        in_group = f"{part('r', 'groups')}.textContent.startsWith({json.dumps(group + ': ')})"
        page.wait_for(f"!!{client_row(readers[0], in_group)} && !!{client_row(readers[1], in_group)}", 30,
                      "the Clients table does not show the consumers' group")
        assigned = json.dumps(f"{group}: {topic}/0")
        page.wait_for(f"{CLIENT_ROWS}.some(r => {part('r', 'groups')}.textContent === {assigned})", 30,
                      "the Clients table does not show the partition assigned in the group")
        position = f"{topic}[0] @ 10, lag 0"
        page.wait_for(f"{CLIENT_ROWS}.some(r => {part('r', 'positions')}.textContent === {json.dumps(position)})",
                      30, "the Clients table does not show the position and lag")

        page.wait_for(f"!!document.querySelector('#groups-table tr[data-group=\"{group}\"]')", 30,
                      "the group is not listed")
        page.evaluate(f"document.querySelector('#groups-table tr[data-group=\"{group}\"]').click()")
        moments = "[...document.querySelectorAll('#rebalance-timeline button.moment')]"
        page.wait_for(f"{moments}.some(b => b.querySelector('.moment-change').textContent.includes('joined'))"
                      f" && {moments}.some(b => b.dataset.state === 'Stable')", 30,
                      "the timeline shows no join and no Stable moment")
        banner = "document.getElementById('rebalance-banner').dataset.state"
        page.wait_for(f"{banner} === 'Stable'", 10, "the picture does not show the stable group")
        boxes = "[...document.querySelectorAll('#rebalance-members li.member:not(.leaving)')]"
        page.wait_for(f"{boxes}.length === 2", 10, "not one box per member")
        chips = page.evaluate(f"{boxes}.map(li => [...li.querySelectorAll('.chip')].map(c => c.textContent))")
        assert sorted(chips) == sorted([[f"{topic}[0]"], ["no partition"]]), chips
        assert page.evaluate(f"{boxes}.map(li => li.querySelector('.phase').textContent)") == ["assigned", "assigned"]
        assert page.evaluate("document.querySelectorAll('#rebalance-members .badge-leader').length") == 1

        # The first moment, then a replay that steps from it to the stable group.
        page.evaluate(f"{moments}[0].click()")
        assert page.evaluate(f"{banner}") == "PreparingRebalance"
        assert "joined" in page.evaluate("document.getElementById('rebalance-change').textContent")
        assert page.evaluate(f"{moments}[0].getAttribute('aria-current')") == "step"
        page.evaluate("document.getElementById('rebalance-replay').click()")
        assert page.evaluate(f"{banner}") == "PreparingRebalance"
        page.wait_for(f"{banner} === 'CompletingRebalance'", 10, "the replay does not reach the sync")
        page.wait_for(f"{banner} === 'Stable' && {moments}.at(-1).getAttribute('aria-current') === 'step'", 10,
                      "the replay does not end on the stable group")
        assert page.errors() == []
    finally:
        stop.set()
        poller.join(10)
        for consumer in consumers:
            consumer.close()
