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


def test_a_late_feed_gives_late_alerts_not_extrapolated_ones() -> None:
    from skypact.geo.geodesy import GEOD
    from skypact.tactical.picture import Change, PositionReport, TacticalPicture
    from skypact.units import KT, NM

    def rep(i: str, t: float, lat: float, lon: float, trk: float) -> PositionReport:
        return PositionReport(i, i, t, lat, lon, 9000.0, 450 * KT, trk, 0.0)

    # head-on, 34 NM apart at t = 0, closing at 900 kt: loss of separation at t = 116 s
    lon_b, lat_b, _ = GEOD.fwd(10.0, 50.0, 90.0, 34 * NM)
    pic = TacticalPicture(stale_after_s=1e9, coast_s=15.0)
    for t in range(0, 91, 1):  # A reports every second; B's reports arrive 90 s late
        lon_a, lat_a, _ = GEOD.fwd(10.0, 50.0, 90.0, 450 * KT * t)
        pic.ingest([rep("A", float(t), float(lat_a), float(lon_a), 90.0)])
        if t >= 90:
            pic.ingest([rep("B", 0.0, float(lat_b), float(lon_b), 270.0)])
        changes = pic.update(float(t))
    # at t = 90 B's report of t = 0 is checked at t = 0 against where A was then: the conflict it
    # shows, 116 s after t = 0, is 26 s away now (an alert within the 60 s warning time, tier 2)
    new = [c for c in changes if c.change is Change.NEW]
    assert len(new) == 1 and new[0].alert.tier == 2 and abs(new[0].alert.time_to_los - 26.0) < 2.0
    # dead-reckoning B's 90 s old report instead would have given it 90 s earlier; with coast_s
    # unlimited (the default) that is what happens
    dr = TacticalPicture(stale_after_s=1e9)
    dr.ingest([rep("A", 90.0, *GEOD.fwd(10.0, 50.0, 90.0, 450 * KT * 90)[1::-1], 90.0)])
    dr.ingest([rep("B", 0.0, float(lat_b), float(lon_b), 270.0)])
    (c,) = dr.update(90.0)
    assert abs(c.alert.time_to_los - 26.0) < 2.0  # the same instant predicted, from extrapolation
