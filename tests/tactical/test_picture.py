"""The incremental picture: new, changed and ended alerts; stale tracks; out-of-order reports."""

from __future__ import annotations

import pyproj

from skypact.tactical.picture import Change, PositionReport, TacticalPicture

G = pyproj.Geod(ellps="WGS84")
KT = 1852.0 / 3600.0


def _head_on(t: float, start_gap_nm: float = 40.0) -> list[PositionReport]:
    """Two aircraft closing head-on at 2 x 450 kt on the 50° N parallel, co-altitude."""
    d = (start_gap_nm * 1852.0) / 2 - 450 * KT * t
    lon_a, lat_a, _ = G.fwd(8.0, 50.0, 270.0, d)
    lon_b, lat_b, _ = G.fwd(8.0, 50.0, 90.0, d)
    return [PositionReport("A", "ATC", t, lat_a, lon_a, 9000.0, 450 * KT, 90.0, 0.0),
            PositionReport("B", "AF", t, lat_b, lon_b, 9000.0, 450 * KT, 270.0, 0.0)]


def test_alert_appears_escalates_and_ends() -> None:
    pic = TacticalPicture()
    seen = []
    dcpa_at_100 = None
    for t in range(0, 180, 1):
        pic.ingest(reversed(_head_on(float(t))))  # any order
        for ch in pic.update(float(t)):
            seen.append((t, ch.change, ch.alert.tier, ch.previous_tier))
        if t == 100:
            dcpa_at_100 = next(iter(pic.alerts.values())).min_horizontal_m
    kinds = [(c, tier) for _, c, tier, _ in seen]
    # 40 NM apart at 900 kt closing: within 5 NM after 140 s; 300 s look-ahead: tier 1 at once
    assert kinds[0] == (Change.NEW, 1)
    assert (Change.CHANGED, 2) in kinds and (Change.CHANGED, 3) in kinds
    t2 = next(t for t, c, tier, _ in seen if tier == 2)
    t3 = next(t for t, c, tier, _ in seen if tier == 3)
    assert abs(t2 - 80) <= 1 and abs(t3 - 140) <= 1
    a = next(iter(pic.alerts.values()))
    assert (a.a, a.b, a.party_a, a.party_b) == ("A", "B", "ATC", "AF")
    assert dcpa_at_100 is not None and dcpa_at_100 < 100.0  # symmetric head-on: they meet


def test_stale_tracks_drop_and_end_alerts() -> None:
    pic = TacticalPicture(stale_after_s=5.0)
    pic.ingest(_head_on(100.0))
    [ch] = pic.update(100.0)
    assert ch.change is Change.NEW
    pic.ingest(_head_on(103.0)[:1])  # only A keeps reporting
    assert all(c.change is Change.CHANGED for c in pic.update(103.0))  # B dead-reckoned, still there
    changes = pic.update(106.0)  # B last reported at 100 s: stale
    assert [c.change for c in changes] == [Change.ENDED]
    assert set(pic.tracks) == {"A"}


def test_older_reports_are_ignored() -> None:
    pic = TacticalPicture()
    pic.ingest(_head_on(50.0))
    pic.ingest(_head_on(10.0))
    assert all(r.time == 50.0 for r in pic.tracks.values())
