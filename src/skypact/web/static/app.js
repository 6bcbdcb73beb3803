/* skypact operational picture.
 *
 * Signs a party in with its credential (the token stays in memory and is renewed before it
 * expires), draws what the API lets that party see, and follows two streams from the server:
 * the party's notifications (resumed from the last id after any break, so no alert is lost)
 * and its live tracks (once a second).  Every text comes from /ui/strings.json (the catalogs).
 * Nothing is requested from any host but this server.
 */
"use strict";

const state = {
  S: { en: {}, ru: {} }, lang: localStorage.getItem("skypact.lang") || "en",
  units: localStorage.getItem("skypact.units") || "aviation", muted: localStorage.getItem("skypact.muted") === "1",
  session: null, plans: [], volumes: [], conflicts: [], notes: new Map(), lastNote: 0,
  tracks: new Map(), order: [], orderDirty: false, alerts: [], offsetMin: 0, streams: [], timers: [],
  frames: [], drawLag: [],
};
window.skypact = state; // read by the browser tests and `skypact bench map`

// -- texts and units ---------------------------------------------------------------------
const fill = (s, v) => s.replace(/\{(\w+)\}/g, (m, k) => (v && k in v ? v[k] : m));
function t(key, v) {
  const en = fill(state.S.en[key] ?? key, v), ru = fill(state.S.ru[key] ?? key, v);
  return state.lang === "ru" ? ru : state.lang === "both" && ru !== en ? `${en} / ${ru}` : en;
}
function applyTexts() {
  document.documentElement.lang = state.lang === "ru" ? "ru" : "en";
  for (const el of document.querySelectorAll("[data-t]")) el.textContent = t(el.dataset.t);
  document.title = `skypact: ${t("title")}`;
}
const FT = 0.3048, KT = 1852 / 3600, NM = 1852;
const num = (x, d = 0) => x.toLocaleString(state.lang === "ru" ? "ru-RU" : "en-GB", { maximumFractionDigits: d,
  minimumFractionDigits: d });
function level(m) {
  if (state.units === "metric") return t("unit_m", { n: num(Math.round(m / 10) * 10) });
  const ft = m / FT;
  return ft >= 10000 ? t("unit_fl", { n: String(Math.round(ft / 100)).padStart(3, "0") }) : t("unit_ft", { n: num(Math.round(ft / 10) * 10) });
}
const speed = (mps) => (state.units === "metric" ? t("unit_kmh", { n: num(mps * 3.6) }) : t("unit_kt", { n: num(mps / KT) }));
const dist = (m) => (state.units === "metric" ? t("unit_km", { n: num(m / 1000, 1) }) : t("unit_nm", { n: num(m / NM, 1) }));
const altOf = (a) => (a.unit === "m" ? a.value : a.unit === "FL" ? a.value * 100 * FT : a.value * FT);
const iso = (s) => new Date(s * 1000).toISOString();
const utc = (s) => iso(s).slice(0, 19).replace("T", " ");
const hm = (s) => iso(s).slice(11, 19);
const epoch = (text) => Date.parse(text) / 1000;

// -- session -----------------------------------------------------------------------------
class Refused extends Error { constructor(status, detail) { super(String(status)); this.status = status; this.detail = detail; } }
function claims(token) {
  const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
  return JSON.parse(atob(part + "=".repeat((4 - (part.length % 4)) % 4)));
}
async function signIn(key, secret) {
  const r = await fetch("/v1/token", { method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ key_id: key, secret }) });
  const body = await r.json().catch(() => ({}));
  if (!r.ok) throw new Refused(r.status, body.detail);
  const c = claims(body.access_token);
  const renew = async () => { // the credential is kept in this closure only, never stored
    try { const s = await signIn(key, secret); state.session.token = s.token; state.session.exp = s.exp; worker?.postMessage({ token: s.token }); }
    catch (e) { if (e instanceof Refused && e.status === 401) return signOut(t("session_expired")); }
    schedule();
  };
  const schedule = () => { clearTimeout(state.session?.renewTimer);
    if (state.session) state.session.renewTimer = setTimeout(renew, Math.max(5, (state.session.exp - Date.now() / 1000) * 0.8) * 1000); };
  return { token: body.access_token, exp: c.exp, party: c.sub, role: c.role, schedule, renew };
}
async function api(path, opts = {}, retry = true) {
  const headers = { Authorization: `Bearer ${state.session.token}`, ...(opts.body ? { "Content-Type": "application/json" } : {}) };
  const r = await fetch(path, { ...opts, headers });
  if (r.status === 401 && retry) { await state.session.renew(); return api(path, opts, false); }
  if (!r.ok) throw new Refused(r.status, (await r.json().catch(() => ({}))).detail);
  return r;
}
async function allPages(path) {
  const out = [];
  for (let url = path; url;) {
    const r = await api(url);
    out.push(...(await r.json()));
    const m = /<([^>]+)>;\s*rel="next"/.exec(r.headers.get("Link") || "");
    url = m ? m[1] : null;
  }
  return out;
}
function detailText(d) { return !d ? "" : typeof d === "string" ? d : state.lang === "ru" ? d.ru : state.lang === "both" ? `${d.en} / ${d.ru}` : d.en; }

// -- streams (read by sse.js) --------------------------------------------------------------
async function follow(path, onEvent, lastId) {
  const ctl = { stop: false, abort: null };
  state.streams.push(ctl);
  for (let wait = 500; !ctl.stop;) {
    try {
      const abort = new AbortController(); ctl.abort = abort;
      const headers = { Authorization: `Bearer ${state.session.token}`, Accept: "text/event-stream" };
      const last = lastId ? lastId() : 0;
      if (last) headers["Last-Event-ID"] = String(last);
      const r = await fetch(path, { headers, signal: abort.signal });
      if (r.status === 401) { await state.session.renew(); continue; }
      if (!r.ok || !r.body) throw new Error(String(r.status));
      linkState(path, true); wait = 500;
      await readEvents(r, (event, data, id) => onEvent(event, JSON.parse(data), id));
    } catch (e) { if (ctl.stop) return; }
    linkState(path, false);
    await new Promise((ok) => setTimeout(ok, wait)); wait = Math.min(wait * 2, 8000);
  }
}
let worker = null;
function followTracks() { // the track stream is read and parsed in a worker: the page's thread only draws
  worker = new Worker("/static/tracks-worker.js");
  worker.onmessage = (e) => {
    if (e.data.tracks) onTracks(e.data.tracks);
    else if (e.data.renew) state.session.renew().then(() => worker?.postMessage({ token: state.session.token }));
    else if ("link" in e.data) linkState("/v1/tracks/stream", e.data.link);
  };
  worker.postMessage({ start: "/v1/tracks/stream", token: state.session.token });
}
const links = new Map();
function linkState(path, up) {
  links.set(path, up);
  const ok = [...links.values()].every(Boolean);
  const el = document.getElementById("link");
  el.dataset.t = ok ? "live" : "reconnecting"; el.textContent = ok ? t("live") : t("reconnecting"); el.classList.toggle("off", !ok);
}

// -- map -------------------------------------------------------------------------------
const map = L.map("map", { preferCanvas: true, worldCopyJump: true, minZoom: 2, maxZoom: 14 }).setView([50, 10], 5);
map.attributionControl.setPrefix(false).addAttribution("Natural Earth");
const layers = { own: L.layerGroup().addTo(map), other: L.layerGroup().addTo(map), volumes: L.layerGroup().addTo(map),
  conflicts: L.layerGroup().addTo(map), alerts: L.layerGroup().addTo(map), tracks: null, borders: L.layerGroup() };
let layerControl = null;
function buildLayerControl() {
  if (layerControl) layerControl.remove();
  const named = { [t("layer_own_plans")]: layers.own, [t("layer_other_plans")]: layers.other,
    [t("layer_volumes")]: layers.volumes, [t("layer_tracks")]: layers.tracks, [t("layer_conflicts")]: layers.conflicts,
    [t("layer_alerts")]: layers.alerts };
  if (state.config?.borders) named[t("layer_borders")] = layers.borders;
  layerControl = L.control.layers(null, named, { collapsed: false }).addTo(map);
}
async function basemap() {
  state.config = await (await fetch("/ui/config.json")).json();
  const land = await (await fetch(state.config.basemap)).json();
  L.geoJSON(topojson.feature(land, land.objects.land), { interactive: false,
    style: { color: "#7d8f7a", weight: 0.8, fillColor: "#eef0e6", fillOpacity: 1 } }).addTo(map).bringToBack();
  if (state.config.borders) {
    const c = await (await fetch(state.config.borders_map)).json();
    L.geoJSON(topojson.mesh(c, c.objects.countries, (a, b) => a !== b), { interactive: false,
      style: { color: "#9c8a7a", weight: 0.7, dashArray: "4 3" } }).addTo(layers.borders);
    layers.borders.addTo(map);
  }
}

// Tracks: one canvas for all of them (thousands of markers as map objects would not keep up).
const TrackLayer = L.Layer.extend({
  onAdd(m) {
    this._canvas = L.DomUtil.create("canvas", "leaflet-zoom-hide");
    m.getPanes().overlayPane.appendChild(this._canvas);
    m.on("moveend zoomend resize", this._reset, this); this._reset();
  },
  onRemove(m) { this._canvas.remove(); m.off("moveend zoomend resize", this._reset, this); },
  _reset() {
    const size = this._map.getSize(), tl = this._map.containerPointToLayerPoint([0, 0]);
    L.DomUtil.setPosition(this._canvas, tl);
    this._canvas.width = size.x; this._canvas.height = size.y; this.redraw();
  },
  redraw() {
    if (!this._map) return;
    const t0 = performance.now(), m = this._map, ctx = this._canvas.getContext("2d");
    const W = this._canvas.width, H = this._canvas.height;
    ctx.clearRect(0, 0, W, H);
    // Web Mercator to this canvas's pixels, once per frame (the map's own per-point conversion
    // allocates objects: too slow for ten thousand aircraft and their trails)
    const scale = 256 * 2 ** m.getZoom(), origin = m.getPixelOrigin(), off = m.layerPointToContainerPoint([0, 0]);
    const ox = off.x - origin.x, oy = off.y - origin.y, K = 1 / (4 * Math.PI), R = Math.PI / 180;
    const X = (lon) => (scale * (lon + 180)) / 360 + ox;
    const Y = (lat) => { const s = Math.min(0.9999, Math.max(-0.9999, Math.sin(lat * R))); return scale * (0.5 - Math.log((1 + s) / (1 - s)) * K) + oy; };
    const me = state.session?.party, shown = [];
    for (const tr of state.tracks.values()) {
      const x = X(tr.lon), y = Y(tr.lat);
      if (x > -20 && y > -20 && x < W + 20 && y < H + 20) shown.push([tr, x, y]);
    }
    // labels and trails only where they can be read (as tar1090 draws trails of a chosen few):
    // a few hundred aircraft in view, or zoomed in
    const labels = shown.length <= 400 || m.getZoom() >= 8, trails = shown.length <= 1500 || m.getZoom() >= 8, s = 6;
    for (const own of [true, false]) { // per colour: the trails in one path, then the aircraft
      ctx.strokeStyle = own ? "rgba(20,80,160,.45)" : "rgba(160,20,40,.45)"; ctx.lineWidth = 1;
      ctx.beginPath();
      for (const [tr] of shown) {
        if (!trails || (tr.party === me) !== own || tr.trail.length < 2) continue;
        tr.trail.forEach(([la, lo], i) => (i ? ctx.lineTo(X(lo), Y(la)) : ctx.moveTo(X(lo), Y(la))));
      }
      ctx.stroke();
      ctx.fillStyle = own ? "#1450a0" : "#a01428";
      if (!trails) { // dense: a dot and a heading tick each (a rectangle and one path: far cheaper than shapes)
        ctx.strokeStyle = ctx.fillStyle; ctx.beginPath();
        for (const [tr, x, y] of shown) {
          if ((tr.party === me) !== own) continue;
          const a = tr.trk_deg * R;
          ctx.fillRect(x - 2, y - 2, 4, 4);
          ctx.moveTo(x, y); ctx.lineTo(x + 7 * Math.sin(a), y - 7 * Math.cos(a));
        }
        ctx.stroke();
        continue;
      }
      for (const [tr, x, y] of shown) { // a path each: one path of thousands of closed shapes builds slowly
        if ((tr.party === me) !== own) continue;
        const a = tr.trk_deg * R;
        ctx.beginPath();
        ctx.moveTo(x + s * Math.sin(a), y - s * Math.cos(a));
        ctx.lineTo(x + s * 0.6 * Math.sin(a + 2.4), y - s * 0.6 * Math.cos(a + 2.4));
        ctx.lineTo(x + s * 0.6 * Math.sin(a - 2.4), y - s * 0.6 * Math.cos(a - 2.4));
        ctx.fill();
      }
    }
    if (labels) {
      ctx.font = "11px system-ui, sans-serif"; ctx.fillStyle = "#111";
      for (const [tr, x, y] of shown) {
        ctx.fillText(tr.callsign, x + 8, y - 2);
        ctx.fillText(`${level(tr.alt_m)} ${speed(tr.gs_mps)}`, x + 8, y + 10);
      }
    }
    state.frames.push(performance.now() - t0);
    if (state.frames.length > 2000) state.frames.splice(0, 1000);
  },
});
layers.tracks = new TrackLayer().addTo(map);
state.layers = layers; state.map = map;

// -- the strategic picture -----------------------------------------------------------------
const pickTime = () => Date.now() / 1000 + state.offsetMin * 60;
const VOLUME_CLASS = { Proposed: "pending", Accepted: "pending", Activated: "active", Nonconforming: "active",
  Contingent: "active", Ended: "released" };
const VOLUME_COLOUR = { pending: "#d8a200", active: "#c4001a", released: "#8a949e" };
const live = (t0, t1, at) => t0 <= at && at <= t1;
function positionAt(wps, at) {
  for (let i = 0; i + 1 < wps.length; i++) {
    const a = wps[i], b = wps[i + 1], ta = epoch(a.time), tb = epoch(b.time);
    if (ta <= at && at <= tb) { const f = tb > ta ? (at - ta) / (tb - ta) : 0; return [a.lat + f * (b.lat - a.lat), a.lon + f * (b.lon - a.lon)]; }
  }
  return null;
}
function stretch(wps, t0, t1) { // the route flown between two times (the conflicting segment)
  const pts = [], p0 = positionAt(wps, t0), p1 = positionAt(wps, t1);
  if (p0) pts.push(p0);
  for (const w of wps) { const at = epoch(w.time); if (at > t0 && at < t1) pts.push([w.lat, w.lon]); }
  if (p1) pts.push(p1);
  return pts;
}
function boxes(item, style) {
  return item.extents.map((b) => L.rectangle([[b.lat_min, b.lon_min], [b.lat_max, b.lon_max]], style));
}
function outline(o, style) {
  if (o.type === "Circle") return L.circle([o.center[1], o.center[0]], { radius: o.radius_m, ...style });
  return L.polygon(o.coordinates[0].map(([lo, la]) => [la, lo]), style);
}
const shapes = new Map(); // "plan:ID" / "volume:ID" -> its shape on the map (kept apart from the API's data)
function drawStrategic() {
  const at = pickTime(), me = state.session?.party;
  for (const g of [layers.own, layers.other, layers.volumes, layers.conflicts]) g.clearLayers();
  shapes.clear();
  for (const p of state.plans) {
    const on = p.extents.some((b) => live(b.t_start, b.t_end, at)), op = on ? 1 : 0.3;
    if (p.party === me && p.plan) {
      const wps = p.plan.waypoints;
      const line = L.polyline(wps.map((w) => [w.lat, w.lon]), { color: "#1450a0", weight: 3, opacity: op }).addTo(layers.own);
      line.bindTooltip(`${t("plan", { id: p.id })} ${p.plan.callsign || ""} · ${p.state}`, { sticky: true });
      wps.forEach((w, i) => L.circleMarker([w.lat, w.lon], { radius: 3, color: "#1450a0", opacity: op, fillOpacity: op })
        .bindTooltip(`${i + 1}: ${level(altOf(w.alt))} · ${utc(epoch(w.time))} UTC`).addTo(layers.own));
      const here = positionAt(wps, at), flying = [...state.tracks.values()].some((x) => x.callsign === p.plan.callsign);
      if (here && !(flying && state.offsetMin === 0)) L.circleMarker(here, { radius: 6, color: "#1450a0", fillColor: "#fff", fillOpacity: 1, weight: 3 })
        .bindTooltip(p.plan.callsign || p.id, { permanent: true, direction: "right", className: "label" }).addTo(layers.own);
      shapes.set(`plan:${p.id}`, line);
    } else {
      const style = { color: "#55606b", weight: 1, dashArray: "4 4", fill: false, opacity: op };
      const group = L.featureGroup(boxes(p, style)).addTo(layers.other);
      group.bindTooltip(`${t("plan", { id: p.id })} ${t("of_party", { party: p.party })} · ${t("extents_only")}`, { sticky: true });
      for (const leg of p.conflicting_legs || [])
        L.polyline([[leg.from.lat, leg.from.lon], [leg.to.lat, leg.to.lon]], { color: "#c4001a", weight: 3, dashArray: "6 4" })
          .bindTooltip(`${t("conflicting_leg")} · ${p.id} · ${level(altOf(leg.from.alt))} · ${hm(epoch(leg.from.time))}–${hm(epoch(leg.to.time))} UTC`).addTo(layers.other);
      shapes.set(`plan:${p.id}`, group);
    }
  }
  for (const v of state.volumes) {
    const cls = VOLUME_CLASS[v.state] || "pending", colour = VOLUME_COLOUR[cls];
    const on = v.extents.some((b) => live(b.t_start, b.t_end, at)), op = on ? 0.9 : 0.3;
    const style = { color: colour, weight: 2, fillColor: colour, fillOpacity: on ? 0.18 : 0.05, opacity: op,
      dashArray: cls === "pending" ? "6 4" : null };
    const body = v.volume || v.conflicting_volume;
    const shape = body ? outline(body.outline, style) : L.featureGroup(boxes(v, { ...style, dashArray: "2 4" }));
    const band = body ? t("band", { lower: level(altOf(body.band.lower)), upper: level(altOf(body.band.upper)) }) : t("extents_only");
    const when = body ? t("window", { start: utc(epoch(body.window.start)), end: utc(epoch(body.window.end)) }) : "";
    const stateText = { pending: t("volume_pending"), active: t("volume_active"), released: t("volume_released") }[cls];
    shape.bindTooltip(`${t("volume", { id: v.id })} ${t("of_party", { party: v.party })} · ${stateText} · ${band} · ${when}`, { sticky: true });
    shape.addTo(layers.volumes); shapes.set(`volume:${v.id}`, shape);
  }
  for (const c of state.conflicts) {
    if (c.layer !== "strategic") continue;
    const t0 = epoch(c.start), t1 = epoch(c.end);
    for (const id of [c.plan_a, c.plan_b]) {
      const own = state.plans.find((p) => p.id === id && p.plan);
      if (own) L.polyline(stretch(own.plan.waypoints, t0, t1), { color: "#c4001a", weight: 6, opacity: 0.8 }).addTo(layers.conflicts);
    }
    if (c.closest_lat !== undefined)
      L.circleMarker([c.closest_lat, c.closest_lon], { radius: 7, color: "#c4001a", weight: 2, fillOpacity: 0.3 })
        .bindTooltip(conflictText(c)).addTo(layers.conflicts);
  }
  document.getElementById("slider-time").textContent = `${utc(at)} UTC`;
}

// -- lists -------------------------------------------------------------------------------
function conflictText(c) {
  if (c.layer === "tactical")
    return `${t("tactical")} · ${t("tier", { tier: c.tier })} · ${t("conflict_pair", { a: c.callsign_a, party_a: c.party_a, b: c.callsign_b, party_b: c.party_b })} · ${dist(c.min_horizontal_m)}`;
  return `${t("strategic")} · ${t("conflict_pair", { a: c.plan_a, party_a: c.party_a, b: c.plan_b, party_b: c.party_b })} · ` +
    `${t("window", { start: utc(epoch(c.start)), end: hm(epoch(c.end)) })} · ${t("closest", { h: dist(c.horizontal_m), v: level(c.vertical_m) })}`;
}
function renderConflicts() {
  const ol = document.getElementById("conflicts"); ol.replaceChildren();
  if (!state.conflicts.length) { const li = document.createElement("li"); li.textContent = t("no_conflicts"); ol.append(li); return; }
  for (const c of state.conflicts) {
    const li = document.createElement("li"); li.className = c.layer; li.textContent = conflictText(c);
    li.onclick = () => { if (c.closest_lat !== undefined) map.setView([c.closest_lat, c.closest_lon], Math.max(map.getZoom(), 8));
      else zoomToTrack(c.a, c.b); };
    ol.append(li);
  }
}
function noteLines(n) {
  const langs = state.lang === "both" ? ["en", "ru"] : [state.lang];
  return langs.map((l) => ({ l, short: n.text[l].short, full: n.text[l].full }));
}
const items = new Map(); // notification id -> its entry in the list
function renderNote(n) {
  const li = items.get(n.id) || document.createElement("li");
  li.className = `${n.severity}${n.fresh ? " new" : ""}`; li.dataset.id = n.id; li.replaceChildren();
  const when = document.createElement("div"); when.className = "when"; when.textContent = `${utc(n.at)} UTC · N-${n.id}`; li.append(when);
  for (const x of noteLines(n)) {
    for (const [k, v] of [["short", x.short], ["full", x.full]]) {
      const d = document.createElement("div"); d.className = `${k} ${x.l}`; d.textContent = v; li.append(d);
    }
  }
  if (n.ack && n.ack.at) {
    const d = document.createElement("div"); d.className = "acked"; d.textContent = t("acknowledged_by", { who: n.ack.by, time: `${utc(n.ack.at)} UTC` }); li.append(d);
  } else if (n.ack) {
    const b = document.createElement("button"); b.type = "button"; b.textContent = t("acknowledge");
    b.onclick = async (e) => { e.stopPropagation(); b.disabled = true;
      try { Object.assign(n, await (await api(`/v1/notifications/${n.id}/ack`, { method: "POST" })).json()); renderNote(n); }
      catch (err) { b.disabled = false; alertError(err); } };
    li.append(b);
  }
  if (n.escalated || n.type === "escalation") { const d = document.createElement("div"); d.className = "escalated"; d.textContent = t("escalated"); li.append(d); }
  li.onclick = () => zoomToNote(n);
  items.set(n.id, li);
  return li;
}
function noNotes() {
  const li = document.createElement("li"); li.className = "empty"; li.textContent = t("no_notifications");
  document.getElementById("alerts").replaceChildren(li);
}
function alertError(err) { window.alert(`${t("request_failed")}: ${detailText(err.detail) || err.message}`); }
const MAX_LISTED = 500;
function addNote(n, live) {
  const known = state.notes.get(n.id);
  if (known) { Object.assign(known, n); renderNote(known); return; }
  n.fresh = live; state.notes.set(n.id, n); state.lastNote = Math.max(state.lastNote, n.id);
  const ol = document.getElementById("alerts");
  ol.querySelector(".empty")?.remove();
  ol.prepend(renderNote(n));
  while (ol.children.length > MAX_LISTED) { items.delete(Number(ol.lastChild.dataset.id)); ol.lastChild.remove(); }
  if (live && (n.severity === "warning" || n.severity === "alert")) cue();
}
let audio = null;
function cue() {
  const el = document.getElementById("cue"); el.hidden = false; clearTimeout(el.timer); el.timer = setTimeout(() => { el.hidden = true; }, 6000);
  if (state.muted) return;
  try { // a short two-tone chime made here: no sound file to fetch
    audio = audio || new AudioContext();
    for (const [f, at] of [[880, 0], [660, 0.18]]) {
      const o = audio.createOscillator(), g = audio.createGain(); o.frequency.value = f; g.gain.value = 0.08;
      o.connect(g).connect(audio.destination); o.start(audio.currentTime + at); o.stop(audio.currentTime + at + 0.15);
    }
  } catch (e) { /* no audio device: the visual cue stays */ }
}
function zoomToNote(n) {
  const f = n.fields || {};
  if (typeof f.lat === "number" && typeof f.lon === "number") return map.setView([f.lat, f.lon], Math.max(map.getZoom(), 8));
  const shape = [n.subject, f.other].flatMap((id) => [shapes.get(`plan:${id}`), shapes.get(`volume:${id}`)]).find(Boolean);
  if (shape) return map.fitBounds(shape.getBounds(), { maxZoom: 9 });
  zoomToTrack(`${n.party}/${n.subject}`);
}
function zoomToTrack(...ids) {
  const pts = ids.map((id) => state.tracks.get(id)).filter(Boolean).map((x) => [x.lat, x.lon]);
  if (pts.length) map.fitBounds(L.latLngBounds(pts).pad(0.5), { maxZoom: 10 });
}

// The track list is virtualised: only the rows in view are in the page.
const ROW = 20;
function renderTrackList() {
  const box = document.getElementById("tracks"), spacer = document.getElementById("tracks-spacer");
  if (state.orderDirty) { // sorted again only when aircraft come or go
    state.order = [...state.tracks.values()].map((x) => [x.callsign, x.id]).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map((x) => x[1]);
    state.orderDirty = false;
  }
  const n = state.order.length;
  spacer.style.height = `${n * ROW}px`;
  const first = Math.floor(box.scrollTop / ROW), last = Math.min(n, first + Math.ceil(box.clientHeight / ROW) + 2);
  for (const el of [...box.querySelectorAll(".row")]) el.remove();
  for (let i = first; i < last; i++) {
    const r = state.tracks.get(state.order[i]);
    if (!r) continue;
    const el = document.createElement("div"); el.className = "row"; el.style.top = `${i * ROW}px`;
    for (const s of [r.callsign, level(r.alt_m), speed(r.gs_mps)]) { const c = document.createElement("span"); c.textContent = s; el.append(c); }
    el.onclick = () => zoomToTrack(r.id);
    box.append(el);
  }
  document.getElementById("tracks-count").textContent = t("tracks_count", { n: num(n) });
}
document.getElementById("tracks").addEventListener("scroll", () => requestAnimationFrame(renderTrackList));

let texts = { id: [], callsign: [], party: [] }; // as the worker sent them last (it omits them when unchanged)
function onTracks(doc) { // columns from the track worker: numbers in typed arrays, texts in arrays
  if (!doc.same) texts = { id: doc.id, callsign: doc.callsign, party: doc.party };
  const seen = doc.same ? null : new Set(), fresh = [], ids = texts.id;
  for (let i = 0; i < doc.n; i++) { // each aircraft's object is kept and updated in place
    const id = ids[i], time = doc.time[i];
    let x = state.tracks.get(id);
    if (!x) { x = { id, trail: [] }; state.tracks.set(id, x); state.orderDirty = true; }
    seen?.add(id);
    if (x.time === time) continue;
    x.time = time; x.callsign = texts.callsign[i]; x.party = texts.party[i]; x.lat = doc.lat[i]; x.lon = doc.lon[i];
    x.alt_m = doc.alt_m[i]; x.gs_mps = doc.gs_mps[i]; x.trk_deg = doc.trk_deg[i]; x.vs_mps = doc.vs_mps[i];
    x.trail.push([x.lat, x.lon]); if (x.trail.length > 8) x.trail.shift();
    fresh.push(time);
  }
  if (seen && seen.size !== state.tracks.size) // the same aircraft as before: none has gone
    for (const id of [...state.tracks.keys()]) if (!seen.has(id)) { state.tracks.delete(id); state.orderDirty = true; }
  state.alerts = doc.alerts;
  requestAnimationFrame(() => {
    layers.tracks.redraw(); drawAlerts(); renderTrackList();
    const drawn = Date.now() / 1000; // from each report's time to its drawing (read by `skypact bench map`)
    for (const at of fresh) state.drawLag.push(drawn - at);
    if (state.drawLag.length > 200000) state.drawLag.splice(0, 100000);
  });
  const tactical = state.conflicts.filter((c) => c.layer === "tactical").map((c) => `${c.a}|${c.b}|${c.tier}`).join();
  if (tactical !== doc.alerts.map((c) => `${c.a}|${c.b}|${c.tier}`).join()) refreshConflicts();
}
const TIER_COLOUR = { 1: "#d8a200", 2: "#e06c00", 3: "#c4001a" };
function drawAlerts() {
  layers.alerts.clearLayers();
  for (const a of state.alerts) {
    const p = state.tracks.get(a.a), q = state.tracks.get(a.b);
    if (p && q) L.polyline([[p.lat, p.lon], [q.lat, q.lon]], { color: TIER_COLOUR[a.tier] || "#c4001a", weight: 3, dashArray: a.tier === 1 ? "5 5" : null })
      .bindTooltip(conflictText({ layer: "tactical", ...a })).addTo(layers.alerts);
  }
}

// -- loading and following -------------------------------------------------------------------
async function refreshItems() {
  [state.plans, state.volumes] = await Promise.all([allPages("/v1/plans?limit=1000"), allPages("/v1/volumes?limit=1000")]);
  drawStrategic();
}
let conflictsBusy = null;
async function refreshConflicts() { // the current ones: strategic not yet over, and every live tactical alert
  if (conflictsBusy) return conflictsBusy;
  conflictsBusy = allPages("/v1/conflicts?limit=1000").then((all) => {
    const now = Date.now() / 1000;
    state.conflicts = all.filter((c) => c.layer === "tactical" || epoch(c.end) >= now);
    renderConflicts(); drawStrategic();
  }).finally(() => { conflictsBusy = null; });
  return conflictsBusy;
}
let refreshSoon = null;
function onNote(n) {
  addNote(n, n.at >= state.startedAt); // the catch-up after sign-in is history: no cue for it
  clearTimeout(refreshSoon); // a burst of notifications costs one reload of plans, volumes and conflicts
  refreshSoon = setTimeout(() => { refreshItems().catch(() => {}); refreshConflicts().catch(() => {}); }, 150);
}
async function start(session) {
  state.session = session; state.startedAt = Date.now() / 1000 - 2; session.schedule();
  document.getElementById("who").textContent = t("signed_in", { party: session.party, role: session.role });
  document.getElementById("signout").hidden = false;
  noNotes();
  await Promise.all([refreshItems(), refreshConflicts()]);
  const extent = L.latLngBounds([]); // open onto what the party has filed and what touches it
  for (const x of [...state.plans, ...state.volumes]) for (const b of x.extents) extent.extend([[b.lat_min, b.lon_min], [b.lat_max, b.lon_max]]);
  if (extent.isValid()) map.fitBounds(extent.pad(0.4), { maxZoom: 9 });
  follow("/v1/notifications/stream", (ev, n) => onNote(n), () => state.lastNote);
  followTracks();
  state.timers.push(setInterval(() => refreshConflicts().catch(() => {}), 10000));
}
function signOut(message) {
  for (const s of state.streams) { s.stop = true; s.abort?.abort(); }
  worker?.postMessage({ stop: true }); worker?.terminate(); worker = null; links.clear();
  for (const id of state.timers) clearInterval(id);
  clearTimeout(state.session?.renewTimer);
  Object.assign(state, { session: null, streams: [], timers: [], plans: [], volumes: [], conflicts: [], notes: new Map(),
    lastNote: 0 });
  state.tracks.clear(); state.order = []; items.clear(); noNotes(); renderConflicts(); drawStrategic(); layers.tracks.redraw();
  document.getElementById("who").textContent = ""; document.getElementById("signout").hidden = true;
  askSignIn(message || "");
}
function askSignIn(message) {
  const dlg = document.getElementById("signin");
  document.getElementById("signin-error").textContent = message;
  if (!dlg.open) dlg.showModal();
}
document.getElementById("signin-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const key = document.getElementById("key").value.trim(), secret = document.getElementById("secret").value;
  try {
    const s = await signIn(key, secret);
    document.getElementById("secret").value = "";
    document.getElementById("signin").close();
    await start(s);
  } catch (err) {
    document.getElementById("signin-error").textContent = `${t("sign_in_refused")}: ${detailText(err.detail) || err.message}`;
  }
});
document.getElementById("signout").onclick = () => signOut();

// -- controls ----------------------------------------------------------------------------
function rerender() {
  applyTexts(); tick(); buildLayerControl(); drawStrategic(); renderConflicts(); renderTrackList(); layers.tracks.redraw(); drawAlerts();
  for (const n of state.notes.values()) if (items.has(n.id)) renderNote(n);
  if (state.session) document.getElementById("who").textContent = t("signed_in", { party: state.session.party, role: state.session.role });
  document.getElementById("mute").textContent = state.muted ? t("unmute") : t("mute");
}
for (const [id, key] of [["lang", "lang"], ["units", "units"]]) {
  const el = document.getElementById(id); el.value = state[key];
  el.onchange = () => { state[key] = el.value; localStorage.setItem(`skypact.${key}`, el.value); rerender(); };
}
document.getElementById("mute").onclick = () => { state.muted = !state.muted; localStorage.setItem("skypact.muted", state.muted ? "1" : "0"); rerender(); };
const slider = document.getElementById("slider"), followBox = document.getElementById("follow");
slider.oninput = () => { state.offsetMin = Number(slider.value); followBox.checked = state.offsetMin === 0; drawStrategic(); };
followBox.onchange = () => { if (followBox.checked) { slider.value = 0; state.offsetMin = 0; drawStrategic(); } };
document.getElementById("now").onclick = () => { followBox.checked = true; followBox.onchange(); };
function tick() {
  document.getElementById("clock").textContent = `${utc(Date.now() / 1000)} ${t("utc")}`;
  if (followBox.checked && state.session) document.getElementById("slider-time").textContent = `${utc(pickTime())} UTC`;
}
setInterval(tick, 1000);
setInterval(() => { if (followBox.checked && state.session) drawStrategic(); }, 30000);

(async () => {
  state.S = await (await fetch("/ui/strings.json")).json();
  rerender();
  await basemap();
  buildLayerControl();
  askSignIn("");
})();
