"""The tactical (live-state) engine: projection, detection volumes and alerting. Pure, no I/O."""
