"""A synthetic day of traffic, written as a recording in the OpenSky / ``traffic`` layout.

Flights over a 40-60° N, 5° W-25° E box along great circles at 400-480 kt, each at one flight
level (FL290-FL410) for 30-180 minutes, started so that about ``airborne`` aircraft fly at any
moment of the day (3,300 by default: never fewer than 3,000).  Each reports every ``interval_s``
seconds at its own phase, barometric altitude in 25 ft steps, like ADS-B.  Some dirt is mixed
in as real recordings have it: about one aircraft in 500 freezes its position for 40 s while
moving on, and one report in 20,000 has an altitude spike of 2,000-5,000 ft.  The file is
written in ten-minute row groups as it is made (streamed, never held in memory).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from skypact.geo.geodesy import forward
from skypact.units import KT

__all__ = ["SCHEMA", "write_day"]

SCHEMA = pa.schema([("timestamp", pa.float64()), ("icao24", pa.string()), ("callsign", pa.string()),
                    ("latitude", pa.float64()), ("longitude", pa.float64()), ("altitude", pa.float64()),
                    ("groundspeed", pa.float64()), ("track", pa.float64()), ("vertical_rate", pa.float64()),
                    ("onground", pa.bool_())])
T0 = 1_780_272_000.0  # 2026-06-01T00:00:00Z


def _flights(rng: np.random.Generator, hours: float, airborne: int) -> dict[str, np.ndarray]:
    mean_dur, max_dur = 105 * 60.0, 180 * 60.0
    n = int(airborne * (hours * 3600 + max_dur) / mean_dur)  # started from max_dur before: steady from 0
    dur = rng.uniform(30 * 60, max_dur, n)
    start = rng.uniform(-max_dur, hours * 3600, n)
    speed = rng.uniform(400, 480, n) * KT
    lat0, lon0 = rng.uniform(40, 60, n), rng.uniform(-5, 25, n)
    az = rng.uniform(0, 360, n)
    level = rng.integers(29, 42, n) * 1000.0
    freeze = rng.uniform(0, 1, n) < 0.002
    return {"start": start, "end": start + dur, "speed": speed, "lat0": lat0, "lon0": lon0, "az": az,
            "level": level, "freeze_at": np.where(freeze, start + rng.uniform(0, 1, n) * dur, np.inf),
            "phase": rng.uniform(0, 1, n)}


def write_day(path: str | Path, hours: float = 24.0, airborne: int = 3300, interval_s: float = 10.0, seed: int = 1,
              progress: Callable[[float, float], None] | None = None) -> dict[str, float]:
    """Write the recording; returns rows, flights, and the fewest and most aircraft airborne at
    once (sampled every ten minutes)."""
    rng = np.random.default_rng(seed)
    f = _flights(rng, hours, airborne)
    n = len(f["start"])
    icao = np.array([f"{0x400000 + i:06x}" for i in range(n)])
    calls = np.array([f"SKY{i:05d}" for i in range(n)])
    rows, peak, least = 0, 0, n
    span = hours * 3600.0
    with pq.ParquetWriter(str(path), SCHEMA, compression="zstd") as out:
        for w0 in np.arange(0.0, span, 600.0):
            w1 = min(w0 + 600.0, span)
            live = np.flatnonzero((f["start"] < w1) & (f["end"] > w0))
            now = int(np.sum((f["start"] <= w0) & (f["end"] > w0)))
            peak, least = max(peak, now), min(least, now)
            k = np.ceil((np.maximum(f["start"][live], w0) - f["phase"][live] * interval_s) / interval_s)
            last = np.floor((np.minimum(f["end"][live], w1 - 1e-6) - f["phase"][live] * interval_s) / interval_s)
            cnt = np.maximum(last - k + 1, 0).astype(np.int64)
            ac = np.repeat(live, cnt)
            first = np.repeat(np.cumsum(cnt) - cnt, cnt)
            t = (np.repeat(k, cnt) + np.arange(len(ac)) - first + f["phase"][ac]) * interval_s
            moved = np.minimum(t, f["freeze_at"][ac])
            moved = np.where((t > f["freeze_at"][ac] + 40.0), t, moved)  # the frozen 40 s end
            dist = (moved - f["start"][ac]) * f["speed"][ac]
            lat, lon, trk = forward(f["lat0"][ac], f["lon0"][ac], f["az"][ac], dist)
            alt_ft = f["level"][ac] + rng.normal(0, 8, len(ac))
            spikes = rng.uniform(0, 1, len(ac)) < 5e-5
            alt_ft = np.where(spikes, alt_ft + rng.choice([-1, 1], len(ac)) * rng.uniform(2000, 5000, len(ac)),
                              alt_ft)
            alt_ft = np.round(alt_ft / 25.0) * 25.0
            order = np.argsort(t, kind="stable")
            batch = pa.table({"timestamp": T0 + t[order], "icao24": icao[ac][order], "callsign": calls[ac][order],
                              "latitude": lat[order], "longitude": lon[order], "altitude": alt_ft[order],
                              "groundspeed": (f["speed"][ac] / KT)[order], "track": (trk % 360.0)[order],
                              "vertical_rate": np.zeros(len(ac)), "onground": np.zeros(len(ac), dtype=bool)},
                             schema=SCHEMA)
            out.write_table(batch)
            rows += len(ac)
            if progress is not None:
                progress(w1, span)
    return {"rows": float(rows), "flights": float(n), "least_airborne": float(least), "most_airborne": float(peak)}


def encounter_rows(icao: str, callsign: str, lat: float, lon: float, az: float, speed_kt: float, alt_ft: float,
                   t_start: float, seconds: float, interval_s: float = 1.0) -> list[dict[str, object]]:
    """Reports of one aircraft flying a great circle from (lat, lon) on ``az`` at one level."""
    t = np.arange(0.0, seconds + 1e-9, interval_s)
    la, lo, tr = forward(np.full(len(t), lat), np.full(len(t), lon), np.full(len(t), az), t * speed_kt * KT)
    return [{"timestamp": t_start + float(ti), "icao24": icao, "callsign": callsign, "latitude": float(a),
             "longitude": float(b), "altitude": alt_ft, "groundspeed": speed_kt, "track": float(c) % 360.0,
             "vertical_rate": 0.0, "onground": False} for ti, a, b, c in zip(t, la, lo, tr, strict=True)]

