"""A drill's report: JSON (every figure) and HTML (the score, the warnings table, and two plots -
the geometry, and the separation of each close pair over time with the alert marks - with its text
in English and Russian)."""

from __future__ import annotations

import base64
import html
import io
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from skypact.drills.run import WARNINGS, DrillResult
from skypact.i18n import LANGS, N_, render
from skypact.units import NM

__all__ = ["write_report"]

VERDICTS = {"on_time": N_("warned on time"), "late": N_("warned late"), "missed": N_("not warned")}


def _png(fig: Figure) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()


def _geometry(r: DrillResult) -> str:
    fig, ax = plt.subplots(figsize=(7, 5))
    for ident, pts in r.tracks.items():
        if pts:
            ax.plot([p[2] for p in pts], [p[1] for p in pts], lw=1.2, label=ident)
    for e in r.losses:
        for ident in (e["a"], e["b"]):
            seg = [p for p in r.tracks[ident] if e["start"] <= p[0] - r.drill.t0 <= e["end"]]
            ax.plot([p[2] for p in seg], [p[1] for p in seg], color="red", lw=3, alpha=0.6)
    ax.set_xlabel("lon (°)")
    ax.set_ylabel("lat (°)")
    ax.legend(fontsize=7)
    ax.set_title("geometry / геометрия (red: loss of separation / красный: потеря эшелонирования)", fontsize=9)
    return _png(fig)


def _separation(r: DrillResult) -> str:
    fig, ax = plt.subplots(figsize=(7, 4))
    for key, pts in r.separations.items():
        ax.plot([p[0] - r.drill.t0 for p in pts], [p[1] / NM for p in pts], lw=1.2, label=key.replace("|", " / "))
    ax.axhline(r.drill.h_nm, color="grey", ls="--", lw=1)
    for dv in r.deliveries:
        if dv.type in WARNINGS:
            ax.axvline(dv.t - r.drill.t0, color="orange" if dv.type == "traffic-information" else "red", lw=0.8,
                       alpha=0.7)
    for e in r.losses:
        ax.axvspan(e["start"], e["end"], color="red", alpha=0.1)
    ax.set_xlabel("s")
    ax.set_ylabel("NM")
    ax.legend(fontsize=7)
    ax.set_title("horizontal separation, alerts (orange: information, red: alert) / "
                 "горизонтальное расстояние, предупреждения", fontsize=8)
    return _png(fig)


def write_report(r: DrillResult, out_dir: Path) -> tuple[Path, Path]:
    """Write ``report.json`` and ``report.html`` into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    summary = r.summary()
    js = out_dir / "report.json"
    js.write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    geo, sep = _geometry(r), _separation(r)
    parts = ["<!doctype html><meta charset='utf-8'><title>skypact drill</title>",
             "<style>body{font-family:sans-serif;max-width:60em;margin:auto}td,th{padding:2px 8px}</style>"]
    for lang in LANGS:
        parts.append(f"<section lang='{lang}'><h1>" + html.escape(render(
            N_("Drill {drill}: score {score}%, {on_time} of {expected} warnings on time"), lang,
            {"drill": r.drill.drill, "score": f"{r.score:.0f}", "on_time": r.counts["on_time"],
             "expected": r.counts["expected"]})) + "</h1>")
        parts.append("<p>" + html.escape(render(
            N_("{late} late, {missed} not warned, {false} false alerts; {escalations} escalations; "
               "acknowledged {given} of {asked}"), lang,
            {**r.counts, "escalations": summary["escalations"], **summary["acknowledgements"]})) + "</p>")
        head = [render(x, lang) for x in (N_("party"), N_("aircraft"), N_("other"), N_("loss of separation at (s)"),
                                          N_("warned at (s)"), N_("lead (s)"), N_("verdict"))]
        parts.append("<table><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in head) + "</tr>")
        for w in r.warnings:
            cells = [w["party"], w["aircraft"], w["other"], f"{w['loss_start']:.0f}",
                     "-" if w["delivered"] is None else f"{w['delivered']:.0f}",
                     "-" if w["lead_s"] is None else f"{w['lead_s']:.0f}", render(VERDICTS[w["verdict"]], lang)]
            parts.append("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells) + "</tr>")
        parts.append("</table></section>")
    parts.append(f"<img alt='geometry' src='data:image/png;base64,{geo}'>")
    parts.append(f"<img alt='separation' src='data:image/png;base64,{sep}'>")
    for e in r.losses:
        parts.append(f"<p>LoS {html.escape(e['a'])} / {html.escape(e['b'])}: {e['start']:.0f}-{e['end']:.0f} s, "
                     f"{e['min_h_nm']:.2f} NM, {e['min_v_ft']:.0f} ft</p>")
    page = out_dir / "report.html"
    page.write_text("\n".join(parts), encoding="utf-8")
    return js, page
