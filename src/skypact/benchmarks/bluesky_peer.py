"""Run BlueSky's state-based conflict detection on the benchmark's states (a separate process).

Usage: ``python -m skypact.benchmarks.bluesky_peer N BOX_NM SEED OUT.json``.  Exit code 3 when
BlueSky (PyPI ``bluesky-simulator``, the ``bench`` extra) is not installed.
"""

from __future__ import annotations

import json
import resource
import sys
import time
import types
from pathlib import Path

import numpy as np


def main() -> int:
    n, box, seed, out = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4])
    try:
        from bluesky.traffic.asas import cstatebased
        from bluesky.traffic.asas.statebased import StateBased
    except ImportError:
        return 3
    from skypact.benchmarks.tactical import random_states

    st = random_states(n, box, seed)
    trk = np.radians(st.trk)
    own = types.SimpleNamespace(lat=st.lat, lon=st.lon, trk=st.trk, gs=st.gs, alt=st.alt, vs=st.vs, ntraf=n,
                                id=st.ids, gseast=st.gs * np.sin(trk), gsnorth=st.gs * np.cos(trk))
    rpz, hpz, dtla = np.full(n, 5 * 1852.0), np.full(n, 1000 * 0.3048), np.full(n, 300.0)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    conf, los, *_ = StateBased.detect(None, own, own, rpz, hpz, dtla)
    numpy_s = time.perf_counter() - t0
    peak_numpy = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    cconf, clos, *_ = cstatebased.detect(own, own, rpz, hpz, dtla)
    c_s = time.perf_counter() - t0
    pairs = sorted({tuple(sorted(p)) for p in list(conf) + list(los)})
    out.write_text(json.dumps({"numpy_s": round(numpy_s, 4), "c_s": round(c_s, 4),
                               "numpy_rss_above_start_mb": round(peak_numpy - base, 1),
                               "c_pairs": len({tuple(sorted(p)) for p in list(cconf) + list(clos)}),
                               "pairs": pairs}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
