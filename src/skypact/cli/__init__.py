"""The ``skypact`` command line (typer + rich)."""
