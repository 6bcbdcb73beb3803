"""The command line: exit codes, formats, languages, the shipped demo sample."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from skypact.cli.app import app

runner = CliRunner()
ROOT = Path(__file__).parents[2]
SAMPLE = ROOT / "examples" / "demo"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    r = runner.invoke(app, ["demo-data", str(out), "--seed", "1"])
    assert r.exit_code == 0, r.output
    return out


def test_demo_data_is_reproducible_and_shipped(demo: Path) -> None:
    for name in ("plans.json", "volumes.json", "sample.geojson", "plans.csv"):
        assert (demo / name).read_text() == (SAMPLE / name).read_text(), (
            f"{name} differs: regenerate with `skypact demo-data examples/demo --seed 1`")


def test_check_finds_the_known_conflicts_json(demo: Path) -> None:
    r = runner.invoke(app, ["check", str(demo / "plans.json"), "--volumes", str(demo / "volumes.json"),
                            "--format", "json"])
    assert r.exit_code == 1, r.output
    doc = json.loads(r.stdout)
    pairs = {(c["plan_a"], c["plan_b"]) for c in doc["conflicts"]}
    assert pairs == {("NRD101", "SAF201"), ("NRD102", "AF-S-TSA1"), ("AF-S-TSA1", "ATC-N-R1")}
    c = next(c for c in doc["conflicts"] if c["plan_a"] == "NRD101")
    for key in ("plan_a", "plan_b", "party_a", "party_b", "start", "end", "closest_time", "closest_lat",
                "closest_lon", "horizontal_m", "horizontal_nm", "vertical_ft", "vertical_m"):
        assert key in c
    assert c["start"].endswith("Z") and c["start"] < c["closest_time"] < c["end"]
    assert abs(c["horizontal_nm"] * 1852 - c["horizontal_m"]) < 1
    assert "Конфликт" in c["text"]["ru"] and "Conflict" in c["text"]["en"]
    res = {r["plan"]: r for r in doc["resolutions"]}
    assert res["NRD101"]["delay_s"] > 0 and res["NRD101"]["level_change_ft"] in (1000, -1000)


def test_check_exit_0_without_conflict_and_csv(demo: Path, tmp_path: Path) -> None:
    one = tmp_path / "one.csv"
    one.write_text("plan_id,party,callsign,seq,time,lat,lon,alt_ft\n"
                   "P1,A,C1,1,2026-06-01T10:00:00Z,50,0,30000\nP1,A,C1,2,2026-06-01T10:20:00Z,50,2,30000\n")
    r = runner.invoke(app, ["check", str(one), "--lang", "ru"])
    assert r.exit_code == 0 and "конфликтов нет" in r.stdout
    r = runner.invoke(app, ["check", str(demo / "plans.csv"), "--format", "csv", "--no-suggest"])
    assert r.exit_code == 1
    lines = r.stdout.strip().splitlines()
    assert lines[0].startswith("kind,plan_a,plan_b") and len(lines) == 2


def test_check_minima_options(demo: Path, tmp_path: Path) -> None:
    args = ["check", str(demo / "plans.json"), "--format", "json", "--no-suggest"]
    r = runner.invoke(app, [*args, "--h-nm", "0.5"])
    assert r.exit_code == 0  # closest approach is 0.6 NM
    r = runner.invoke(app, [*args, "--h-m", "2000", "--v-m", "300"])
    assert r.exit_code == 1
    table = tmp_path / "minima.json"
    table.write_text(json.dumps({"default": {"horizontal": "5 NM", "vertical": "1000 ft"},
                                 "pairs": [{"parties": ["AF-S", "ATC-N"], "horizontal": "1000 m",
                                            "vertical": "1000 ft"}]}))
    r = runner.invoke(app, [*args, "--minima", str(table)])
    assert r.exit_code == 0
    table.write_text('{"default": {"horizontal": "5 parsecs", "vertical": "1000 ft"}}')
    r = runner.invoke(app, [*args, "--minima", str(table)])
    assert r.exit_code == 2 and "ошибка" in r.stderr


def test_bad_input_exits_2_in_both_languages_and_checks_nothing(demo: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    doc = json.loads((demo / "plans.json").read_text())
    doc["plans"][3]["waypoints"][1]["lat"] = 123.0
    bad.write_text(json.dumps(doc))
    r = runner.invoke(app, ["check", str(bad), "--format", "json"])
    assert r.exit_code == 2
    assert r.stdout == ""
    assert "NRD103" in r.stderr and "waypoint 2" in r.stderr and "точка маршрута 2" in r.stderr


def test_validate_explains(demo: Path, tmp_path: Path) -> None:
    r = runner.invoke(app, ["validate", str(demo / "plans.json"), str(demo / "sample.geojson"), "--lang", "en"])
    assert r.exit_code == 0 and "21 plans" in r.stdout
    bad = tmp_path / "v.geojson"
    bad.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": '
                   '{"type": "Polygon", "coordinates": [[[0,0],[1,1],[1,0],[0,1],[0,0]]]}, "properties": '
                   '{"kind": "volume", "id": "V9", "party": "X", "lower": {"value": 0}, "upper": {"value": 5000},'
                   ' "start": "2026-06-01T10:00:00Z", "end": "2026-06-01T11:00:00Z"}}]}')
    r = runner.invoke(app, ["validate", str(bad)])
    assert r.exit_code == 2 and "V9" in r.stderr and "intersects itself" in r.stderr
    assert "самопересекается" in r.stderr


def test_convert_and_schema(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.geojson"
    assert runner.invoke(app, ["convert", str(demo / "plans.json"), str(out)]).exit_code == 0
    back = tmp_path / "y.json"
    assert runner.invoke(app, ["convert", str(out), str(back)]).exit_code == 0
    assert json.loads(back.read_text())["plans"][0]["id"] == "NRD101"
    r = runner.invoke(app, ["schema"])
    assert r.exit_code == 0 and json.loads(r.stdout)["title"] == "PlanSet"


def test_help_lists_commands() -> None:
    r = runner.invoke(app, ["--help"])
    for cmd in ("check", "validate", "convert", "schema", "demo-data", "bench"):
        assert cmd in r.stdout


def test_bench_small_json(tmp_path: Path) -> None:
    r = runner.invoke(app, ["bench", "strategic", "--flights", "300", "--probes", "20", "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    for key in ("flights", "index_build_s", "probe_ms_median", "probe_ms_p99", "sweep_s", "sweep_conflicts",
                "bruteforce_subset_s", "max_rss_mb"):
        assert key in doc
    assert doc["flights"] == 300 and doc["subset_agree"] is True


def test_service_demo_once(tmp_path: Path) -> None:
    r = runner.invoke(app, ["demo", "--once", "--port", "0", "--var", str(tmp_path / "svc"), "--lang", "both"])
    assert r.exit_code == 0, r.output
    assert "key_id=" in r.stdout and "http://127.0.0.1:" in r.stdout
    assert "SAF201" in r.stdout and "NRD101" in r.stdout
    # the conflict arrives on ATC-N's stream in both languages, is acknowledged, and AF-S is told
    assert "NRD101, CONFLICT PREDICTED WITH SAF201" in r.stdout and "ПРОГНОЗ КОНФЛИКТА С SAF201" in r.stdout
    assert "ATC-N acknowledges notification" in r.stdout and "ACKNOWLEDGED BY ATC-N" in r.stdout
    assert "ПОДТВЕРЖДЕНО: ATC-N" in r.stdout


def test_service_demo_on_a_taken_port_says_so(tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        r = runner.invoke(app, ["demo", "--once", "--port", str(port), "--var", str(tmp_path / "svc")])
    assert r.exit_code == 2, r.output
    assert "in use" in r.stderr and "адрес занят" in r.stderr
