"""Live surveillance feeds: SBS/BaseStation text (the port-30003 format) and Mode S Beast binary,
decoded into track reports in the recording layout (:mod:`skypact.surveillance.recording`).

**SBS.**  Comma-separated ``MSG`` lines: type 1 gives the call sign, 2 and 3 a position (surface,
airborne) with the altitude, 4 the ground speed, track and vertical rate; field 22 tells whether
the aircraft is on the ground.  A report is made at each position, with the latest call sign and
velocity of that aircraft; its time is the message's generated date and time (UTC).

**Beast.**  Frames ``0x1a``, type (``'1'`` Mode A/C, ``'2'`` Mode S short, ``'3'`` Mode S long),
a 48-bit 12 MHz counter, a signal byte and the message, with every ``0x1a`` in them doubled.
Mode S messages are decoded one at a time by pyModeS's stateful ``PipeDecoder`` (airborne
positions from CPR pairs, altitude, velocity, call sign).  Short frames keep their 14 hex digits
(padded to 28 they would give a wrong address).  A position is reported once pyModeS has
corroborated the aircraft's first ones (it fills them in afterwards; :meth:`ModeS.flush` releases
what is left at the end of a file).  Surface positions need a reference within 45 NM (the
receiver's place, ``receiver``).
"""

from __future__ import annotations

import socket
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyModeS

__all__ = ["BeastFrames", "ModeS", "Report", "SbsDecoder", "beast_escape", "read_source"]


@dataclass
class Report:
    """One aircraft's state, in the recording layout (ft, kt, ft/min)."""

    timestamp: float
    icao24: str
    callsign: str
    latitude: float
    longitude: float
    altitude: float | None
    groundspeed: float | None
    track: float | None
    vertical_rate: float | None
    onground: bool

    def row(self) -> dict[str, Any]:
        return asdict(self)


def _float(text: str) -> float | None:
    try:
        return float(text) if text.strip() else None
    except ValueError:
        return None


class SbsDecoder:
    """SBS/BaseStation lines in, reports out (one per position message)."""

    def __init__(self) -> None:
        self._state: dict[str, dict[str, Any]] = {}

    def feed(self, line: str) -> Report | None:
        f = line.strip().split(",")
        if len(f) < 22 or f[0] != "MSG" or not f[4].strip():
            return None
        icao = f[4].strip().lower()
        st = self._state.setdefault(icao, {"callsign": "", "gs": None, "trk": None, "vs": None})
        kind = f[1].strip()
        if f[10].strip():
            st["callsign"] = f[10].strip()
        if kind == "4":
            st["gs"], st["trk"], st["vs"] = _float(f[12]), _float(f[13]), _float(f[16])
            return None
        lat, lon = _float(f[14]), _float(f[15])
        if kind not in ("2", "3") or lat is None or lon is None:
            return None
        try:
            when = datetime.strptime(f"{f[6].strip()} {f[7].strip()}", "%Y/%m/%d %H:%M:%S.%f").replace(tzinfo=UTC)
        except ValueError:
            return None
        ground = f[21].strip() in ("-1", "1") or kind == "2"
        return Report(when.timestamp(), icao, st["callsign"], lat, lon, _float(f[11]), st["gs"], st["trk"], st["vs"],
                      ground)


_ESC = 0x1A
_LENGTHS = {0x31: 2, 0x32: 7, 0x33: 14}


def beast_escape(kind: int, counter: int, signal: int, message: bytes) -> bytes:
    """One Beast frame (for tests and tools): type byte, 48-bit counter, signal, message."""
    body = counter.to_bytes(6, "big") + bytes([signal]) + message
    return bytes([_ESC, kind]) + body.replace(bytes([_ESC]), bytes([_ESC, _ESC]))


class BeastFrames:
    """A Beast byte stream in, (12 MHz counter, Mode S hex) out; Mode A/C and status frames are skipped."""

    def __init__(self) -> None:
        self._buf = bytearray()

    def feed(self, data: bytes) -> list[tuple[int, str]]:
        self._buf += data
        out: list[tuple[int, str]] = []
        b, i = self._buf, 0
        while True:
            start = b.find(_ESC, i)
            if start < 0 or start + 1 >= len(b):
                i = max(start, i) if start >= 0 else len(b)
                break
            kind = b[start + 1]
            if kind == _ESC or kind not in (*_LENGTHS, 0x34):
                i = start + 2 if kind == _ESC else start + 1
                continue
            need = 7 + (_LENGTHS.get(kind, 14))
            body = bytearray()
            j = start + 2
            while len(body) < need and j < len(b):
                if b[j] == _ESC:
                    if j + 1 >= len(b):
                        break
                    if b[j + 1] != _ESC:  # a new frame began: this one was cut short
                        break
                    j += 1
                body.append(b[j])
                j += 1
            if len(body) < need:
                if j >= len(b) - 1:
                    i = start  # wait for more bytes
                    break
                i = j
                continue
            if kind in (0x32, 0x33):
                out.append((int.from_bytes(body[:6], "big"), bytes(body[7:]).hex().upper()))
            i = j
        del self._buf[:i]
        return out


class ModeS:
    """Mode S messages in (one at a time), reports out once positions are known."""

    def __init__(self, receiver: tuple[float, float] | None = None) -> None:
        self._pipe = pyModeS.PipeDecoder(surface_ref=receiver)
        self._state: dict[str, dict[str, Any]] = {}
        self._held: list[tuple[float, dict[str, Any]]] = []

    def feed(self, msg: str, t: float) -> list[Report]:
        try:
            d = dict_ = self._pipe.decode(msg, timestamp=t)
        except (ValueError, pyModeS.DecodeError):
            return []
        if not d.get("crc_valid") or not d.get("icao"):
            return []
        st = self._state.setdefault(d["icao"].lower(), {"callsign": "", "gs": None, "trk": None, "vs": None,
                                                        "alt": None})
        if d.get("callsign"):
            st["callsign"] = str(d["callsign"]).strip("_ ")
        if d.get("groundspeed") is not None and d.get("bds") in ("0,9", "0,6"):
            st["gs"], st["trk"], st["vs"] = d.get("groundspeed"), d.get("track"), d.get("vertical_rate")
        if d.get("altitude") is not None:
            st["alt"] = d["altitude"]
        if "cpr_format" in d:
            self._held.append((t, dict_))
        return self._release()

    def _release(self) -> list[Report]:
        out, keep = [], []
        for t, d in self._held:
            if d.get("latitude") is not None and d.get("longitude") is not None:
                st = self._state[d["icao"].lower()]
                ground = d.get("bds") == "0,6"
                out.append(Report(t, d["icao"].lower(), st["callsign"], float(d["latitude"]), float(d["longitude"]),
                                  None if ground else d.get("altitude", st["alt"]), st["gs"], st["trk"], st["vs"],
                                  ground))
            elif self._held and t >= self._held[-1][0] - 60.0:
                keep.append((t, d))
        self._held = keep
        return out

    def flush(self) -> list[Report]:
        """Release what the decoder still holds (the end of a file)."""
        self._pipe.flush()
        return self._release()


def _chunks(source: str) -> Iterator[bytes]:
    if source.startswith("tcp://"):
        host, _, port = source.removeprefix("tcp://").rpartition(":")
        with socket.create_connection((host, int(port)), timeout=30) as s:
            while data := s.recv(65536):
                yield data
        return
    with Path(source).open("rb") as fh:
        while data := fh.read(1 << 20):
            yield data


def read_source(source: str, fmt: str, receiver: tuple[float, float] | None = None,
                start_time: float = 0.0) -> Iterable[Report]:
    """Reports from a file or ``tcp://host:port`` in ``fmt`` (``sbs`` or ``beast``).  Beast times:
    ``start_time`` plus the 12 MHz counter from the first frame (files), or the arrival time (TCP)."""
    if fmt == "sbs":
        dec, rest = SbsDecoder(), b""
        for data in _chunks(source):
            lines = (rest + data).split(b"\n")
            rest = lines.pop()
            for line in lines:
                r = dec.feed(line.decode("ascii", "replace"))
                if r is not None:
                    yield r
        if rest and (r := dec.feed(rest.decode("ascii", "replace"))) is not None:
            yield r
        return
    frames, modes, first = BeastFrames(), ModeS(receiver), None
    live = source.startswith("tcp://")
    for data in _chunks(source):
        arrived = datetime.now(UTC).timestamp()
        for counter, msg in frames.feed(data):
            first = counter if first is None else first
            yield from modes.feed(msg, arrived if live else start_time + (counter - first) / 12e6)
    yield from modes.flush()
