"""Every text of the web page, from the same catalogs as the rest of skypact.

The page asks ``/ui/strings.json`` for them (English and Russian) and shows nothing else: a text
missing here, or missing its Russian form in the catalog, fails the tests.  Keys are what the
page's script uses; values are msgids (English, with ``{name}`` placeholders filled in by the page).
"""

from __future__ import annotations

from skypact.i18n import LANGS, N_, Lang, translate

__all__ = ["UI", "all_ui_strings", "ui_strings"]

UI: dict[str, str] = {
    "title": N_("skypact operational picture"),
    "sign_in": N_("Sign in"),
    "sign_out": N_("Sign out"),
    "key_id": N_("Key id"),
    "secret": N_("Secret"),
    "signed_in": N_("Party {party}, role {role}"),
    "sign_in_refused": N_("Sign-in refused"),
    "session_expired": N_("The session has expired: sign in again"),
    "request_failed": N_("The server refused the request"),
    "layer_own_plans": N_("Own plans"),
    "layer_other_plans": N_("Other parties' plans (extents)"),
    "layer_volumes": N_("Reserved volumes"),
    "layer_tracks": N_("Live tracks"),
    "layer_conflicts": N_("Conflicts"),
    "layer_alerts": N_("Tactical alerts"),
    "layer_borders": N_("Country borders"),
    "volume_pending": N_("Pending"),
    "volume_active": N_("Active"),
    "volume_released": N_("Released"),
    "time": N_("Time"),
    "now": N_("Now"),
    "follow_live": N_("Follow live data"),
    "notifications": N_("Notifications"),
    "no_notifications": N_("No notifications"),
    "acknowledge": N_("Acknowledge"),
    "acknowledged_by": N_("Acknowledged by {who} at {time}"),
    "escalated": N_("Escalated"),
    "mute": N_("Mute"),
    "unmute": N_("Sound on"),
    "new_warning": N_("New warning"),
    "conflicts": N_("Conflicts"),
    "no_conflicts": N_("No conflicts"),
    "strategic": N_("strategic"),
    "tactical": N_("tactical"),
    "conflict_pair": N_("{a} ({party_a}) and {b} ({party_b})"),
    "window": N_("{start} to {end} UTC"),
    "tier": N_("tier {tier}"),
    "closest": N_("closest {h}, {v}"),
    "tracks": N_("Tracks"),
    "tracks_count": N_("{n} live tracks"),
    "callsign": N_("Call sign"),
    "level": N_("Level"),
    "ground_speed": N_("Ground speed"),
    "language": N_("Language"),
    "lang_both": N_("EN + RU"),
    "units": N_("Units"),
    "units_aviation": N_("Aviation (FL, kt, NM)"),
    "units_metric": N_("Metric (m, km/h, km)"),
    "live": N_("Live"),
    "reconnecting": N_("Reconnecting"),
    "utc": N_("UTC"),
    "plan": N_("Plan {id}"),
    "volume": N_("Zone {id}"),
    "of_party": N_("of {party}"),
    "extents_only": N_("extents only"),
    "conflicting_leg": N_("conflicting leg"),
    "band": N_("{lower} to {upper}"),
    "unit_ft": N_("{n} ft"),
    "unit_fl": N_("FL{n}"),
    "unit_m": N_("{n} m"),
    "unit_kt": N_("{n} kt"),
    "unit_kmh": N_("{n} km/h"),
    "unit_nm": N_("{n} NM"),
    "unit_km": N_("{n} km"),
}


def ui_strings(lang: Lang) -> dict[str, str]:
    """Every page text in ``lang``."""
    return {key: translate(msgid, lang) for key, msgid in UI.items()}


def all_ui_strings() -> dict[str, dict[str, str]]:
    """Every page text in every language, by language."""
    return {lang: ui_strings(lang) for lang in LANGS}
