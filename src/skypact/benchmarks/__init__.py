"""Benchmarks (``make bench``, ``skypact bench``): figures, never pass/fail tests."""
