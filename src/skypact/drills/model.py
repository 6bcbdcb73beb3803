"""The drill file (YAML): parties, aircraft, faults and expectations.

```yaml
drill: NEAR-MISS-1
title: Head-on near miss, two air forces
start: 2026-06-01T08:00:00Z
duration_s: 420
lookahead_s: 120
parties:
  - {name: NORTH, lang: en, ack_after_s: 15}
  - {name: SOUTH, lang: ru, ack_after_s: null}      # never acknowledges
aircraft:                                          # scripted: a start point, a track, a speed, a level
  - {id: N1, party: NORTH, callsign: NRD101, lat: 55.0, lon: 17.0, track_deg: 90, speed_kt: 450, alt_ft: 31000}
  - {id: S1, party: SOUTH, callsign: SAF201, lat: 55.02, lon: 19.0, track_deg: 270, speed_kt: 450, alt_ft: 31000}
recording:                                         # or/and a window of a recording (OpenSky / traffic columns)
  file: traffic.parquet                            # relative to the drill file
  start: 2026-06-01T08:00:00Z
  party: NORTH                                     # whose aircraft these are (or per icao24: parties_by_icao)
faults:
  - {party: SOUTH, feed_delay_s: 90}               # its reports reach the service 90 s late
  - {party: NORTH, drop_from_s: 100, drop_to_s: 130}   # reports lost in that span
expect:
  - {warned: [NORTH, SOUTH], at_least_s: 60}       # each warned >= 60 s before every loss of separation
```
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from skypact.errors import FormatError, Location
from skypact.i18n import N_

__all__ = ["Aircraft", "Drill", "Expectation", "Fault", "Party", "RecordingWindow", "load_drill"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Party(_Strict):
    name: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.:\-]+$", max_length=64)]
    lang: Literal["en", "ru"] = "en"
    units: Literal["aviation", "metric", "imperial"] = "aviation"  #: 'imperial' is the same as 'aviation'
    ack_after_s: float | None = 20.0  #: None: never acknowledges


class Aircraft(_Strict):
    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.:\-]+$", max_length=64)]
    party: str
    callsign: str = ""
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    track_deg: float = 0.0
    speed_kt: float = Field(ge=0, le=2000)
    alt_ft: float = Field(ge=-2000, le=100_000)
    vs_fpm: float = 0.0
    start_s: float = 0.0  #: when it appears
    report_every_s: float = Field(default=1.0, gt=0)


class RecordingWindow(_Strict):
    file: str
    start: AwareDatetime
    party: str | None = None
    parties_by_icao: dict[str, str] = {}


class Fault(_Strict):
    party: str
    feed_delay_s: float = 0.0
    drop_from_s: float | None = None
    drop_to_s: float | None = None


class Expectation(_Strict):
    warned: list[str]
    at_least_s: float = 60.0


class Drill(_Strict):
    drill: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.:\-]+$", max_length=64)]
    title: str = ""
    start: AwareDatetime
    duration_s: float = Field(gt=0, le=6 * 3600)
    lookahead_s: float = 120.0
    h_nm: float = 5.0
    v_ft: float = 1000.0
    ack_timeout_s: float = 60.0
    parties: Annotated[list[Party], Field(min_length=1)]
    aircraft: list[Aircraft] = []
    recording: RecordingWindow | None = None
    faults: list[Fault] = []
    expect: list[Expectation] = []
    base_dir: str = Field(default=".", exclude=True)

    @property
    def t0(self) -> float:
        return self.start.timestamp()


def load_drill(path: str | Path) -> Drill:
    """Read and check a drill file; a bad one raises :class:`FormatError` naming it."""
    p = Path(path)
    if not p.is_file():
        raise FormatError(N_("file not found"), Location(file=str(p)))
    try:
        doc = yaml.safe_load(p.read_text(encoding="utf-8"))
        d = Drill.model_validate({**doc, "base_dir": str(p.parent)})
    except (yaml.YAMLError, ValidationError, TypeError) as e:
        raise FormatError(N_("cannot read the file: {detail}"), Location(file=str(p)),
                          detail=str(e).splitlines()[0] if str(e) else type(e).__name__) from None
    names = {q.name for q in d.parties}
    for who in [a.party for a in d.aircraft] + [f.party for f in d.faults] + [w for e in d.expect for w in e.warned]:
        if who not in names:
            raise FormatError(N_("the drill names an unknown party {party}"), Location(file=str(p)), party=who)
    return d
