"""Drills ("sky safety tests"): scripted encounters played through the whole service on a virtual
clock, with simulated parties, injected faults and a score."""
