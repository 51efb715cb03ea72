"""Consumer groups' lag over time against `aseed run --lag-sample-seconds 1`: a group that read
half of a topic is sampled with its records and seconds behind (from the timestamps of the
records it has not read), its rate of consumption shows once it reads on, `/metrics` has its
lag, the history survives a restart, and the console draws it in Chromium."""
import time
import urllib.request

import pytest
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from conftest import unique
from test_poison import Appliance

pytestmark = [pytest.mark.needs_aseed, pytest.mark.timeout(240)]


def history(appliance, group, minutes=60):
    return appliance.json(f"/api/broker/groups/{group}/lag-history?minutes={minutes}")["points"]


def consume(bootstrap, group, topic, count):
    """Reads `count` records of the one-partition topic from the group's position, commits, leaves."""
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "auto.offset.reset": "earliest",
                         "enable.auto.commit": False})
    consumer.subscribe([topic])
    seen = 0
    deadline = time.monotonic() + 60
    while seen < count and time.monotonic() < deadline:
        message = consumer.poll(0.5)
        if message is not None and not message.error():
            seen += 1
            if seen == count:
                consumer.commit(message=message, asynchronous=False)
    consumer.close()
    assert seen == count


def test_a_groups_lag_is_kept_over_time_across_a_restart_and_drawn(tmp_path):
    appliance = Appliance(tmp_path, "--lag-sample-seconds", "1")
    try:
        topic, group = unique("lagging"), unique("g-lag")
        admin = AdminClient({"bootstrap.servers": appliance.bootstrap})
        admin.create_topics([NewTopic(topic, 1, 1)])[topic].result(30)
        producer = Producer({"bootstrap.servers": appliance.bootstrap})
        written = int(time.time() * 1000) - 60_000
        for number in range(100):
            producer.produce(topic, b"r%d" % number, partition=0, timestamp=written + number)
        assert producer.flush(30) == 0
        consume(appliance.bootstrap, group, topic, 50)

        behind = appliance.wait_for(lambda: [p for p in history(appliance, group) if p["lag"] == 50], 30,
                                    "a sample of the half-read group")[-1]
        assert behind["partitions"][0]["committed"] == 50 and behind["partitions"][0]["latest"] == 100
        # The next record was written a minute ago (record 50's own timestamp).
        assert 55 <= behind["seconds_behind"] <= 120, behind
        with urllib.request.urlopen(appliance.url + "/metrics", timeout=10) as response:
            metrics = response.read().decode()
        assert f'aseed_consumer_group_lag{{group="{group}",topic="{topic}",partition="0"}} 50' in metrics

        consume(appliance.bootstrap, group, topic, 50)
        caught_up = appliance.wait_for(lambda: [p for p in history(appliance, group) if p["lag"] == 0], 30,
                                       "a sample after the group caught up")
        assert caught_up[0]["seconds_behind"] == 0
        assert max(p["consumed_per_second"] or 0 for p in history(appliance, group)) > 0

        before = len(history(appliance, group))
        assert appliance.stop() == 0
        appliance.start()
        kept = history(appliance, group)
        assert len(kept) >= before and kept[0]["lag"] == 50, kept[:2]

        from test_dashboard_page import Browser
        browser = Browser()
        try:
            browser.open_page()
            browser.navigate(appliance.url + "/console")
            row = f"document.querySelector('#groups-table tr[data-group=\"{group}\"]')"
            browser.wait_for(f"!!{row}", 30, "the group is not listed")
            browser.evaluate(f"{row}.click()")
            browser.wait_for("document.getElementById('lag-summary').textContent.startsWith('Now 0 records behind')",
                             30, "the lag history is not summed up")
            drawn = browser.evaluate("window.Chart && Chart.getChart(document.getElementById('lag-chart'))"
                                     ".data.datasets[0].data.includes(50)")
            assert drawn, "the chart does not draw the lag of 50"
            assert browser.errors() == []
        finally:
            browser.close()
    finally:
        appliance.stop()
