"""Conflicts for people and programs: JSON-ready dicts, CSV rows and bilingual sentences.

Units at this edge: aviation (NM, ft, FL) by default, metric (km, m) on request.  Russian text
uses the decimal comma.  Times are UTC, RFC 3339 (``2026-06-01T09:14:03.2Z``) in data and
``HH:MM:SS`` in sentences.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any, Literal

from babel.numbers import get_decimal_symbol, get_group_symbol

from skypact.conflicts import Conflict, ConflictKind, utc
from skypact.i18n import N_, Lang, render
from skypact.strategic.resolve import Resolution
from skypact.units import FT, NM

__all__ = ["UnitSystem", "conflict_dict", "conflict_text", "csv_header", "csv_row", "fmt_distance", "fmt_latlon",
           "fmt_number", "resolution_dict", "resolution_text", "rfc3339"]

UnitSystem = Literal["aviation", "metric"]

_KIND = {
    ConflictKind.PLAN_PLAN: N_("Conflict: flight {a} ({party_a}) and flight {b} ({party_b})"),
    ConflictKind.PLAN_VOLUME: N_("Conflict: flight {a} ({party_a}) and reserved volume {b} ({party_b})"),
    ConflictKind.VOLUME_VOLUME: N_("Conflict: reserved volume {a} ({party_a}) and reserved volume {b} ({party_b})"),
}


_M, _KM, _FT, _NM = N_("m"), N_("km"), N_("ft"), N_("NM")


def rfc3339(seconds: float) -> str:
    """UTC time with tenths of a second, e.g. ``2026-06-01T09:14:03.2Z``."""
    t = utc(round(seconds, 1))
    return t.strftime("%Y-%m-%dT%H:%M:%S") + f".{t.microsecond // 100000}Z"


@cache
def _symbols(lang: Lang) -> dict[int, str]:
    """The locale's group and decimal symbols (from CLDR via Babel) as a ``str.translate`` table."""
    return str.maketrans({",": get_group_symbol(lang), ".": get_decimal_symbol(lang)})


def fmt_number(x: float, lang: Lang, digits: int) -> str:
    """``x`` with ``digits`` decimals and grouping in the locale of ``lang`` (decimal comma in Russian).

    The same text as Babel's ``format_decimal(round(x, digits), "#,##0.0…", locale=lang)`` (a
    test holds them equal), without its per-call pattern parsing: it runs in every write."""
    return f"{round(x, digits):,.{digits}f}".translate(_symbols(lang))


def fmt_distance(metres: float, lang: Lang, units: UnitSystem, vertical: bool = False) -> str:
    """A distance in the recipient's units: ``4.2 NM`` / ``1,000 ft`` or ``7.8 km`` / ``300 m``."""
    if vertical:
        if units == "metric":
            return f"{fmt_number(metres, lang, 0)} {render(_M, lang)}"
        return f"{fmt_number(metres / FT, lang, 0)} {render(_FT, lang)}"
    if units == "metric":
        if metres < 1000:
            return f"{fmt_number(metres, lang, 0)} {render(_M, lang)}"
        return f"{fmt_number(metres / 1000, lang, 1)} {render(_KM, lang)}"
    return f"{fmt_number(metres / NM, lang, 1)} {render(_NM, lang)}"


def fmt_latlon(lat: float, lon: float, lang: Lang) -> str:
    """A position as ``57.0132°N 20.0069°E`` (``57,0132°с. ш. …`` in Russian)."""
    ns = render(N_("N"), lang) if lat >= 0 else render(N_("S"), lang)
    ew = render(N_("E"), lang) if lon >= 0 else render(N_("W"), lang)
    return f"{fmt_number(abs(lat), lang, 4)}°{ns} {fmt_number(abs(lon), lang, 4)}°{ew}"


def conflict_text(c: Conflict, lang: Lang, units: UnitSystem = "aviation") -> str:
    """One conflict as a sentence in ``lang``."""
    head = render(_KIND[c.kind], lang, {"a": c.a, "b": c.b, "party_a": c.party_a, "party_b": c.party_b})
    body = render(
        N_("from {start} to {end} UTC; closest {h} horizontally and {v} vertically at {time} UTC, "
           "near {place} (minima {hmin} / {vmin})"), lang,
        {"start": utc(c.start).strftime("%H:%M:%S"), "end": utc(c.end).strftime("%H:%M:%S"),
         "h": fmt_distance(c.horizontal_m, lang, units), "v": fmt_distance(c.vertical_m, lang, units, True),
         "time": utc(c.closest_time).strftime("%H:%M:%S"), "place": fmt_latlon(c.closest_lat, c.closest_lon, lang),
         "hmin": fmt_distance(c.minimum_h_m, lang, units), "vmin": fmt_distance(c.minimum_v_m, lang, units, True)},
    )
    return f"{head}, {body}."


def resolution_text(r: Resolution, lang: Lang, units: UnitSystem = "aviation") -> str:
    """Suggestions for one plan as a sentence in ``lang``."""
    parts = []
    if r.delay_s is not None:
        m, s = divmod(round(r.delay_s), 60)
        parts.append(render(N_("delay departure by {min} min {sec} s"), lang, {"min": m, "sec": s}))
    if r.level_change_ft is not None and r.new_level_ft is not None:
        key = N_("climb to {level}") if r.level_change_ft > 0 else N_("descend to {level}")
        if units == "metric":
            level = f"{fmt_number(r.new_level_ft * FT, lang, 0)} {render(_M, lang)}"
        else:
            level = f"FL{round(r.new_level_ft / 100):03d}"
        parts.append(render(key, lang, {"level": level}))
    if not parts:
        return render(N_("{plan}: no delay up to the limit and no level change clears every conflict"), lang,
                      {"plan": r.plan})
    sep = render(N_(" or "), lang)
    return render(N_("{plan}: to clear every conflict, {options}"), lang,
                  {"plan": r.plan, "options": sep.join(parts)})


def resolution_dict(r: Resolution) -> dict[str, Any]:
    """Suggestions for one plan as JSON-ready data (the text is added by who needs it)."""
    return {"plan": r.plan, "delay_s": r.delay_s, "level_change_ft": r.level_change_ft,
            "new_level_ft": r.new_level_ft}


def conflict_dict(c: Conflict, langs: Sequence[Lang] = ("en", "ru"), units: UnitSystem = "aviation") -> dict[str, Any]:
    """A JSON-ready record of one conflict."""
    return {
        "kind": c.kind.value,
        "plan_a": c.a, "plan_b": c.b, "party_a": c.party_a, "party_b": c.party_b,
        "start": rfc3339(c.start), "end": rfc3339(c.end),
        "closest_time": rfc3339(c.closest_time),
        "closest_lat": round(c.closest_lat, 6), "closest_lon": round(c.closest_lon, 6),
        "horizontal_m": round(c.horizontal_m, 1), "horizontal_nm": round(c.horizontal_m / NM, 3),
        "vertical_ft": round(c.vertical_m / FT, 1), "vertical_m": round(c.vertical_m, 1),
        "minimum_h_m": round(c.minimum_h_m, 1), "minimum_v_m": round(c.minimum_v_m, 1),
        "text": {lang: conflict_text(c, lang, units) for lang in langs},
    }


CSV_FIELDS = ("kind", "plan_a", "plan_b", "party_a", "party_b", "start", "end", "closest_time", "closest_lat",
              "closest_lon", "horizontal_m", "horizontal_nm", "vertical_ft", "vertical_m")


def csv_header() -> tuple[str, ...]:
    return CSV_FIELDS


def csv_row(c: Conflict) -> list[Any]:
    d = conflict_dict(c, ())
    return [d[k] for k in CSV_FIELDS]


def plans_to_resolve(conflicts: Iterable[Conflict], priority: dict[str, int]) -> list[str]:
    """Plans that should move: in each conflict the plan of lower priority (both when equal)."""
    out: dict[str, None] = {}
    for c in conflicts:
        if c.kind == ConflictKind.VOLUME_VOLUME:
            continue
        if c.kind == ConflictKind.PLAN_VOLUME:
            out[c.a] = None
            continue
        pa, pb = priority.get(c.a, 0), priority.get(c.b, 0)
        if pa <= pb:
            out[c.a] = None
        if pb <= pa:
            out[c.b] = None
    return list(out)
