"""Surveillance: recordings of real traffic (OpenSky / ``traffic`` layout), replay with losses of
separation and alert lead times, and the live feeds (SBS/BaseStation, Mode S Beast)."""
