"""``skypact conflicts`` and ``skypact daa-alert`` from the command line."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from typer.testing import CliRunner

from skypact.cli.app import app

runner = CliRunner()
STATES = ("id,lat,lon,alt_ft,gs_kt,trk_deg,vs_fpm\n"
          "AAL1,50.0,8.0,20000,450,90,0\n"
          "DLH2,50.0,8.5,20000,450,270,0\n"
          "BAW3,50.0,8.2,21000,450,270,0\n"
          "AFR4,51.0,9.0,30000,400,180,-1500\n")


def test_conflicts_csv_and_parquet_agree(tmp_path: Path) -> None:
    src = tmp_path / "s.csv"
    src.write_text(STATES)
    out = tmp_path / "pairs.csv"
    r = runner.invoke(app, ["conflicts", str(src), "--h-nm", "5", "--v-ft", "1000", "--lookahead", "300",
                            "-o", str(out)])
    assert r.exit_code == 0, r.output
    lines = out.read_text().splitlines()
    assert lines[0] == "id_a,id_b,t_in,t_out,tcpa,dcpa,tier"
    # head-on at 900 kt closing from 0.5° of longitude (19.3 NM): within 5 NM from (19.3-5)/900 h
    assert len(lines) == 2 and lines[1].startswith("AAL1,DLH2,") and lines[1].endswith(",2")
    t_in = float(lines[1].split(",")[2])
    assert abs(t_in - (0.5 * 60 * 0.6389 * 1852 - 5 * 1852) / (900 * 1852 / 3600)) < 2.0
    pq.write_table(pacsv.read_csv(src, convert_options=pacsv.ConvertOptions(column_types={"id": pa.string()})),
                   tmp_path / "s.parquet")
    r2 = runner.invoke(app, ["conflicts", str(tmp_path / "s.parquet")])
    assert r2.exit_code == 0 and r2.stdout.splitlines() == lines


def test_conflicts_bad_input(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(STATES.replace("51.0,9.0", "95.0,9.0"))
    r = runner.invoke(app, ["conflicts", str(bad), "-o", str(tmp_path / "o.csv")])
    assert r.exit_code == 2 and "row 4" in r.stderr and "строка 4" in r.stderr
    assert not (tmp_path / "o.csv").exists()
    r = runner.invoke(app, ["conflicts", str(tmp_path / "none.csv")])
    assert r.exit_code == 2
    (tmp_path / "cols.csv").write_text("id,lat\nA,1\n")
    assert runner.invoke(app, ["conflicts", str(tmp_path / "cols.csv")]).exit_code == 2


def test_daa_alert_bad_input_writes_nothing(tmp_path: Path) -> None:
    src = tmp_path / "x.daa"
    src.write_text("NAME lat lon alt trk gs vs time\nOWN 45 7 10000 90 200 0 0\nINT 45 7.2 10000 270\n")
    out = tmp_path / "o.csv"
    r = runner.invoke(app, ["daa-alert", str(src), "--preset", "cd3d", "-o", str(out)])
    assert r.exit_code == 2 and "line 3" in r.stderr and "строка 3" in r.stderr
    assert not out.exists()


def test_daa_alert_ownship_and_all_pairs(tmp_path: Path) -> None:
    src = tmp_path / "x.daa"
    src.write_text("NAME lat lon alt trk gs vs time\nOWN 45 7 10000 90 200 0 0\nINT 45 7.2 10000 270 180 0 0\n"
                   "THIRD 45.1 7.1 10000 180 150 0 0\n")
    r = runner.invoke(app, ["daa-alert", str(src), "--preset", "do365b", "--ownship", "INT"])
    rows = r.stdout.splitlines()[2:]
    assert [row.split(", ")[1:3] for row in rows] == [["INT", "OWN"], ["INT", "THIRD"]]
    r = runner.invoke(app, ["daa-alert", str(src), "--preset", "cd3d", "--all-pairs"])
    assert len(r.stdout.splitlines()) == 2 + 6
    assert runner.invoke(app, ["daa-alert", str(src), "--ownship", "NOPE"]).exit_code == 2


def test_bench_tactical_one_size_json() -> None:
    import json

    r = runner.invoke(app, ["bench", "tactical", "--n", "400", "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    for key in ("n", "pairs", "cycle_s_median", "cycle_s_min", "jit_s", "max_rss_mb"):
        assert key in doc
    assert doc["n"] == 400
