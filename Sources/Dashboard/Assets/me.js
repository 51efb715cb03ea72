// A student's own lab page, /me?name=NAME: the settings to connect with and the running lab's
// steps in order, each done (with the time) or not yet with its hint. Without a name it asks
// for one. The name comes from the address, so it is only ever set as text, like everything
// the server sends; the page reads /api/labs/current/students/NAME every second. A question
// step (goal top-product) gets a form that posts the answer, which the appliance checks.
"use strict";

(() => {
  const { byId, el, parseTime, formatTime, setStatus, setText, sentence } = ASEED;

  const REFRESH_MS = 1000;
  const JUST_DONE_MS = 4000; // how long a step that turned done stays marked

  const stepTime = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });

  const state = {
    labKey: null, // the lab the list shows (id and step ids); another one rebuilds the list
    items: new Map(), // step id → its <li>
  };

  // ---------------------------------------------------------------- small helpers

  /** The student's page, or `{none: sentence}` when no lab runs (404) or labs are off (503). */
  async function readStudent(name) {
    const response = await fetch(`/api/labs/current/students/${encodeURIComponent(name)}`, { cache: "no-store" });
    let body = null;
    try {
      body = await response.json();
    } catch {
      body = null;
    }
    if (response.ok && body) return { page: body };
    const message = body && (body.message || body.error);
    if (response.status === 404 || response.status === 503) {
      return { none: sentence(message) || "No lab runs." };
    }
    throw new Error(`${response.status} ${message || response.statusText || "request failed"}`);
  }

  // ---------------------------------------------------------------- asking for the name

  function askForName() {
    byId("ask").hidden = false;
    const input = byId("name-input");
    // The page's policy allows no form submission (form-action 'none'): the script goes to the
    // address itself, the name encoded as a query parameter.
    byId("name-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const name = input.value.trim();
      if (!name) return;
      location.search = `?${new URLSearchParams({ name })}`;
    });
    input.focus();
  }

  // ---------------------------------------------------------------- the student's page

  function renderSettings(name, bootstrap) {
    const known = typeof bootstrap === "string" && bootstrap !== "";
    setText(byId("connect-settings"),
      `bootstrap.servers = ${known ? bootstrap : "(ask your teacher)"}\nclient.id = ${name}`);
    byId("bootstrap-note").hidden = known;
  }

  function newStep(step, index) {
    const li = el("li", "lab-step");
    li.dataset.step = step.id;
    const head = el("div", "lab-step-head");
    const mark = el("span", "mark");
    mark.setAttribute("aria-hidden", "true");
    head.append(
      mark,
      el("span", "lab-step-number", `${index + 1}.`),
      el("span", "lab-step-title"),
      el("span", "lab-step-state"),
    );
    li.append(head, el("p", "lab-step-hint"));
    if (step.goal === "top-product") li.append(answerForm(step.id));
    return li;
  }

  /** The form of a question step: the answer goes to the appliance, its verdict shows below. */
  function answerForm(stepID) {
    const form = el("form", "inline-form lab-answer");
    const input = el("input");
    input.placeholder = "a product id, e.g. PROD-001";
    input.setAttribute("aria-label", "your answer");
    input.autocomplete = "off";
    input.spellcheck = false;
    input.maxLength = 200;
    const verdict = el("span", "hint lab-verdict");
    verdict.setAttribute("role", "status");
    form.append(input, el("button", "small", "Answer"), verdict);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const answer = input.value.trim();
      if (!answer) return;
      try {
        const response = await fetch("/api/labs/current/answers", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ name: currentName, step: stepID, answer }),
        });
        const body = await response.json();
        verdict.textContent = sentence(body.message || body.error || response.statusText);
        verdict.classList.toggle("lab-verdict-right", body.correct === true);
      } catch (error) {
        verdict.textContent = `Not sent: ${error.message}`;
      }
    });
    return form;
  }

  /** What the appliance sees going wrong for this student's clients and groups. */
  function renderFindings(findings) {
    const list = byId("findings");
    const items = (Array.isArray(findings) ? findings : []).map((finding) => {
      const li = el("li");
      li.append(el("strong", null, sentence(finding.problem)), document.createTextNode(" "),
        el("span", null, sentence(finding.fix)));
      return li;
    });
    const key = JSON.stringify((findings || []).map((f) => [f.problem, f.fix]));
    if (list.dataset.key !== key) {
      list.dataset.key = key;
      list.replaceChildren(...items);
    }
    byId("findings-panel").hidden = items.length === 0;
  }

  /** One step in place; `mark` says a change to done is news worth marking. */
  function renderStep(li, step, mark) {
    setText(li.querySelector(".lab-step-title"), step.title || step.id);
    const hint = li.querySelector(".lab-step-hint");
    setText(hint, step.hint || "");
    const value = step.done_at || "";
    if (li.dataset.doneAt === value) return;
    li.dataset.doneAt = value;
    const date = parseTime(value);
    li.classList.toggle("done", Boolean(date));
    li.classList.toggle("todo", !date);
    li.querySelector(".mark").textContent = date ? "✓" : "○";
    const status = li.querySelector(".lab-step-state");
    if (date) {
      status.textContent = `done at ${stepTime.format(date)}`;
      status.title = formatTime(date);
      if (mark) {
        li.classList.add("just-done");
        setTimeout(() => li.classList.remove("just-done"), JUST_DONE_MS);
      }
    } else {
      status.textContent = "not yet";
      status.title = "";
    }
    // The hint (and a question's form) is for what is left to do; a done step keeps its title.
    hint.hidden = Boolean(date);
    const form = li.querySelector(".lab-answer");
    if (form) form.hidden = Boolean(date);
  }

  function showPage(name, page) {
    const lab = page.lab && typeof page.lab === "object" ? page.lab : {};
    const steps = Array.isArray(page.steps) ? page.steps : [];
    byId("no-lab").hidden = true;
    byId("lab-body").hidden = false;
    setText(byId("lab-title"), lab.title || lab.id || "Lab");
    setText(byId("lab-summary"), lab.summary || "");
    renderSettings(name, page.bootstrap);
    renderFindings(page.findings);

    const unseen = byId("unseen");
    setText(unseen, `The appliance has not seen a client with client.id ${name} yet: connect with the settings above.`);
    unseen.hidden = page.seen === true;

    const key = JSON.stringify([lab.id, steps.map((s) => s.id)]);
    const fresh = key !== state.labKey;
    const list = byId("steps");
    if (fresh) {
      state.labKey = key;
      state.items = new Map(steps.map((step, index) => [step.id, newStep(step, index)]));
      list.replaceChildren(...state.items.values());
    }
    let done = 0;
    for (const step of steps) {
      renderStep(state.items.get(step.id), step, !fresh);
      if (step.done_at) done += 1;
    }
    setText(byId("progress"), `${done} of ${steps.length} done`);
  }

  function showNoLab(text) {
    state.labKey = null;
    state.items.clear();
    byId("steps").replaceChildren();
    byId("lab-body").hidden = true;
    const none = byId("no-lab");
    setText(none, text);
    none.hidden = false;
  }

  async function copySettings() {
    const code = byId("connect-settings");
    const result = byId("copy-result");
    try {
      await navigator.clipboard.writeText(code.textContent);
      result.textContent = "Copied.";
    } catch {
      // The clipboard API needs a secure context, which plain http on a class network is not:
      // select the text instead, for Ctrl+C.
      const range = document.createRange();
      range.selectNodeContents(code);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      result.textContent = "Selected: press Ctrl+C (⌘C) to copy.";
    }
  }

  function follow(name) {
    byId("student").hidden = false;
    document.title = `ASEED · ${name}`;
    byId("copy-settings").addEventListener("click", copySettings);
    const refresh = async () => {
      try {
        const answer = await readStudent(name);
        if (answer.page) showPage(name, answer.page);
        else showNoLab(answer.none);
        setStatus(true, "connected");
      } catch (error) {
        setStatus(false, `unreachable: ${error.message}`);
      }
      // The next read waits for this one: a slow answer never stacks requests up.
      setTimeout(refresh, REFRESH_MS);
    };
    refresh();
  }

  // ---------------------------------------------------------------- start

  ASEED.setupLargeType(byId("large-type"));
  byId("zone-name").textContent = ASEED.zoneName();
  const name = new URLSearchParams(location.search).get("name") || "";
  const currentName = name.trim();
  if (name.trim() === "") {
    byId("connection").className = "pill pill-unknown";
    byId("connection-text").textContent = "no name yet";
    askForName();
  } else {
    follow(name);
  }
})();
