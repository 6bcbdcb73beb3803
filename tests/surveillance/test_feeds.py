"""Feeds: SBS lines and Mode S Beast frames decoded against published ADS-B examples (J. Sun,
*The 1090 Megahertz Riddle*, 2nd ed.: identification, airborne position from a CPR pair, airborne
velocity, surface position), positions to 1e-4 degree."""

from __future__ import annotations

from pathlib import Path

import pytest

from skypact.surveillance.feeds import BeastFrames, ModeS, SbsDecoder, beast_escape, read_source

EVEN, ODD = "8D40621D58C382D690C8AC2863A7", "8D40621D58C386435CC412692AD6"  # -> 52.2572, 3.91937, 38,000 ft
VELOCITY = "8D485020994409940838175B284F"  # -> 159 kt, 182.88 deg, -832 ft/min
IDENT = "8D4840D6202CC371C32CE0576098"  # -> KLM1023
SURFACE = ("8C4841753AAB238733C8CD4020B1", "8C4841753A8A35323FAEBDAC702D")  # ref 51.99, 4.375 -> 52.32061, 4.73473


def _beast(frames: list[tuple[float, str]]) -> bytes:
    """A Beast stream; the counters include 0x1a bytes, which must come through escaped."""
    out = b""
    for t, msg in frames:
        raw = bytes.fromhex(msg)
        out += beast_escape(0x33 if len(raw) == 14 else 0x32, int(t * 12e6) | 0x1A, 0x1A, raw)
    return out


def test_beast_frames_unescape_and_split_anywhere() -> None:
    data = _beast([(1.0, ODD), (3.0, EVEN), (3.5, "5D484FDEA248F5")]) + bytes([0x1A, 0x31]) + b"\x00" * 9
    for cut in range(1, len(data)):  # a stream cut at any byte gives the same frames
        fr = BeastFrames()
        got = fr.feed(data[:cut]) + fr.feed(data[cut:])
        assert [m for _, m in got] == [ODD, EVEN, "5D484FDEA248F5"], cut
    assert BeastFrames().feed(data)[0][0] == int(1.0 * 12e6) | 0x1A


def test_published_frames_decode_to_the_published_values(tmp_path: Path) -> None:
    path = tmp_path / "feed.beast"
    path.write_bytes(_beast([(0.0, IDENT), (1.0, VELOCITY), (10.0, ODD), (12.0, EVEN)]))
    reports = list(read_source(str(path), "beast", start_time=1_780_000_000.0))
    assert reports, "no position decoded"
    r = reports[-1]
    assert r.icao24 == "40621d" and r.altitude == 38000 and not r.onground
    assert r.latitude == pytest.approx(52.2572, abs=1e-4) and r.longitude == pytest.approx(3.91937, abs=1e-4)
    assert r.timestamp in (1_780_000_010.0, 1_780_000_012.0)
    m = ModeS()
    m.feed(VELOCITY, 0.0)
    m.feed(IDENT, 0.0)
    assert m._state["485020"]["gs"] == 159 and m._state["485020"]["trk"] == pytest.approx(182.88, abs=0.01)
    assert m._state["485020"]["vs"] == -832 and m._state["4840d6"]["callsign"] == "KLM1023"


def test_surface_position_needs_the_receiver() -> None:
    m = ModeS(receiver=(51.99, 4.375))
    out = m.feed(SURFACE[0], 0.0) + m.feed(SURFACE[1], 2.0) + m.flush()
    assert out and out[-1].onground
    assert out[-1].latitude == pytest.approx(52.32061, abs=1e-4)
    assert out[-1].longitude == pytest.approx(4.73473, abs=1e-4)


def test_sbs_lines() -> None:
    dec = SbsDecoder()
    assert dec.feed("MSG,1,1,1,4CA2D6,1,2026/06/01,12:00:00.000,2026/06/01,12:00:00.000,RYR4TL,,,,,,,,,,,0") is None
    assert dec.feed("MSG,4,1,1,4CA2D6,1,2026/06/01,12:00:00.500,2026/06/01,12:00:00.500,,,452,87.5,,,-64,,,,,0") \
        is None
    r = dec.feed("MSG,3,1,1,4CA2D6,1,2026/06/01,12:00:01.250,2026/06/01,12:00:01.250,,37000,,,53.41234,-6.27019,,,"
                 "0,0,0,0")
    assert r is not None and (r.icao24, r.callsign, r.altitude, r.groundspeed, r.track, r.vertical_rate) == (
        "4ca2d6", "RYR4TL", 37000.0, 452.0, 87.5, -64.0)
    assert (r.latitude, r.longitude, r.onground) == (53.41234, -6.27019, False)
    assert r.timestamp == 1_780_315_201.25
    assert dec.feed("MSG,3,1,1,4CA2D6,1,2026/06/01,12:00:02.000,,,,,,,,,,,,,,-1") is None  # no position
    assert dec.feed("garbage") is None


SBS_LINES = [
    "MSG,1,1,1,4CA2D6,1,2026/06/01,12:00:00.000,2026/06/01,12:00:00.000,RYR4TL,,,,,,,,,,,0",
    "MSG,4,1,1,4CA2D6,1,2026/06/01,12:00:00.500,2026/06/01,12:00:00.500,,,452,87.5,,,-64,,,,,0",
    "MSG,3,1,1,4CA2D6,1,2026/06/01,12:00:01.000,2026/06/01,12:00:01.000,,37000,,,53.41234,-6.27019,,,0,0,0,0",
    "MSG,3,1,1,4CA2D6,1,2026/06/01,12:00:05.000,2026/06/01,12:00:05.000,,37000,,,53.41250,-6.26000,,,0,0,0,0",
    "MSG,3,1,1,3C6586,1,2026/06/01,12:00:02.000,2026/06/01,12:00:02.000,,0,,,53.42130,-6.27000,,,0,0,0,-1",
]


def test_ingest_command_writes_a_recording(tmp_path: Path) -> None:
    import subprocess
    import sys

    from skypact.surveillance.recording import read_recording

    feed = tmp_path / "feed.sbs"
    feed.write_text("\n".join(SBS_LINES) + "\n")
    exe = Path(sys.executable).with_name("skypact")
    r = subprocess.run([str(exe), "ingest", str(feed), "--format", "sbs", "-o", str(tmp_path / "rec.parquet")],
                       capture_output=True, text=True, check=True)
    assert "3 reports" in r.stdout
    rec = read_recording(tmp_path / "rec.parquet")
    assert len(rec) == 2 and rec.dropped == 1  # the aircraft on the ground is left out
    assert rec.icao24 == ["4ca2d6", "3c6586"] and rec.callsign[0] == "RYR4TL"
