"""``skypact bench map``: the operational picture under live traffic, in headless Chromium.

A ``skypact serve`` process on a fresh SQLite store; one party reports N aircraft once a second
(``POST /v1/tracks`` in batches of 2,000, under the 1 MB body limit, each report stamped with the
time it is sent) spread over Europe, flying straight; Debian's Chromium (driven by
Playwright, no browser download) opens the page, signs the party in and follows its track
stream.  Measured over ``seconds`` after a warm-up:

* **frame time** - the interval between consecutive animation frames of the page (p50/p95/max,
  ms): every piece of work on the page's main thread (reading the stream, parsing, drawing the
  tracks and the track list) lengthens it; 16.7 ms is an idle frame at 60 Hz.  As the tracks
  change once a second, most frames are idle: the **update frame** (the longest frame of each
  second, the one that took in that second's tracks) is the figure to hold to 50 ms;
* **track drawing** - the canvas redraw of all tracks alone (p50/p95, ms);
* **report to drawing** - from a report's time (stamped when sent) to the frame that drew it
  (p50/p99, s), through the server's picture and its once-a-second track stream;
* **page memory** - the page's JavaScript heap in use at the end (MB).

The server, the reporting client and the browser share this machine's cores, as they would on
a workstation that runs all three.
"""

from __future__ import annotations

import http.client
import json
import math
import os
import shutil
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

from skypact.benchmarks.machine import machine
from skypact.benchmarks.service import served

__all__ = ["CHROMIUM_ARGS", "chromium_path", "run"]

BATCH = 2000  #: tracks per request (about 190 bytes each: well under the 1 MB body limit)
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

_SAMPLER = """() => { const s = window.skypact; s.benchFrames = []; let last = performance.now();
  const tick = (now) => { s.benchFrames.push([now, now - last]); last = now;
                          if (!s.benchStop) requestAnimationFrame(tick); };
  requestAnimationFrame(tick); s.frames.length = 0; s.drawLag.length = 0; }"""
_READ = """() => { const s = window.skypact; s.benchStop = true;
  return { frames: s.benchFrames, draws: s.frames, lag: s.drawLag, tracks: s.tracks.size,
           heap: performance.memory ? performance.memory.usedJSHeapSize : null }; }"""


def chromium_path() -> str:
    """Debian's Chromium (``SKYPACT_CHROMIUM`` overrides)."""
    path = os.environ.get("SKYPACT_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).is_file():
        raise RuntimeError("no chromium found: apt install chromium (or set SKYPACT_CHROMIUM)")
    return path


class _Feed(threading.Thread):
    """N aircraft of one party, reported once a second until stopped."""

    def __init__(self, port: int, token: str, n: int, seed: int) -> None:
        super().__init__(daemon=True)
        rng = np.random.default_rng(seed)
        self.port, self.token, self.n = port, token, n
        self.lat = rng.uniform(38.0, 62.0, n)
        self.lon = rng.uniform(-8.0, 28.0, n)
        self.trk = rng.uniform(0.0, 360.0, n)
        self.gs = rng.uniform(200.0, 480.0, n)  # kt
        self.alt = rng.integers(100, 400, n) * 100.0  # ft
        self.stop = threading.Event()
        self.post_ms: list[float] = []
        self.errors: list[str] = []

    def run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        step = 0
        while not self.stop.is_set():
            now = time.time()
            d = self.gs * 1852.0 / 3600.0 * step / 111_320.0  # degrees flown so far (flat, enough for a load)
            lat = np.clip(self.lat + d * np.cos(np.radians(self.trk)), -85, 85)
            lon = (self.lon + d * np.sin(np.radians(self.trk)) / np.cos(np.radians(lat)) + 180) % 360 - 180
            stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now % 1 * 1e6):06d}Z"
            for lo in range(0, self.n, BATCH):
                hi = min(self.n, lo + BATCH)
                body = json.dumps({"tracks": [
                    {"id": f"T{i:05d}", "callsign": f"BNC{i:05d}", "time": stamp, "lat": round(float(lat[i]), 5),
                     "lon": round(float(lon[i]), 5), "alt_ft": float(self.alt[i]), "gs_kt": float(self.gs[i]),
                     "trk_deg": float(self.trk[i]), "vs_fpm": 0.0} for i in range(lo, hi)]})
                t = time.perf_counter()
                conn.request("POST", "/v1/tracks", body=body, headers={"Authorization": f"Bearer {self.token}",
                                                                      "Content-Type": "application/json"})
                resp = conn.getresponse()
                data = resp.read()
                self.post_ms.append(1e3 * (time.perf_counter() - t))
                if resp.status != 200:
                    self.errors.append(f"{resp.status} {data[:200]!r}")
            step += 1
            self.stop.wait(max(0.0, 1.0 - (time.time() - now)))
        conn.close()


def _q(xs: list[float], p: float) -> float:
    return float(np.percentile(np.asarray(xs, dtype=float), p)) if xs else math.nan


def run_one(tracks: int, seconds: float, warmup_s: float = 10.0, seed: int = 1) -> dict[str, Any]:
    """One size: the page following ``tracks`` live aircraft for ``seconds``."""
    from playwright.sync_api import sync_playwright

    with served(1) as srv:
        (kid, secret), token = srv.credentials[0], srv.tokens[0]
        feed = _Feed(srv.port, token, tracks, seed)
        feed.start()
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1400, "height": 860})
                outside: list[str] = []
                base = f"http://127.0.0.1:{srv.port}/"
                page.on("request", lambda r: None if r.url.startswith(base) else outside.append(r.url))
                page.goto(base)
                page.fill("#key", kid)
                page.fill("#secret", secret)
                page.click("#signin-form button[type=submit]")
                try:
                    page.wait_for_function(f"() => window.skypact.tracks.size >= {tracks}", timeout=120_000)
                except Exception as e:
                    raise RuntimeError(f"the page did not show {tracks} tracks in 120 s; feed errors: "
                                       f"{feed.errors[:3]}") from e
                time.sleep(warmup_s)
                page.evaluate(_SAMPLER)
                time.sleep(seconds)
                got = page.evaluate(_READ)
                browser.close()
        finally:
            feed.stop.set()
            feed.join(timeout=30)
    stamped, draws, lag = got["frames"], got["draws"], got["lag"]
    frames = [d for _, d in stamped]
    worst: dict[int, float] = {}  # the longest frame of each second: the one that took in that second's update
    for at, d in stamped:
        worst[int(at // 1000)] = max(worst.get(int(at // 1000), 0.0), d)
    update = list(worst.values())
    return {"tracks": tracks, "seconds": seconds, "tracks_on_page": got["tracks"],
            "frame_ms_p50": round(_q(frames, 50), 1), "frame_ms_p95": round(_q(frames, 95), 1),
            "frame_ms_max": round(max(frames, default=math.nan), 1), "frames": len(frames),
            "update_frame_ms_p50": round(_q(update, 50), 1), "update_frame_ms_p95": round(_q(update, 95), 1),
            "draw_ms_p50": round(_q(draws, 50), 1), "draw_ms_p95": round(_q(draws, 95), 1),
            "report_to_draw_s_p50": round(_q(lag, 50), 3), "report_to_draw_s_p99": round(_q(lag, 99), 3),
            "reports_drawn": len(lag), "heap_mb": None if got["heap"] is None else round(got["heap"] / 1e6, 1),
            "post_ms_p50": round(_q(feed.post_ms, 50), 1), "errors": feed.errors[:5],
            "requests_to_other_hosts": outside}


def run(sizes: tuple[int, ...] = (5000, 10000), seconds: float = 30.0, seed: int = 1,
        step: Any = None) -> dict[str, Any]:
    """Every size in turn (a fresh server and browser each)."""
    out = []
    for n in sizes:
        if step:
            step(f"{n} tracks: {seconds:g} s in headless Chromium…")
        out.append(run_one(n, seconds, seed=seed))
    return {"runs": out, "machine": machine(), "browser": chromium_path()}
