"""The console's "Between classes" panel in headless Chromium against `aseed run`: hidden
without the admin token; with it, a lab file chosen on the page starts, a reset asks for the
confirmation box, removes a student's topic and says the seed to give again; a snapshot is
saved, listed, restored (the topic deleted since comes back) and deleted from the page."""

import json
import pathlib

import pytest
from confluent_kafka.admin import AdminClient, NewTopic

from test_console_actions import console_page, displayed, log_in, page_errors, result, set_value, submit
from test_poison import Appliance

REPOSITORY = pathlib.Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.needs_aseed, pytest.mark.timeout(150)]


@pytest.fixture
def appliance(tmp_path):
    instance = Appliance(tmp_path)
    try:
        yield instance
    finally:
        assert instance.stop() == 0


@pytest.fixture
def page(appliance):
    yield from console_page(appliance)


def topic_names(appliance) -> set[str]:
    return {topic["name"] for topic in appliance.json("/api/broker/topics")["topics"]}


def make_topic(appliance, name: str) -> None:
    admin = AdminClient({"bootstrap.servers": appliance.bootstrap})  # kept while its future is awaited
    admin.create_topics([NewTopic(name, num_partitions=1)])[name].result(10)


def test_a_class_is_reset_and_a_snapshot_saved_restored_and_deleted_from_the_page(appliance, page):
    assert not displayed(page, "classroom"), "the panel shows before a token was given"
    log_in(page, appliance.token)
    assert displayed(page, "classroom")
    page.evaluate("window.confirm = () => true")  # the restore and delete buttons ask first

    # A lab started from a file chosen on the page.
    lab = (REPOSITORY / "examples" / "labs" / "first-steps.toml").read_text()
    page.evaluate(f"(() => {{ const files = new DataTransfer(); "
                  f"files.items.add(new File([{json.dumps(lab)}], 'first-steps.toml', {{type: 'text/plain'}})); "
                  f"document.getElementById('lab-file').files = files.files; }})()")
    submit(page, "lab-start-form")
    result(page, "lab-start-result", "Lab first-steps started", "the lab's start")
    assert appliance.json("/api/labs/current")["lab"]["id"] == "first-steps"

    make_topic(appliance, "students.zoe")
    assert page.evaluate("document.getElementById('class-reset-button').disabled")
    page.evaluate("document.getElementById('class-confirm').click()")
    assert not page.evaluate("document.getElementById('class-reset-button').disabled")
    set_value(page, "class-seed", "77")
    page.evaluate("document.getElementById('class-orders').value = 'truncate'")
    submit(page, "class-reset-form")
    text = result(page, "class-reset-result", "Give seed 77 again", "the reset's answer")
    assert "removed 1 topics" in text
    assert "students.zoe" not in topic_names(appliance)
    assert page.evaluate("document.getElementById('class-reset-button').disabled"), "the confirmation stays ticked"

    make_topic(appliance, "demo")
    set_value(page, "snapshot-name", "lesson-1")
    submit(page, "snapshot-form")
    result(page, "snapshot-result", "Saved lesson-1", "the save's answer")
    page.wait_for("document.querySelectorAll('#snapshots-table tbody tr').length === 1", 10, "the snapshot listed")
    assert page.evaluate("document.querySelector('#snapshots-table tbody td').textContent") == "lesson-1"

    admin = AdminClient({"bootstrap.servers": appliance.bootstrap})
    admin.delete_topics(["demo"])["demo"].result(10)
    assert "demo" not in topic_names(appliance)
    page.evaluate("document.querySelector('#snapshots-table tbody button').click()")  # Restore
    result(page, "snapshot-result", "Restore lesson-1: done", "the restore's answer")
    assert "demo" in topic_names(appliance)

    page.evaluate("document.querySelector('#snapshots-table tbody button.danger').click()")  # Delete
    result(page, "snapshot-result", "Delete lesson-1: done", "the deletion's answer")
    page.wait_for("document.querySelectorAll('#snapshots-table tbody tr').length === 0", 10, "the list emptied")
    assert appliance.json("/api/class/snapshots")["snapshots"] == []
    assert page_errors(page) == []
