"""Agreement with the DAIDALUS oracle: every shared scenario, both presets, via the CLI and
``shared/tools/daa_compare.py --max-dt 0.01`` (100 % alert-level agreement)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from skypact.cli.app import app

SHARED = Path(__file__).parents[2].parent / "shared"
ORACLE = SHARED / "oracle" / "daidalus"
COMPARE = SHARED / "tools" / "daa_compare.py"
PRESETS = {"cd3d": "CD3D", "do365b": "DO_365B_stateless"}

if not ORACLE.is_dir():
    if os.environ.get("CI") == "true":
        raise RuntimeError(f"the DAIDALUS oracle is missing at {ORACLE}; CI must have ../shared")
    pytest.skip(f"no DAIDALUS oracle at {ORACLE} (../shared beside the repo)", allow_module_level=True)

SCENARIOS = sorted(ORACLE.glob("scenarios/*.*"))


@pytest.mark.parametrize("preset", sorted(PRESETS))
@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.stem for s in SCENARIOS])
def test_scenario_agrees_with_daidalus(scenario: Path, preset: str, tmp_path: Path) -> None:
    out = tmp_path / f"{scenario.stem}__{PRESETS[preset]}.csv"
    r = CliRunner().invoke(app, ["daa-alert", str(scenario), "--preset", preset, "-o", str(out)])
    assert r.exit_code == 0, r.output
    expected = ORACLE / "expected" / out.name
    cmp = subprocess.run([sys.executable, str(COMPARE), "--max-dt", "0.01", str(out), str(expected)],
                         capture_output=True, text=True)
    assert cmp.returncode == 0 and cmp.stdout.strip().endswith("PASS"), cmp.stdout + cmp.stderr
    assert " 0 boundary" in cmp.stdout.splitlines()[-1] or "(0 boundary)" in cmp.stdout
