"""Replay against a synthetic recording whose losses of separation are known: counted and timed
by an independent oracle (pyproj geodesic distances between linearly interpolated reports, every
0.05 s), with strict minima, ground aircraft left out and the quality flags."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pyproj import Geod

from skypact.surveillance.recording import read_recording
from skypact.surveillance.replay import ReplaySettings, replay
from skypact.surveillance.synthetic import encounter_rows, write_day
from skypact.units import FT, NM

T0 = 1_780_300_000.0
GEOD = Geod(ellps="WGS84")
CENTRE = (50.0, 8.0)


def _head_on(a: str, b: str, alt_a: float, alt_b: float, offset_nm: float, t_start: float) -> list[dict[str, Any]]:
    """Two aircraft 120 km apart flying at each other at 450 kt, ``offset_nm`` apart sideways."""
    lo, la, _ = GEOD.fwd(CENTRE[1], CENTRE[0], 270.0, 60_000.0)
    lb_lon, lb_lat, _ = GEOD.fwd(CENTRE[1], CENTRE[0], 90.0, 60_000.0)
    lb_lon, lb_lat, _ = GEOD.fwd(lb_lon, lb_lat, 0.0, offset_nm * NM)
    return (encounter_rows(a, f"C{a}", la, lo, 90.0, 450.0, alt_a, t_start, 300.0)
            + encounter_rows(b, f"C{b}", lb_lat, lb_lon, 270.0, 450.0, alt_b, t_start, 300.0))


def _recording(tmp: Path) -> tuple[Path, list[dict[str, Any]]]:
    rows: list[dict[str, Any]] = []
    rows += _head_on("a00001", "b00001", 35000, 35000, 2.0, T0)  # a loss
    rows += _head_on("a00002", "b00002", 33000, 33975, 1.0, T0 + 1000)  # a loss: 975 ft, one level apart
    rows += _head_on("a00003", "b00003", 31000, 32000, 0.5, T0 + 2000)  # exactly 1000 ft: separated
    rows += _head_on("a00004", "b00004", 29000, 29000, 6.0, T0 + 3000)  # 6 NM: separated
    frozen = _head_on("a00005", "b00005", 27000, 27000, 3.0, T0 + 4000)  # a loss on a frozen track
    first = next(r for r in frozen if r["icao24"] == "b00005" and r["timestamp"] >= T0 + 4230)
    for r in frozen:
        if r["icao24"] == "b00005" and T0 + 4230 <= r["timestamp"] <= T0 + 4250:
            r["latitude"], r["longitude"] = first["latitude"], first["longitude"]
    rows += frozen
    ground = encounter_rows("c00001", "GND1", CENTRE[0], CENTRE[1], 0.0, 5.0, 35000, T0 + 100, 100.0)
    for r in ground:
        r["onground"] = True  # on the ground: never part of a loss, whatever its reported altitude
    rows += ground
    path = tmp / "known.csv"
    with path.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(sorted(rows, key=lambda r: r["timestamp"]))
    return path, rows


def _oracle(rows: list[dict[str, Any]], a: str, b: str) -> list[tuple[float, float]]:
    """Loss intervals of a pair: positions interpolated linearly between reports every 0.05 s."""
    def track(k: str) -> tuple[np.ndarray, ...]:
        rs = sorted((r for r in rows if r["icao24"] == k), key=lambda r: r["timestamp"])
        return tuple(np.array([r[c] for r in rs], dtype=float) for c in ("timestamp", "latitude", "longitude",
                                                                          "altitude"))
    ta, la, oa, aa = track(a)
    tb, lb, ob, ab = track(b)
    t = np.arange(max(ta[0], tb[0]), min(ta[-1], tb[-1]), 0.05)
    _, _, h = GEOD.inv(np.interp(t, ta, oa), np.interp(t, ta, la), np.interp(t, tb, ob), np.interp(t, tb, lb))
    v = np.abs(np.interp(t, ta, aa) - np.interp(t, tb, ab))
    inside = (np.asarray(h) < 5 * NM) & (v < 1000 - 1e-9)
    edges = np.flatnonzero(np.diff(inside.astype(int)))
    spans, start = [], t[0] if inside[0] else None
    for e in edges:
        if inside[e + 1]:
            start = t[e + 1]
        else:
            spans.append((start, t[e]))
    return spans


def test_losses_match_the_oracle_in_count_and_time(tmp_path: Path) -> None:
    path, rows = _recording(tmp_path)
    rec = read_recording(path)
    assert rec.dropped == 101  # the ground aircraft's reports
    res = replay(rec, ReplaySettings(lookahead_s=120.0))
    found = {(rec.icao24[e.a], rec.icao24[e.b]): e for e in res.losses}
    expected = {}
    for k in range(1, 6):
        spans = _oracle(rows, f"a{k:05d}", f"b{k:05d}")
        if spans:
            expected[(f"a{k:05d}", f"b{k:05d}")] = spans
    assert set(found) == set(expected) == {("a00001", "b00001"), ("a00002", "b00002"), ("a00005", "b00005")}
    for pair, spans in expected.items():
        assert len(spans) == 1
        (s, e), ev = spans[0], found[pair]
        assert abs(ev.start - s) <= 1.0 and abs(ev.end - e) <= 1.0, (pair, ev.start - s, ev.end - e)
    assert found[("a00001", "b00001")].quality == []
    assert abs(found[("a00001", "b00001")].min_h / NM - 2.0) < 0.01
    assert found[("a00002", "b00002")].quality == ["one_level_apart"]
    assert "frozen_position" in found[("a00005", "b00005")].quality
    # every loss was warned of, well ahead (120 s look-ahead, closing at 900 kt)
    for ev in res.losses:
        warned = [a for a in res.alerts if (a.a, a.b) == (ev.a, ev.b) and a.outcome == "warned"]
        assert warned and warned[0].lead_s is not None and warned[0].lead_s > 60
    # the pair exactly 1000 ft apart and the pair 6 NM apart: no loss; were they alerted, falsely?
    false = {(rec.icao24[a.a], rec.icao24[a.b]) for a in res.alerts if a.outcome == "false"}
    assert ("a00003", "b00003") not in false  # 1000 ft apart level: never predicted in loss


def test_altitude_glitch_is_flagged(tmp_path: Path) -> None:
    rows = _head_on("a00009", "b00009", 35000, 35000, 1.0, T0)
    for r in rows:
        if r["icao24"] == "b00009" and r["timestamp"] == T0 + 240:
            r["altitude"] = 39000  # one spike
    path = tmp_path / "glitch.csv"
    with path.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    rec = read_recording(path)
    (ev,) = replay(rec).losses
    assert ev.quality == ["altitude_glitch"]


def test_replay_command_writes_both_files(tmp_path: Path) -> None:
    path, _ = _recording(tmp_path)
    exe = Path(sys.executable).with_name("skypact")
    r = subprocess.run([str(exe), "replay", str(path), "-o", str(tmp_path / "out"), "--no-progress"],
                       capture_output=True, text=True, check=True)
    assert "3 losses" in r.stdout and "потер" in r.stdout
    with (tmp_path / "out" / "losses.csv").open() as fh:
        losses = list(csv.DictReader(fh))
    assert [x["quality"] for x in losses] == ["ok", "one_level_apart", "frozen_position"]
    assert losses[0]["icao24_a"] == "a00001" and losses[0]["callsign_b"] == "Cb00001"
    with (tmp_path / "out" / "alerts.csv").open() as fh:
        alerts = list(csv.DictReader(fh))
    assert {a["outcome"] for a in alerts} <= {"warned", "late", "false"} and alerts


@pytest.mark.parametrize("hours", [0.2])
def test_the_synthetic_day_keeps_3000_aircraft_airborne(tmp_path: Path, hours: float) -> None:
    stats = write_day(tmp_path / "day.parquet", hours=hours, airborne=3300, interval_s=10.0)
    assert stats["least_airborne"] >= 3000
    rec = read_recording(tmp_path / "day.parquet")
    assert len(rec) == stats["rows"] and np.all(np.diff(rec.t[rec.ac == rec.ac[0]]) > 0)
    steps = rec.alt / FT / 25.0
    assert np.allclose(steps, np.round(steps), atol=1e-6)  # barometric altitudes in 25 ft steps
