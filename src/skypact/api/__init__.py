"""The HTTP edge (FastAPI): a thin layer over :mod:`skypact.service`."""
