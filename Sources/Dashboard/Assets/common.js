// Helpers shared by the dashboard (app.js) and the broker console (console.js).
// Plain script, no modules: both pages load it first and use the `ASEED` object it defines.
// Rule kept everywhere: data from the server is only ever set with textContent.
"use strict";

const ASEED = (() => {
  const LARGE_TYPE_KEY = "aseed.largeType";
  const TOKEN_KEY = "aseed.adminToken";

  /** Finds one element by id; a missing id is a bug in the page, so it throws. */
  function byId(id) {
    const element = document.getElementById(id);
    if (!element) throw new Error(`element #${id} is missing`);
    return element;
  }

  /** A new element with optional class and text (as text, never as HTML). */
  function el(tag, className, text) {
    const element = document.createElement(tag);
    if (className) element.className = className;
    if (text !== undefined && text !== null) element.textContent = String(text);
    return element;
  }

  /** Replaces a container's children with the given nodes. */
  function replaceChildren(container, nodes) {
    container.replaceChildren(...nodes);
  }

  /** A table row of text cells; `numeric` lists the column indexes to right-align. */
  function row(cells, numeric = []) {
    const tr = el("tr");
    cells.forEach((cell, index) => {
      const td = el("td", numeric.includes(index) ? "num" : "", cell);
      tr.append(td);
    });
    return tr;
  }

  /**
   * Parses the server's ISO 8601 times. They are UTC with microseconds and `Z`; a time
   * without a zone is UTC too (the analyzer's rule; the original page read such times as
   * local time). The fraction is cut to milliseconds so every browser parses it the same way.
   */
  function parseTime(text) {
    if (typeof text !== "string" || text === "") return null;
    const match = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:?\d{2})?$/.exec(text.trim());
    if (!match) return null;
    const millis = (match[3] || "").padEnd(3, "0").slice(0, 3);
    let zone = match[4] || "Z";
    if (zone === "z") zone = "Z";
    if (/^[+-]\d{4}$/.test(zone)) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
    const date = new Date(`${match[1]}T${match[2]}.${millis}${zone}`);
    return Number.isNaN(date.getTime()) ? null : date;
  }

  // Formatters in the viewer's locale and zone; the zone is always named next to a time.
  const timeWithZone = new Intl.DateTimeFormat(undefined, {
    hour: "2-digit", minute: "2-digit", second: "2-digit", timeZoneName: "short",
  });
  const dateTimeWithZone = new Intl.DateTimeFormat(undefined, {
    month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit", timeZoneName: "short",
  });
  const hourMinute = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
  const clock = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  const zoneOnly = new Intl.DateTimeFormat(undefined, { timeZoneName: "short" });

  /** The viewer's zone as the browser names it (e.g. "CET", "GMT+2"). */
  function zoneName(date = new Date()) {
    const part = zoneOnly.formatToParts(date).find((p) => p.type === "timeZoneName");
    return part ? part.value : "local time";
  }

  /** A time in the viewer's zone with the zone named; the date too when it is not today. */
  function formatTime(date) {
    if (!date) return "–";
    const today = new Date();
    const sameDay = date.toDateString() === today.toDateString();
    return (sameDay ? timeWithZone : dateTimeWithZone).format(date);
  }

  // Axis labels: short, without the zone (the chart's caption names it).
  function formatHourMinute(date) {
    return date ? hourMinute.format(date) : "";
  }

  function formatClock(date) {
    return date ? clock.format(date) : "";
  }

  const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
  const decimal = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
  // Money is USD in the catalog; the server already rounded it to the cent.
  const money = new Intl.NumberFormat(undefined, { style: "currency", currency: "USD" });

  function formatInt(value) { return Number.isFinite(value) ? integer.format(value) : "–"; }
  function formatDecimal(value) { return Number.isFinite(value) ? decimal.format(value) : "–"; }
  function formatMoney(value) { return Number.isFinite(value) ? money.format(value) : "–"; }

  /** Bytes in binary units, e.g. "12.3 MiB". */
  function formatBytes(value) {
    if (!Number.isFinite(value)) return "–";
    const units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let scaled = value;
    let unit = 0;
    while (Math.abs(scaled) >= 1024 && unit < units.length - 1) {
      scaled /= 1024;
      unit += 1;
    }
    return `${decimal.format(scaled)} ${units[unit]}`;
  }

  /** A duration in seconds as "3d 4h", "2h 5m", "4m 10s" or "12s". */
  function formatDuration(seconds) {
    if (!Number.isFinite(seconds) || seconds < 0) return "–";
    const s = Math.floor(seconds);
    const days = Math.floor(s / 86400);
    const hours = Math.floor((s % 86400) / 3600);
    const minutes = Math.floor((s % 3600) / 60);
    if (days > 0) return `${days}d ${hours}h`;
    if (hours > 0) return `${hours}h ${minutes}m`;
    if (minutes > 0) return `${minutes}m ${s % 60}s`;
    return `${s}s`;
  }

  /**
   * Fetches JSON. A non-2xx answer throws an Error whose message is the server's
   * `message` (the contract's error shape) or the status line.
   */
  async function fetchJSON(url, options = {}) {
    const response = await fetch(url, { cache: "no-store", ...options });
    let body = null;
    const text = await response.text();
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = null;
      }
    }
    if (!response.ok) {
      const detail = body && (body.message || body.error);
      throw new Error(`${response.status} ${detail || response.statusText || "request failed"}`);
    }
    return body;
  }

  /** True when Chart.js loaded (it is served from the system package and may be missing). */
  function chartsAvailable() {
    return typeof window.Chart === "function";
  }

  /** Reads a CSS custom property, so charts follow the page's colours and type size. */
  function cssVar(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  }

  /** The "large type" projector mode: a class on <html>, remembered in localStorage. */
  function setupLargeType(button) {
    const apply = (on) => {
      document.documentElement.classList.toggle("large-type", on);
      button.setAttribute("aria-pressed", on ? "true" : "false");
    };
    let stored = false;
    try {
      stored = localStorage.getItem(LARGE_TYPE_KEY) === "1";
    } catch {
      // Storage can be disabled; the toggle then lasts for this page only.
    }
    apply(stored);
    button.addEventListener("click", () => {
      const on = !document.documentElement.classList.contains("large-type");
      apply(on);
      try {
        localStorage.setItem(LARGE_TYPE_KEY, on ? "1" : "0");
      } catch {
        // See above.
      }
      document.dispatchEvent(new CustomEvent("aseed:typesize"));
    });
  }

  // ---------------------------------------------------------------- admin token

  let memoryToken = "";

  /** The admin token this tab keeps (session storage), shared by the dashboard and the console. */
  function adminToken() {
    try {
      return sessionStorage.getItem(TOKEN_KEY) || "";
    } catch {
      return memoryToken;
    }
  }

  /** Keeps (or, with "", forgets) the token; `body.is-admin` shows what needs it. */
  function setAdminToken(token) {
    memoryToken = token;
    try {
      if (token) sessionStorage.setItem(TOKEN_KEY, token);
      else sessionStorage.removeItem(TOKEN_KEY);
    } catch {
      // Storage disabled: the token lives in memory for this page only.
    }
    document.body.classList.toggle("is-admin", Boolean(token));
  }

  /**
   * The status pill of the console and lab pages (`#connection`, `#connection-text`) and, when
   * the read worked, the time of the last refresh (`#last-update`).
   */
  function setStatus(ok, text) {
    const pill = byId("connection");
    pill.className = `pill ${ok ? "pill-live" : "pill-offline"}`;
    pill.dataset.state = ok ? "live" : "offline";
    byId("connection-text").textContent = text;
    if (ok) {
      const now = new Date();
      const stamp = byId("last-update");
      stamp.textContent = formatTime(now);
      stamp.dateTime = now.toISOString();
    }
  }

  /** Sets text only when it differs, so a refresh does not disturb a selection or a reader. */
  function setText(node, text) {
    if (node.textContent !== text) node.textContent = text;
  }

  /** The server's message as a sentence: capital first letter, a full stop at the end. */
  function sentence(text) {
    const trimmed = String(text || "").trim();
    if (!trimmed) return "";
    const capital = trimmed[0].toUpperCase() + trimmed.slice(1);
    return /[.!?]$/.test(capital) ? capital : `${capital}.`;
  }

  return {
    byId, el, row, replaceChildren, adminToken, setAdminToken, parseTime, zoneName, formatTime, formatHourMinute, formatClock,
    formatInt, formatDecimal, formatMoney, formatBytes, formatDuration, fetchJSON,
    chartsAvailable, cssVar, setupLargeType, setStatus, setText, sentence,
  };
})();
