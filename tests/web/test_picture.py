"""The operational picture in a real browser (Debian's Chromium): two parties sign in; each sees
its own plan in full and the other's only as the API shows it; a conflicting filing reaches the
other page by itself, as a conflict and an alert; an acknowledgement on one page shows on both;
the Russian toggle; live tracks and a tactical alert; and not one request to another host."""

from __future__ import annotations

import re
import time
from typing import Any

from skypact.plans.model import FlightPlan, ReservedVolume
from skypact.service.auth import Principal
from skypact.web.strings import UI, ui_strings
from tests.web.conftest import SCREENS, Site, at

CYR = re.compile("[а-яА-ЯёЁ]")


def _plan(pid: str, party: str, lat0: float, lon0: float, lat1: float, lon1: float,
          fl: int = 300) -> FlightPlan:
    alt = {"value": fl * 100}
    return FlightPlan.model_validate({"id": pid, "party": party, "callsign": f"{party}LT{pid[-1]}", "waypoints": [
        {"lat": lat0, "lon": lon0, "alt": alt, "time": at(-10)},
        {"lat": lat1, "lon": lon1, "alt": alt, "time": at(50)}]})


def _open(site: Site, browser: Any, party: str) -> Any:
    page = browser.new_page(viewport={"width": 1400, "height": 860})
    page.on("request", lambda r: site.requests.append(r.url))
    site.pages[party] = page
    page.goto(site.url + "/")
    key, secret = site.creds[party]
    page.fill("#key", key)
    page.fill("#secret", secret)
    page.click("#signin-form button[type=submit]")
    page.wait_for_function(f"() => window.skypact.session && window.skypact.session.party === '{party}'")
    return page


def _state(page: Any, expr: str) -> Any:
    return page.evaluate(f"() => {{ const s = window.skypact; return {expr}; }}")


def test_two_parties_see_their_picture_and_each_others_warning(site: Site, browser: Any) -> None:
    a_plan = _plan("PA1", "A", 50.0, 0.0, 50.0, 2.0)
    site.hub.file_plan(Principal("A", "operator"), a_plan)
    site.hub.file_volume(Principal("A", "operator"), ReservedVolume.model_validate({
        "id": "VA1", "party": "A", "name": "exercise area", "outline": {"type": "Circle", "center": [0.6, 49.7],
                                                                        "radius_m": 15_000},
        "band": {"lower": {"value": 10000}, "upper": {"value": 20000}}, "window": {"start": at(-30), "end": at(90)}}))
    a = _open(site, browser, "A")
    b = _open(site, browser, "B")

    # own plan in full, drawn; own volume drawn
    a.wait_for_function("() => window.skypact.plans.some(p => p.id === 'PA1' && p.plan)")
    assert _state(a, "s.layers.volumes.getLayers().length") == 1
    assert _state(a, "s.layers.own.getLayers().length") >= 3  # the route and its waypoints
    # B sees A's plan only as its extents: no waypoints, no call sign, on the page or in its data
    b.wait_for_function("() => window.skypact.plans.some(p => p.id === 'PA1')")
    seen = _state(b, "s.plans.find(p => p.id === 'PA1')")
    assert "plan" not in seen and "ALT1" not in str(seen) and seen["extents"]
    assert _state(b, "s.layers.other.getLayers().length") >= 1 and _state(b, "s.layers.own.getLayers().length") == 0

    # B files a crossing plan: the conflict and its alert reach A's page by themselves within 2 s
    filed = time.monotonic()
    site.hub.file_plan(Principal("B", "operator"), _plan("PB1", "B", 49.0, 1.0, 51.0, 1.0))
    a.wait_for_function("() => [...window.skypact.notes.values()].some(n => n.type === 'conflict-predicted')"
                        " && window.skypact.conflicts.some(c => c.layer === 'strategic')", timeout=2000)
    arrived = time.monotonic() - filed
    assert arrived < 2.0
    a.wait_for_selector("#alerts li.warning button")
    assert _state(a, "s.layers.conflicts.getLayers().length") >= 1
    assert "PA1" in a.inner_text("#conflicts") and "PB1" in a.inner_text("#conflicts")
    # B now sees the conflicting leg of A's plan, and nothing more of it
    b.wait_for_function("() => (window.skypact.plans.find(p => p.id === 'PA1') || {}).conflicting_legs")

    # A acknowledges on its page: A's entry names who and when; B is told on its page
    a.click("#alerts li.warning button")
    a.wait_for_selector("#alerts li.warning .acked")
    b.wait_for_function("() => [...window.skypact.notes.values()].some(n => n.type === 'acknowledged')")
    assert "N-" in b.inner_text("#alerts")

    # the Russian toggle: the page's texts and the notifications in Russian
    a.select_option("#lang", "ru")
    assert a.inner_text("#alerts-box h2") == ui_strings("ru")["notifications"]
    assert CYR.search(a.inner_text("#alerts li.warning .short"))
    assert CYR.search(a.inner_text("#bar")) and CYR.search(a.inner_text("#timebar"))
    a.select_option("#lang", "both")
    assert ui_strings("en")["conflicts"] in a.inner_text("#conflicts-box h2")
    assert ui_strings("ru")["conflicts"] in a.inner_text("#conflicts-box h2")
    a.select_option("#units", "metric")
    assert " м" in a.inner_text("#conflicts") or " км" in a.inner_text("#conflicts")

    # live tracks, and a tactical alert between the parties' aircraft, drawn on both pages
    now = time.time()
    for party, lon, trk in (("A", 0.9, 90.0), ("B", 1.1, 270.0)):
        site.hub.surveillance.report(Principal(party, "operator"), [
            {"id": f"{party}T1", "callsign": f"{party}TRK", "time": now, "lat": 50.0, "lon": lon, "alt_m": 9144.0,
             "gs_mps": 230.0, "trk_deg": trk, "vs_mps": 0.0}])
    a.wait_for_function("() => window.skypact.tracks.size === 2 && window.skypact.alerts.length === 1", timeout=10_000)
    assert _state(a, "s.layers.alerts.getLayers().length") == 1
    assert "ATRK" in a.inner_text("#tracks")
    b.wait_for_function("() => window.skypact.tracks.size === 2", timeout=10_000)

    a.select_option("#lang", "en")
    a.select_option("#units", "aviation")
    a.evaluate("() => window.skypact.map.setView([50.0, 1.0], 8)")
    a.wait_for_timeout(1500)  # the next second's tracks drawn at this zoom, with their labels
    SCREENS.mkdir(parents=True, exist_ok=True)
    a.screenshot(path=str(SCREENS / "picture.png"))  # the README's picture (docs/picture.png)

    # not one request to any host but the server
    strangers = [u for u in site.requests if not (u.startswith(site.url + "/") or u.startswith("data:"))]
    assert site.requests and not strangers, strangers


def test_the_page_resumes_after_a_server_restart_without_losing_a_warning(site: Site, browser: Any) -> None:
    site.hub.file_plan(Principal("A", "operator"), _plan("PA1", "A", 50.0, 0.0, 50.0, 2.0))
    a = _open(site, browser, "A")
    live = ui_strings("en")["live"]
    a.wait_for_function(f"() => document.querySelector('#link').textContent === '{live}'")
    site.server.stop()
    a.wait_for_function("() => document.querySelector('#link').classList.contains('off')")
    # while the server is down, B files a crossing plan: A's warning is stored, not yet sent
    site.hub.file_plan(Principal("B", "operator"), _plan("PB1", "B", 49.0, 1.0, 51.0, 1.0))
    site.server.start()
    a.wait_for_function("() => [...window.skypact.notes.values()].some(n => n.type === 'conflict-predicted')",
                        timeout=20_000)
    a.wait_for_function("() => !document.querySelector('#link').classList.contains('off')", timeout=20_000)
    ids = _state(a, "[...s.notes.keys()]")
    assert len(ids) == len(set(ids)) and a.locator("#alerts li.warning").count() == 1  # once, not twice


def test_a_wrong_secret_is_refused_in_the_pages_language(site: Site, browser: Any) -> None:
    page = browser.new_page()
    site.pages["signin"] = page
    page.goto(site.url + "/")
    page.select_option("#lang", "ru")
    page.fill("#key", site.creds["A"][0])
    page.fill("#secret", "wrong")
    page.click("#signin-form button[type=submit]")
    page.wait_for_function("() => document.getElementById('signin-error').textContent.length > 0")
    text = page.inner_text("#signin-error")
    assert text.startswith(ui_strings("ru")["sign_in_refused"]) and CYR.search(text)


def test_every_text_of_the_page_is_a_catalog_key() -> None:
    """No text hard-coded in one language: every data-t and t("...") of the page names a key
    of the catalog-backed table (whose Russian forms the catalog tests check)."""
    from skypact.web.page import STATIC

    html = (STATIC / "index.html").read_text()
    js = (STATIC / "app.js").read_text()
    used = set(re.findall(r'data-t="([a-z_]+)"', html)) | set(re.findall(r'\bt\("([a-z_]+)"', js))
    assert used and used <= set(UI), sorted(used - set(UI))
    assert used == set(UI), sorted(set(UI) - used)  # and none unused
    ru = ui_strings("ru")
    assert all(ru[k] != UI[k] and CYR.search(ru[k]) for k in UI if k != "lang_both"), "see tests/test_i18n.py"
