// The lab scoreboard, made for the projector: one row per student, one column per step of the
// running lab, each cell done (with the local time) or not yet. It reads /api/labs/current
// every second and touches only the cells whose state changed, so the table stands still
// while the class works and a step just done can be marked for a moment. The teacher view
// (?view=teacher, or its button) adds a column with what the doctor sees going wrong for each
// student, which the projector does not show.
"use strict";

(() => {
  const { byId, el, parseTime, formatTime, formatInt, setStatus, setText, sentence } = ASEED;

  const REFRESH_MS = 1000;
  const JUST_DONE_MS = 4000; // how long a cell that turned done stays marked
  const DONE_MARK = "✓";
  const TODO_MARK = "○";

  // HH:MM in the viewer's zone, always 24-hour: "10:42" fits a narrow cell, "10:42 AM" less so.
  const cellTime = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });

  const state = {
    labKey: null, // the lab the table shows (id, start, steps); another one rebuilds it
    rows: new Map(), // student name → its <tr>
  };

  // ---------------------------------------------------------------- small helpers

  function plural(count, one, many) {
    return `${formatInt(count)} ${count === 1 ? one : many}`;
  }

  /**
   * The running lab: `{lab: answer}`, or `{none: sentence}` when the server says there is no
   * lab to show (404 no lab runs, 503 labs need a data directory). Anything else throws, and
   * the page keeps what it shows with the status pill saying why it is stale.
   */
  async function readLab() {
    const response = await fetch("/api/labs/current", { cache: "no-store" });
    let body = null;
    try {
      body = await response.json();
    } catch {
      body = null;
    }
    if (response.ok && body) return { lab: body };
    const message = body && (body.message || body.error);
    if (response.status === 404 || response.status === 503) {
      return { none: sentence(message) || "No lab runs." };
    }
    throw new Error(`${response.status} ${message || response.statusText || "request failed"}`);
  }

  // ---------------------------------------------------------------- the table

  /** The header: Student, one column per step (its title with {name} as NAME, and its id), Done. */
  function renderHead(steps) {
    const tr = byId("scoreboard").tHead.rows[0];
    const cells = [el("th", "student-head", "Student")];
    for (const step of steps) {
      const th = el("th", "step-head");
      th.dataset.step = step.id;
      th.append(
        el("span", "step-title", String(step.title || "").replaceAll("{name}", "NAME")),
        el("span", "step-id", step.id),
      );
      cells.push(th);
    }
    cells.push(el("th", "num", "Done"));
    cells.push(el("th", "why teacher-only", "Why not yet"));
    tr.replaceChildren(...cells);
  }

  function newRow(name, steps) {
    const tr = el("tr");
    tr.dataset.student = name;
    tr.append(el("td", "student", name));
    for (const step of steps) {
      const td = el("td", "step-cell");
      td.dataset.step = step.id;
      tr.append(td);
    }
    tr.append(el("td", "num steps-done"));
    tr.append(el("td", "why teacher-only"));
    return tr;
  }

  function flash(node) {
    node.classList.add("just-done");
    setTimeout(() => node.classList.remove("just-done"), JUST_DONE_MS);
  }

  /** One student's cell of one step; `mark` says a change to done is news worth marking. */
  function renderCell(td, at, mark) {
    const value = at || "";
    if (td.dataset.doneAt === value) return; // unchanged: leave the cell (and a running mark) alone
    td.dataset.doneAt = value;
    const date = parseTime(value);
    const symbol = el("span", "mark", date ? DONE_MARK : TODO_MARK);
    symbol.setAttribute("aria-hidden", "true");
    if (date) {
      td.className = "step-cell done";
      const time = el("time", "", cellTime.format(date));
      time.dateTime = date.toISOString();
      td.replaceChildren(symbol, el("span", "visually-hidden", "done at "), time);
      td.title = `done at ${formatTime(date)}`;
      if (mark) flash(td);
    } else {
      td.className = "step-cell todo";
      td.replaceChildren(symbol, el("span", "visually-hidden", "not yet"));
      td.title = "not done yet";
    }
  }

  function renderRow(tr, student, steps, mark) {
    const done = student.done && typeof student.done === "object" ? student.done : {};
    steps.forEach((step, index) => renderCell(tr.cells[index + 1], done[step.id], mark));
    const count = Number.isFinite(student.steps_done)
      ? student.steps_done
      : steps.filter((step) => done[step.id]).length;
    setText(tr.cells[steps.length + 1], `${count}/${steps.length}`);
    tr.classList.toggle("finished", steps.length > 0 && count >= steps.length);
    renderFindings(tr.cells[steps.length + 2], Array.isArray(student.findings) ? student.findings : []);
    return count;
  }

  /** The doctor's findings for a student's clients: each problem with its fix, as text. */
  function renderFindings(td, findings) {
    const key = JSON.stringify(findings.map((f) => [f.problem, f.fix]));
    if (td.dataset.findings === key) return;
    td.dataset.findings = key;
    if (findings.length === 0) {
      td.replaceChildren(el("span", "none", "–"));
      return;
    }
    td.replaceChildren(...findings.map((finding) => {
      const line = el("p", "finding");
      line.append(el("strong", "", finding.problem || finding.kind || ""));
      if (finding.fix) line.append(" ", el("span", "fix", finding.fix));
      return line;
    }));
  }

  /** The teacher view on or off; kept in the address (?view=teacher) so a reload keeps it. */
  function setupTeacherView(button) {
    const apply = (on) => {
      document.body.classList.toggle("teacher-view", on);
      button.setAttribute("aria-pressed", on ? "true" : "false");
    };
    apply(new URLSearchParams(location.search).get("view") === "teacher");
    button.addEventListener("click", () => {
      const on = !document.body.classList.contains("teacher-view");
      apply(on);
      const query = new URLSearchParams(location.search);
      if (on) query.set("view", "teacher");
      else query.delete("view");
      const search = query.toString();
      history.replaceState(null, "", location.pathname + (search ? `?${search}` : ""));
    });
  }

  function showLab(answer) {
    const lab = answer.lab && typeof answer.lab === "object" ? answer.lab : {};
    const steps = Array.isArray(lab.steps) ? lab.steps : [];
    const students = (Array.isArray(answer.students) ? answer.students : [])
      .filter((s) => s && typeof s.name === "string")
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

    // The first answer, or another lab: draw it as it is, without marking every done cell.
    const key = JSON.stringify([lab.id, answer.started_at, steps.map((s) => [s.id, s.title])]);
    const fresh = key !== state.labKey;
    const body = byId("scoreboard").tBodies[0];
    if (fresh) {
      state.labKey = key;
      state.rows.clear();
      body.replaceChildren();
      renderHead(steps);
    }

    byId("no-lab").hidden = true;
    byId("lab-body").hidden = false;
    setText(byId("lab-title"), lab.title || lab.id || "Lab");
    setText(byId("lab-summary"), lab.summary || "");
    const wantedTitle = `ASEED · ${lab.title || "lab"}`;
    if (document.title !== wantedTitle) document.title = wantedTitle;

    let finished = 0;
    const present = new Set();
    for (const student of students) {
      let tr = state.rows.get(student.name);
      if (!tr) {
        tr = newRow(student.name, steps);
        state.rows.set(student.name, tr);
      }
      // A student who joins after the page loaded is news too: their first cells are marked.
      if (renderRow(tr, student, steps, !fresh) >= steps.length && steps.length > 0) finished += 1;
      present.add(student.name);
    }
    for (const [name, tr] of state.rows) {
      if (!present.has(name)) {
        tr.remove();
        state.rows.delete(name);
      }
    }
    // Rows move only when the order changed (a new name between others): no redraw otherwise.
    const ordered = students.map((s) => state.rows.get(s.name));
    if (ordered.length !== body.rows.length || ordered.some((tr, index) => body.rows[index] !== tr)) {
      body.append(...ordered);
    }

    const started = parseTime(answer.started_at);
    const parts = [plural(students.length, "student", "students"), `${formatInt(finished)} finished every step`];
    if (started) parts.push(`started ${cellTime.format(started)}`);
    setText(byId("lab-counts"), parts.join(" · "));
    byId("no-students").hidden = students.length > 0;
  }

  function showNoLab(text) {
    state.labKey = null;
    state.rows.clear();
    byId("scoreboard").tBodies[0].replaceChildren();
    byId("lab-body").hidden = true;
    const none = byId("no-lab");
    setText(none, text);
    none.hidden = false;
    if (document.title !== "ASEED · lab scoreboard") document.title = "ASEED · lab scoreboard";
  }

  // ---------------------------------------------------------------- start

  async function refresh() {
    try {
      const answer = await readLab();
      if (answer.lab) showLab(answer.lab);
      else showNoLab(answer.none);
      setStatus(true, "connected");
    } catch (error) {
      setStatus(false, `unreachable: ${error.message}`);
    }
    // The next read waits for this one: a slow answer never stacks requests up.
    setTimeout(refresh, REFRESH_MS);
  }

  ASEED.setupLargeType(byId("large-type"));
  setupTeacherView(byId("teacher-view"));
  byId("zone-name").textContent = ASEED.zoneName();
  refresh();
})();
