// The dashboard of `narrate serve`: plain JavaScript over the /v1 API, no build step.
//
// The key is kept in sessionStorage and sent only in the Authorization header: there is no
// cookie for another site to ride on, and it goes with the tab. Every string from the API
// reaches the page through textContent, never as markup.
"use strict";

const KEY = "narrate.key";
const PAGE = 20;
const REFRESH_MS = 10000;
// Browsers open at most 6 HTTP/1.1 connections to a host, and each event stream holds one
// for as long as its job runs; past this many, jobs are followed by the periodic refresh.
const MAX_STREAMS = 3;
const RETRY_MS = 3000;
const ACTIVE = new Set(["queued", "running"]);

const state = {
  key: "",
  jobs: new Map(),        // id -> the job's latest view
  shown: PAGE,            // how many of the newest jobs the list holds
  streams: new Map(),     // id -> AbortController of its event stream
  open: "",               // the job in the detail panel
  chapters: null,         // its last chapter list, to tell when to fetch it again
  players: new Map(),     // file key -> <audio>, kept across redraws so playback goes on
  timer: 0,
};

const $ = (id) => document.getElementById(id);

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined) {
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }
  return node;
}

function show(node, text) {
  node.textContent = text || "";
  node.hidden = !text;
}

function path(...parts) {
  // A file key keeps its slashes; every other part is one path segment.
  return parts.map((part) => part.split("/").map(encodeURIComponent).join("/")).join("/");
}

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function api(url, options = {}, key = state.key) {
  const { stream, ...init } = options;
  const headers = new Headers(init.headers || {});
  headers.set("Authorization", `Bearer ${key}`);
  const response = await fetch(url, { ...init, headers, credentials: "omit", cache: "no-store" });
  if (stream && response.ok) return response;
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new ApiError(response.status, body.error || `HTTP ${response.status}`);
    if (response.status === 401 && key === state.key && state.key) signOut(error.message);
    throw error;
  }
  return body;
}

// Signing in and out

async function signIn(key) {
  let listing;
  try {
    listing = await api(`/v1/jobs?offset=0&limit=${PAGE}`, {}, key);
  } catch (error) {
    sessionStorage.removeItem(KEY);
    show($("signin-error"), `Sign-in failed: ${error.message}`);
    return;
  }
  state.key = key;
  sessionStorage.setItem(KEY, key);
  show($("signin-error"), "");
  $("key").value = "";
  $("signin").hidden = true;
  $("app").hidden = false;
  $("signout").hidden = false;
  showJobs(listing);
  state.timer = setInterval(refresh, REFRESH_MS);
}

function signOut(message) {
  sessionStorage.removeItem(KEY);
  state.key = "";
  clearInterval(state.timer);
  for (const controller of state.streams.values()) controller.abort();
  state.streams.clear();
  state.jobs.clear();
  closeJob();
  $("jobs").replaceChildren();
  $("app").hidden = true;
  $("signout").hidden = true;
  $("signin").hidden = false;
  show($("signin-error"), message || "");
}

// The job list

async function refresh() {
  try {
    const listing = await api(`/v1/jobs?offset=0&limit=${Math.min(state.shown, 100)}`);
    if (!state.key) return;  // signed out while it was on its way
    showJobs(listing);
    show($("jobs-error"), "");
  } catch (error) {
    if (state.key) show($("jobs-error"), error.message);
  }
}

function showJobs(listing) {
  const rows = listing.jobs.map((view) => {
    state.jobs.set(view.id, view);
    return jobRow(view);
  });
  if (listing.offset === 0) $("jobs").replaceChildren(...rows);
  else $("jobs").append(...rows);
  state.shown = Math.max(PAGE, listing.offset + listing.jobs.length);
  $("no-jobs").hidden = listing.total > 0;
  $("more").hidden = listing.next_offset === null;
  $("more").dataset.offset = listing.next_offset ?? "";
  followActive();
}

async function more() {
  try {
    showJobs(await api(`/v1/jobs?offset=${$("more").dataset.offset}&limit=${PAGE}`));
  } catch (error) {
    show($("jobs-error"), error.message);
  }
}

function progressBar(view) {
  const bar = el("progress", { "aria-label": "segments rendered" });
  if (view.segments_total > 0) {
    bar.max = view.segments_total;
    bar.value = view.segments_done;
  } else if (view.state === "done") {
    bar.max = 1;
    bar.value = 1;
  } else if (!ACTIVE.has(view.state)) {
    bar.value = 0;  // a job ended before it was planned: empty, not an endless animation
  }
  return bar;
}

function jobRow(view) {
  const row = el("tr", { class: "job", "data-id": view.id });
  if (view.id === state.open) row.classList.add("open");
  const open = el("button", { type: "button", class: "open", onclick: () => openJob(view.id) },
    "Open");
  const cancel = ACTIVE.has(view.state)
    ? el("button", { type: "button", class: "cancel", onclick: () => cancelJob(view.id) },
      "Cancel")
    : null;
  const segments = view.segments_total ? `${view.segments_done}/${view.segments_total}` : "";
  row.append(
    el("td", {}, el("code", { title: view.id }, view.id.slice(0, 12))),
    el("td", { class: "title" }, view.title || ""),
    el("td", { class: `state state-${view.state}` }, view.state),
    el("td", {}, progressBar(view), " ", el("span", { class: "segments" }, segments)),
    el("td", { class: "number" }, `${view.chapters_done}/${view.chapters_total}`),
    el("td", { class: "number" }, duration(view.audio_s)),
    el("td", {}, when(view.created_at)),
    el("td", {}, open, " ", cancel),
  );
  if (view.error) row.title = view.error;
  return row;
}

function update(view) {
  state.jobs.set(view.id, view);
  const old = $("jobs").querySelector(`tr[data-id="${CSS.escape(view.id)}"]`);
  if (old) old.replaceWith(jobRow(view));
  if (view.id === state.open) showDetail(view);
}

// Live progress: each active job's event stream, read with fetch() because EventSource
// cannot send the Authorization header.

function followActive() {
  const active = [...state.jobs.values()].filter((view) => ACTIVE.has(view.state));
  // The open job first, then running before queued ones: they are the ones that move.
  active.sort((a, b) => (b.id === state.open) - (a.id === state.open)
    || (b.state === "running") - (a.state === "running"));
  for (const view of active) {
    if (state.streams.size >= MAX_STREAMS) break;
    follow(view.id);
  }
}

async function follow(id) {
  if (state.streams.has(id) || !state.key) return;
  const controller = new AbortController();
  state.streams.set(id, controller);
  try {
    const response = await api(`/v1/jobs/${path(id)}/events`,
      { signal: controller.signal, stream: true });
    await readEvents(response.body, update);
  } catch (error) {
    // Refused (a 4xx): asking again would be refused again; the refresh still covers it.
    if (error.name === "AbortError" || error.status < 500) return;
  } finally {
    if (state.streams.get(id) === controller) state.streams.delete(id);
  }
  const view = state.jobs.get(id);
  if (state.key && view && ACTIVE.has(view.state)) {
    setTimeout(() => follow(id), RETRY_MS);  // the connection dropped before the job ended
  } else {
    followActive();
  }
}

async function readEvents(body, handle) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replace(/\r\n?/g, "\n");
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {  // an event ends at a blank line
      const lines = buffer.slice(0, end).split("\n");
      buffer = buffer.slice(end + 2);
      const data = lines.filter((line) => line.startsWith("data:"))
        .map((line) => line.slice(5).replace(/^ /, "")).join("\n");
      if (data) handle(JSON.parse(data));
    }
  }
}

// Submitting and cancelling

async function submitJob(event) {
  event.preventDefault();
  const form = $("submit-form");
  const button = $("submit-button");
  button.disabled = true;
  show($("submit-message"), "Uploading…");
  $("submit-message").classList.remove("error");
  try {
    const made = await api("/v1/jobs", { method: "POST", body: submission(form) });
    show($("submit-message"), `Submitted ${made.id}`);
    form.reset();
    await refresh();
  } catch (error) {
    show($("submit-message"), `Not submitted: ${error.message}`);
    $("submit-message").classList.add("error");
  } finally {
    button.disabled = false;
  }
}

function submission(form) {
  // Chapters left empty (or "all", as the field's hint reads) are the whole book: no
  // `chapter` field, since the service refuses an empty one as no chapter number.
  const body = new FormData(form);
  const chapters = String(body.get("chapter") || "").trim();
  if (chapters && chapters.toLowerCase() !== "all") body.set("chapter", chapters);
  else body.delete("chapter");
  return body;
}

async function cancelJob(id) {
  if (!window.confirm(`Cancel job ${id}?`)) return;
  try {
    update(await api(`/v1/jobs/${path(id)}`, { method: "DELETE" }));
  } catch (error) {
    show($("jobs-error"), error.message);
  }
}

// A job's detail: its chapters, audio, QA findings and ACX report

function openJob(id) {
  if (state.open !== id) {
    state.open = id;
    state.chapters = null;
    state.players.clear();
  }
  for (const row of $("jobs").querySelectorAll("tr.job")) {
    row.classList.toggle("open", row.dataset.id === id);
  }
  $("detail").hidden = false;
  $("detail-id").textContent = id;
  api(`/v1/jobs/${path(id)}`).then(update, (error) => show($("detail-error"), error.message));
  followActive();
}

function closeJob() {
  state.open = "";
  state.chapters = null;
  state.players.clear();
  $("detail").hidden = true;
  $("chapters").replaceChildren();
  for (const row of $("jobs").querySelectorAll("tr.open")) row.classList.remove("open");
}

function showDetail(view) {
  $("detail-summary").textContent = `${view.state}: chapters ${view.chapters_done}/`
    + `${view.chapters_total}, segments ${view.segments_done}/${view.segments_total}, `
    + `${duration(view.audio_s)} of audio`
    + (view.finished_at ? `, finished ${when(view.finished_at)}` : "");
  show($("detail-error"), view.error);
  const seen = `${view.state} ${view.chapters_done}`;
  if (state.chapters !== seen) {  // only when a chapter (or the job) has moved on
    state.chapters = seen;
    loadChapters(view);
  }
}

async function loadChapters(view) {
  let chapters;
  try {
    ({ chapters } = await api(`/v1/jobs/${path(view.id)}/chapters`));
  } catch (error) {
    show($("detail-error"), error.message);
    return;
  }
  if (state.open !== view.id) return;
  $("chapters").replaceChildren(...chapters.map((chapter) => chapterRow(view.id, chapter)));
  const findings = chapters.some((chapter) => chapter.qa)
    ? chapters.flatMap((chapter) => chapter.qa || [])
    : view.qa_failing;
  showFindings(findings);
  showAcx(chapters);
}

function chapterRow(id, chapter) {
  const files = chapter.files || {};
  const key = (files.mp3 || [])[0] || (files.wav || [])[0];
  return el("tr", { class: "chapter", "data-index": chapter.index },
    el("td", { class: "number" }, chapter.index),
    el("td", {}, chapter.title),
    el("td", { class: `state state-${chapter.state}` }, chapter.state),
    el("td", { class: "number duration" },
      chapter.duration_s === undefined ? "" : duration(chapter.duration_s)),
    el("td", {}, key ? player(id, key) : null),
  );
}

function player(id, key) {
  if (state.players.has(key)) return state.players.get(key);
  const audio = el("audio", { controls: "", preload: "metadata", "data-key": key });
  state.players.set(key, audio);
  let renewed = false;
  const link = () => api(`/v1/jobs/${path(id)}/links/${path(key)}`).then(
    (answer) => { audio.src = answer.url; },
    (error) => { audio.replaceWith(el("span", { class: "error" }, error.message)); });
  // A link expires (link_ttl_s); a page left open gets a fresh one when the old one fails.
  audio.addEventListener("error", () => {
    if (!renewed) {
      renewed = true;
      link();
    }
  });
  link();
  return audio;
}

function showFindings(findings) {
  $("qa-none").hidden = findings.length > 0;
  $("qa-table").hidden = findings.length === 0;
  $("qa-findings").replaceChildren(...findings.map((finding) => el("tr", { class: "finding" },
    el("td", { class: "number" }, finding.chapter),
    el("td", { class: "number" }, finding.segment),
    el("td", {}, finding.checks.join(", ")),
    el("td", {}, finding.detail),
    el("td", {}, finding.text),
    el("td", {}, finding.transcript),
    el("td", { class: finding.fixed ? "pass" : "fail" }, finding.fixed ? "yes" : "no"),
  )));
}

function showAcx(chapters) {
  const rows = [];
  for (const chapter of chapters) {
    (chapter.acx || []).forEach((report, i) => {
      const file = ((chapter.files || {}).mp3 || [])[i] || report.codec;
      rows.push(el("tr", { class: "acx" },
        el("td", { class: "number" }, chapter.index),
        el("td", {}, file),
        el("td", { class: "number" }, report.rms_db.toFixed(1)),
        el("td", { class: "number" }, report.peak_db.toFixed(1)),
        el("td", { class: "number" }, report.noise_floor_db.toFixed(1)),
        el("td", { class: "number" }, report.head_s.toFixed(2)),
        el("td", { class: "number" }, report.tail_s.toFixed(2)),
        acxVerdict(report),
      ));
    });
  }
  $("acx-section").hidden = rows.length === 0;
  $("acx").replaceChildren(...rows);
}

function acxVerdict(report) {
  if (report.passed) return el("td", { class: "pass" }, "pass");
  // Each failed rule in words, one a line; `problems` lead with the rules' names, for scripts.
  return el("td", { class: "fail" }, "fail",
    ...report.said.map((line) => el("div", { class: "said" }, line)));
}

// Formatting

function duration(seconds) {
  if (seconds < 60) return `${(seconds || 0).toFixed(1)} s`;
  const whole = Math.round(seconds);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = String(whole % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

function when(epoch) {
  return epoch ? new Date(epoch * 1000).toLocaleString() : "";
}

document.addEventListener("DOMContentLoaded", () => {
  $("signin-form").addEventListener("submit", (event) => {
    event.preventDefault();
    signIn($("key").value.trim());
  });
  $("signout").addEventListener("click", () => signOut(""));
  $("submit-form").addEventListener("submit", submitJob);
  $("refresh").addEventListener("click", refresh);
  $("more").addEventListener("click", more);
  $("close").addEventListener("click", closeJob);
  const kept = sessionStorage.getItem(KEY);
  if (kept) signIn(kept);
});
