"""``skypact daa-alert``: DAIDALUS-compatible alerting table for an encounter file."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from skypact.cli.common import fail
from skypact.errors import FormatError, InputError, Location
from skypact.i18n import N_


class PresetName(StrEnum):
    cd3d = "cd3d"
    do365b = "do365b"


def daa_alert(
    source: Annotated[Path, typer.Argument(help="Encounter file (.daa geodesic or .xyz Euclidean).")],
    preset: Annotated[PresetName, typer.Option("--preset", help="cd3d: 5 NM / 1000 ft cylinder, 180 s; "
                                               "do365b: DO-365B well clear, stateless.")] = PresetName.cd3d,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write the CSV here (default: stdout).")]
    = None,
    ownship: Annotated[str | None, typer.Option("--ownship", help="Aircraft to use as ownship "
                                                "(default: the first of the file).")] = None,
    all_pairs: Annotated[bool, typer.Option("--all-pairs", help="Every aircraft in turn is the ownship.")] = False,
    hysteresis: Annotated[bool, typer.Option("--hysteresis", help="Stateful levels: early alerting times, "
                                             "2-of-4 M-of-N, 4 s persistence, 5 s hysteresis.")] = False,
) -> None:
    """Alert levels and times to volume, exactly as DAIDALUS's DaidalusAlerting writes them.

    Spec: shared/oracle/daidalus/README.md.  Duplicate rows of one aircraft at one time: the
    last one wins.  Bad input: exit code 2, nothing written.
    """
    from skypact.daa.reader import read_encounter
    from skypact.daa.run import alert_rows, to_csv
    from skypact.tactical.alerting import PRESETS
    from skypact.tactical.hysteresis import StatefulParams

    try:
        try:
            text = source.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            raise FormatError(N_("file not found"), Location(file=str(source))) from None
        enc = read_encounter(text, str(source))
        if ownship is not None and ownship not in enc.order:
            raise FormatError(N_("no aircraft {name} in the file"), Location(file=str(source)), name=ownship)
    except InputError as e:
        raise fail(e) from None
    p = PRESETS[preset.value]
    csv_text = to_csv(alert_rows(enc, p, ownship, all_pairs, StatefulParams() if hysteresis else None), p)
    if output is None:
        sys.stdout.write(csv_text)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        tmp = output.with_suffix(output.suffix + ".part")
        tmp.write_text(csv_text, encoding="utf-8")
        tmp.replace(output)
