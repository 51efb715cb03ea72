// The live dashboard: renders the analyzer's snapshots pushed over /ws (or polled from
// /api/snapshot when the socket cannot connect). The server owns every figure and ranking;
// the page only formats and draws them, so server and page never disagree.
"use strict";

(() => {
  const { byId, el, row, parseTime, formatTime, formatHourMinute, formatClock, formatInt, formatDecimal,
    formatMoney, formatBytes, formatDuration, fetchJSON, chartsAvailable, cssVar } = ASEED;

  const POLL_MS = 2000;
  const SERVICES_POLL_MS = 5000;
  const RECONNECT_MIN_MS = 1000;
  const RECONNECT_MAX_MS = 30000;
  // After this many failed socket attempts in a row, poll the REST API meanwhile.
  const FAILURES_BEFORE_POLLING = 2;
  const PIPELINE_HISTORY = 120;
  const TIMELINE_POSITIONS = 60;
  const COMPONENT_ORDER = ["broker", "simulator", "analyzer", "dashboard"];

  // Everything the page knows; panels are drawn from it, never from the event that changed it.
  const state = {
    snapshot: null, // the analyzer's snapshot; `products` kept from the last full one
    services: null, // the /api/service-status object
    pipelineHistory: [], // [{at: Date, rate, lag}] sampled from the snapshots received
    lastUpdate: null,
    topBy: "orders",
    topSpan: "all",
    external: null, // the last result an external analyzer posted, for the hint only
    externalSummary: null, // its summary (/api/external/summary), set beside our figures
    externalTop: null, // its product rows, for the top product beside ours
  };

  // ---------------------------------------------------------------- incoming data

  /** Merges a snapshot (full, or an update without `products`) into the state. */
  function applySnapshot(snapshot) {
    if (!snapshot || typeof snapshot !== "object") return;
    const products = snapshot.products || (state.snapshot && state.snapshot.products) || [];
    state.snapshot = { ...snapshot, products };
    const pipeline = snapshot.pipeline;
    if (pipeline) {
      const at = parseTime(snapshot.generated_at) || new Date();
      const last = state.pipelineHistory[state.pipelineHistory.length - 1];
      // The same snapshot can arrive twice (socket and a last poll): keep one point per time.
      if (!last || last.at.getTime() !== at.getTime()) {
        state.pipelineHistory.push({ at, rate: pipeline.records_per_second || 0, lag: totalLag(pipeline) });
        if (state.pipelineHistory.length > PIPELINE_HISTORY) state.pipelineHistory.shift();
      }
    }
    markUpdated(parseTime(snapshot.generated_at));
    scheduleRender();
  }

  function applyServices(services) {
    if (!services || typeof services !== "object") return;
    state.services = services;
    scheduleRender();
  }

  /** Partial updates only patch the snapshot the page already has. */
  function patchSnapshot(fields) {
    if (!state.snapshot) state.snapshot = { products: [] };
    Object.assign(state.snapshot, fields);
    markUpdated(new Date());
    scheduleRender();
  }

  function markUpdated(at) {
    state.lastUpdate = at || new Date();
  }

  const handlers = {
    initial_data(data) {
      if (data.snapshot) {
        applySnapshot(data.snapshot);
      } else {
        // A server without the snapshot field: build what the panels need from the original shape.
        patchSnapshot({ categories: data.categories || [], recent_orders: data.recent_orders || [] });
      }
      if (data.services) applyServices(data.services);
    },
    snapshot_update: applySnapshot,
    top_products_update(data) {
      // Our analyzer's rankings already come in the snapshot; only an external analyzer's
      // result is new, and it is shown as a note rather than mixed into our figures.
      if (data.source !== "external") return;
      if (Array.isArray(data.products)) state.externalTop = data.products;
      noteExternal(data);
    },
    summary_update(data) {
      state.externalSummary = data;
      noteExternal(data);
    },
    categories_update(data) {
      if (data.source === "external") return noteExternal(data);
      if (Array.isArray(data.categories)) patchSnapshot({ categories: data.categories });
    },
    raw_orders_update(data) {
      if (data.source === "external") return noteExternal(data);
      if (Array.isArray(data.orders)) patchSnapshot({ recent_orders: data.orders });
    },
    alerts_update(data) {
      const alerts = Array.isArray(data) ? data : data.alerts;
      if (Array.isArray(alerts)) patchSnapshot({ alerts });
    },
    service_status_update: applyServices,
  };

  function noteExternal(data) {
    state.external = { at: parseTime(data.timestamp) || new Date(), batch: data.batch_id };
    scheduleRender();
  }

  function dispatch(message) {
    let parsed;
    try {
      parsed = JSON.parse(message);
    } catch {
      return; // not ours; the contract only sends JSON text frames
    }
    const handler = parsed && handlers[parsed.event];
    if (handler && parsed.data && typeof parsed.data === "object") handler(parsed.data);
  }

  // ---------------------------------------------------------------- connection

  const connection = {
    socket: null,
    failures: 0,
    reconnectTimer: null,
    pollTimer: null,
    servicesTimer: null,
    pollFailures: 0,
    mode: "connecting", // live | polling | reconnecting | offline | connecting
  };

  function socketURL() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    return `${scheme}//${location.host}/ws`;
  }

  function connect() {
    clearTimeout(connection.reconnectTimer);
    let opened = false;
    let socket;
    try {
      socket = new WebSocket(socketURL());
    } catch {
      onSocketLost(false);
      return;
    }
    connection.socket = socket;
    socket.addEventListener("open", () => {
      opened = true;
      connection.failures = 0;
      stopPolling();
      setConnection("live");
    });
    socket.addEventListener("message", (event) => {
      if (typeof event.data === "string") dispatch(event.data);
    });
    socket.addEventListener("close", () => {
      if (connection.socket === socket) connection.socket = null;
      onSocketLost(opened);
    });
    // An error is always followed by close, which does the work.
  }

  function onSocketLost(wasOpen) {
    connection.failures = wasOpen ? 1 : connection.failures + 1;
    if (connection.failures >= FAILURES_BEFORE_POLLING) startPolling();
    if (!connection.pollTimer) setConnection("reconnecting");
    // Exponential backoff with jitter, so many pages do not reconnect in lockstep.
    const base = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** (connection.failures - 1));
    const delay = base / 2 + Math.random() * (base / 2);
    connection.reconnectTimer = setTimeout(connect, delay);
  }

  function startPolling() {
    if (connection.pollTimer) return;
    const poll = async () => {
      try {
        applySnapshot(await fetchJSON("/api/snapshot"));
        connection.pollFailures = 0;
        setConnection("polling");
      } catch {
        connection.pollFailures += 1;
        setConnection(connection.pollFailures >= 2 ? "offline" : "reconnecting");
      }
    };
    poll();
    connection.pollTimer = setInterval(poll, POLL_MS);
    pollServices();
    connection.servicesTimer = setInterval(pollServices, SERVICES_POLL_MS);
  }

  async function pollServices() {
    try {
      applyServices(await fetchJSON("/api/service-status"));
    } catch {
      // The snapshot poll reports the connection state; a missed status is retried.
    }
  }

  function stopPolling() {
    clearInterval(connection.pollTimer);
    clearInterval(connection.servicesTimer);
    connection.pollTimer = null;
    connection.servicesTimer = null;
    connection.pollFailures = 0;
  }

  const CONNECTION_LABELS = {
    connecting: "connecting…",
    live: "live",
    polling: "live (polling)",
    reconnecting: "reconnecting…",
    offline: "offline",
  };

  function setConnection(mode) {
    connection.mode = mode;
    const pill = byId("connection");
    pill.className = `pill pill-${mode === "polling" ? "live" : mode}`;
    pill.dataset.state = mode;
    byId("connection-text").textContent = CONNECTION_LABELS[mode] || mode;
    byId("transport-note").textContent = mode === "polling"
      ? "The live socket could not connect; the page polls every 2 s."
      : "";
  }

  // ---------------------------------------------------------------- rendering

  let renderTimer = null;

  /** Coalesces many updates (a trigger can be 200 ms) into at most one redraw per 250 ms. */
  function scheduleRender() {
    if (renderTimer) return;
    renderTimer = setTimeout(() => {
      renderTimer = null;
      render();
    }, 250);
  }

  function render() {
    const snapshot = state.snapshot;
    renderHeader();
    if (snapshot) {
      renderKPIs(snapshot);
      renderTopProducts(snapshot);
      renderCategories(snapshot.categories || []);
      renderTimeline(snapshot.windows);
      renderPipeline(snapshot.pipeline);
      renderRecentOrders(snapshot.recent_orders || []);
      renderAlerts(snapshot.alerts || []);
      renderScenarioTargets(snapshot);
    }
    renderExternal(snapshot);
    renderServices(state.services);
  }

  function renderHeader() {
    const updated = byId("last-update");
    updated.textContent = state.lastUpdate ? formatTime(state.lastUpdate) : "never";
    if (state.lastUpdate) updated.dateTime = state.lastUpdate.toISOString();

    const services = state.services;
    const health = byId("health");
    const status = services && services.overall_status;
    health.className = `pill pill-${status || "unknown"}`;
    byId("health-text").textContent = status ? `health: ${status}` : "health unknown";
  }

  // ----- KPI cards

  /** The newest closed window and the window just before it (zeros when it had no orders). */
  function lastTwoWindows(windows) {
    if (!windows || !Array.isArray(windows.items)) return null;
    const closed = windows.items.filter((w) => w.closed);
    const current = closed[closed.length - 1];
    if (!current) return null;
    const start = parseTime(current.start);
    const length = (windows.length_seconds || 60) * 1000;
    const previous = closed.find((w) => {
      const s = parseTime(w.start);
      return s && start && s.getTime() === start.getTime() - length;
    }) || { orders: 0, units: 0, revenue: 0, average_order_value: 0, unique_customers: 0 };
    return { current, previous, lengthSeconds: windows.length_seconds || 60 };
  }

  function windowLabel(lengthSeconds) {
    return lengthSeconds === 60 ? "last minute" : `last ${lengthSeconds} s`;
  }

  /** "▲ 12.5 %" against the previous window, or "new" when the previous one was zero. */
  function changeText(current, previous) {
    if (!Number.isFinite(current) || !Number.isFinite(previous)) return { text: "", trend: "flat" };
    if (previous === 0) return current === 0 ? { text: "±0 %", trend: "flat" } : { text: "new", trend: "up" };
    const percent = ((current - previous) / previous) * 100;
    if (Math.abs(percent) < 0.05) return { text: "±0 %", trend: "flat" };
    const arrow = percent > 0 ? "▲" : "▼";
    return { text: `${arrow} ${formatDecimal(Math.abs(percent))} %`, trend: percent > 0 ? "up" : "down" };
  }

  function setKPI(id, value, detail, change) {
    const card = byId(id);
    card.querySelector(".kpi-value").textContent = value;
    const line = card.querySelector(".kpi-change");
    line.replaceChildren();
    if (detail) line.append(el("span", "kpi-detail", detail));
    if (change && change.text) {
      const badge = el("span", `trend trend-${change.trend}`, change.text);
      badge.title = "against the previous window";
      line.append(badge);
    }
  }

  function renderKPIs(snapshot) {
    const totals = snapshot.totals || {};
    const pair = lastTwoWindows(snapshot.windows);
    const perMinute = pair ? 60 / pair.lengthSeconds : 1;
    const label = pair ? windowLabel(pair.lengthSeconds) : "";
    const figure = (key, format) => {
      if (!pair) return { detail: "no closed window yet", change: null };
      return {
        detail: `${label}: ${format(pair.current[key])}`,
        change: changeText(pair.current[key], pair.previous[key]),
      };
    };

    const orders = figure("orders", formatInt);
    setKPI("kpi-orders", formatInt(totals.orders), orders.detail, orders.change);
    const revenue = figure("revenue", formatMoney);
    setKPI("kpi-revenue", formatMoney(totals.revenue), revenue.detail, revenue.change);
    const aov = figure("average_order_value", formatMoney);
    setKPI("kpi-aov", formatMoney(totals.average_order_value), aov.detail, aov.change);
    const customers = figure("unique_customers", formatInt);
    setKPI("kpi-customers", formatInt(totals.unique_customers), customers.detail, customers.change);

    if (pair) {
      const rate = pair.current.orders * perMinute;
      const previousRate = pair.previous.orders * perMinute;
      setKPI("kpi-opm", formatInt(rate), "newest closed window", changeText(rate, previousRate));
    } else {
      setKPI("kpi-opm", "0", "no closed window yet", null);
    }
  }

  // ----- charts (each drawn only when Chart.js loaded)

  const charts = {};

  function showChartNotes() {
    document.querySelectorAll(".chart-box").forEach((box) => { box.hidden = true; });
    document.querySelectorAll(".chart-note").forEach((note) => { note.hidden = false; });
    // Without the line chart, its figures go to a table instead.
    byId("timeline-table").hidden = false;
  }

  function palette() {
    return [1, 2, 3, 4, 5, 6, 7, 8].map((i) => cssVar(`--series-${i}`));
  }

  function applyChartDefaults() {
    if (!chartsAvailable()) return;
    const large = document.documentElement.classList.contains("large-type");
    window.Chart.defaults.font.size = large ? 18 : 12;
    window.Chart.defaults.color = cssVar("--muted");
    window.Chart.defaults.borderColor = cssVar("--grid");
    window.Chart.defaults.animation = false; // live data: redraw at once, no motion on a projector
    window.Chart.defaults.maintainAspectRatio = false;
  }

  /** Creates a chart on first use, then only replaces its data (no re-creation per update). */
  function drawChart(name, canvasId, build, update) {
    if (!chartsAvailable()) return;
    if (!charts[name]) {
      charts[name] = new window.Chart(byId(canvasId), build());
    }
    update(charts[name]);
    charts[name].update("none");
  }

  // ----- top products

  const TOP_FIGURES = {
    orders: { field: "order_count", head: "Orders", format: formatInt },
    units: { field: "total_quantity", head: "Units", format: formatInt },
    revenue: { field: "total_revenue", head: "Revenue", format: formatMoney },
  };

  /** The ranking exactly as the server sent it: never re-sorted here. */
  function currentRanking(snapshot) {
    const spans = snapshot.top_products || {};
    const span = spans[state.topSpan] || {};
    return Array.isArray(span[state.topBy]) ? span[state.topBy] : [];
  }

  function renderTopProducts(snapshot) {
    const rows = currentRanking(snapshot);
    const figure = TOP_FIGURES[state.topBy];
    byId("top-figure-head").textContent = figure.head;
    const body = byId("top-table").tBodies[0];
    body.replaceChildren(...rows.map((p, i) => {
      const tr = row([i + 1, p.product_name, p.category, figure.format(p[figure.field])], [0, 3]);
      tr.title = p.product_id;
      tr.dataset.productId = p.product_id;
      return tr;
    }));
    if (rows.length === 0) body.append(emptyRow(4, "No orders in this span yet."));

    drawChart("top", "top-chart", () => ({
      type: "bar",
      data: { labels: [], datasets: [{ data: [], backgroundColor: palette()[0] }] },
      options: {
        indexAxis: "y",
        plugins: { legend: { display: false } },
        scales: { x: { beginAtZero: true } },
      },
    }), (chart) => {
      chart.data.labels = rows.map((p) => p.product_name);
      chart.data.datasets[0].data = rows.map((p) => p[figure.field]);
      chart.data.datasets[0].label = figure.head;
    });
  }

  function setupTopSwitches() {
    const wire = (groupId, attribute, key) => {
      const group = byId(groupId);
      group.addEventListener("click", (event) => {
        const button = event.target.closest("button");
        if (!button || !group.contains(button)) return;
        state[key] = button.dataset[attribute];
        group.querySelectorAll("button").forEach((b) => {
          b.setAttribute("aria-pressed", b === button ? "true" : "false");
        });
        if (state.snapshot) renderTopProducts(state.snapshot);
      });
    };
    wire("top-by", "by", "topBy");
    wire("top-span", "span", "topSpan");
  }

  // ----- categories

  function renderCategories(categories) {
    const body = byId("category-table").tBodies[0];
    body.replaceChildren(...categories.map((c) => row([
      c.category, formatInt(c.order_count), formatInt(c.total_quantity), formatMoney(c.total_revenue),
      formatInt(c.unique_products),
    ], [1, 2, 3, 4])));
    if (categories.length === 0) body.append(emptyRow(5, "No orders yet."));

    drawChart("categories", "category-chart", () => ({
      type: "doughnut",
      data: { labels: [], datasets: [{ data: [], backgroundColor: palette(), borderColor: cssVar("--panel") }] },
      options: { plugins: { legend: { position: "right" } } },
    }), (chart) => {
      chart.data.labels = categories.map((c) => c.category);
      chart.data.datasets[0].data = categories.map((c) => c.total_revenue);
    });
  }

  // ----- orders and revenue per window

  /**
   * The windows as evenly spaced positions: the server lists only windows with orders, so the
   * gaps are filled with zeros here, or a quiet minute would vanish from the time axis.
   */
  function timelinePositions(windows) {
    if (!windows || !Array.isArray(windows.items) || windows.items.length === 0) return [];
    const step = (windows.length_seconds || 60) * 1000;
    const byStart = new Map();
    for (const w of windows.items) {
      const start = parseTime(w.start);
      if (start) byStart.set(start.getTime(), w);
    }
    const starts = [...byStart.keys()];
    const last = Math.max(...starts);
    const first = Math.max(Math.min(...starts), last - (TIMELINE_POSITIONS - 1) * step);
    const positions = [];
    for (let t = first; t <= last; t += step) {
      const w = byStart.get(t);
      positions.push({ start: new Date(t), orders: w ? w.orders : 0, revenue: w ? w.revenue : 0, closed: w ? w.closed : true });
    }
    return positions;
  }

  function renderTimeline(windows) {
    const positions = timelinePositions(windows);
    const length = (windows && windows.length_seconds) || 60;
    byId("timeline-title").textContent = length === 60
      ? "Orders and revenue per minute" : `Orders and revenue per ${length} s window`;
    byId("timeline-hint").textContent = `event time (${ASEED.zoneName()}); still open windows dashed`;
    const body = byId("timeline-table").tBodies[0];
    body.replaceChildren(...positions.slice(-10).reverse().map((p) => row([
      formatTime(p.start), formatInt(p.orders), formatMoney(p.revenue), p.closed ? "closed" : "open",
    ], [1, 2, 3])));

    const colours = palette();
    drawChart("timeline", "timeline-chart", () => ({
      type: "line",
      data: {
        labels: [],
        datasets: [
          { label: "Orders", data: [], yAxisID: "orders", borderColor: colours[0], backgroundColor: colours[0], tension: 0.2, pointRadius: 2 },
          { label: "Revenue (USD)", data: [], yAxisID: "revenue", borderColor: colours[1], backgroundColor: colours[1], tension: 0.2, pointRadius: 2 },
        ],
      },
      options: {
        interaction: { mode: "index", intersect: false },
        scales: {
          orders: { type: "linear", position: "left", beginAtZero: true, title: { display: true, text: "orders" } },
          revenue: { type: "linear", position: "right", beginAtZero: true, grid: { drawOnChartArea: false }, title: { display: true, text: "USD" } },
        },
      },
    }), (chart) => {
      const open = positions.map((p) => !p.closed);
      // A segment into a still-open window is dashed: its figures will still grow.
      const dashed = (ctx) => (open[ctx.p1DataIndex] ? [6, 4] : undefined);
      // Windows shorter than a minute need the seconds to tell their labels apart.
      const label = length % 60 === 0 ? formatHourMinute : formatClock;
      chart.data.labels = positions.map((p) => label(p.start));
      chart.data.datasets[0].data = positions.map((p) => p.orders);
      chart.data.datasets[1].data = positions.map((p) => p.revenue);
      chart.data.datasets.forEach((d) => { d.segment = { borderDash: dashed }; });
    });
  }

  // ----- pipeline

  function totalLag(pipeline) {
    return (pipeline.partitions || []).reduce((sum, p) => sum + (p.lag || 0), 0);
  }

  function renderPipeline(pipeline) {
    if (!pipeline) return;
    byId("pipe-rate").textContent = formatDecimal(pipeline.records_per_second);
    byId("pipe-lag").textContent = formatInt(totalLag(pipeline));
    const latency = pipeline.latency_ms || {};
    byId("pipe-latency").textContent = `${formatDecimal(latency.p50)} / ${formatDecimal(latency.p99)} ms`;
    byId("pipe-in").textContent = formatInt(pipeline.records_in);
    byId("pipe-dups").textContent = formatInt(pipeline.duplicates);
    byId("pipe-late").textContent = formatInt(pipeline.late_records);
    const malformed = byId("pipe-malformed");
    malformed.textContent = formatInt(pipeline.malformed_total);
    malformed.title = Object.entries(pipeline.malformed || {}).map(([k, v]) => `${k}: ${v}`).join("\n");
    byId("pipe-watermark").textContent = formatTime(parseTime(pipeline.watermark));

    const body = byId("partition-table").tBodies[0];
    body.replaceChildren(...(pipeline.partitions || []).map((p) => row([
      p.partition, formatInt(p.next_offset), formatInt(p.high_watermark), formatInt(p.lag),
    ], [0, 1, 2, 3])));

    const history = state.pipelineHistory;
    const colours = palette();
    drawChart("pipeline", "pipeline-chart", () => ({
      type: "line",
      data: {
        labels: [],
        datasets: [
          { label: "records/s", data: [], yAxisID: "rate", borderColor: colours[2], backgroundColor: colours[2], pointRadius: 0 },
          { label: "lag", data: [], yAxisID: "lag", borderColor: colours[3], backgroundColor: colours[3], pointRadius: 0 },
        ],
      },
      options: {
        scales: {
          x: { ticks: { maxTicksLimit: 6 } },
          rate: { type: "linear", position: "left", beginAtZero: true },
          lag: { type: "linear", position: "right", beginAtZero: true, grid: { drawOnChartArea: false } },
        },
      },
    }), (chart) => {
      chart.data.labels = history.map((h) => formatClock(h.at));
      chart.data.datasets[0].data = history.map((h) => h.rate);
      chart.data.datasets[1].data = history.map((h) => h.lag);
    });
  }

  // ----- recent orders

  function renderRecentOrders(orders) {
    byId("orders-time-head").textContent = `Time (${ASEED.zoneName()})`;
    const body = byId("orders-table").tBodies[0];
    // Newest first, in the server's order (event time, then order id): not re-sorted here.
    body.replaceChildren(...orders.map((o) => {
      const time = parseTime(o.timestamp);
      const tr = row([
        formatTime(time), o.order_id, o.product_name, o.category, formatInt(o.quantity),
        formatMoney(o.price), formatMoney(o.total_value), o.customer_id,
      ], [4, 5, 6]);
      tr.dataset.orderId = o.order_id;
      [0, 1, 7].forEach((i) => tr.cells[i].classList.add("nowrap"));
      tr.cells[0].title = `${o.timestamp} (UTC)`;
      tr.cells[2].title = o.product_id;
      return tr;
    }));
    if (orders.length === 0) body.append(emptyRow(8, "No orders yet."));
  }

  // ----- alerts

  const ALERT_LABELS = { rising: "rising", falling: "falling", "orders-anomaly": "anomaly" };

  function renderAlerts(alerts) {
    const list = byId("alert-list");
    list.replaceChildren(...alerts.map((a) => {
      const item = el("li", `alert alert-${a.kind}`);
      item.append(el("span", "alert-kind", ALERT_LABELS[a.kind] || a.kind));
      const text = el("span", "alert-text", a.message || `${a.subject}: ${a.value} against ${a.baseline}`);
      item.append(text);
      item.append(el("time", "alert-time", formatTime(parseTime(a.window_start))));
      return item;
    }));
    byId("alerts-empty").hidden = alerts.length > 0;
  }

  // ----- services

  function orderedServices(services) {
    const names = Object.keys(services || {});
    const rank = (name) => {
      const index = COMPONENT_ORDER.indexOf(name);
      return index < 0 ? COMPONENT_ORDER.length : index;
    };
    return names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  }

  function renderServices(status) {
    if (!status) return;
    const services = status.services || {};
    const body = byId("services-table").tBodies[0];
    body.replaceChildren(...orderedServices(services).map((name) => {
      const s = services[name] || {};
      const throughput = Number.isFinite(s.throughput)
        ? `${formatDecimal(s.throughput)}${s.throughput_unit ? ` ${s.throughput_unit}` : ""}`
        : "–";
      const tr = row([name, "", formatDuration(s.uptime_seconds), throughput, s.last_error || ""], [2, 3]);
      const badge = el("span", `state state-${s.status}`, s.enabled === false ? `${s.status} (disabled)` : s.status);
      tr.cells[1].append(badge);
      tr.cells[4].className = "error-text";
      const action = el("td", "admin-only");
      if (s.enabled !== false) {
        const button = el("button", "small", "Restart");
        button.type = "button";
        button.addEventListener("click", () => restartComponent(name));
        action.append(button);
      }
      tr.append(action);
      return tr;
    }));

    const checked = parseTime(status.timestamp);
    byId("services-checked").textContent = checked ? `checked ${formatTime(checked)}` : "";

    const resources = status.resources;
    byId("resources").hidden = !resources;
    if (resources) {
      byId("res-cpu").textContent = `${formatDecimal(resources.cpu_percent)} %`;
      byId("res-mem").textContent = formatBytes(resources.resident_bytes);
      byId("res-data").textContent = formatBytes(resources.data_bytes);
      byId("res-free").textContent = formatBytes(resources.disk_free_bytes);
    }
  }

  // ----- operator controls (admin token)

  const storedToken = ASEED.adminToken;
  const storeToken = ASEED.setAdminToken;

  function showControlResult(text, ok) {
    const line = byId("control-result");
    line.textContent = text;
    line.className = `control-result ${ok ? "ok" : "failed"}`;
  }

  /** POSTs a control request with the token; the answer or the error is shown as text. */
  async function control(path, body, what) {
    const token = storedToken();
    if (!token) {
      showControlResult("Enter the admin token first.", false);
      return null;
    }
    try {
      const answer = await fetchJSON(path, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
      showControlResult(`${what}: done${describeAnswer(answer)}`, true);
      pollServices();
      return answer;
    } catch (error) {
      const refused = /^401\b/.test(error.message);
      showControlResult(`${what} failed: ${refused ? "the admin token was refused (401)" : error.message}`, false);
      return null;
    }
  }

  /** A short text for a control answer (a component status), whatever fields it has. */
  function describeAnswer(answer) {
    if (!answer || typeof answer !== "object") return ".";
    const state = answer.status || answer.state;
    return state ? ` (now ${state}).` : ".";
  }

  function restartComponent(name) {
    control(`/api/control/components/${encodeURIComponent(name)}/restart`, {}, `Restart ${name}`);
  }

  /** The scenario in the command-line form the server takes, e.g. "flash-sale:PROD-001:30s". */
  function scenarioText() {
    const kind = byId("scenario-kind").value;
    const target = byId("scenario-target").value.trim();
    const duration = byId("scenario-duration").value;
    const parts = [kind];
    if (kind === "flash-sale" || kind === "viral") {
      if (!target) throw new Error(kind === "viral" ? "name a product id" : "name a product id or a category");
      parts.push(target);
    } else if (kind === "malformed") {
      const count = target === "" ? 10 : Number(target);
      if (!Number.isInteger(count) || count <= 0) throw new Error("give the number of broken records");
      parts.push(String(count));
    }
    if (duration && kind !== "malformed") parts.push(duration);
    return parts.join(":");
  }

  function updateScenarioPlaceholder() {
    const kind = byId("scenario-kind").value;
    const input = byId("scenario-target");
    const placeholders = {
      "flash-sale": "PROD-001 or a category",
      spike: "(no target)",
      viral: "PROD-042",
      malformed: "how many records (10)",
    };
    input.placeholder = placeholders[kind];
    input.disabled = kind === "spike";
  }

  function renderScenarioTargets(snapshot) {
    const list = byId("scenario-targets");
    const values = [
      ...(snapshot.products || []).map((p) => p.product_id),
      ...(snapshot.categories || []).map((c) => c.category),
    ];
    if (list.childElementCount === values.length) return; // unchanged, keep the open list stable
    list.replaceChildren(...values.map((value) => {
      const option = el("option");
      option.value = value;
      return option;
    }));
  }

  function setupControls() {
    storeToken(storedToken());
    byId("token-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const input = byId("token-input");
      storeToken(input.value.trim());
      input.value = "";
      showControlResult(storedToken() ? "Token kept for this tab." : "No token entered.", Boolean(storedToken()));
    });
    byId("token-forget").addEventListener("click", () => {
      storeToken("");
      showControlResult("Token forgotten.", true);
    });
    byId("sim-start").addEventListener("click", () => control("/api/control/simulator", { action: "start" }, "Start simulator"));
    byId("sim-stop").addEventListener("click", () => control("/api/control/simulator", { action: "stop" }, "Stop simulator"));
    byId("rate-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const rate = Number(byId("rate-input").value);
      if (!(rate > 0)) {
        showControlResult("The rate must be a number of orders per second above 0.", false);
        return;
      }
      control("/api/control/simulator", { rate }, `Set rate to ${rate}/s`);
    });
    byId("scenario-kind").addEventListener("change", updateScenarioPlaceholder);
    updateScenarioPlaceholder();
    byId("scenario-form").addEventListener("submit", (event) => {
      event.preventDefault();
      let scenario;
      try {
        scenario = scenarioText();
      } catch (error) {
        showControlResult(`Scenario: ${error.message}.`, false);
        return;
      }
      control("/api/control/simulator", { scenario }, `Scenario ${scenario}`);
    });
  }

  // ----- small helpers

  function emptyRow(columns, text) {
    const tr = el("tr", "empty-row");
    const td = el("td", "", text);
    td.colSpan = columns;
    tr.append(td);
    return tr;
  }

  // ----- an external analyzer beside ours

  /** The external ranking's first product by orders, ranked as our analyzer ranks. */
  function externalTopProduct() {
    const rows = state.externalTop || [];
    return rows.slice().sort((a, b) => b.order_count - a.order_count || b.total_revenue - a.total_revenue
      || (a.product_id < b.product_id ? -1 : a.product_id > b.product_id ? 1 : 0))[0];
  }

  /** Our closed windows, those both analyzers have, and how many of them agree on orders, units and revenue. */
  function compareWindows(ours, theirs) {
    const byStart = new Map();
    for (const w of (ours && ours.items) || []) {
      const at = parseTime(w.start);
      if (w.closed && at) byStart.set(at.getTime(), w);
    }
    let both = 0;
    let alike = 0;
    for (const w of theirs || []) {
      const at = parseTime(w.start);
      const mine = at && byStart.get(at.getTime());
      if (!mine) continue;
      both += 1;
      if (mine.orders === w.orders && mine.units === w.units && Math.abs(mine.revenue - w.revenue) < 0.005) alike += 1;
    }
    return { ours: byStart.size, both, alike };
  }

  function renderExternal(snapshot) {
    const summary = state.externalSummary;
    const panel = byId("external");
    panel.hidden = !summary;
    if (!summary) return;
    const name = summary.analyzer || "external";
    byId("external-name").textContent = summary.parallelism ? `${name} (parallelism ${summary.parallelism})` : name;
    byId("external-hint").textContent = `batch ${summary.batch_id} at ${formatTime(parseTime(summary.timestamp) || new Date())}`;
    const totals = (snapshot && snapshot.totals) || {};
    const pipeline = (snapshot && snapshot.pipeline) || {};
    const theirs = summary.totals || {};
    const figures = [
      ["Orders", totals.orders, theirs.orders, formatInt],
      ["Units", totals.units, theirs.units, formatInt],
      ["Revenue", totals.revenue, theirs.revenue, formatMoney],
      ["Unique customers", totals.unique_customers, theirs.unique_customers, formatInt],
      ["Duplicates", pipeline.duplicates, summary.duplicates, formatInt],
      ["Late", pipeline.late_records, summary.late_records, formatInt],
      ["Malformed", pipeline.malformed_total, summary.malformed, formatInt],
    ];
    const rows = figures.map(([label, mine, other, format]) => {
      const same = mine !== undefined && other !== undefined && Math.abs(mine - other) < 0.005;
      const tr = row([label, mine === undefined ? "–" : format(mine), other === undefined ? "–" : format(other),
        same ? "yes" : "no"], [1, 2]);
      tr.dataset.figure = label;
      tr.dataset.alike = same ? "yes" : "no";
      return tr;
    });
    const windows = compareWindows(snapshot && snapshot.windows, summary.windows);
    const windowRow = row(["Closed windows", formatInt(windows.ours), formatInt((summary.windows || []).length),
      `${formatInt(windows.alike)} of ${formatInt(windows.both)} alike`], [1, 2]);
    windowRow.dataset.figure = "Closed windows";
    windowRow.dataset.alike = windows.both > 0 && windows.alike === windows.both ? "yes" : "no";
    rows.push(windowRow);
    const ourTop = (((snapshot && snapshot.top_products) || {}).all || {}).orders || [];
    const theirTop = externalTopProduct();
    if (ourTop[0] && theirTop) {
      const same = ourTop[0].product_id === theirTop.product_id;
      const topRow = row(["Top product by orders", ourTop[0].product_name, theirTop.product_name, same ? "yes" : "no"]);
      topRow.dataset.figure = "Top product by orders";
      topRow.dataset.alike = same ? "yes" : "no";
      rows.push(topRow);
    }
    byId("external-table").tBodies[0].replaceChildren(...rows);
  }

  /** Results an external analyzer posted before the page opened (later ones are pushed). */
  async function loadExternal() {
    try {
      const kept = await fetchJSON("/api/external");
      if (kept.summary) state.externalSummary = kept.summary;
      if (kept.top_products && Array.isArray(kept.top_products.products)) state.externalTop = kept.top_products.products;
      const newest = kept.summary || kept.top_products || kept.categories || kept.raw_orders;
      if (newest) noteExternal(newest);
    } catch {
      // Nothing posted is shown as nothing; the socket brings what comes next.
    }
  }

  function renderExternalHint() {
    // Kept beside the top products: another analyzer posted results, ours stay authoritative.
    if (!state.external) return;
    const head = document.querySelector("#top-products .panel-head h2");
    head.title = `An external analyzer posted batch ${state.external.batch} at ${formatTime(state.external.at)}; see /api/external.`;
  }

  // ---------------------------------------------------------------- start

  function start() {
    ASEED.setupLargeType(byId("large-type"));
    byId("zone-name").textContent = ASEED.zoneName();
    setupTopSwitches();
    setupControls();
    if (chartsAvailable()) {
      applyChartDefaults();
      document.addEventListener("aseed:typesize", () => {
        applyChartDefaults();
        Object.values(charts).forEach((chart) => chart.update("none"));
      });
    } else {
      showChartNotes();
    }
    // Keep the "updated" time honest even when nothing arrives.
    setInterval(() => {
      renderHeader();
      renderExternalHint();
    }, 5000);
    setConnection("connecting");
    connect();
    loadExternal();
  }

  start();
})();
