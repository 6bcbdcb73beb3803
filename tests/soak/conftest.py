"""The reliability suite: each test runs short in ``make test`` (CI) and at full scale under
``make soak`` (``SKYPACT_SOAK=full``), and prints its figures (``pytest -s`` shows them)."""

from __future__ import annotations

import os

FULL = os.environ.get("SKYPACT_SOAK") == "full"


def scale(short: int, full: int) -> int:
    """``full`` under ``make soak``, ``short`` otherwise."""
    return full if FULL else short


def report(line: str) -> None:
    """A figure of the run, on the terminal and in ``var/soak.log``."""
    print(f"SOAK {line}")
    os.makedirs("var", exist_ok=True)
    with open("var/soak.log", "a", encoding="utf-8") as f:
        f.write(line + "\n")
