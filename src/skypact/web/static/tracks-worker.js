/* skypact: the live track stream, read and parsed off the page's main thread.
 *
 * The page sends {start: path, token} and later {token} when it renews its token, or {stop: true}.
 * Each `tracks` event of the stream (about 1 MB a second for 5,000 aircraft) is parsed here and
 * handed to the page as columns: numbers in transferred Float64Arrays (no copy), texts as arrays,
 * sent again only when the aircraft or their order change (`same`: as in the last event).
 * The page is told {link: true|false} as the stream comes and goes; it reconnects by itself.
 */
"use strict";
importScripts("/static/sse.js");
let token = null, stopped = false, abort = null;
const NUMBERS = ["time", "lat", "lon", "alt_m", "gs_mps", "trk_deg", "vs_mps"], TEXTS = ["id", "callsign", "party"];

onmessage = (e) => {
  if (e.data.token) token = e.data.token;
  if (e.data.stop) { stopped = true; abort?.abort(); }
  if (e.data.start) follow(e.data.start);
};

let last = null; // the texts sent last: when the same aircraft come in the same order, they are not sent again
function columns(doc) {
  const at = Object.fromEntries(doc.columns.map((c, i) => [c, i])), n = doc.tracks.length, out = { n, time: doc.time, alerts: doc.alerts };
  for (const c of NUMBERS) { const a = new Float64Array(n), k = at[c]; doc.tracks.forEach((r, i) => { a[i] = r[k]; }); out[c] = a; }
  const texts = Object.fromEntries(TEXTS.map((c) => [c, doc.tracks.map((r) => r[at[c]])]));
  out.same = last !== null && TEXTS.every((c) => texts[c].length === last[c].length && texts[c].every((v, i) => v === last[c][i]));
  if (!out.same) Object.assign(out, texts);
  last = texts;
  return out;
}

async function follow(path) {
  for (let wait = 500; !stopped;) {
    try {
      abort = new AbortController();
      const r = await fetch(path, { headers: { Authorization: `Bearer ${token}`, Accept: "text/event-stream" }, signal: abort.signal });
      if (r.status === 401) { postMessage({ renew: true }); throw new Error("401"); }
      if (!r.ok || !r.body) throw new Error(String(r.status));
      postMessage({ link: true }); wait = 500;
      await readEvents(r, (event, data) => {
        if (event !== "tracks") return;
        const cols = columns(JSON.parse(data));
        postMessage({ tracks: cols }, NUMBERS.map((c) => cols[c].buffer));
      });
    } catch (err) { if (stopped) return; }
    last = null; // a new connection: the page gets every text again
    postMessage({ link: false });
    await new Promise((ok) => setTimeout(ok, wait)); wait = Math.min(wait * 2, 8000);
  }
}
