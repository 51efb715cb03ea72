"""The lab pages in headless Chromium against `aseed run` with the shipped first-steps lab and
real clients (confluent-kafka): the scoreboard (/labs) shows the lab, a row per student with
the connect step done and the others not, a client id that is markup as text, and a step done
later without a reload (the same row, the cell marked for a moment); a student's page (/me)
shows the settings to connect with, the steps done and the hint of the next, asks for a name
without one, says when the appliance has not seen a client of that name, and posts a question
step's answer with the verdict shown; with no lab running both pages give the server's
sentence."""
import json
import re

import pytest
from confluent_kafka.admin import AdminClient, NewTopic

from test_labs import ANALYTICS, LAB, lab_command
from test_poison import Appliance

pytestmark = [pytest.mark.needs_aseed, pytest.mark.timeout(150)]

MARKUP = "<b>x</b><img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def appliance(tmp_path_factory):
    """An appliance running the first-steps lab, with alice and a markup name connected once."""
    instance = Appliance(tmp_path_factory.mktemp("lab-pages"))
    try:
        started = lab_command(instance, "start", str(LAB))
        assert started.returncode == 0, started.stderr
        for name in ("alice", MARKUP):
            AdminClient({"bootstrap.servers": instance.bootstrap, "client.id": name}).list_topics(timeout=10)
        instance.wait_for(lambda: all(student(instance, name).get("done", {}).get("connect")
                                      for name in ("alice", MARKUP)), 30, "both students' connect step done")
        yield instance
    finally:
        assert instance.stop() == 0


@pytest.fixture
def page():
    from test_dashboard_page import Browser

    browser = Browser()
    try:
        browser.open_page()
        yield browser
    finally:
        browser.close()


def student(appliance, name: str) -> dict:
    return next((s for s in appliance.json("/api/labs/current")["students"] if s["name"] == name), {})


def page_errors(page) -> list[str]:
    """Errors besides the 404 of "no lab runs" (a refused request is logged as a failed load)."""
    return [error for error in page.errors() if not error.startswith("log (network)")]


ROW = "document.querySelector('#scoreboard tbody tr[data-student=\"alice\"]')"


def cell(step: str, row: str = ROW) -> str:
    return f"{row}.querySelector('td[data-step={json.dumps(step)}]')"


def test_the_scoreboard_shows_every_student_and_updates_in_place(appliance, page):
    lab = appliance.json("/api/labs/current")["lab"]
    steps = [step["id"] for step in lab["steps"]]
    assert steps[:3] == ["connect", "produce", "partitions"], steps

    page.navigate(appliance.url + "/labs")
    page.wait_for(f"!!{ROW} && {cell('connect')}.classList.contains('done')", 20,
                  "the scoreboard has no row for alice with the connect step done")
    assert page.evaluate("document.getElementById('lab-title').textContent") == lab["title"]
    assert page.evaluate("document.getElementById('lab-summary').textContent") == lab["summary"]
    assert page.evaluate("[...document.querySelectorAll('#scoreboard thead th[data-step]')]"
                         ".map(th => th.querySelector('.step-id').textContent)") == steps
    produce_head = page.evaluate("document.querySelector('#scoreboard thead th[data-step=\"produce\"] .step-title')"
                                 ".textContent")
    assert produce_head == lab["steps"][1]["title"].replace("{name}", "NAME"), produce_head

    # Done: a check mark and the local time as HH:MM; the other steps dim and empty.
    assert page.evaluate(f"{cell('connect')}.querySelector('.mark').textContent") == "✓"
    assert re.fullmatch(r"\d\d:\d\d", page.evaluate(f"{cell('connect')}.querySelector('time').textContent"))
    assert page.evaluate(f"[...{ROW}.querySelectorAll('td.step-cell')].map(td => td.className)") == \
        ["step-cell done"] + ["step-cell todo"] * (len(steps) - 1)
    assert page.evaluate(f"{ROW}.querySelector('.steps-done').textContent") == f"1/{len(steps)}"

    # Sorted by name ("<" sorts before letters), the markup as text: no element made of it.
    names = page.evaluate("[...document.querySelectorAll('#scoreboard tbody tr')].map(r => r.dataset.student)")
    assert names == sorted(["alice", MARKUP]), names
    markup_row = f"document.querySelector('#scoreboard tbody tr[data-student={json.dumps(MARKUP)}]')"
    assert page.evaluate(f"{markup_row}.querySelector('td.student').textContent") == MARKUP
    assert page.evaluate("document.querySelectorAll('main b, main img').length") == 0
    counts = page.evaluate("document.getElementById('lab-counts').textContent")
    assert counts.startswith("2 students · 0 finished every step"), counts
    assert page.evaluate("document.getElementById('results-link').getAttribute('href')") == \
        "/api/labs/current/results.csv"

    # A step done now shows without a reload, in the same row, marked for a moment.
    page.evaluate(f"window.__samePage = true; {ROW}.__sameRow = true")
    admin = AdminClient({"bootstrap.servers": appliance.bootstrap, "client.id": "alice"})
    admin.create_topics([NewTopic("students.alice.six", num_partitions=6)])["students.alice.six"].result(30)
    page.wait_for(f"{cell('partitions')}.classList.contains('done') && "
                  f"{cell('partitions')}.classList.contains('just-done')", 20,
                  "the partitions step does not turn done (and marked) on the scoreboard")
    assert page.evaluate(f"window.__samePage === true && {ROW}.__sameRow === true"), "the page or the row was redrawn"
    assert page.evaluate(f"{ROW}.querySelector('.steps-done').textContent") == f"2/{len(steps)}"
    assert not page.evaluate(f"{cell('connect')}.classList.contains('just-done')")
    page.wait_for(f"!{cell('partitions')}.classList.contains('just-done')", 10, "the mark does not fade")
    assert page.errors() == []


def test_a_students_page_gives_the_settings_the_steps_and_the_hints(appliance, page):
    page.navigate(appliance.url + "/me?name=alice")
    page.wait_for("!document.getElementById('lab-body').hidden && "
                  "document.querySelector('#steps li[data-step=\"connect\"]')?.classList.contains('done')", 20,
                  "alice's page does not show her connect step done")
    assert page.evaluate("document.getElementById('connect-settings').textContent") == \
        f"bootstrap.servers = {appliance.bootstrap}\nclient.id = alice"
    assert page.evaluate("document.getElementById('unseen').hidden")
    assert page.evaluate("document.getElementById('bootstrap-note').hidden")

    expected = {step["id"]: step for step in appliance.json("/api/labs/current/students/alice")["steps"]}
    shown = page.evaluate("""[...document.querySelectorAll('#steps li')].map(li => ({
        id: li.dataset.step, done: li.classList.contains('done'),
        title: li.querySelector('.lab-step-title').textContent,
        state: li.querySelector('.lab-step-state').textContent,
        hint: li.querySelector('.lab-step-hint').hidden ? null : li.querySelector('.lab-step-hint').textContent}))""")
    assert [step["id"] for step in shown] == list(expected)
    by_id = {step["id"]: step for step in shown}
    assert re.fullmatch(r"done at \d\d:\d\d", by_id["connect"]["state"]), by_id["connect"]
    assert by_id["connect"]["hint"] is None
    assert by_id["produce"] == {"id": "produce", "done": False, "title": expected["produce"]["title"],
                                "state": "not yet", "hint": expected["produce"]["hint"]}
    assert "students.alice" in by_id["produce"]["title"]

    # A name the appliance has not seen: the settings to use, and a note saying so.
    page.navigate(appliance.url + "/me?name=nobody")
    page.wait_for("!document.getElementById('unseen').hidden", 20, "no note that nobody was not seen")
    assert page.evaluate("document.getElementById('unseen').textContent").startswith(
        "The appliance has not seen a client with client.id nobody yet")
    assert page.evaluate("document.getElementById('connect-settings').textContent").endswith("client.id = nobody")

    # A name that is markup stays text everywhere it shows.
    page.navigate(appliance.url + "/me?name=" + re.sub(r"[^A-Za-z0-9]", lambda m: f"%{ord(m[0]):02X}", MARKUP))
    page.wait_for("!document.getElementById('lab-body').hidden && document.querySelectorAll('#steps li').length > 0",
                  20, "the markup name's page does not load")
    assert page.evaluate("document.getElementById('connect-settings').textContent").endswith(f"client.id = {MARKUP}")
    assert page.evaluate("document.title") == f"ASEED · {MARKUP}"
    assert page.evaluate("document.getElementById('unseen').hidden"), "the markup name's client was not recognised"
    assert page.evaluate("document.querySelectorAll('main b, main img').length") == 0

    # Without a name: a form, which goes to ?name= (the script does it: the policy allows no form).
    page.navigate(appliance.url + "/me")
    page.wait_for("!document.getElementById('ask').hidden", 10, "no form asking for the name")
    assert page.evaluate("document.getElementById('student').hidden")
    page.evaluate("document.getElementById('name-input').value = ' alice '; "
                  "document.getElementById('name-form').requestSubmit()")
    page.wait_for("location.search === '?name=alice' && document.readyState === 'complete'", 10,
                  "the form does not go to ?name=alice")
    page.wait_for("document.getElementById('connect-settings').textContent.endsWith('client.id = alice')", 20,
                  "the page of the name typed does not load")
    assert page.errors() == []


def test_without_a_lab_both_pages_say_so(tmp_path, page):
    appliance = Appliance(tmp_path)
    try:
        page.navigate(appliance.url + "/labs")
        page.wait_for("!document.getElementById('no-lab').hidden", 20, "the scoreboard does not say no lab runs")
        text = page.evaluate("document.getElementById('no-lab').textContent")
        assert text.startswith("No lab runs: start one with") and text.endswith("."), text
        assert page.evaluate("document.getElementById('lab-body').hidden")

        page.navigate(appliance.url + "/me?name=alice")
        page.wait_for("!document.getElementById('no-lab').hidden", 20, "the student's page does not say no lab runs")
        assert page.evaluate("document.getElementById('no-lab').textContent") == text
        assert page_errors(page) == []

        # A question step has a form; the appliance's verdict shows beside it.
        assert lab_command(appliance, "start", str(ANALYTICS)).returncode == 0
        page.navigate(appliance.url + "/me?name=alice")
        form = "document.querySelector('#steps li[data-step=\"top-all\"] form.lab-answer')"
        page.wait_for(f"{form} && !{form}.hidden", 20, "the question step has no answer form")
        assert page.evaluate("document.querySelector('#steps li[data-step=\"read\"] form') === null")
        page.evaluate(f"{form}.querySelector('input').value = 'NOPE-1'; {form}.requestSubmit()")
        page.wait_for(f"{form}.querySelector('.lab-verdict').textContent !== ''", 10, "no verdict shown")
        verdict = page.evaluate(f"{form}.querySelector('.lab-verdict').textContent")
        assert "'NOPE-1' is not the product" in verdict or "no ranking" in verdict, verdict
        assert page.evaluate("document.getElementById('findings-panel').hidden")
        assert page_errors(page) == []
    finally:
        assert appliance.stop() == 0


def test_the_teacher_view_shows_why_a_student_is_stuck(appliance, page):
    """Runs last in this module: it adds a student the others do not expect."""
    from confluent_kafka import Producer

    common = {"bootstrap.servers": appliance.bootstrap, "client.id": "carl"}
    admin = AdminClient(common)  # kept while its future is awaited
    tiny = NewTopic("students.carl.tiny", num_partitions=1, config={"max.message.bytes": "1000"})
    admin.create_topics([tiny])["students.carl.tiny"].result(10)
    producer = Producer({**common, "retries": 0})
    producer.produce("students.carl.tiny", b"x" * 5000)
    producer.flush(10)
    def refused():
        return any(f["kind"] == "refused-producer" for f in student(appliance, "carl").get("findings", []))
    appliance.wait_for(refused, 30, "carl's refused Produce among his findings")

    carl = "document.querySelector('#scoreboard tbody tr[data-student=\"carl\"]')"
    page.navigate(appliance.url + "/labs")
    page.wait_for(f"!!{carl}", 20, "no row for carl")
    assert page.evaluate(f"getComputedStyle({carl}.querySelector('td.why')).display") == "none", \
        "the projector shows the findings"
    page.evaluate("document.getElementById('teacher-view').click()")
    assert page.evaluate("location.search") == "?view=teacher"
    page.wait_for(f"{carl}.querySelector('td.why').textContent.includes('refused')", 20,
                  "carl's refused Produce not shown in the teacher view")
    assert page.evaluate(f"getComputedStyle({carl}.querySelector('td.why')).display") == "table-cell"
    assert page.evaluate(f"{ROW}.querySelector('td.why').textContent") == "–"

    page.navigate(appliance.url + "/labs?view=teacher")
    page.wait_for(f"!!{carl} && {carl}.querySelector('td.why p.finding') !== null", 20,
                  "the teacher view is not kept in the address")
    page.evaluate("document.getElementById('teacher-view').click()")
    assert page.evaluate("location.search") == ""
    assert page_errors(page) == []
