"""The multi-party service: identities, plan filing with the conflict check, data minimisation.

Core-facing application layer: it uses the strategic engine and the store, and knows nothing of
HTTP (the API in :mod:`skypact.api` is a thin edge over it).
"""
