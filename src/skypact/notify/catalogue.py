"""Every notification skypact sends, in English and Russian, in the words aviation uses.

Each type has a severity, says whether the recipient must acknowledge it, and renders two
texts from machine-readable fields (SI units, epoch seconds, degrees):

* ``short`` - the radio form a controller would say, in capitals, ICAO order (call sign, then
  instruction or information, then reason or traffic);
* ``full`` - a complete sentence for a duty officer's screen or log.

Units follow the recipient: ``aviation`` (NM, ft, flight levels, kt) or ``metric`` (km, m,
km/h; a pressure level is still named by its flight level, with metres beside it, as Russian
users read it since 2011).  Russian text uses the decimal comma and Russian plural forms.  Times
are UTC, 24-hour.  Wording, status and sources of each form: ``docs/phraseology.md``.

**Advisory turn sense** (tactical warnings only, :func:`advisory_turn`): derived from the ICAO
rules of the air (Annex 2, 3.2.2): head-on or nearly so, turn right; converging with the other
aircraft on the right, give way by turning right (pass behind it); with the other on the left
or overtaking from behind, the own aircraft has right of way: no turn is advised.  It is an
ADVISORY only.  skypact never gives a vertical sense: it could contradict an airborne
collision-avoidance (TCAS/ACAS) resolution advisory, which always takes precedence.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

from skypact.conflicts import utc
from skypact.i18n import N_, Lang, render, translate_plural
from skypact.report import fmt_distance, fmt_latlon, fmt_number
from skypact.units import FT, KMH, KT

__all__ = ["TYPES", "Rendered", "Severity", "Units", "advisory_turn", "clock_position", "render_notification"]

Units = Literal["aviation", "metric"]


class Severity(StrEnum):
    INFO = "info"
    ADVISORY = "advisory"
    WARNING = "warning"
    ALERT = "alert"


@dataclass(frozen=True)
class NotificationType:
    """One kind of notification: how urgent, whether it must be acknowledged, its two texts."""

    name: str
    severity: Severity
    ack: bool
    short: str
    full: str


def _t(name: str, severity: Severity, ack: bool, short: str, full: str) -> tuple[str, NotificationType]:
    return name, NotificationType(name, severity, ack, short, full)


TYPES: dict[str, NotificationType] = dict([
    _t("plan-accepted", Severity.INFO, False, N_("PLAN {plan} ACCEPTED"),
       N_("Plan {plan} ({callsign}) of {party} is accepted.")),
    _t("plan-rejected", Severity.WARNING, False, N_("PLAN {plan} REJECTED, {reason}"),
       N_("Plan {plan} ({callsign}) of {party} is rejected: {reason}.")),
    _t("conflict-predicted", Severity.WARNING, True,
       N_("{callsign}, CONFLICT PREDICTED WITH {other} AT {time}, MINIMUM DISTANCE {h}, VERTICAL {v}"),
       N_("Conflict predicted between {callsign} ({party}) and {other} ({other_party}) from {start} to {end} "
          "UTC: closest {h} horizontally and {v} vertically at {time} UTC, near {place}{reference}.")),
    _t("conflict-cleared", Severity.INFO, False, N_("{callsign}, CONFLICT WITH {other} CLEARED"),
       N_("The predicted conflict between {callsign} ({party}) and {other} ({other_party}) is cleared.")),
    _t("resolution-delay", Severity.ADVISORY, False, N_("{callsign}, SUGGEST DELAY DEPARTURE {delay}"),
       N_("Suggested resolution for {callsign} ({party}): delay departure by {delay}; this clears every "
          "predicted conflict of the plan.")),
    _t("resolution-level", Severity.ADVISORY, False, N_("{callsign}, SUGGEST {change} {level}"),
       N_("Suggested resolution for {callsign} ({party}): {change_lower} {level}; this clears every predicted "
          "conflict of the plan.")),
    _t("volume-activated", Severity.WARNING, False, N_("AREA {volume} ACTIVE {lower} TO {upper}, {start} TO {end}"),
       N_("Reserved volume {volume} of {party} is active from {lower} to {upper}, {start} to {end} UTC.")),
    _t("volume-deactivated", Severity.INFO, False, N_("AREA {volume} RELEASED"),
       N_("Reserved volume {volume} of {party} is released.")),
    _t("volume-entry", Severity.WARNING, True, N_("{callsign}, ENTERING AREA {volume} AT {time}"),
       N_("Flight {callsign} ({party}) enters reserved volume {volume} of {other_party} at {time} UTC, "
          "near {place}.")),
    _t("traffic-information", Severity.ADVISORY, False,
       N_("{callsign}, TRAFFIC {clock}, {distance}, {relative}{trend}"),
       N_("Traffic information for {callsign} ({party}): {other} ({other_party}) at {clock}, {distance}, "
          "{relative}{trend}.")),
    _t("tactical-warning", Severity.ALERT, True,
       N_("{callsign}, TRAFFIC ALERT, {other} {clock}, {distance}, {relative}{trend}, TIME TO CONFLICT "
          "{time_to}{turn}"),
       N_("Traffic alert (tier {tier}) for {callsign} ({party}): {other} ({other_party}) at {clock}, {distance}, "
          "{relative}{trend}; loss of separation in {time_to}, predicted minimum {h} horizontally and {v} "
          "vertically{turn}.")),
    _t("clear-of-conflict", Severity.INFO, False, N_("{callsign}, CLEAR OF CONFLICT"),
       N_("{callsign} ({party}) is clear of conflict with {other} ({other_party}).")),
    _t("ack-requested", Severity.WARNING, True, N_("ACKNOWLEDGE {ref}"),
       N_("{party}: acknowledge notification {ref} within {within}.")),
    _t("acknowledged", Severity.INFO, False, N_("{ref} ACKNOWLEDGED BY {party} AT {time}"),
       N_("Notification {ref} was acknowledged by {party} ({who}) at {time} UTC.")),
    _t("escalation", Severity.ALERT, True, N_("NO ACKNOWLEDGEMENT FROM {party} FOR {ref} WITHIN {within}"),
       N_("Escalation: {party} has not acknowledged notification {ref} within {within}; "
          "escalated to {contacts}.")),
    _t("notice-late", Severity.WARNING, True,
       N_("LATE NOTICE, {item} OF {party}, {given} BEFORE START, {required} AGREED"),
       N_("Late notice: {party} filed {item} at {time} UTC, {given} before it starts at {start} UTC; {party} and "
          "{other_party} agreed on at least {required}.")),
    _t("party-silent", Severity.WARNING, True, N_("{party} SILENT SINCE {time}"),
       N_("{party} has not been heard from since {time} UTC; its last known plans stay in every conflict check "
          "and its notifications are kept for its return.")),
    _t("party-back", Severity.INFO, False, N_("{party} BACK AT {time}"),
       N_("{party} is taking part again since {time} UTC.")),
    _t("feed-lost", Severity.WARNING, False, N_("{party} SURVEILLANCE FEED LOST AT {time}"),
       N_("The surveillance feed of {party} was lost at {time} UTC; its last known plans stay in the checks.")),
    _t("plan-nonconforming", Severity.WARNING, True, N_("{callsign} NOT CONFORMING TO PLAN {plan}"),
       N_("Flight {callsign} ({party}) is not following plan {plan} at {time} UTC: {h} off its route, {v} off its "
          "level, {delay} off its time; the plan is now Nonconforming.")),
    _t("drill-started", Severity.INFO, False, N_("EXERCISE, DRILL {drill} STARTED, DRILL TRAFFIC, NOT REAL"),
       N_("Exercise: drill {drill} started at {time} UTC. Its traffic is not real.")),
    _t("drill-ended", Severity.INFO, False, N_("EXERCISE, DRILL {drill} ENDED, SCORE {score}"),
       N_("Exercise: drill {drill} ended at {time} UTC with score {score} ({warned} of {total} warned in time).")),
    _t("emergency-declared", Severity.ALERT, True, N_("EMERGENCY, {callsign} ({party}), PRIORITY OVER ALL PLANS"),
       N_("Emergency: {party} declared an emergency for flight {callsign}; until it ends, this flight has "
          "precedence over every other plan. Reason: {reason}.")),
    _t("emergency-ended", Severity.INFO, False, N_("{callsign} ({party}) EMERGENCY ENDED"),
       N_("The emergency of flight {callsign} ({party}) has ended.")),
])


@dataclass(frozen=True)
class Rendered:
    short: str
    full: str


# -- pieces ----------------------------------------------------------------------------------
def _plural(singular: str, plural: str, n: int, lang: Lang) -> str:
    return translate_plural(singular, plural, n, lang).format(n=n)


def _duration(seconds: float, lang: Lang) -> str:
    """``12 min`` / ``45 s`` as words with plural forms: ``12 minutes``, ``12 минут``."""
    s = round(seconds)
    if s >= 60 and s % 60 == 0:
        return _plural(N_("{n} minute"), N_("{n} minutes"), s // 60, lang)
    if s >= 60:
        return " ".join((_plural(N_("{n} minute"), N_("{n} minutes"), s // 60, lang),
                         _plural(N_("{n} second"), N_("{n} seconds"), s % 60, lang)))
    return _plural(N_("{n} second"), N_("{n} seconds"), s, lang)


def _mmss(seconds: float) -> str:
    m, s = divmod(max(0, round(seconds)), 60)
    return f"{m:02d}:{s:02d}"


def _height(metres: float, lang: Lang, units: Units) -> str:
    if units == "metric":
        return f"{fmt_number(round(metres / 10) * 10, lang, 0)} {render(N_('m'), lang)}"
    return f"{fmt_number(round(metres / FT / 100) * 100, lang, 0)} {render(N_('ft'), lang)}"


def _speed(mps: float, lang: Lang, units: Units) -> str:
    if units == "metric":
        return f"{fmt_number(mps / KMH, lang, 0)} {render(N_('km/h'), lang)}"
    return f"{fmt_number(mps / KT, lang, 0)} {render(N_('kt'), lang)}"


def _level(metres: float, lang: Lang, units: Units, pressure: bool = True) -> str:
    """A pressure level as its flight level (with metres in metric); another altitude as such."""
    if not pressure:
        return _height(metres, lang, units)
    fl = render(N_("FL{n:03d}"), lang).format(n=round(metres / FT / 100))  # эшелон in Russian
    return f"{fl} ({_height(metres, lang, 'metric')})" if units == "metric" else fl


def clock_position(relative_bearing_deg: float) -> int:
    """Clock position (1-12) of a relative bearing (degrees clockwise from the own track)."""
    h = round((relative_bearing_deg % 360.0) / 30.0) % 12
    return 12 if h == 0 else h


def _clock(relative_bearing_deg: float, lang: Lang) -> str:
    # English has one form; the second msgid only carries Russian's other forms (часа, часов)
    return _plural(N_("{n} o'clock"), N_("{n} o'clock (plural)"), clock_position(relative_bearing_deg), lang)


def _relative(dz_m: float, lang: Lang, units: Units) -> str:
    """The other's altitude against the own: ``1,000 ft above`` / ``same level``."""
    if abs(dz_m) < 50 * FT:
        return render(N_("same level"), lang)
    key = N_("{h} above") if dz_m > 0 else N_("{h} below")
    return render(key, lang, {"h": _height(abs(dz_m), lang, units)})


def _trend(vs_mps: float | None, lang: Lang) -> str:
    if vs_mps is None or abs(vs_mps) < 500 * FT / 60 / 2:
        return ""
    return render(N_(", climbing"), lang) if vs_mps > 0 else render(N_(", descending"), lang)


def advisory_turn(relative_bearing_deg: float) -> Literal["left", "right"] | None:
    """The ADVISORY horizontal turn sense for traffic at this relative bearing (module doc), or None."""
    b = relative_bearing_deg % 360.0
    if b <= 15.0 or b >= 345.0:
        return "right"  # head-on or nearly: both turn right
    if b < 150.0:
        return "right"  # the other on the right: give way, pass behind it
    return None  # the other on the left or behind: right of way, keep heading


def _turn(sense: str | None, lang: Lang, short: bool) -> str:
    if sense is None:
        return ""
    if short:
        key = N_(", ADVISORY TURN RIGHT") if sense == "right" else N_(", ADVISORY TURN LEFT")
    else:
        key = N_("; advisory only: a turn to the right would increase separation") if sense == "right" \
            else N_("; advisory only: a turn to the left would increase separation")
    return render(key, lang)


# -- rendering -----------------------------------------------------------------------------
def render_notification(kind: str, fields: Mapping[str, Any], lang: Lang, units: Units = "aviation") -> Rendered:
    """Both texts of notification ``kind`` for a recipient reading ``lang`` in ``units``.

    ``fields`` are machine-readable: times in epoch seconds, distances in metres, bearings in
    degrees, vertical speeds in m/s; names as given.
    """
    t = TYPES[kind]
    # a field given per language (a refusal's reason) is read in the recipient's language
    p: dict[str, Any] = {k: v[lang] if isinstance(v, Mapping) and lang in v else v for k, v in fields.items()}
    for key in ("time", "start", "end"):
        if key in p and isinstance(p[key], int | float):
            p[key] = utc(p[key]).strftime("%H:%M:%S")
    if "h_m" in p:
        p["h"] = fmt_distance(p["h_m"], lang, units)
    if "v_m" in p:
        p["v"] = _height(p["v_m"], lang, units)
    if "distance_m" in p:
        p["distance"] = fmt_distance(p["distance_m"], lang, units)
    if "lat" in p and "lon" in p:
        p["place"] = fmt_latlon(p["lat"], p["lon"], lang)
    if "relative_bearing_deg" in p:
        p["clock"] = _clock(p["relative_bearing_deg"], lang)
    if "dz_m" in p:
        p["relative"] = _relative(p["dz_m"], lang, units)
    p["trend"] = _trend(p.get("other_vs_mps"), lang)
    if "time_to_s" in p:
        p["time_to"] = _mmss(p["time_to_s"])
    for key in ("delay_s", "within_s", "given_s", "required_s"):
        if key in p:
            p[key.removesuffix("_s")] = _duration(p[key], lang)
    if "lower_m" in p:
        p["lower"] = _level(p["lower_m"], lang, units, p.get("pressure", True))
        p["upper"] = _level(p["upper_m"], lang, units, p.get("pressure", True))
    if "level_m" in p:
        p["level"] = _level(p["level_m"], lang, units, p.get("pressure", True))
        climb = p.get("climb", True)
        p["change"] = render(N_("CLIMB TO") if climb else N_("DESCEND TO"), lang)
        p["change_lower"] = render(N_("climb to") if climb else N_("descend to"), lang)  # noun phrase in Russian
    if "score" in p and isinstance(p["score"], int | float):
        p["score"] = _plural(N_("{n} percent"), N_("{n} percent (plural)"), round(p["score"]), lang)
    if "speed_mps" in p:
        p["speed"] = _speed(p["speed_mps"], lang, units)
    p["reference"] = ""
    if p.get("ref_name") and "ref_bearing_deg" in p and "ref_distance_m" in p:
        bearing = f"{round(p['ref_bearing_deg']) % 360:03d}"
        p["reference"] = render(N_(", {distance} bearing {bearing}° from {name}"), lang, {
            "distance": fmt_distance(p["ref_distance_m"], lang, units), "bearing": bearing, "name": p["ref_name"]})
    short_turn = _turn(p.get("turn"), lang, short=True)
    full_turn = _turn(p.get("turn"), lang, short=False)
    short = render(t.short, lang, {**p, "turn": short_turn})
    full = render(t.full, lang, {**p, "turn": full_turn})
    if full.endswith(".."):  # a sentence that ends with an abbreviation (в. д.) takes no second stop
        full = full[:-1]
    return Rendered(short.upper(), full)
