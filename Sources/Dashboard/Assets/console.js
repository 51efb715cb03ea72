// The broker console: topics (one at a time with its configs and what the log cleaner did),
// consumer groups with lag and their rebalances played back, transactions, the connected
// clients with their errors, groups and positions, one client's requests as they arrive (the
// request stream), the doctor's findings, and a message tail. It polls the REST API (topic and
// group figures change slowly, a socket would add nothing). With the
// admin token it also creates, changes and deletes topics and writes messages (the "actions"
// section below). `/console?topic=NAME` opens with that topic chosen.
"use strict";

(() => {
  const {
    byId, el, row, parseTime, formatTime, formatInt, formatDecimal, formatBytes, formatDuration, fetchJSON, setStatus,
  } = ASEED;

  const REFRESH_MS = 5000;
  const TAIL_MS = 2000;
  const AGE_TICK_MS = 1000;
  const CELL_LINES = 5; // lines of errors, groups or positions shown per client and part
  const STREAM_MS = 1000; // the request stream asks this often
  const STREAM_ROWS = 300; // rows kept in the request stream
  const STREAM_WAIT_MS = 30000; // an unanswered request is asked for again this long
  const REBALANCE_STEP_MS = 600; // one moment of a rebalance after the other

  const latencyFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
  const preciseClockFormat = new Intl.DateTimeFormat(undefined, {
    hour: "2-digit", minute: "2-digit", second: "2-digit", fractionalSecondDigits: 3, hourCycle: "h23",
  });

  const OPERATOR_KEY = "aseed.operatorName";

  const state = {
    topics: [],
    selectedTopic: null,
    selectedGroup: null,
    following: true,
    tailTimer: null,
    tailRequest: 0, // answers of older requests are dropped when a newer one was sent
    lagChart: null, // the group's lag chart, made on first use and then only given new data
    clientRequests: new Map(), // each client's request counts at the last refresh, by address
    clientsAt: 0, // performance.now() of the last refresh of the client list
    transactionsAt: 0, // performance.now() when the shown transactions' ages were read
    stream: null, // the watched connection's request stream, see watchConnection
    rebalance: { group: null, moments: [], shown: -1, timer: null }, // the group's rebalance view
  };

  // ---------------------------------------------------------------- topics

  function sum(items, pick) {
    return items.reduce((total, item) => total + (Number(pick(item)) || 0), 0);
  }

  /** Size of a partition list: null when the broker cannot tell any of them. */
  function totalSize(partitions) {
    const known = partitions.filter((p) => Number.isFinite(p.size_bytes));
    return known.length ? sum(known, (p) => p.size_bytes) : null;
  }

  function formatSize(bytes) {
    return Number.isFinite(bytes) ? formatBytes(bytes) : "n/a";
  }

  function renderTopics(topics) {
    const body = byId("topics-table").tBodies[0];
    body.replaceChildren(...topics.map((topic) => {
      const partitions = topic.partitions || [];
      const tr = row([
        topic.name, partitions.length,
        formatInt(sum(partitions, (p) => p.latest_offset - p.earliest_offset)),
        formatSize(totalSize(partitions)),
        formatDecimal(sum(partitions, (p) => p.messages_per_second)),
      ], [1, 2, 3, 4]);
      tr.dataset.topic = topic.name;
      tr.dataset.partitions = String(partitions.length);
      tr.classList.add("clickable");
      if (topic.name === state.selectedTopic) tr.classList.add("selected");
      tr.addEventListener("click", () => chooseTopic(topic.name, true));
      return tr;
    }));

    const partitionBody = byId("partitions-table").tBodies[0];
    partitionBody.replaceChildren(...topics.flatMap((topic) => (topic.partitions || []).map((p) => {
      const tr = row([
        topic.name, p.partition, p.leader, formatInt(p.earliest_offset), formatInt(p.latest_offset),
        formatSize(p.size_bytes), formatDecimal(p.messages_per_second),
      ], [1, 2, 3, 4, 5, 6]);
      tr.dataset.topic = topic.name;
      return tr;
    })));
  }

  /** Keeps the message viewer's topic list in step without losing the current choice. */
  function renderTopicChoices(topics) {
    const select = byId("tail-topic");
    const current = select.value;
    const names = topics.map((t) => t.name);
    const shown = [...select.options].map((o) => o.value);
    if (names.join("\n") !== shown.join("\n")) {
      select.replaceChildren(...names.map((name) => {
        const option = el("option", "", name);
        option.value = name;
        return option;
      }));
      // Start on the orders topic: it is what a class looks at first.
      select.value = names.includes(current) ? current : (names.includes("orders") ? "orders" : names[0] || "");
    }
    renderPartitionChoices();
  }

  function renderPartitionChoices() {
    const topic = state.topics.find((t) => t.name === byId("tail-topic").value);
    const select = byId("tail-partition");
    const partitions = topic ? (topic.partitions || []).map((p) => String(p.partition)) : [];
    const shown = [...select.options].slice(1).map((o) => o.value);
    if (partitions.join(",") === shown.join(",")) return;
    fillPartitionSelect(select, "all partitions", partitions);
    fillPartitionSelect(byId("produce-partition"), "partition by key", partitions);
  }

  /** Options of a partition chooser: the first (value "") and one per partition, keeping the choice. */
  function fillPartitionSelect(select, firstLabel, partitions) {
    const current = select.value;
    const first = el("option", "", firstLabel);
    first.value = "";
    select.replaceChildren(first, ...partitions.map((p) => {
      const option = el("option", "", `partition ${p}`);
      option.value = p;
      return option;
    }));
    select.value = partitions.includes(current) ? current : "";
  }

  /** Shows a topic's detail and tails its messages; the address keeps the choice for a reload. */
  function chooseTopic(name, scroll) {
    state.selectedTopic = name;
    for (const tr of byId("topics-table").tBodies[0].rows) {
      tr.classList.toggle("selected", tr.dataset.topic === name);
    }
    history.replaceState(null, "", `?${new URLSearchParams({ topic: name })}`);
    refreshTopicDetail().catch(showTopicError);
    byId("tail-topic").value = name;
    renderPartitionChoices();
    tail();
    if (scroll) byId("topic-detail").scrollIntoView({ behavior: "smooth", block: "start" });
  }

  async function refreshTopics() {
    const answer = await fetchJSON("/api/broker/topics");
    state.topics = Array.isArray(answer && answer.topics) ? answer.topics : [];
    renderTopics(state.topics);
    renderTopicChoices(state.topics);
  }

  // ---------------------------------------------------------------- one topic

  /** Whether a cleanup policy ("delete", "compact", "compact,delete") compacts. */
  function compacts(policy) {
    return typeof policy === "string" && policy.split(",").map((p) => p.trim()).includes("compact");
  }

  function cleanerRow(partition, cleaner) {
    const last = cleaner.last_cleaning;
    const error = cleaner.last_error
      ? `${cleaner.last_error} (${formatTime(parseTime(cleaner.last_error_at))})`
      : "–";
    const tr = row([
      partition,
      `${formatDecimal(cleaner.dirty_ratio * 100)} %`,
      last ? formatTime(parseTime(last.finished_at)) : "never",
      last ? `${formatInt(last.duration_ms)} ms` : "–",
      last ? formatBytes(last.bytes_reclaimed) : "–",
      formatBytes(cleaner.total_bytes_reclaimed),
      last ? formatInt(last.records_removed) : "–",
      formatInt(cleaner.cleanings),
      error,
    ], [0, 1, 3, 4, 5, 6, 7]);
    tr.cells[2].classList.add("nowrap");
    if (cleaner.last_error) tr.cells[8].classList.add("error-text");
    tr.dataset.partition = String(partition);
    tr.dataset.cleanings = String(cleaner.cleanings);
    tr.dataset.totalBytesReclaimed = String(cleaner.total_bytes_reclaimed);
    return tr;
  }

  /** The cleaner's part: its figures for a compacted topic, else why there are none. */
  function renderCleaner(topic) {
    const known = (topic.partitions || []).filter((p) => p.cleaner);
    const table = byId("cleaner-table");
    const note = byId("cleaner-note");
    byId("cleaner-time-head").textContent = `Last cleaning (${ASEED.zoneName()})`;
    if (!compacts(topic.cleanup_policy)) {
      note.dataset.state = "not-compacted";
      note.textContent = "Not compacted: the log cleaner leaves this topic alone (retention deletes old segments).";
    } else if (known.length === 0) {
      note.dataset.state = "unknown";
      note.textContent = "The cleaner's figures are only known for the appliance's own broker; "
        + "this console reads an external cluster.";
    } else {
      note.dataset.state = "known";
      note.textContent = "Since the broker started. Dirty: the share of the cleanable log written since the last "
        + "cleaning; a cleaning is due above min.cleanable.dirty.ratio.";
      table.tBodies[0].replaceChildren(...known.map((p) => cleanerRow(p.partition, p.cleaner)));
    }
    table.hidden = note.dataset.state !== "known";
  }

  function renderTopicDetail(topic) {
    byId("topic-name").textContent = topic.name;
    const policy = byId("topic-policy");
    policy.textContent = topic.cleanup_policy ? `cleanup policy: ${topic.cleanup_policy}` : "cleanup policy unknown";
    policy.dataset.policy = topic.cleanup_policy || "";
    byId("topic-empty").hidden = true;
    byId("topic-body").hidden = false;
    renderCleaner(topic);
    const configs = Object.entries(topic.configs || {});
    byId("configs-table").tBodies[0].replaceChildren(...configs.map(([key, value]) => {
      const tr = row([key, value]);
      tr.dataset.config = key;
      return tr;
    }));
    renderTopicActions(topic, configs.map(([key]) => key));
  }

  function showTopicError(error) {
    byId("topic-name").textContent = state.selectedTopic || "–";
    byId("topic-policy").textContent = "";
    byId("topic-body").hidden = true;
    byId("topic-empty").hidden = false;
    byId("topic-empty").textContent = `Could not read the topic: ${error.message}`;
  }

  async function refreshTopicDetail() {
    const name = state.selectedTopic;
    if (!name) return;
    const topic = await fetchJSON(`/api/broker/topics/${encodeURIComponent(name)}`);
    if (name === state.selectedTopic) renderTopicDetail(topic);
  }

  // ---------------------------------------------------------------- groups

  function renderGroups(groups) {
    const body = byId("groups-table").tBodies[0];
    body.replaceChildren(...groups.map((g) => {
      const members = Array.isArray(g.members) ? g.members.length : g.members;
      const tr = row([g.group_id, g.state, g.protocol_type, formatInt(Number(members))], [3]);
      tr.dataset.group = g.group_id;
      tr.classList.add("clickable");
      if (g.group_id === state.selectedGroup) tr.classList.add("selected");
      tr.addEventListener("click", () => {
        if (state.selectedGroup !== g.group_id) resetRebalances();
        state.selectedGroup = g.group_id;
        renderGroups(groups);
        refreshGroupDetail().catch(showGroupError);
      });
      return tr;
    }));
    if (groups.length === 0) {
      const tr = el("tr", "empty-row");
      const td = el("td", "", "No consumer groups.");
      td.colSpan = 4;
      tr.append(td);
      body.append(tr);
    }
  }

  function assignmentText(assignment) {
    if (!Array.isArray(assignment) || assignment.length === 0) return "–";
    return assignment.map((a) => `${a.topic}/${a.partition}`).join(", ");
  }

  function renderGroupDetail(detail) {
    byId("group-name").textContent = detail.group_id;
    byId("group-state").textContent = detail.state || "";
    byId("group-empty").hidden = true;
    const members = detail.members || [];
    const offsets = detail.offsets || [];
    byId("members-table").hidden = false;
    byId("lag-table").hidden = false;
    byId("members-table").tBodies[0].replaceChildren(...members.map((m) => row([
      m.member_id, m.client_id, m.host, assignmentText(m.assignment),
    ])));
    byId("lag-table").tBodies[0].replaceChildren(...offsets.map((o) => row([
      o.topic, o.partition, formatInt(o.committed), formatInt(o.latest), formatInt(o.lag),
    ], [1, 2, 3, 4])));
    renderGroupActions(detail);
  }

  // Lag over time: records behind and seconds behind, and how fast the group consumes.

  async function refreshLagHistory() {
    const group = state.selectedGroup;
    if (!group) return;
    const minutes = byId("lag-minutes").value;
    const answer = await fetchJSON(`/api/broker/groups/${encodeURIComponent(group)}/lag-history?minutes=${minutes}`);
    if (group !== state.selectedGroup) return;
    renderLagHistory(Array.isArray(answer && answer.points) ? answer.points : []);
  }

  function renderLagHistory(points) {
    byId("lag-history").hidden = false;
    const last = points[points.length - 1];
    byId("lag-summary").textContent = last
      ? `Now ${formatInt(last.lag)} records behind` +
        (last.seconds_behind === null ? "" : `, ${formatDuration(last.seconds_behind)} behind in time`) +
        (last.consumed_per_second === null ? "" : `, consuming ${formatDecimal(last.consumed_per_second)} records/s`) +
        ` (${points.length} samples).`
      : "No samples yet: the dashboard samples every group's lag every few seconds.";
    if (!ASEED.chartsAvailable()) return;
    const labels = points.map((p) => formatTime(new Date(p.at)));
    if (!state.lagChart) {
      state.lagChart = new window.Chart(byId("lag-chart"), {
        type: "line",
        data: {
          labels: [],
          datasets: [
            { label: "records behind", data: [], yAxisID: "records", pointRadius: 0 },
            { label: "seconds behind", data: [], yAxisID: "seconds", pointRadius: 0 },
            { label: "consumed per second", data: [], yAxisID: "records", pointRadius: 0, borderDash: [4, 4] },
          ],
        },
        options: {
          animation: false,
          maintainAspectRatio: false, // the chart fills its box (.chart-box) instead of overflowing it
          scales: {
            records: { position: "left", beginAtZero: true },
            seconds: { position: "right", beginAtZero: true, grid: { drawOnChartArea: false } },
          },
        },
      });
    }
    const chart = state.lagChart;
    chart.data.labels = labels;
    chart.data.datasets[0].data = points.map((p) => p.lag);
    chart.data.datasets[1].data = points.map((p) => p.seconds_behind);
    chart.data.datasets[2].data = points.map((p) => p.consumed_per_second);
    chart.update("none");
  }

  // Rebalances: the group's recent changes as a timeline, and a picture of one moment (members,
  // their phase and partitions). New moments are stepped through one at a time, so a class sees
  // join, sync and assignment happen one after the other.

  const STATE_MEANINGS = {
    Empty: "no members",
    PreparingRebalance: "rebalancing: every member must join (again)",
    CompletingRebalance: "joined: the leader assigns the partitions, the members sync",
    Stable: "every member has its partitions",
    Dead: "the group is gone",
  };

  /** A server word as a class name part: "to rejoin" -> "to-rejoin", "Stable" -> "stable". */
  function slug(text) {
    return String(text).toLowerCase().replace(/[^a-z0-9]+/g, "-");
  }

  function momentKey(moment) {
    return `${moment.at}|${moment.state}|${moment.generation}|${moment.change}`;
  }

  async function refreshRebalances() {
    const group = state.selectedGroup;
    if (!group) return;
    const answer = await fetchJSON(`/api/broker/groups/${encodeURIComponent(group)}/rebalances`);
    if (group !== state.selectedGroup) return;
    renderRebalances(group, answer || {});
  }

  /** Forgets the group shown (another was chosen, or it was deleted). */
  function resetRebalances() {
    const view = state.rebalance;
    clearTimeout(view.timer);
    Object.assign(view, { group: null, moments: [], shown: -1, timer: null });
    byId("rebalances").hidden = true;
    byId("rebalance-stage").hidden = true;
    byId("rebalance-members").replaceChildren();
    byId("rebalance-timeline").replaceChildren();
  }

  function renderRebalances(group, answer) {
    byId("rebalances").hidden = false;
    const view = state.rebalance;
    const note = byId("rebalance-note");
    if (answer.known === false) {
      resetRebalances();
      byId("rebalances").hidden = false;
      note.textContent = answer.message || "Rebalances are seen only by the appliance's own broker.";
      return;
    }
    const moments = Array.isArray(answer.moments) ? answer.moments : [];
    const firstLook = view.group !== group;
    const last = (list) => (list.length > 0 ? momentKey(list[list.length - 1]) : "");
    if (!firstLook && moments.length === view.moments.length && last(moments) === last(view.moments)) return;
    const shown = !firstLook && view.moments[view.shown] ? momentKey(view.moments[view.shown]) : null;
    clearTimeout(view.timer);
    view.group = group;
    view.moments = moments;
    note.textContent = moments.length > 0
      ? `The last ${formatInt(moments.length)} changes (at most 100 are kept), oldest first; click one to see the group then.`
      : "No change seen since the broker started: members joining, syncing and leaving show here as it happens.";
    renderTimeline();
    byId("rebalance-stage").hidden = moments.length === 0;
    byId("rebalance-replay").disabled = moments.length < 2;
    if (moments.length === 0) return;
    const from = shown === null ? -1 : moments.findIndex((m) => momentKey(m) === shown);
    if (from < 0) {
      showMoment(moments.length - 1);
    } else {
      // New moments since the last look: play them from the one on screen.
      view.shown = from;
      markShownMoment();
      stepTo(moments.length - 1);
    }
  }

  /** Shows the moments after the one on screen up to `target`, one every REBALANCE_STEP_MS. */
  function stepTo(target) {
    const view = state.rebalance;
    clearTimeout(view.timer);
    const step = () => {
      if (view.shown >= target || !view.moments[view.shown + 1]) return;
      showMoment(view.shown + 1);
      if (view.shown < target) view.timer = setTimeout(step, REBALANCE_STEP_MS);
    };
    view.timer = setTimeout(step, REBALANCE_STEP_MS);
  }

  function renderTimeline() {
    const view = state.rebalance;
    byId("rebalance-timeline").replaceChildren(...view.moments.map((moment, index) => {
      const li = el("li");
      const button = el("button", "moment");
      button.type = "button";
      button.dataset.index = String(index);
      button.dataset.state = moment.state;
      const time = el("time", "moment-time", preciseClock(parseTime(moment.at)));
      time.dateTime = moment.at;
      button.append(time, el("span", `state state-${slug(moment.state)}`, moment.state),
        el("span", "moment-generation", `generation ${moment.generation}`), el("span", "moment-change", moment.change));
      button.addEventListener("click", () => {
        clearTimeout(view.timer);
        showMoment(index);
      });
      li.append(button);
      return li;
    }));
  }

  function markShownMoment() {
    const view = state.rebalance;
    const list = byId("rebalance-timeline");
    for (const button of list.querySelectorAll("button.moment")) {
      const current = Number(button.dataset.index) === view.shown;
      if (current) {
        button.setAttribute("aria-current", "step");
        // Keep it in sight inside the list, without scrolling the page.
        const item = button.parentElement;
        if (item.offsetTop < list.scrollTop || item.offsetTop + item.offsetHeight > list.scrollTop + list.clientHeight) {
          list.scrollTop = item.offsetTop - list.clientHeight / 2;
        }
      } else {
        button.removeAttribute("aria-current");
      }
    }
  }

  function showMoment(index) {
    const view = state.rebalance;
    const moment = view.moments[index];
    if (!moment) return;
    view.shown = index;
    byId("rebalance-stage").hidden = false;
    const banner = byId("rebalance-banner");
    banner.className = `rebalance-banner state-${slug(moment.state)}`;
    banner.dataset.state = moment.state;
    const meta = [`generation ${moment.generation}`];
    if (moment.protocol) meta.push(`assignor ${moment.protocol}`);
    meta.push(`${preciseClock(parseTime(moment.at))}, change ${index + 1} of ${view.moments.length}`);
    banner.replaceChildren(el("strong", "", moment.state), document.createTextNode(` — ${STATE_MEANINGS[moment.state] || ""}`),
      el("span", "rebalance-meta", meta.join(" · ")));
    byId("rebalance-change").textContent = moment.change;
    renderMembers(moment);
    markShownMoment();
  }

  /**
   * One box per member. Boxes are kept by member id from one moment to the next, so their
   * phase colours change with a transition; a new member slides in, one that left fades out.
   */
  function renderMembers(moment) {
    const list = byId("rebalance-members");
    const boxes = new Map([...list.children].map((li) => [li.dataset.member, li]));
    const members = Array.isArray(moment.members) ? moment.members : [];
    const present = new Set(members.map((m) => m.member_id));
    members.forEach((member, index) => {
      let li = boxes.get(member.member_id);
      if (!li || li.classList.contains("leaving")) {
        if (li) li.remove();
        li = el("li", "member entering");
        li.dataset.member = member.member_id;
        requestAnimationFrame(() => requestAnimationFrame(() => li.classList.remove("entering")));
      }
      fillMember(li, member, moment.leader === member.member_id);
      if (list.children[index] !== li) list.insertBefore(li, list.children[index] || null);
    });
    for (const [id, li] of boxes) {
      if (present.has(id) || li.classList.contains("leaving")) continue;
      li.classList.add("leaving");
      li.setAttribute("aria-hidden", "true");
      setTimeout(() => {
        if (li.classList.contains("leaving")) li.remove();
      }, REBALANCE_STEP_MS);
    }
  }

  function fillMember(li, member, leader) {
    const phase = slug(member.phase);
    for (const name of [...li.classList]) if (name.startsWith("phase-")) li.classList.remove(name);
    li.classList.add(`phase-${phase}`);
    li.classList.toggle("leader", leader);
    li.title = `member id ${member.member_id} from ${member.host}`;
    const before = new Set((li.dataset.chips || "").split("\n").filter(Boolean));
    const partitions = Array.isArray(member.partitions) ? member.partitions : [];
    const names = partitions.map((p) => `${p.topic}[${p.partition}]`);
    li.dataset.chips = names.join("\n");

    const head = el("div", "member-head");
    head.append(el("span", "member-client", member.client_id || member.member_id));
    if (leader) head.append(el("span", "badge-leader", "leader"));
    const chips = el("div", "chips");
    chips.append(...(names.length > 0
      ? names.map((name) => el("span", before.has(name) ? "chip" : "chip fresh", name))
      : [el("span", "chip chip-none", "no partition")]));
    li.replaceChildren(head, el("span", `phase phase-${phase}`, member.phase), chips);
  }

  function showGroupError(error) {
    byId("group-empty").hidden = false;
    byId("group-empty").textContent = `Could not read the group: ${error.message}`;
  }

  async function refreshGroups() {
    const answer = await fetchJSON("/api/broker/groups");
    renderGroups(Array.isArray(answer && answer.groups) ? answer.groups : []);
    if (state.selectedGroup) await refreshGroupDetail().catch(showGroupError);
  }

  async function refreshGroupDetail() {
    const group = state.selectedGroup;
    if (!group) return;
    // The group may be deleted, or another one chosen, while the request is out: its answer
    // (a 404 for a deleted group) must not replace what the page shows by then.
    let detail;
    try {
      detail = await fetchJSON(`/api/broker/groups/${encodeURIComponent(group)}`);
    } catch (error) {
      if (state.selectedGroup === group) throw error;
      return;
    }
    if (state.selectedGroup !== group) return;
    renderGroupDetail(detail);
    await refreshLagHistory().catch((error) => {
      byId("lag-summary").textContent = `Could not read the lag history: ${error.message}`;
    });
    await refreshRebalances().catch((error) => {
      byId("rebalances").hidden = false;
      byId("rebalance-note").textContent = `Could not read the rebalances: ${error.message}`;
    });
  }

  // ---------------------------------------------------------------- transactions

  function partitionsText(partitions) {
    if (!Array.isArray(partitions) || partitions.length === 0) return "–";
    return partitions.map((p) => `${p.topic}/${p.partition}`).join(", ");
  }

  /** An age in milliseconds as "4m 10s"; "–" for a transaction that is not open. */
  function ageText(ageMs) {
    return Number.isFinite(ageMs) ? formatDuration(ageMs / 1000) : "–";
  }

  function transactionRow(t) {
    const tr = row([
      t.transactional_id, t.state, t.producer_id, t.producer_epoch, partitionsText(t.partitions),
      ageText(t.age_ms), formatDuration(t.timeout_ms / 1000),
    ], [2, 3, 5, 6]);
    tr.dataset.transactionalId = t.transactional_id;
    tr.dataset.state = t.state;
    // Kept as numbers so the age can tick between two reads of the API.
    if (Number.isFinite(t.age_ms)) tr.dataset.ageMs = String(t.age_ms);
    tr.dataset.timeoutMs = String(t.timeout_ms);
    return tr;
  }

  function renderTransactions(transactions) {
    const body = byId("transactions-table").tBodies[0];
    body.replaceChildren(...transactions.map(transactionRow));
    state.transactionsAt = performance.now();
    if (transactions.length === 0) {
      const tr = el("tr", "empty-row");
      const td = el("td", "", "No transactions: a producer with transactional.id set starts one.");
      td.colSpan = 7;
      tr.append(td);
      body.append(tr);
    }
    tickAges();
  }

  /** Ages grow every second between reads; one past its timeout is marked (it is about to be aborted). */
  function tickAges() {
    const elapsed = performance.now() - state.transactionsAt;
    for (const tr of byId("transactions-table").tBodies[0].rows) {
      if (!tr.dataset.ageMs) continue;
      const age = Number(tr.dataset.ageMs) + elapsed;
      tr.cells[5].textContent = ageText(age);
      tr.cells[5].classList.toggle("error-text", age > Number(tr.dataset.timeoutMs));
    }
  }

  async function refreshTransactions() {
    try {
      const answer = await fetchJSON("/api/broker/transactions");
      renderTransactions(Array.isArray(answer && answer.transactions) ? answer.transactions : []);
      byId("transactions-error").textContent = "";
    } catch (error) {
      // A cluster without the transactions admin APIs still shows everything else.
      byId("transactions-error").textContent = `Could not read transactions: ${error.message}`;
    }
  }

  // ---------------------------------------------------------------- message tail

  /** A record's time: the API may send ISO text or milliseconds since 1970. */
  function messageTime(value) {
    if (typeof value === "number") return new Date(value);
    return parseTime(value);
  }

  /** Headers as "key=value" lines, whether sent as a list of pairs or as an object. */
  function headersText(headers) {
    if (!headers) return "";
    if (Array.isArray(headers)) return headers.map((h) => `${h.key}=${h.value ?? ""}`).join("\n");
    return Object.entries(headers).map(([k, v]) => `${k}=${v ?? ""}`).join("\n");
  }

  function renderMessages(messages) {
    byId("messages-time-head").textContent = `Time (${ASEED.zoneName()})`;
    const body = byId("messages-table").tBodies[0];
    body.replaceChildren(...messages.map((m) => {
      const tr = row([
        m.partition, formatInt(m.offset), formatTime(messageTime(m.timestamp)),
        m.key ?? "", m.value ?? "", headersText(m.headers),
      ], [0, 1]);
      tr.cells[2].classList.add("nowrap");
      tr.cells[4].classList.add("value");
      tr.cells[5].classList.add("value");
      return tr;
    }));
    if (messages.length === 0) {
      const tr = el("tr", "empty-row");
      const td = el("td", "", "No messages match.");
      td.colSpan = 6;
      tr.append(td);
      body.append(tr);
    }
  }

  /** The viewer's query: the tail's topic, partition, count and filter, and the search fields. */
  function messageQuery(topic) {
    const params = new URLSearchParams({ topic, limit: byId("tail-limit").value });
    const partition = byId("tail-partition").value;
    if (partition !== "") params.set("partition", partition);
    const fields = { filter: "tail-filter", key: "search-key", value: "search-value", header: "search-header",
      from_offset: "search-offset" };
    for (const [name, id] of Object.entries(fields)) {
      const text = byId(id).value;
      if (text !== "") params.set(name, text);
    }
    // datetime-local is the viewer's own time; the server takes milliseconds since the epoch.
    for (const [name, id] of [["from", "search-from"], ["to", "search-to"]]) {
      const millis = new Date(byId(id).value).getTime();
      if (byId(id).value && Number.isFinite(millis)) params.set(name, String(millis));
    }
    return params;
  }

  /** Points the export links at what the viewer shows. */
  function updateExportLinks(params) {
    for (const format of ["jsonl", "csv"]) {
      const link = byId(`export-${format}`);
      link.href = `/api/broker/messages?${params}&format=${format}`;
    }
  }

  async function tail() {
    const topic = byId("tail-topic").value;
    if (!topic) return;
    const params = messageQuery(topic);
    updateExportLinks(params);
    const request = ++state.tailRequest;
    try {
      const answer = await fetchJSON(`/api/broker/messages?${params}`);
      if (request !== state.tailRequest) return;
      renderMessages(Array.isArray(answer && answer.messages) ? answer.messages : []);
      byId("tail-error").textContent = "";
    } catch (error) {
      if (request !== state.tailRequest) return;
      byId("tail-error").textContent = `Could not read messages: ${error.message}`;
    }
  }

  function setFollowing(on) {
    state.following = on;
    const button = byId("tail-follow");
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.textContent = on ? "Following" : "Paused";
    clearInterval(state.tailTimer);
    state.tailTimer = on ? setInterval(tail, TAIL_MS) : null;
  }

  function setupTail() {
    byId("tail-form").addEventListener("submit", (event) => {
      event.preventDefault();
      tail();
    });
    byId("tail-topic").addEventListener("change", () => {
      renderPartitionChoices();
      tail();
    });
    byId("tail-partition").addEventListener("change", tail);
    byId("tail-limit").addEventListener("change", tail);
    // Filter as the user types, but not on every key stroke.
    let debounce = null;
    for (const id of ["tail-filter", "search-key", "search-value", "search-header", "search-from", "search-to",
      "search-offset"]) {
      byId(id).addEventListener("input", () => {
        clearTimeout(debounce);
        debounce = setTimeout(tail, 300);
      });
    }
    byId("search-form").addEventListener("submit", (event) => {
      event.preventDefault();
      tail();
    });
    byId("tail-follow").addEventListener("click", () => setFollowing(!state.following));
    setFollowing(true);
  }

  // ---------------------------------------------------------------- clients

  /**
   * A client's API mix: its three busiest APIs with their rate since the last refresh (when
   * this page saw the client before) and their total, e.g. "Produce 12/s (340), Metadata (2)".
   */
  function requestsText(c, seconds) {
    const requests = c.requests || {};
    const before = (state.clientRequests.get(c.address) || {}).requests || {};
    return Object.entries(requests)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([api, total]) => {
        const rate = seconds > 0 && before[api] !== undefined ? (total - before[api]) / seconds : null;
        return rate === null ? `${api} (${formatInt(total)})` : `${api} ${formatDecimal(rate)}/s (${formatInt(total)})`;
      })
      .join(", ") || "–";
  }

  /**
   * One part of a client's second line: its label, then one line per item, at most
   * `CELL_LINES` of them (then "and N more", all of them in its title); "none" without items.
   */
  function xrayPart(name, label, lines) {
    const part = el("div", "xray-part");
    part.dataset.part = name;
    const box = el("div", "lines");
    if (lines.length === 0) box.append(el("span", "hint", "none"));
    for (const line of lines.slice(0, CELL_LINES)) box.append(line);
    if (lines.length > CELL_LINES) {
      const more = el("div", "hint", `and ${formatInt(lines.length - CELL_LINES)} more`);
      more.title = lines.slice(CELL_LINES).map((line) => line.textContent).join("\n");
      box.append(more);
    }
    part.append(el("span", "xray-label", label), box);
    return part;
  }

  /** "UNKNOWN_TOPIC_OR_PARTITION on DeleteTopics ×3" per error, the last one's explanation under them. */
  function errorsPart(c) {
    const errors = Array.isArray(c.errors) ? c.errors : [];
    const part = xrayPart("errors", "Errors",
      errors.map((e) => el("div", "error-text", `${e.name} on ${e.api} ×${formatInt(e.count)}`)));
    const last = c.last_error;
    if (last && errors.length > 0) {
      const note = el("div", "hint explanation", last.explanation);
      note.title = `Last: ${last.api} v${last.version} at ${formatTime(parseTime(last.at))}`;
      part.lastElementChild.append(note);
    }
    return part;
  }

  /** The groups the connection is a member of, with the partitions assigned to it there; the
   * member id as the title. */
  function groupsPart(c) {
    return xrayPart("groups", "Groups", (Array.isArray(c.groups) ? c.groups : []).map((g) => {
      const line = el("div", "", `${g.group_id}: ${assignmentText(g.partitions)}`);
      line.title = `member id ${g.member_id}`;
      return line;
    }));
  }

  /** Where a consumer fetches: "orders[0] @ 90, lag 10". */
  function positionsPart(c) {
    return xrayPart("positions", "Position / lag", (Array.isArray(c.positions) ? c.positions : []).map((p) => {
      const lag = Number.isFinite(p.lag) ? `, lag ${formatInt(p.lag)}` : "";
      const line = el("div", "", `${p.topic}[${p.partition}] @ ${formatInt(p.offset)}${lag}`);
      if (Number.isFinite(p.log_end)) line.title = `the partition ends at offset ${formatInt(p.log_end)}`;
      return line;
    }));
  }

  /**
   * A client's two rows: who it is and what it asks (the table's columns), then a line with the
   * Watch button, its errors, its groups and where it reads.
   */
  function clientRows(c, seconds) {
    const tr = row([
      c.principal, c.client_id || "–", c.client_software || "–", c.address, c.listener,
      formatDuration(c.connected_ms / 1000), requestsText(c, seconds), formatBytes(c.bytes_in || 0),
      formatBytes(c.bytes_out || 0),
    ], [5, 7, 8]);
    tr.classList.add("client-main");
    tr.dataset.principal = c.principal;
    tr.dataset.address = c.address;
    tr.dataset.connection = String(c.id);

    const button = el("button", "small", "Watch");
    button.type = "button";
    button.dataset.connection = String(c.id);
    button.setAttribute("aria-label", `Watch the requests of ${c.client_id || "a client without id"} from ${c.address}`);
    button.addEventListener("click", () => watchConnection(c));
    const line = el("div", "xray-line");
    line.append(button, errorsPart(c), groupsPart(c), positionsPart(c));
    const td = el("td", "client-xray");
    td.colSpan = 9;
    td.append(line);
    const xray = el("tr", "client-xray");
    xray.dataset.connection = String(c.id);
    xray.append(td);

    const watched = Boolean(state.stream && state.stream.id === c.id);
    tr.classList.toggle("selected", watched);
    xray.classList.toggle("selected", watched);
    return [tr, xray];
  }

  function renderClients(connections) {
    const body = byId("clients-table").tBodies[0];
    const now = performance.now();
    const seconds = state.clientsAt ? (now - state.clientsAt) / 1000 : 0;
    body.replaceChildren(...connections.flatMap((c) => clientRows(c, seconds)));
    state.clientRequests = new Map(connections.map((c) => [c.address, { requests: c.requests || {} }]));
    state.clientsAt = now;
    if (connections.length === 0) {
      const tr = el("tr", "empty-row");
      const td = el("td", "", "No client is connected.");
      td.colSpan = 9;
      tr.append(td);
      body.append(tr);
    }
  }

  function markWatchedClient() {
    const id = state.stream ? String(state.stream.id) : null;
    for (const tr of byId("clients-table").tBodies[0].rows) {
      tr.classList.toggle("selected", id !== null && tr.dataset.connection === id);
    }
  }

  async function refreshClients() {
    try {
      const answer = await fetchJSON("/api/broker/connections");
      renderClients(Array.isArray(answer && answer.connections) ? answer.connections : []);
      // An external cluster does not tell who is connected: said, not an error.
      byId("clients-error").textContent = answer && answer.known === false ? answer.message : "";
    } catch (error) {
      renderClients([]);
      byId("clients-error").textContent = `Could not list clients: ${error.message}`;
    }
  }

  // ---------------------------------------------------------------- request stream

  // One connection's requests as they arrive. Each poll keeps the broker watching that
  // connection a few seconds more; without polls (paused, stopped, page closed) it records
  // nothing. Rows are keyed by sequence: a request still unanswered when it was first shown is
  // asked for again until its answer came (or it is too old to wait for).

  /** Starts watching connection `c` (a row of the client list); the panel scrolls into view. */
  function watchConnection(c) {
    if (state.stream && state.stream.id === c.id && !state.stream.ended) {
      byId("stream").scrollIntoView({ behavior: "smooth", block: "start" });
      return;
    }
    stopStream();
    const name = c.client_id ? `'${c.client_id}'` : "a client without id";
    state.stream = {
      id: c.id, after: 0, paused: false, ended: false, timer: null, inFlight: false,
      rows: new Map(), // sequence -> {tr, request}
      selected: null,
    };
    byId("stream-client").textContent = `of ${name} (${c.address}, connection ${c.id})`;
    byId("stream-time-head").textContent = `Time (${ASEED.zoneName()})`;
    byId("stream-table").tBodies[0].replaceChildren(streamPlaceholder("Waiting for its next request…"));
    byId("stream-empty").hidden = true;
    byId("stream-body").hidden = false;
    byId("stream-inspect").hidden = true;
    byId("stream-error").textContent = "";
    byId("stream-skipped").textContent = "";
    byId("stream-pause").disabled = false;
    setStreamPaused(false);
    markWatchedClient();
    byId("stream").scrollIntoView({ behavior: "smooth", block: "start" });
  }

  function streamPlaceholder(text) {
    const tr = el("tr", "empty-row");
    const td = el("td", "", text);
    td.colSpan = 7;
    tr.append(td);
    return tr;
  }

  function stopStream() {
    if (state.stream) clearTimeout(state.stream.timer);
    state.stream = null;
    byId("stream-client").textContent = "–";
    byId("stream-skipped").textContent = "";
    byId("stream-body").hidden = true;
    byId("stream-empty").hidden = false;
    byId("stream-table").tBodies[0].replaceChildren();
    markWatchedClient();
  }

  function setStreamPaused(paused) {
    const stream = state.stream;
    if (!stream) return;
    stream.paused = paused;
    const button = byId("stream-pause");
    button.setAttribute("aria-pressed", paused ? "true" : "false");
    button.textContent = paused ? "Resume" : "Pause";
    clearTimeout(stream.timer);
    stream.timer = null;
    byId("stream-status").textContent = paused
      ? "Paused: the broker stops recording this connection a few seconds after the last look."
      : "Watching: asked every second.";
    if (!paused) pollStream();
  }

  /** Where the next poll starts: after the newest request seen, or before the oldest recent one still unanswered. */
  function streamAfter(stream) {
    let after = stream.after;
    let newest = 0;
    for (const { request } of stream.rows.values()) newest = Math.max(newest, requestMillis(request));
    for (const { request } of stream.rows.values()) {
      if (!request.finished && newest - requestMillis(request) <= STREAM_WAIT_MS) {
        after = Math.min(after, request.sequence - 1);
      }
    }
    return Math.max(0, after);
  }

  function requestMillis(request) {
    const at = parseTime(request.at);
    return at ? at.getTime() : 0;
  }

  async function pollStream() {
    const stream = state.stream;
    if (!stream || stream.paused || stream.ended || stream.inFlight) return;
    stream.inFlight = true;
    try {
      const answer = await fetchJSON(`/api/broker/connections/${stream.id}/requests?after=${streamAfter(stream)}`);
      if (stream !== state.stream) return;
      renderStream(stream, answer || {});
      byId("stream-error").textContent = "";
    } catch (error) {
      if (stream !== state.stream) return;
      if (/^(4\d\d|503)\b/.test(error.message)) {
        // Closed (404), or a broker whose wire this page cannot see: nothing more will come.
        endStream(stream, error.message.replace(/^\d{3} /, ""));
        return;
      }
      byId("stream-error").textContent = `Could not read the requests: ${error.message}`;
    } finally {
      stream.inFlight = false;
    }
    if (stream === state.stream && !stream.paused && !stream.ended) {
      clearTimeout(stream.timer);
      stream.timer = setTimeout(pollStream, STREAM_MS);
    }
  }

  /** The watched connection is gone: what was seen stays for a look, polling stops. */
  function endStream(stream, message) {
    stream.ended = true;
    clearTimeout(stream.timer);
    byId("stream-error").textContent = `Stopped: ${message}`;
    byId("stream-status").textContent = "";
    byId("stream-pause").disabled = true;
    const body = byId("stream-table").tBodies[0];
    if (stream.rows.size === 0) body.replaceChildren(streamPlaceholder("No request came while it was watched."));
  }

  function renderStream(stream, answer) {
    const body = byId("stream-table").tBodies[0];
    const fresh = [];
    for (const request of Array.isArray(answer.requests) ? answer.requests : []) {
      stream.after = Math.max(stream.after, request.sequence);
      const known = stream.rows.get(request.sequence);
      if (known) {
        if (known.request.finished || !request.finished) continue;
        // Answered since it was first shown: the row takes the answer in place.
        const tr = streamRow(request);
        tr.classList.toggle("selected", stream.selected === request.sequence);
        known.tr.replaceWith(tr);
        stream.rows.set(request.sequence, { tr, request });
        if (stream.selected === request.sequence) showRequestDetail(request, false);
        continue;
      }
      const tr = streamRow(request);
      stream.rows.set(request.sequence, { tr, request });
      fresh.push(tr);
    }
    if (fresh.length > 0) {
      for (const placeholder of body.querySelectorAll("tr.empty-row")) placeholder.remove();
      body.prepend(...fresh.reverse()); // newest at the top
    }
    while (body.rows.length > STREAM_ROWS) {
      const last = body.rows[body.rows.length - 1];
      stream.rows.delete(Number(last.dataset.sequence));
      last.remove();
    }
    const skipped = Number(answer.skipped) || 0;
    const rate = Number(answer.samples_per_second) || 0;
    byId("stream-skipped").textContent = skipped > 0
      ? `${formatInt(skipped)} skipped (at most ${formatInt(rate)} kept per second)`
      : `at most ${formatInt(rate)} requests kept per second`;
  }

  function streamRow(request) {
    const errors = Array.isArray(request.errors) ? request.errors : [];
    let response = "–";
    if (Number.isFinite(request.response_bytes)) response = formatInt(request.response_bytes);
    else if (request.finished) response = "none";
    const tr = row([
      preciseClock(parseTime(request.at)), `${request.api} v${request.version}`, request.topics || "–",
      formatInt(request.request_bytes),
      request.finished ? formatLatency(request.latency_ms) : "waiting",
      response,
      errors.join(", "),
    ], [3, 4, 5]);
    tr.cells[0].classList.add("nowrap");
    tr.cells[6].classList.add("error-text");
    if (request.error_message) tr.cells[6].title = request.error_message;
    tr.dataset.sequence = String(request.sequence);
    tr.dataset.api = request.api;
    tr.classList.add("clickable");
    tr.tabIndex = 0;
    tr.addEventListener("click", () => inspectRequest(request.sequence));
    tr.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        inspectRequest(request.sequence);
      }
    });
    return tr;
  }

  function formatLatency(ms) {
    return Number.isFinite(ms) ? latencyFormat.format(ms) : "–";
  }

  /** "17:47:55.145": a stream's requests come faster than a second apart. */
  function preciseClock(date) {
    return date ? preciseClockFormat.format(date) : "–";
  }

  function inspectRequest(sequence) {
    const stream = state.stream;
    const entry = stream && stream.rows.get(sequence);
    if (!entry) return;
    stream.selected = sequence;
    for (const { tr, request } of stream.rows.values()) tr.classList.toggle("selected", request.sequence === sequence);
    showRequestDetail(entry.request, true);
  }

  /** The decoded fields of a request; `fresh` when it was just chosen (the raw bytes shown before go). */
  function showRequestDetail(request, fresh) {
    byId("stream-inspect").hidden = false;
    byId("stream-detail-title").textContent = `${request.api} v${request.version}, correlation id ${request.correlation_id}, `
      + `${formatInt(request.request_bytes)} bytes (request ${request.sequence} of this connection)`;
    const lines = Array.isArray(request.decoded) ? [...request.decoded] : [];
    if (request.error_message) lines.push("", `The broker answered: ${request.error_message}`);
    else if (Array.isArray(request.errors) && request.errors.length > 0) lines.push("", `The broker answered: ${request.errors.join(", ")}`);
    byId("stream-detail").textContent = lines.join("\n");
    if (fresh) {
      const raw = byId("stream-raw");
      raw.hidden = true;
      raw.textContent = "";
      byId("stream-raw-note").textContent = "";
      const button = byId("stream-raw-button");
      button.dataset.connection = String(state.stream.id);
      button.dataset.sequence = String(request.sequence);
      // The broker keeps no bytes of logins (they carry passwords).
      button.disabled = request.raw_kept === false;
      if (button.disabled) byId("stream-raw-note").textContent = "The broker did not keep this request's bytes.";
    }
  }

  async function showRawBytes() {
    const button = byId("stream-raw-button");
    const { connection, sequence } = button.dataset;
    if (!connection || !sequence) return;
    const note = byId("stream-raw-note");
    const raw = byId("stream-raw");
    try {
      const answer = await fetchJSON(`/api/broker/connections/${connection}/requests/${sequence}/raw`);
      if (button.dataset.sequence !== sequence || button.dataset.connection !== connection) return;
      const dump = hexDump(answer.hex || "");
      raw.textContent = dump;
      raw.hidden = dump === "";
      note.className = "hint";
      note.textContent = answer.message
        || `${formatInt(answer.shown_bytes)} of the request's ${formatInt(answer.request_bytes)} bytes, offsets in hex.`;
    } catch (error) {
      raw.hidden = true;
      note.className = "control-result failed";
      note.textContent = `Could not read the bytes: ${error.message}`;
    }
  }

  /** "00 0a ff ..." as lines of 16 bytes: offset, bytes, and the printable ones as text. */
  function hexDump(hex) {
    const bytes = hex.split(" ").filter((pair) => /^[0-9a-fA-F]{2}$/.test(pair));
    const lines = [];
    for (let offset = 0; offset < bytes.length; offset += 16) {
      const chunk = bytes.slice(offset, offset + 16);
      const text = chunk.map((pair) => {
        const code = parseInt(pair, 16);
        return code >= 0x20 && code < 0x7f ? String.fromCharCode(code) : ".";
      }).join("");
      lines.push(`${offset.toString(16).padStart(4, "0")}  ${chunk.join(" ").padEnd(47, " ")}  ${text}`);
    }
    return lines.join("\n");
  }

  function setupStream() {
    byId("stream-pause").addEventListener("click", () => {
      if (state.stream && !state.stream.ended) setStreamPaused(!state.stream.paused);
    });
    byId("stream-stop").addEventListener("click", stopStream);
    byId("stream-raw-button").addEventListener("click", showRawBytes);
  }

  // ---------------------------------------------------------------- doctor

  const FINDING_KINDS = {
    "advertised-address": "advertised address",
    "idle-consumers": "idle consumers",
    "commits-without-fetching": "commits without fetching",
    "refused-producer": "refused producer",
    "rebalance-loop": "rebalance loop",
    "missing-feature": "missing feature",
  };

  function findingItem(finding) {
    const li = el("li", "finding");
    li.dataset.kind = finding.kind;
    const head = el("div", "finding-head");
    head.append(el("span", "finding-kind", FINDING_KINDS[finding.kind] || finding.kind),
      el("strong", "finding-subject", finding.subject));
    const fix = el("p", "finding-fix");
    fix.append(el("strong", "", "Fix: "), document.createTextNode(finding.fix));
    li.append(head, el("p", "finding-problem", finding.problem), fix);
    return li;
  }

  function renderDoctor(answer) {
    const list = byId("doctor-findings");
    if (!answer || answer.known === false) {
      list.replaceChildren(el("li", "empty", (answer && answer.message) || "The doctor cannot see the wire."));
      byId("doctor-advertised").replaceChildren();
      return;
    }
    const findings = Array.isArray(answer.findings) ? answer.findings : [];
    list.replaceChildren(...(findings.length > 0
      ? findings.map(findingItem)
      : [el("li", "empty", "No common mistakes seen on the wire.")]));
    byId("doctor-advertised").replaceChildren(...(Array.isArray(answer.advertised) ? answer.advertised : []).map((a) => {
      const li = el("li", a.problem ? "error-text" : "hint", `Clients are told to connect to ${a.address}`
        + (a.problem ? `: ${a.problem}` : "."));
      li.dataset.address = a.address;
      return li;
    }));
  }

  async function refreshDoctor() {
    try {
      renderDoctor(await fetchJSON("/api/broker/doctor"));
      byId("doctor-error").textContent = "";
    } catch (error) {
      byId("doctor-error").textContent = `Could not ask the doctor: ${error.message}`;
    }
  }

  // ---------------------------------------------------------------- actions (admin token)

  function showResult(id, text, ok) {
    const line = byId(id);
    line.textContent = text;
    line.className = `control-result ${ok ? "ok" : "failed"}`;
  }

  function storedOperator() {
    try {
      return sessionStorage.getItem(OPERATOR_KEY) || "";
    } catch {
      return "";
    }
  }

  /** The request headers of an action: the token, and the operator's name for the log
   * (printable ASCII only: a header cannot carry other characters). */
  function actionHeaders() {
    const headers = { "Content-Type": "application/json", Authorization: `Bearer ${ASEED.adminToken()}` };
    const name = storedOperator().replace(/[^\x20-\x7e]/g, "?").trim();
    if (name) headers["X-Operator"] = name;
    return headers;
  }

  /**
   * Sends one action; shows "what: done." or the server's sentence in the result line `resultId`,
   * and refreshes the page's figures. Returns the answer, or null when refused. `body` is sent
   * as JSON, or as it is with a `contentType` (a lab file as text).
   */
  async function act(method, path, body, resultId, what, contentType = null) {
    if (!ASEED.adminToken()) {
      showResult(resultId, "Enter the admin token first (Operator actions, at the top).", false);
      return null;
    }
    try {
      const options = { method, headers: actionHeaders() };
      if (contentType) options.headers["Content-Type"] = contentType;
      if (body !== undefined) options.body = contentType ? body : JSON.stringify(body);
      const answer = await fetchJSON(path, options);
      showResult(resultId, `${what}: done.`, true);
      refresh();
      return answer;
    } catch (error) {
      const refused = /^401\b/.test(error.message);
      showResult(resultId, `${what} failed: ${refused ? "the admin token was refused (401)" : error.message}`, false);
      return null;
    }
  }

  /** "a=1, b=2" as {a: "1", b: "2"}; throws naming the part without "=". */
  function parsePairs(text, what) {
    const pairs = {};
    for (const part of text.split(",").map((p) => p.trim()).filter(Boolean)) {
      const equals = part.indexOf("=");
      if (equals <= 0) throw new Error(`${what}: expected key=value, got "${part}"`);
      pairs[part.slice(0, equals).trim()] = part.slice(equals + 1).trim();
    }
    return pairs;
  }

  function topicPath(name, rest = "") {
    return `/api/broker/topics/${encodeURIComponent(name)}${rest}`;
  }

  /** Fits the topic's action forms to the topic shown (its partitions and config names). */
  function renderTopicActions(topic, configNames) {
    const partitions = (topic.partitions || []).map((p) => String(p.partition));
    const count = byId("partitions-count");
    if (count.dataset.topic !== topic.name || Number(count.min) !== partitions.length + 1) {
      count.min = String(partitions.length + 1);
      count.value = String(partitions.length + 1);
      count.dataset.topic = topic.name;
    }
    fillPartitionSelect(byId("delete-records-partition"), "every partition", partitions);
    const names = byId("config-names");
    if ([...names.options].map((o) => o.value).join() !== configNames.join()) {
      names.replaceChildren(...configNames.map((name) => {
        const option = el("option");
        option.value = name;
        return option;
      }));
    }
    const confirm = byId("delete-topic-confirm");
    if (confirm.dataset.topic !== topic.name) {
      confirm.value = "";
      confirm.dataset.topic = topic.name;
    }
    updateDeleteButton();
  }

  function updateDeleteButton() {
    const typed = byId("delete-topic-confirm").value;
    byId("delete-topic-button").disabled = !state.selectedTopic || typed !== state.selectedTopic;
  }

  function forgetTopic() {
    state.selectedTopic = null;
    history.replaceState(null, "", location.pathname);
    byId("topic-name").textContent = "–";
    byId("topic-policy").textContent = "";
    byId("topic-body").hidden = true;
    byId("topic-empty").hidden = false;
    byId("topic-empty").textContent = "Choose a topic.";
  }

  function setupOperator() {
    ASEED.setAdminToken(ASEED.adminToken());
    byId("operator-name").value = storedOperator();
    byId("token-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const input = byId("token-input");
      if (input.value.trim()) ASEED.setAdminToken(input.value.trim());
      input.value = "";
      try {
        sessionStorage.setItem(OPERATOR_KEY, byId("operator-name").value.trim());
      } catch {
        // Storage disabled: changes are logged under "the admin token".
      }
      const kept = Boolean(ASEED.adminToken());
      showResult("token-result", kept ? "Token kept for this tab." : "No token entered.", kept);
    });
    byId("token-forget").addEventListener("click", () => {
      ASEED.setAdminToken("");
      showResult("token-result", "Token forgotten.", true);
    });
  }

  function setupTopicActions() {
    byId("create-topic-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const name = byId("create-name").value.trim();
      let configs;
      try {
        configs = parsePairs(byId("create-configs").value, "Configs");
      } catch (error) {
        showResult("create-result", error.message, false);
        return;
      }
      const partitions = Number(byId("create-partitions").value);
      const answer = await act("POST", "/api/broker/topics", { name, partitions, configs }, "create-result",
        `Create topic ${name}`);
      if (answer) {
        byId("create-name").value = "";
        byId("create-configs").value = "";
        await refresh();
        chooseTopic(name, true);
      }
    });
    byId("partitions-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const name = state.selectedTopic;
      const count = Number(byId("partitions-count").value);
      act("POST", topicPath(name, "/partitions"), { count }, "topic-action-result",
        `Grow ${name} to ${count} partitions`);
    });
    byId("config-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const name = state.selectedTopic;
      const key = byId("config-key").value.trim();
      const value = byId("config-value").value.trim();
      act("POST", topicPath(name, "/configs"), { set: { [key]: value } }, "topic-action-result",
        `Set ${key}=${value} on ${name}`);
    });
    byId("config-remove").addEventListener("click", () => {
      const name = state.selectedTopic;
      const key = byId("config-key").value.trim();
      if (!key) {
        showResult("topic-action-result", "Name the config to return to its default.", false);
        return;
      }
      act("POST", topicPath(name, "/configs"), { delete: [key] }, "topic-action-result",
        `Return ${key} of ${name} to its default`);
    });
    byId("delete-records-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const name = state.selectedTopic;
      const text = byId("delete-records-before").value.trim();
      const before = text === "end" ? -1 : Number(text);
      if (!Number.isInteger(before) || before < -1) {
        showResult("topic-action-result", `Delete records: give an offset (0 or more) or "end", got "${text}".`, false);
        return;
      }
      const partitionText = byId("delete-records-partition").value;
      const body = { before };
      if (partitionText !== "") body.partition = Number(partitionText);
      act("POST", topicPath(name, "/delete-records"), body, "topic-action-result",
        `Delete records of ${name} below ${text}`);
    });
    byId("delete-topic-confirm").addEventListener("input", updateDeleteButton);
    byId("delete-topic-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const name = state.selectedTopic;
      if (!name || byId("delete-topic-confirm").value !== name) return;
      const answer = await act("DELETE", topicPath(name, `?${new URLSearchParams({ confirm: name })}`), undefined,
        "topic-action-result", `Delete topic ${name}`);
      if (answer) {
        forgetTopic();
        showResult("create-result", `Topic ${name} deleted.`, true);
      }
    });
  }

  // Group actions: a reset is previewed (no token needed), then applied as previewed.

  function renderGroupActions(detail) {
    byId("group-actions").hidden = false;
    const select = byId("reset-topic");
    const names = state.topics.map((t) => t.name);
    if ([...select.options].slice(1).map((o) => o.value).join("\n") !== names.join("\n")) {
      const current = select.value;
      const first = el("option", "", "topics it committed for");
      first.value = "";
      select.replaceChildren(first, ...names.map((name) => {
        const option = el("option", "", name);
        option.value = name;
        return option;
      }));
      select.value = names.includes(current) ? current : "";
    }
    const confirm = byId("delete-group-confirm");
    if (confirm.dataset.group !== detail.group_id) {
      confirm.value = "";
      confirm.dataset.group = detail.group_id;
      byId("reset-table").hidden = true;
      byId("reset-apply").disabled = true;
    }
    updateDeleteGroupButton();
  }

  function updateDeleteGroupButton() {
    const typed = byId("delete-group-confirm").value;
    byId("delete-group-button").disabled = !state.selectedGroup || typed !== state.selectedGroup;
  }

  function updateResetInputs() {
    const to = byId("reset-to").value;
    byId("reset-time").hidden = to !== "time";
    byId("reset-number").hidden = to !== "offset" && to !== "shift";
    byId("reset-number").placeholder = to === "shift" ? "records, negative: back" : "offset";
    byId("reset-apply").disabled = true;
  }

  /** The reset the form names, as {to, value?, topic?}; throws saying what is missing. */
  function resetRequest() {
    const to = byId("reset-to").value;
    const request = { to };
    if (to === "time") {
      const millis = new Date(byId("reset-time").value).getTime();
      if (!Number.isFinite(millis)) throw new Error("Reset: choose the time.");
      request.value = millis;
    } else if (to === "offset" || to === "shift") {
      const number = Number(byId("reset-number").value);
      if (byId("reset-number").value === "" || !Number.isInteger(number)) throw new Error("Reset: give a whole number.");
      request.value = number;
    }
    const topic = byId("reset-topic").value;
    if (topic) request.topic = topic;
    return request;
  }

  function renderResetPlan(plan) {
    const table = byId("reset-table");
    table.tBodies[0].replaceChildren(...(plan.partitions || []).map((p) => row([
      p.topic, p.partition, p.current === null ? "–" : formatInt(p.current), formatInt(p.new), formatInt(p.lag_after),
    ], [1, 2, 3, 4])));
    table.hidden = false;
  }

  function setupGroupActions() {
    byId("reset-to").addEventListener("change", updateResetInputs);
    for (const id of ["reset-time", "reset-number", "reset-topic"]) {
      byId(id).addEventListener("input", () => { byId("reset-apply").disabled = true; });
    }
    byId("reset-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const group = state.selectedGroup;
      let request;
      try {
        request = resetRequest();
      } catch (error) {
        showResult("group-action-result", error.message, false);
        return;
      }
      const query = new URLSearchParams(Object.entries(request).map(([key, value]) => [key, String(value)]));
      try {
        const plan = await fetchJSON(`/api/broker/groups/${encodeURIComponent(group)}/reset-plan?${query}`);
        renderResetPlan(plan);
        byId("reset-apply").disabled = false;
        showResult("group-action-result", `Preview of a reset to ${plan.target}: nothing changed yet.`, true);
      } catch (error) {
        byId("reset-table").hidden = true;
        showResult("group-action-result", `Preview failed: ${error.message}`, false);
      }
    });
    byId("reset-apply").addEventListener("click", async () => {
      const group = state.selectedGroup;
      const request = resetRequest();
      const plan = await act("POST", `/api/broker/groups/${encodeURIComponent(group)}/reset-offsets`, request,
        "group-action-result", `Reset the offsets of ${group}`);
      if (plan) {
        renderResetPlan(plan);
        byId("reset-apply").disabled = true;
        refreshGroupDetail().catch(showGroupError);
      }
    });
    byId("delete-group-confirm").addEventListener("input", updateDeleteGroupButton);
    byId("delete-group-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const group = state.selectedGroup;
      if (!group || byId("delete-group-confirm").value !== group) return;
      const path = `/api/broker/groups/${encodeURIComponent(group)}?${new URLSearchParams({ confirm: group })}`;
      const answer = await act("DELETE", path, undefined, "group-action-result", `Delete group ${group}`);
      if (answer) {
        state.selectedGroup = null;
        byId("group-name").textContent = "–";
        byId("group-state").textContent = "";
        byId("members-table").hidden = true;
        byId("lag-table").hidden = true;
        byId("group-actions").hidden = true;
        byId("lag-history").hidden = true;
        resetRebalances();
        byId("group-empty").hidden = false;
        byId("group-empty").textContent = `Group ${group} deleted.`;
      }
    });
  }

  function setupProduce() {
    byId("produce-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const topic = byId("tail-topic").value;
      let headers;
      try {
        headers = Object.entries(parsePairs(byId("produce-headers").value, "Headers"))
          .map(([key, value]) => ({ key, value }));
      } catch (error) {
        showResult("produce-result", error.message, false);
        return;
      }
      const body = { value: byId("produce-value").value, headers };
      const key = byId("produce-key").value;
      if (key !== "") body.key = key;
      const partition = byId("produce-partition").value;
      if (partition !== "") body.partition = Number(partition);
      const answer = await act("POST", topicPath(topic, "/records"), body, "produce-result", `Write to ${topic}`);
      if (answer) {
        showResult("produce-result",
          `Written to ${answer.topic} partition ${answer.partition} at offset ${answer.offset}.`, true);
        tail();
      }
    });
  }

  // ---------------------------------------------------------------- between classes (admin token)

  function renderSnapshots(snapshots) {
    const body = byId("snapshots-table").tBodies[0];
    body.replaceChildren(...snapshots.map((snapshot) => {
      const topics = Array.isArray(snapshot.topics) ? snapshot.topics : [];
      const records = topics.reduce((sum, t) => sum + (t.end_offsets || []).reduce((a, b) => a + b, 0), 0);
      const tr = row([
        snapshot.name,
        formatTime(parseTime(snapshot.saved_at)),
        formatBytes(snapshot.bytes),
        formatInt(topics.length),
        formatInt(records),
        snapshot.simulator_seed === null ? "–" : String(snapshot.simulator_seed),
        "",
      ], [2, 3, 4]);
      const actions = tr.cells[6];
      const restore = el("button", null, "Restore");
      restore.type = "button";
      restore.addEventListener("click", () => restoreSnapshot(snapshot.name));
      const remove = el("button", "danger", "Delete");
      remove.type = "button";
      remove.addEventListener("click", () => deleteSnapshot(snapshot.name));
      actions.append(restore, " ", remove);
      return tr;
    }));
    byId("no-snapshots").hidden = snapshots.length > 0;
  }

  async function refreshSnapshots() {
    try {
      const answer = await fetchJSON("/api/class/snapshots");
      renderSnapshots(Array.isArray(answer && answer.snapshots) ? answer.snapshots : []);
      // With an external cluster the appliance keeps none, and says why.
      byId("snapshot-form").hidden = Boolean(answer && answer.unavailable);
      if (answer && answer.unavailable) byId("no-snapshots").textContent = `Snapshots: ${answer.unavailable}.`;
    } catch (error) {
      renderSnapshots([]);
      byId("no-snapshots").textContent = `Snapshots could not be listed: ${error.message}`;
    }
  }

  async function restoreSnapshot(name) {
    const question = `Restore snapshot ${name}? Topics, offsets and figures go back to when it was saved; ` +
      "what happened since is lost.";
    if (!window.confirm(question)) return;
    showResult("snapshot-result", `Restoring ${name}…`, true);
    const path = `/api/class/snapshots/${encodeURIComponent(name)}/restore`;
    if (await act("POST", path, undefined, "snapshot-result", `Restore ${name}`)) refreshSnapshots();
  }

  async function deleteSnapshot(name) {
    if (!window.confirm(`Delete snapshot ${name}?`)) return;
    const path = `/api/class/snapshots/${encodeURIComponent(name)}?confirm=${encodeURIComponent(name)}`;
    if (await act("DELETE", path, undefined, "snapshot-result", `Delete ${name}`)) refreshSnapshots();
  }

  /** Starts the lab of the file chosen (its text is the body; the server checks it). */
  async function startLab(file) {
    const text = await file.text();
    const answer = await act("POST", "/api/labs", text, "lab-start-result", "Starting the lab",
      "text/plain; charset=utf-8");
    const lab = (answer && answer.lab) || null;
    if (!lab) return;
    const steps = Array.isArray(lab.steps) ? lab.steps.length : 0;
    showResult("lab-start-result", `Lab ${lab.id} started: ${lab.title}, ${steps} steps.`, true);
  }

  function setupClassroom() {
    byId("lab-start-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const file = byId("lab-file").files[0];
      if (file) startLab(file);
    });
    const confirmBox = byId("class-confirm");
    confirmBox.addEventListener("change", () => { byId("class-reset-button").disabled = !confirmBox.checked; });
    byId("class-reset-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const body = { orders: byId("class-orders").value };
      const seed = byId("class-seed").value.trim();
      if (seed !== "") body.seed = Number(seed);
      const scenario = byId("class-scenario").value.trim();
      if (scenario !== "") body.scenario = scenario;
      showResult("class-reset-result", "Resetting: the simulator and the analyzer stop for a moment…", true);
      const answer = await act("POST", "/api/class/reset", body, "class-reset-result", "Reset");
      if (!answer) return;
      confirmBox.checked = false;
      byId("class-reset-button").disabled = true;
      const kept = (answer.kept_groups || []).map((g) => `${g.group} (${g.reason})`);
      const again = answer.seed === null ? "" : ` Give seed ${answer.seed} again for the same story.`;
      showResult("class-reset-result",
        `Done: ${answer.summary}.${kept.length ? ` Kept: ${kept.join("; ")}.` : ""}${again}`, true);
    });
    byId("snapshot-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const name = byId("snapshot-name").value.trim();
      showResult("snapshot-result", `Saving ${name}…`, true);
      const answer = await act("POST", "/api/class/snapshots", { name }, "snapshot-result", `Save ${name}`);
      if (!answer) return;
      byId("snapshot-name").value = "";
      showResult("snapshot-result", `Saved ${answer.name} (${formatBytes(answer.bytes)}).`, true);
      refreshSnapshots();
    });
    refreshSnapshots();
  }

  // ---------------------------------------------------------------- start

  async function refresh() {
    try {
      await refreshTopics();
      if (state.selectedTopic) await refreshTopicDetail().catch(showTopicError);
      await refreshGroups();
      await refreshTransactions();
      await refreshClients();
      await refreshDoctor();
      setStatus(true, "connected");
    } catch (error) {
      setStatus(false, `unreachable: ${error.message}`);
    }
  }

  async function start() {
    ASEED.setupLargeType(byId("large-type"));
    byId("zone-name").textContent = ASEED.zoneName();
    setupTail();
    setupOperator();
    setupTopicActions();
    setupGroupActions();
    byId("lag-minutes").addEventListener("change", () => refreshLagHistory().catch(showGroupError));
    byId("rebalance-replay").addEventListener("click", () => {
      const view = state.rebalance;
      if (view.moments.length === 0) return;
      clearTimeout(view.timer);
      showMoment(0);
      stepTo(view.moments.length - 1);
    });
    setupStream();
    setupProduce();
    setupClassroom();
    await refresh();
    const wanted = new URLSearchParams(location.search).get("topic");
    if (wanted) chooseTopic(wanted, false);
    else tail();
    setInterval(refresh, REFRESH_MS);
    setInterval(tickAges, AGE_TICK_MS);
  }

  start();
})();
