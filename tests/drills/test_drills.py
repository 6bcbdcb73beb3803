"""Drills through the whole service on a virtual clock: the shipped near miss scores "warned on
time" for both parties; the same drill with SOUTH's feed 90 s late scores "late"; the report is
written in English and Russian with its two plots; a bad drill file is refused in both languages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from skypact.drills.model import load_drill
from skypact.drills.report import write_report
from skypact.drills.run import run_drill
from skypact.errors import FormatError

EXAMPLES = Path(__file__).parents[2] / "examples" / "drills"


def test_a_scripted_near_miss_is_warned_on_time(tmp_path: Path) -> None:
    r = run_drill(load_drill(EXAMPLES / "near-miss.yaml"))
    assert len(r.losses) == 1 and {r.losses[0]["a"], r.losses[0]["b"]} == {"N1", "S1"}
    assert [(w["party"], w["verdict"]) for w in r.warnings] == [("NORTH", "on_time"), ("SOUTH", "on_time")]
    assert all(w["lead_s"] >= 60 for w in r.warnings) and r.score == 100.0 and r.passed
    assert r.counts["false"] == 0  # N2 never comes near: no alert about it
    s = r.summary()
    # NORTH acknowledges after 15 s; SOUTH never does, so its alerts escalate
    assert s["acknowledgements"]["median_s"] == 15.0 and s["escalations"] >= 1
    js, page = write_report(r, tmp_path)
    assert json.loads(js.read_text())["score"] == 100.0
    text = page.read_text()
    assert "warned on time" in text and "предупреждение вовремя" in text and text.count("data:image/png") == 2


def test_the_same_drill_with_a_90_s_feed_delay_is_late() -> None:
    r = run_drill(load_drill(EXAMPLES / "near-miss-delayed.yaml"))
    verdicts = {w["party"]: w["verdict"] for w in r.warnings}
    assert "late" in verdicts.values() and not r.passed and r.score < 100.0
    assert all(v in ("late", "missed") for v in verdicts.values())


def test_bad_drill_files_are_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("drill: X\nstart: 2026-06-01T08:00:00Z\nduration_s: 60\nparties: [{name: A}]\n"
                   "aircraft: [{id: Z, party: NOBODY, lat: 0, lon: 0, speed_kt: 1, alt_ft: 1}]\n")
    with pytest.raises(FormatError):
        load_drill(bad)
    exe = Path(sys.executable).with_name("skypact")
    r = subprocess.run([str(exe), "drill", "run", str(bad), "--no-progress"], capture_output=True, text=True)
    assert r.returncode == 2 and "NOBODY" in r.stderr and "неизвестная сторона" in r.stderr


def test_a_drill_from_a_recording_window_with_dropped_reports(tmp_path: Path) -> None:
    import csv

    from tests.surveillance.test_replay import _head_on

    rows = _head_on("a00001", "b00001", 35000, 35000, 1.0, 1_780_300_000.0)
    with (tmp_path / "rec.csv").open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    (tmp_path / "drill.yaml").write_text(
        "drill: REC-1\nstart: 2026-06-01T08:00:00Z\nduration_s: 300\n"
        "parties: [{name: EAST, ack_after_s: 5}, {name: WEST, ack_after_s: 5}]\n"
        "recording: {file: rec.csv, start: 2026-06-01T07:46:40Z, party: EAST, parties_by_icao: {b00001: WEST}}\n"
        "faults: [{party: WEST, drop_from_s: 100, drop_to_s: 200}]\n"
        "expect: [{warned: [EAST, WEST], at_least_s: 60}]\n")
    r = run_drill(load_drill(tmp_path / "drill.yaml"))
    assert len(r.losses) == 1 and {r.losses[0]["a"], r.losses[0]["b"]} == {"a00001", "b00001"}
    verdicts = {w["party"]: w["verdict"] for w in r.warnings}
    # WEST's reports are lost from 100 s to 200 s, just before the alert would have come (at about
    # 119 s; loss of separation at 239 s): its last report is not extrapolated beyond 15 s, so the
    # alert comes when its reports resume (200 s): late for both; WEST's feed is reported lost
    assert verdicts == {"EAST": "late", "WEST": "late"}
    assert all(35 < w["lead_s"] < 45 for w in r.warnings)
    assert any(d.type == "feed-lost" and d.fields["party"] == "WEST" for d in r.deliveries)
