"""DAIDALUS-compatible batch alerting: ``.daa``/``.xyz`` encounter files in, alerting CSV out."""
