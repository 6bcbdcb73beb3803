"""Numba kernels of the strategic engine (private; see :mod:`skypact.strategic.index`).

Arrays are SI: breakpoint times (s), ECEF ground positions (m), altitudes (m).  A piece ``i``
goes from breakpoint ``start[i]`` to ``start[i] + 1``.  No trigonometry here: positions were
projected once when the trajectories were built.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

# Altitudes come from decimal feet; FL360 - FL350 computes to 304.8 m give or take 1e-12 m.
# A vertical distance within VTOL of the minimum counts as *at* the minimum, which is separated
# (the test is strict), so that two levels exactly 1000 ft apart never raise a conflict.
VTOL = 1e-6

# one interval row: plan_a, plan_b, piece_a, piece_b (as float), t_lo, t_hi, t_cpa, h_cpa, v_cpa
NCOL = 9


@njit(cache=True, inline="always")
def piece_interval(ta, xa, ya, za, aa, ia, tb, xb, yb, zb, ab, ib, hlim, vlim):
    """Open time interval where pieces ``ia`` and ``ib`` are closer than ``hlim`` and ``vlim``.

    Returns ``(found, t_lo, t_hi, t_cpa, h_cpa, v_cpa)``: the interval, and the time of the
    smallest horizontal distance inside it with the horizontal and vertical distances then.
    """
    ta0 = ta[ia]
    ta1 = ta[ia + 1]
    tb0 = tb[ib]
    tb1 = tb[ib + 1]
    ts = max(ta0, tb0)
    te = min(ta1, tb1)
    if te <= ts:
        return False, 0.0, 0.0, 0.0, 0.0, 0.0
    ka = 1.0 / (ta1 - ta0)
    kb = 1.0 / (tb1 - tb0)
    vax = (xa[ia + 1] - xa[ia]) * ka
    vay = (ya[ia + 1] - ya[ia]) * ka
    vaz = (za[ia + 1] - za[ia]) * ka
    waa = (aa[ia + 1] - aa[ia]) * ka
    vbx = (xb[ib + 1] - xb[ib]) * kb
    vby = (yb[ib + 1] - yb[ib]) * kb
    vbz = (zb[ib + 1] - zb[ib]) * kb
    wbb = (ab[ib + 1] - ab[ib]) * kb
    da = ts - ta0
    db = ts - tb0
    rx = (xa[ia] + vax * da) - (xb[ib] + vbx * db)
    ry = (ya[ia] + vay * da) - (yb[ib] + vby * db)
    rz = (za[ia] + vaz * da) - (zb[ib] + vbz * db)
    dz = (aa[ia] + waa * da) - (ab[ib] + wbb * db)
    vx = vax - vbx
    vy = vay - vby
    vz = vaz - vbz
    w = waa - wbb
    lo = 0.0
    hi = te - ts
    # vertical: |dz + w s| < vlim
    vlim = vlim - VTOL
    if abs(w) < 1e-12:
        if abs(dz) >= vlim:
            return False, 0.0, 0.0, 0.0, 0.0, 0.0
    else:
        s1 = (-vlim - dz) / w
        s2 = (vlim - dz) / w
        if s1 > s2:
            s1, s2 = s2, s1
        lo = max(lo, s1)
        hi = min(hi, s2)
        if hi <= lo:
            return False, 0.0, 0.0, 0.0, 0.0, 0.0
    # horizontal: |r + v s|^2 < hlim^2  <=>  a s^2 + 2 b s + c < 0
    a = vx * vx + vy * vy + vz * vz
    b = rx * vx + ry * vy + rz * vz
    c = rx * rx + ry * ry + rz * rz - hlim * hlim
    if a < 1e-18:
        if c >= 0.0:
            return False, 0.0, 0.0, 0.0, 0.0, 0.0
    else:
        disc = b * b - a * c
        if disc <= 0.0:
            return False, 0.0, 0.0, 0.0, 0.0, 0.0
        q = -(b + math.copysign(math.sqrt(disc), b))
        s1 = q / a
        s2 = c / q if q != 0.0 else s1
        if s1 > s2:
            s1, s2 = s2, s1
        lo = max(lo, s1)
        hi = min(hi, s2)
        if hi <= lo:
            return False, 0.0, 0.0, 0.0, 0.0, 0.0
    # Closest approach, reported: the chord r also holds the difference of the two chords'
    # sagittas (up to s^2/8R, along the vertical), harmless near H but not at small distances.
    # So the reported distance is the part of r across the local vertical at the midpoint.
    ax0 = xa[ia] + vax * da
    ay0 = ya[ia] + vay * da
    az0 = za[ia] + vaz * da
    sm = 0.5 * (lo + hi)
    nx, ny, nz = _normal(ax0 + vax * sm - 0.5 * (rx + vx * sm), ay0 + vay * sm - 0.5 * (ry + vy * sm),
                         az0 + vaz * sm - 0.5 * (rz + vz * sm))
    rn = rx * nx + ry * ny + rz * nz
    vn = vx * nx + vy * ny + vz * nz
    px, py, pz = rx - rn * nx, ry - rn * ny, rz - rn * nz
    wx, wy, wz = vx - vn * nx, vy - vn * ny, vz - vn * nz
    ww = wx * wx + wy * wy + wz * wz
    s_cpa = lo if ww < 1e-18 else min(max(-(px * wx + py * wy + pz * wz) / ww, lo), hi)
    hx = rx + vx * s_cpa
    hy = ry + vy * s_cpa
    hz = rz + vz * s_cpa
    nx, ny, nz = _normal(ax0 + vax * s_cpa - 0.5 * hx, ay0 + vay * s_cpa - 0.5 * hy, az0 + vaz * s_cpa - 0.5 * hz)
    hn = hx * nx + hy * ny + hz * nz
    h = math.sqrt(max(0.0, hx * hx + hy * hy + hz * hz - hn * hn))
    v = abs(dz + w * s_cpa)
    return True, ts + lo, ts + hi, ts + s_cpa, h, v


_INV_A2 = 1.0 / 6378137.0**2
_INV_B2 = 1.0 / (6378137.0 * (1.0 - 1.0 / 298.257223563)) ** 2


@njit(cache=True, inline="always")
def _normal(x, y, z):
    """Unit normal of the WGS-84 ellipsoid at (near) an ECEF surface point: its local vertical."""
    gx = x * _INV_A2
    gy = y * _INV_A2
    gz = z * _INV_B2
    k = 1.0 / math.sqrt(gx * gx + gy * gy + gz * gz)
    return gx * k, gy * k, gz * k


@njit(cache=True, inline="always")
def _mixed(mask):
    """True when an altitude-reference bit mask has more than one reference."""
    return (mask & (mask - 1)) != 0


@njit(cache=True)
def _grow(buf, n):
    if n < buf.shape[0]:
        return buf
    out = np.empty((buf.shape[0] * 2 + 16, buf.shape[1]), dtype=buf.dtype)
    out[: buf.shape[0]] = buf
    return out


@njit(cache=True, inline="always")
def piece_box(t, x, y, z, a, i):
    """Axis-aligned box of piece ``i``: x0, x1, y0, y1, z0, z1, t0, t1, alt0, alt1."""
    return (
        min(x[i], x[i + 1]), max(x[i], x[i + 1]),
        min(y[i], y[i + 1]), max(y[i], y[i + 1]),
        min(z[i], z[i + 1]), max(z[i], z[i + 1]),
        t[i], t[i + 1],
        min(a[i], a[i + 1]), max(a[i], a[i + 1]),
    )


# Grid geometry, passed to the kernels as one tuple ``geom``: (origin of the ECEF cell counts (m),
# ECEF cell size (m), time cell (s), altitude cell (m), cells per ECEF axis, origin of the time cells (s)).
# Keys are (((it·NALT + ia)·n + ix)·n + iy)·n + iz; build_grid checks that they fit in 63 bits.
ALT_ORIGIN = -20_000.0
NALT = 512


@njit(cache=True, inline="always")
def _span(lo, hi, e, origin, size):
    return math.floor((lo - e - origin) / size), math.floor((hi + e - origin) / size)


@njit(cache=True)
def count_cells(t, x, y, z, a, start, expand, aexpand, geom):
    """Number of grid cells each piece's expanded box touches (space, time and altitude)."""
    origin, cell, tcell, acell, _, torigin = geom
    n = start.shape[0]
    out = np.empty(n, dtype=np.int64)
    for k in range(n):
        b = piece_box(t, x, y, z, a, start[k])
        e = expand[k]
        x0, x1 = _span(b[0], b[1], e, origin, cell)
        y0, y1 = _span(b[2], b[3], e, origin, cell)
        z0, z1 = _span(b[4], b[5], e, origin, cell)
        t0, t1 = _span(b[6], b[7], 0.0, torigin, tcell)
        a0, a1 = _span(b[8], b[9], aexpand[k], ALT_ORIGIN, acell)
        out[k] = (x1 - x0 + 1) * (y1 - y0 + 1) * (z1 - z0 + 1) * (t1 - t0 + 1) * (a1 - a0 + 1)
    return out


@njit(cache=True, inline="always")
def cell_key(ix, iy, iz, it, ia, ncell):
    return (((it * NALT + ia) * ncell + ix) * ncell + iy) * ncell + iz


@njit(cache=True)
def fill_cells(t, x, y, z, a, start, expand, aexpand, geom, offsets, keys, ids):
    """Write the (cell key, piece) entries of every piece, piece ``k`` from ``offsets[k]``."""
    origin, cell, tcell, acell, ncell, torigin = geom
    for k in range(start.shape[0]):
        b = piece_box(t, x, y, z, a, start[k])
        e = expand[k]
        x0, x1 = _span(b[0], b[1], e, origin, cell)
        y0, y1 = _span(b[2], b[3], e, origin, cell)
        z0, z1 = _span(b[4], b[5], e, origin, cell)
        t0, t1 = _span(b[6], b[7], 0.0, torigin, tcell)
        a0, a1 = _span(b[8], b[9], aexpand[k], ALT_ORIGIN, acell)
        m = offsets[k]
        for it in range(t0, t1 + 1):
            for ia in range(a0, a1 + 1):
                for ix in range(x0, x1 + 1):
                    for iy in range(y0, y1 + 1):
                        for iz in range(z0, z1 + 1):
                            keys[m] = cell_key(ix, iy, iz, it, ia, ncell)
                            ids[m] = k
                            m += 1


@njit(cache=True, inline="always")
def _owns(kb, ea, eaa, jb, eb, eab, geom, key):
    """True when ``key`` is the cell of the lower corner of the two expanded boxes' overlap.

    Each candidate pair is then handled in exactly one cell, so no pair is reported twice.
    """
    origin, cell, tcell, acell, ncell, torigin = geom
    ix = math.floor((max(kb[0] - ea, jb[0] - eb) - origin) / cell)
    iy = math.floor((max(kb[2] - ea, jb[2] - eb) - origin) / cell)
    iz = math.floor((max(kb[4] - ea, jb[4] - eb) - origin) / cell)
    it = math.floor((max(kb[6], jb[6]) - torigin) / tcell)
    ia = math.floor((max(kb[8] - eaa, jb[8] - eab) - ALT_ORIGIN) / acell)
    return cell_key(ix, iy, iz, it, ia, ncell) == key


@njit(cache=True, inline="always")
def _limits(hbase, vbase, hpad_a, hpad_b, vpad_a, vpad_b, mask, refbuf):
    """Horizontal and vertical limits of one pair: minima, both pads, reference buffer if mixed."""
    vl = vbase + vpad_a + vpad_b
    if _mixed(mask):
        vl += refbuf
    return hbase + hpad_a + hpad_b, vl


@njit(cache=True, inline="always")
def _apart(kb, jb, hl, vl, t_extra, alt_extra):
    """True when two piece boxes cannot be in conflict (each test is implied by a conflict).

    ``t_extra``/``alt_extra`` stretch box ``kb`` later in time and up and down in altitude.
    """
    return (jb[6] >= kb[7] + t_extra or kb[6] >= jb[7]
            or jb[8] - kb[9] - alt_extra >= vl or kb[8] - alt_extra - jb[9] >= vl
            or jb[0] - kb[1] >= hl or kb[0] - jb[1] >= hl
            or jb[2] - kb[3] >= hl or kb[2] - jb[3] >= hl
            or jb[4] - kb[5] >= hl or kb[4] - jb[5] >= hl)


@njit(cache=True, inline="always")
def _put(out, n, c0, c1, c2, c3, lo, hi, tc, hc, vc):
    """Write one interval row at ``n`` (growing ``out`` when full); returns the buffer."""
    out = _grow(out, n)
    out[n, 0] = c0
    out[n, 1] = c1
    out[n, 2] = c2
    out[n, 3] = c3
    out[n, 4] = lo
    out[n, 5] = hi
    out[n, 6] = tc
    out[n, 7] = hc
    out[n, 8] = vc
    return out


@njit(cache=True)
def _run_pairs(key, r0, r1, t, x, y, z, a, start, pplan, pref, plan_party, plan_hpad, plan_vpad,
               hmat, vmat, refbuf, expand, aexpand, same_party, ids, geom, hl_max, vl_max,
               box, low, owner, party, out, n):
    """Conflicting pairs among the entries ``r0:r1`` of one cell; counts them from ``n`` and stores
    those that fit in ``out`` from row ``n``.  Returns the new count.

    The entries' boxes and the lowest cell of each expanded box are gathered first into the
    scratch arrays, so the quadratic loop reads memory in order.  The ownership test needs no
    division: ``floor`` is monotone, so the cell of the overlap's lower corner is, axis by axis,
    the larger of the two boxes' lowest cells.
    """
    origin, cell, tcell, acell, ncell, torigin = geom
    size = r1 - r0
    rest = key
    cz = rest % ncell
    rest //= ncell
    cy = rest % ncell
    rest //= ncell
    cx = rest % ncell
    rest //= ncell
    ca = rest % NALT
    ct = rest // NALT
    for u in range(size):
        k = ids[r0 + u]
        b = piece_box(t, x, y, z, a, start[k])
        for c in range(10):
            box[u, c] = b[c]
        e = expand[k]
        low[u, 0] = math.floor((b[0] - e - origin) / cell)
        low[u, 1] = math.floor((b[2] - e - origin) / cell)
        low[u, 2] = math.floor((b[4] - e - origin) / cell)
        low[u, 3] = math.floor((b[6] - torigin) / tcell)
        low[u, 4] = math.floor((b[8] - aexpand[k] - ALT_ORIGIN) / acell)
        owner[u] = pplan[k]
        party[u] = plan_party[owner[u]]
    for u in range(size):
        pk = owner[u]
        qa = party[u]
        for w in range(u + 1, size):
            if (box[w, 8] - box[u, 9] >= vl_max or box[u, 8] - box[w, 9] >= vl_max
                    or box[w, 6] >= box[u, 7] or box[u, 6] >= box[w, 7]
                    or box[w, 0] - box[u, 1] >= hl_max or box[u, 0] - box[w, 1] >= hl_max
                    or box[w, 2] - box[u, 3] >= hl_max or box[u, 2] - box[w, 3] >= hl_max
                    or box[w, 4] - box[u, 5] >= hl_max or box[u, 4] - box[w, 5] >= hl_max):
                continue
            pj = owner[w]
            qb = party[w]
            if pj == pk or (not same_party and qa == qb):
                continue
            if (max(low[u, 4], low[w, 4]) != ca or max(low[u, 0], low[w, 0]) != cx
                    or max(low[u, 1], low[w, 1]) != cy or max(low[u, 2], low[w, 2]) != cz
                    or max(low[u, 3], low[w, 3]) != ct):
                continue
            k = ids[r0 + u]
            j = ids[r0 + w]
            hl, vl = _limits(hmat[qa, qb], vmat[qa, qb], plan_hpad[pk], plan_hpad[pj], plan_vpad[pk],
                             plan_vpad[pj], pref[k] | pref[j], refbuf)
            found, lo, hi, tc, hc, vc = piece_interval(t, x, y, z, a, start[k], t, x, y, z, a, start[j], hl, vl)
            if found:
                if n < out.shape[0]:
                    if pk < pj:
                        row = (float(pk), float(pj), float(k), float(j))
                    else:
                        row = (float(pj), float(pk), float(j), float(k))
                    out[n, 0] = row[0]
                    out[n, 1] = row[1]
                    out[n, 2] = row[2]
                    out[n, 3] = row[3]
                    out[n, 4] = lo
                    out[n, 5] = hi
                    out[n, 6] = tc
                    out[n, 7] = hc
                    out[n, 8] = vc
                n += 1
    return n


@njit(cache=True)
def _chunk_pairs(c, chunks, nr, bounds, biggest, t, x, y, z, a, start, pplan, pref, plan_party, plan_hpad,
                 plan_vpad, hmat, vmat, refbuf, expand, aexpand, same_party, keys, ids, geom, hl_max, vl_max, out):
    """The conflicting pairs of the cells of chunk ``c`` (those that fit go to ``out``); returns their number."""
    box = np.empty((biggest, 10), dtype=np.float64)
    low = np.empty((biggest, 5), dtype=np.int64)
    owner = np.empty(biggest, dtype=np.int64)
    party = np.empty(biggest, dtype=np.int64)
    n = 0
    for q in range(c * nr // chunks, (c + 1) * nr // chunks):
        r0 = bounds[q]
        r1 = bounds[q + 1]
        if r1 - r0 > 1:
            n = _run_pairs(keys[r0], r0, r1, t, x, y, z, a, start, pplan, pref, plan_party, plan_hpad, plan_vpad,
                           hmat, vmat, refbuf, expand, aexpand, same_party, ids, geom, hl_max, vl_max, box, low,
                           owner, party, out, n)
    return n


@njit(cache=True, parallel=True)
def sweep(t, x, y, z, a, start, pplan, pref, plan_party, plan_hpad, plan_vpad,
          hmat, vmat, refbuf, expand, aexpand, same_party, keys, ids, geom):
    """All piece pairs of different plans in conflict, from the sorted grid entries.

    Cells are shared among threads in 256 chunks, each writing into its own buffer; a chunk
    whose buffer overflows is redone alone into its exact place.  The rows come out in cell
    order whatever the number of threads.
    """
    m = keys.shape[0]
    if m == 0:
        return np.empty((0, NCOL), dtype=np.float64)
    # upper bounds of every pair's limits: a first box test with them reads no per-plan data
    hl_max = np.max(hmat) + 2.0 * (np.max(plan_hpad) if plan_hpad.shape[0] else 0.0)
    vl_max = np.max(vmat) + 2.0 * (np.max(plan_vpad) if plan_vpad.shape[0] else 0.0) + refbuf
    # cell runs
    nr = 1
    for i in range(1, m):
        if keys[i] != keys[i - 1]:
            nr += 1
    bounds = np.empty(nr + 1, dtype=np.int64)
    bounds[0] = 0
    r = 1
    biggest = 1
    for i in range(1, m):
        if keys[i] != keys[i - 1]:
            bounds[r] = i
            biggest = max(biggest, i - bounds[r - 1])
            r += 1
    bounds[nr] = m
    biggest = max(biggest, m - bounds[nr - 1])
    chunks = min(nr, 256)
    cap = 512
    counts = np.zeros(chunks, dtype=np.int64)
    buffers = np.empty((chunks, cap, NCOL), dtype=np.float64)
    for c in prange(chunks):
        counts[c] = _chunk_pairs(c, chunks, nr, bounds, biggest, t, x, y, z, a, start, pplan, pref, plan_party,
                                 plan_hpad, plan_vpad, hmat, vmat, refbuf, expand, aexpand, same_party, keys, ids,
                                 geom, hl_max, vl_max, buffers[c])
    out = np.empty((np.sum(counts), NCOL), dtype=np.float64)
    off = 0
    for c in range(chunks):
        if counts[c] <= cap:
            out[off:off + counts[c]] = buffers[c, :counts[c]]
        else:  # this chunk's buffer overflowed: redo it into its exact place
            _chunk_pairs(c, chunks, nr, bounds, biggest, t, x, y, z, a, start, pplan, pref, plan_party, plan_hpad,
                         plan_vpad, hmat, vmat, refbuf, expand, aexpand, same_party, keys, ids, geom, hl_max, vl_max,
                         out[off:off + counts[c]])
        off += counts[c]
    return out


@njit(cache=True)
def probe(pt, px, py, pz, pa, pref_probe, p_hpad, p_vpad, p_party, p_expand, p_aexpand,
          t, x, y, z, a, start, pplan, pref, plan_party, plan_hpad, plan_vpad, plan_skip,
          hrow, vrow, refbuf, expand, aexpand, same_party, keys, ids, geom, t_extra, alt_extra, narrow):
    """Conflicting piece pairs between one probe trajectory and the indexed pieces.

    With ``narrow`` false, returns instead every candidate (probe piece, indexed piece) whose
    boxes could meet if the probe were up to ``t_extra`` s later and ``alt_extra`` m higher
    or lower (columns 2 and 3; a pair may repeat).
    """
    out = np.empty((64, NCOL), dtype=np.float64)
    n = 0
    m = keys.shape[0]
    e = p_expand
    origin, cell, tcell, acell, ncell, torigin = geom
    for k in range(pt.shape[0] - 1):
        kb = piece_box(pt, px, py, pz, pa, k)
        x0, x1 = _span(kb[0], kb[1], e, origin, cell)
        y0, y1 = _span(kb[2], kb[3], e, origin, cell)
        z0, z1 = _span(kb[4], kb[5], e, origin, cell)
        t0, t1 = _span(kb[6], kb[7] + t_extra, 0.0, torigin, tcell)
        a0, a1 = _span(kb[8] - alt_extra, kb[9] + alt_extra, p_aexpand, ALT_ORIGIN, acell)
        kbo = (kb[0], kb[1], kb[2], kb[3], kb[4], kb[5], kb[6], kb[7] + t_extra, kb[8] - alt_extra,
               kb[9] + alt_extra)
        for it in range(t0, t1 + 1):
            for ia in range(a0, a1 + 1):
                for ix in range(x0, x1 + 1):
                    for iy in range(y0, y1 + 1):
                        for iz in range(z0, z1 + 1):
                            key = cell_key(ix, iy, iz, it, ia, ncell)
                            q = np.searchsorted(keys, key)
                            while q < m and keys[q] == key:
                                j = ids[q]
                                q += 1
                                pj = pplan[j]
                                qb = plan_party[pj]
                                if plan_skip[pj] or (not same_party and qb == p_party):
                                    continue
                                jb = piece_box(t, x, y, z, a, start[j])
                                hl, vl = _limits(hrow[qb], vrow[qb], p_hpad, plan_hpad[pj], p_vpad, plan_vpad[pj],
                                                 pref_probe[k] | pref[j], refbuf)
                                if _apart(kb, jb, hl, vl, t_extra, alt_extra):
                                    continue
                                if not _owns(kbo, e, p_aexpand, jb, expand[j], aexpand[j], geom, key):
                                    continue
                                if not narrow:
                                    out = _put(out, n, -1, pj, k, j, 0.0, 0.0, 0.0, 0.0, 0.0)
                                    n += 1
                                    continue
                                found, lo, hi, tc, hc, vc = piece_interval(
                                    pt, px, py, pz, pa, k, t, x, y, z, a, start[j], hl, vl)
                                if found:
                                    out = _put(out, n, -1, pj, k, j, lo, hi, tc, hc, vc)
                                    n += 1
    return out[:n]


@njit(cache=True)
def merge_intervals(rows):
    """Merge piece intervals of the same plan pair that touch (rows sorted by pair, then t_lo).

    Returns one row per conflict, keeping the row of the smallest horizontal distance for the
    closest-approach columns and widening t_lo/t_hi.
    """
    n = rows.shape[0]
    out = np.empty((n, NCOL), dtype=np.float64)
    m = -1
    for i in range(n):
        if (m >= 0 and rows[i, 0] == out[m, 0] and rows[i, 1] == out[m, 1]
                and rows[i, 4] <= out[m, 5] + 1e-6):
            if rows[i, 5] > out[m, 5]:
                out[m, 5] = rows[i, 5]
            if rows[i, 7] < out[m, 7]:
                for c in (2, 3, 6, 7, 8):
                    out[m, c] = rows[i, c]
        else:
            m += 1
            out[m] = rows[i]
    return out[: m + 1]


@njit(cache=True)
def first_clear_delay(pt, px, py, pz, pa, pref_probe, p_hpad, p_vpad,
                      t, x, y, z, a, start, pplan, pref, plan_party, plan_hpad, plan_vpad,
                      hrow, vrow, refbuf, pairs, step, max_delay, k0):
    """The smallest delay ``k·step`` (k >= k0, k·step <= max_delay) clearing every candidate pair, or -1."""
    for k in range(k0, int(max_delay / step + 1e-9) + 1):
        d = k * step
        if not any_conflict(pt + d, px, py, pz, pa, pref_probe, p_hpad, p_vpad,
                            t, x, y, z, a, start, pplan, pref, plan_party, plan_hpad, plan_vpad,
                            hrow, vrow, refbuf, pairs):
            return d
    return -1.0


@njit(cache=True)
def any_conflict(pts, px, py, pz, pas, pref_probe, p_hpad, p_vpad,
                 t, x, y, z, a, start, pplan, pref, plan_party, plan_hpad, plan_vpad,
                 hrow, vrow, refbuf, pairs):
    """True when the probe conflicts on any candidate (probe piece, indexed piece) pair."""
    for r in range(pairs.shape[0]):
        k = pairs[r, 0]
        j = pairs[r, 1]
        pj = pplan[j]
        qb = plan_party[pj]
        hl, vl = _limits(hrow[qb], vrow[qb], p_hpad, plan_hpad[pj], p_vpad, plan_vpad[pj], pref_probe[k] | pref[j],
                         refbuf)
        found, _, _, _, _, _ = piece_interval(pts, px, py, pz, pas, k, t, x, y, z, a, start[j], hl, vl)
        if found:
            return True
    return False


@njit(cache=True)
def brute_sweep(t, x, y, z, a, offsets, pref, plan_party, plan_hpad, plan_vpad,
                hmat, vmat, refbuf, same_party):
    """Every conflicting piece pair, without any index: all plan pairs, pieces walked in time order.

    Piece ``b - p`` of the flat piece arrays starts at breakpoint ``b`` of plan ``p``.
    """
    out = np.empty((1024, NCOL), dtype=np.float64)
    n = 0
    n_plans = offsets.shape[0] - 1
    for pa in range(n_plans):
        a0 = offsets[pa]
        a1 = offsets[pa + 1] - 1
        for pb in range(pa + 1, n_plans):
            if not same_party and plan_party[pa] == plan_party[pb]:
                continue
            b0 = offsets[pb]
            b1 = offsets[pb + 1] - 1
            if t[a1] <= t[b0] or t[b1] <= t[a0]:
                continue
            qa = plan_party[pa]
            qb = plan_party[pb]
            i = a0
            j = b0
            while i < a1 and j < b1:
                hl, vl = _limits(hmat[qa, qb], vmat[qa, qb], plan_hpad[pa], plan_hpad[pb], plan_vpad[pa],
                                 plan_vpad[pb], pref[i - pa] | pref[j - pb], refbuf)
                found, lo, hi, tc, hc, vc = piece_interval(t, x, y, z, a, i, t, x, y, z, a, j, hl, vl)
                if found:
                    out = _put(out, n, pa, pb, i - pa, j - pb, lo, hi, tc, hc, vc)
                    n += 1
                if t[i + 1] < t[j + 1]:
                    i += 1
                else:
                    j += 1
    return out[:n]
