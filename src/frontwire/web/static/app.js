// frontwire map page: events on a map, a brushable timeline, and the evidence behind each event.
// The server aggregates: the page asks /stats/grid first and fetches single events only when the
// view holds few enough of them (MAX_POINTS); it never downloads every row at low zoom.
"use strict";

const MAX_POINTS = 2000;
const COLORS = {
  "Battles": "#d62728",
  "Explosions/Remote violence": "#ff7f0e",
  "Violence against civilians": "#9467bd",
  "Protests": "#1f77b4",
  "Riots": "#bcbd22",
  "Strategic developments": "#2ca02c",
};
// Own keys only: an event type such as "constructor" must not reach a style attribute.
const colorOf = (t) => (Object.hasOwn(COLORS, t) ? COLORS[t] : "#7f7f7f");

const state = { filters: {}, brush: null, timeline: [], reqId: 0 };
const $ = (sel) => document.querySelector(sel);

// Titles, URLs, source names, evidence, actors, places and claim text come from feeds and files
// nobody vetted: they reach the page only as text nodes (append/textContent), never as markup,
// and a link is made only for an absolute http(s) URL (no javascript:, data:, relative tricks).
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  for (const c of children) if (c !== null && c !== undefined) node.append(c instanceof Node ? c : String(c));
  return node;
}

function safeHref(u) {
  try {
    const url = new URL(String(u));
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;  // relative, empty or malformed: shown as text
  }
}

async function getJSON(path, params) {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) if (v !== undefined && v !== null && v !== "") qs.set(k, v);
  const url = qs.toString() ? `${path}?${qs}` : path;
  const res = await fetch(url);
  const body = await res.json();
  if (!res.ok) throw new Error(body.error ? body.error.message : res.statusText);
  return body;
}

// -- map -----------------------------------------------------------------------------------

const map = L.map("map", { worldCopyJump: true, preferCanvas: true, minZoom: 1, maxZoom: 14 }).setView([30, 20], 2);
const aggLayer = L.layerGroup().addTo(map);
const pointLayer = L.markerClusterGroup({
  chunkedLoading: true, showCoverageOnHover: false, maxClusterRadius: 40,
  iconCreateFunction(cluster) {
    const counts = {};
    for (const m of cluster.getAllChildMarkers()) counts[m.options.eventType] = (counts[m.options.eventType] || 0) + 1;
    const top = Object.entries(counts).sort((a, b) => b[1] - a[1])[0][0];
    const n = cluster.getChildCount();
    const size = 22 + Math.min(24, Math.log2(n) * 4);
    return L.divIcon({ html: `<div class="agg" style="background:${colorOf(top)};width:${size}px;height:${size}px">${n}</div>`,
                       className: "cluster-icon", iconSize: [size, size] });
  },
}).addTo(map);

function viewBbox() {
  const b = map.getBounds();
  const w = Math.max(-180, b.getWest()), e = Math.min(180, b.getEast());
  const s = Math.max(-90, b.getSouth()), n = Math.min(90, b.getNorth());
  return [w, s, e, n].map((x) => x.toFixed(4)).join(",");
}

function filterParams(withDates = true) {
  const p = { ...state.filters };
  if (withDates && state.brush) { p.since = state.brush[0]; p.until = state.brush[1]; }
  if (!withDates) { delete p.since; delete p.until; }
  return p;
}

async function loadMap() {
  const id = ++state.reqId;
  const params = { ...filterParams(), bbox: viewBbox() };
  $("#status").textContent = "loading…";
  try {
    const grid = await getJSON("/stats/grid", { ...params, zoom: map.getZoom() });
    if (id !== state.reqId) return;
    const total = grid.items.reduce((a, c) => a + c.count, 0);
    aggLayer.clearLayers();
    pointLayer.clearLayers();
    if (total <= MAX_POINTS) {
      let cursor = null, items = [];
      do {
        const page = await getJSON("/events", { ...params, limit: 1000, cursor });
        if (id !== state.reqId) return;
        items = items.concat(page.items.filter((e) => e.lat !== null && e.lon !== null));
        cursor = page.next_cursor;
      } while (cursor && items.length < MAX_POINTS);
      const markers = items.map((e) => L.marker([e.lat, e.lon], {
        eventType: e.event_type, title: `${e.event_type}: ${e.location_name || ""} ${e.date_start || ""}`,
        icon: L.divIcon({ className: "event-marker", html: `<div class="dot" style="background:${colorOf(e.event_type)};width:14px;height:14px"></div>`, iconSize: [14, 14] }),
      }).on("click", () => showEvent(e.id)));
      pointLayer.addLayers(markers);
      $("#status").textContent = `${items.length} event(s) in view`;
    } else {
      for (const c of grid.items) {
        const size = 18 + Math.min(40, Math.log2(c.count) * 4);
        L.marker([c.lat, c.lon], {
          icon: L.divIcon({ className: "agg-marker", html: `<div class="agg" style="background:${colorOf(c.event_type)};width:${size}px;height:${size}px">${Number(c.count)}</div>`, iconSize: [size, size] }),
        }).on("click", () => map.setView([c.lat, c.lon], Math.min(map.getZoom() + 3, 12))).addTo(aggLayer);
      }
      $("#status").textContent = `${total.toLocaleString()} events in view (aggregated; zoom in for single events)`;
    }
  } catch (err) {
    $("#status").textContent = `error: ${err.message}`;
  }
}

// -- timeline ------------------------------------------------------------------------------

const svg = $("#timeline");
const NS = "http://www.w3.org/2000/svg";

async function loadTimeline() {
  const data = await getJSON("/stats/timeline", { ...filterParams(false), bucket: "day" });
  state.timeline = data.items;
  drawTimeline();
}

function drawTimeline() {
  while (svg.firstChild) svg.removeChild(svg.firstChild);
  const items = state.timeline;
  const W = svg.clientWidth || 800, H = svg.clientHeight || 90;
  if (!items.length) return;
  const t0 = Date.parse(items[0].date), t1 = Date.parse(items[items.length - 1].date) + 86400000;
  const max = Math.max(...items.map((d) => d.count));
  const x = (t) => ((t - t0) / (t1 - t0)) * W;
  state.scale = { t0, t1, W };
  const bw = Math.max(1, W / ((t1 - t0) / 86400000) - 1);
  for (const d of items) {
    const t = Date.parse(d.date);
    const h = Math.max(1, (d.count / max) * (H - 14));
    const r = document.createElementNS(NS, "rect");
    const inside = !state.brush || (d.date >= state.brush[0] && d.date <= state.brush[1]);
    r.setAttribute("class", inside ? "bar" : "bar out");
    r.setAttribute("x", x(t)); r.setAttribute("y", H - 12 - h);
    r.setAttribute("width", bw); r.setAttribute("height", h);
    const title = document.createElementNS(NS, "title");
    title.textContent = `${d.date}: ${d.count}`;
    r.appendChild(title);
    svg.appendChild(r);
  }
  for (const [t, anchor] of [[t0, "start"], [t1 - 86400000, "end"]]) {
    const label = document.createElementNS(NS, "text");
    label.setAttribute("x", anchor === "start" ? 2 : W - 2); label.setAttribute("y", H - 1);
    label.setAttribute("text-anchor", anchor); label.setAttribute("font-size", "10");
    label.textContent = new Date(t).toISOString().slice(0, 10);
    svg.appendChild(label);
  }
  if (state.brush) {
    const a = x(Date.parse(state.brush[0])), b = x(Date.parse(state.brush[1]) + 86400000);
    const r = document.createElementNS(NS, "rect");
    r.setAttribute("class", "brush"); r.setAttribute("x", a); r.setAttribute("y", 0);
    r.setAttribute("width", Math.max(2, b - a)); r.setAttribute("height", H - 12);
    svg.appendChild(r);
  }
}

function dateAt(px) {
  const { t0, t1, W } = state.scale;
  const t = t0 + (Math.min(Math.max(px, 0), W) / W) * (t1 - t0);
  return new Date(Math.min(t, t1 - 1)).toISOString().slice(0, 10);
}

let dragFrom = null;
svg.addEventListener("mousedown", (ev) => { if (state.scale) dragFrom = ev.offsetX; });
svg.addEventListener("mousemove", (ev) => {
  if (dragFrom === null) return;
  const a = Math.min(dragFrom, ev.offsetX), b = Math.max(dragFrom, ev.offsetX);
  state.brush = [dateAt(a), dateAt(b)];
  drawTimeline();
});
window.addEventListener("mouseup", (ev) => {
  if (dragFrom === null) return;
  const rect = svg.getBoundingClientRect();
  const end = ev.clientX - rect.left;
  const a = Math.min(dragFrom, end), b = Math.max(dragFrom, end);
  dragFrom = null;
  if (b - a < 3) return;
  state.brush = [dateAt(a), dateAt(b)];
  $("#timeline-label").textContent = `Showing ${state.brush[0]} to ${state.brush[1]} (double-click to clear)`;
  drawTimeline();
  loadMap();
});
svg.addEventListener("dblclick", () => {
  state.brush = null;
  $("#timeline-label").textContent = "Drag across the timeline to filter by date; double-click to clear.";
  drawTimeline();
  loadMap();
});

// -- event panel ---------------------------------------------------------------------------

function highlight(text, spans) {
  // Non-overlapping spans, earliest first; evidence wins over a claim span it overlaps.
  const sorted = spans.slice().sort((a, b) => a.start - b.start || (a.kind === "evidence" ? -1 : 1));
  const out = document.createDocumentFragment();
  let pos = 0;
  for (const s of sorted) {
    if (s.start < pos) continue;
    out.append(text.slice(pos, s.start),
               el("mark", { class: s.kind === "claim" ? "claim" : "evidence" }, text.slice(s.start, s.end)));
    pos = s.end;
  }
  out.append(text.slice(pos));
  return out;
}

function sourceItem(s) {
  const href = s.url ? safeHref(s.url) : null;
  const label = s.source || s.url || "?";
  if (!href) return el("li", null, label, s.url && s.source ? ` (${s.url})` : null);
  return el("li", null, el("a", { href, rel: "noopener noreferrer", target: "_blank" }, label));
}

function clusterBlock(c) {
  const out = document.createDocumentFragment();
  out.append(el("h3", null, `Cluster: ${Number(c.n_sources)} source(s), ${Number(c.n_articles)} article(s)`),
             el("ul", { class: "sources" }, ...(c.sources || []).map((s) => el("li", null, s))));
  const sides = Object.entries(c.claimants || {}).map(([side, names]) => el("li", null, `${side}: ${names.join(", ")}`));
  if (sides.length) out.append(el("h4", null, "Claimants by side"), el("ul", null, ...sides));
  const conflicts = Object.entries(c.conflicts || {}).map(([k, vs]) => el("li", { class: "conflict" },
    `${k}: ${vs.map((v) => `${v.value}${v.claimed_by.length ? ` (${v.claimed_by.join(", ")})` : ""}`).join(" vs ")}`));
  if (conflicts.length) out.append(el("h4", null, "Conflicting details"), el("ul", null, ...conflicts));
  return out;
}

async function showEvent(id) {
  const panel = $("#panel");
  panel.replaceChildren(el("p", { class: "hint" }, "loading…"));
  try {
    const ev = await getJSON(`/events/${encodeURIComponent(id)}`);
    const art = await getJSON(`/articles/${encodeURIComponent(ev.article_id)}`);
    const spans = ev.evidence.map((v) => ({ ...v, kind: "evidence" }));
    if (ev.claim) spans.push({ start: ev.claim.start, end: ev.claim.end, kind: "claim" });
    const actor = (n, c) => (n ? `${n}${c ? ` (${c})` : ""}` : "—");
    const dated = `${ev.date_start || "unknown"}${ev.date_end && ev.date_end !== ev.date_start ? ` – ${ev.date_end}` : ""}`;
    const rows = [["Sub-type", ev.sub_event_type || "—"], ["Date", dated],
                  ["Place", `${ev.location_name || "—"}${ev.country ? `, ${ev.country}` : ""}`],
                  ["Actor 1", actor(ev.actor1_name, ev.actor1_country)],
                  ["Actor 2", actor(ev.actor2_name, ev.actor2_country)],
                  ["Fatalities", ev.fatalities ?? "not reported"]];
    const dl = el("dl", null);
    for (const [k, v] of rows) dl.append(el("dt", null, k), el("dd", null, v));
    dl.append(el("dt", null, "Claimed by"), el("dd", { class: "claimant" }, ev.claimed_by || "—"));
    const title = el("h2", null, ev.event_type);
    title.style.color = colorOf(ev.event_type);
    panel.replaceChildren(title, dl, el("h3", null, "Sources of this article"),
                          el("ul", null, ...ev.sources.map(sourceItem)),
                          ev.cluster ? clusterBlock(ev.cluster) : "",
                          el("h3", null, art.title || "Article"),
                          el("div", { class: "article" }, highlight(art.text, spans)));
    const first = panel.querySelector("mark.evidence");
    if (first) first.scrollIntoView({ block: "center" });
  } catch (err) {
    panel.replaceChildren(el("p", { class: "conflict" }, `error: ${err.message}`));
  }
}

// -- filters and start-up ------------------------------------------------------------------

function readFilters() {
  const f = {};
  for (const [k, v] of new FormData($("#filters")).entries()) if (v) f[k] = v;
  state.filters = f;
}

$("#filters").addEventListener("submit", (ev) => {
  ev.preventDefault();
  readFilters();
  state.brush = null;
  loadTimeline().then(loadMap);
});
$("#f-reset").addEventListener("click", () => {
  $("#filters").reset();
  state.filters = {}; state.brush = null;
  loadTimeline().then(loadMap);
});

async function start() {
  const summary = await getJSON("/stats/summary");
  if (summary.tile_url) {
    L.tileLayer(summary.tile_url, { maxZoom: 18, attribution: "tiles: operator's tile server" }).addTo(map);
  } else {
    const countries = await (await fetch("/static/data/countries-110m.geojson")).json();
    L.geoJSON(countries, { style: { color: "#8a8a8a", weight: 0.6, fillColor: "#f2efe9", fillOpacity: 1 }, interactive: false }).addTo(map);
  }
  map.attributionControl.addAttribution("Natural Earth (public domain)");
  const select = $("#f-type");
  for (const t of summary.types) {
    const o = document.createElement("option");
    o.value = t.event_type; o.textContent = `${t.event_type} (${t.count})`;
    select.appendChild(o);
  }
  $("#legend").replaceChildren(...Object.entries(COLORS).map(([t, c]) => {
    const item = el("span", null, t);
    item.style.setProperty("--c", c);
    return item;
  }));
  if (summary.located) {
    const pad = 0.5;
    map.fitBounds([[summary.south - pad, summary.west - pad], [summary.north + pad, summary.east + pad]], { maxZoom: 8 });
  }
  map.on("moveend", loadMap);
  await loadTimeline();
  await loadMap();
  document.body.dataset.ready = "1";
}

start().catch((err) => { $("#status").textContent = `error: ${err.message}`; });
