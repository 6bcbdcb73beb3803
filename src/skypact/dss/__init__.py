"""The ASTM F3548-21 DSS interface (``/dss/v1``): operational intent references, constraint
references, subscriptions and USS availability, over skypact's own store and conflict engine.

:mod:`~skypact.dss.models` mirrors the standard's request types (pydantic; unknown fields are
ignored, as the standard wants); :mod:`~skypact.dss.geometry` turns its 4D volumes into skypact's
boxes and reserved volumes; :mod:`~skypact.dss.service` keeps the entities; :mod:`~skypact.dss.routes`
serves them with the standard's tokens, scopes and ``ErrorResponse`` bodies.
"""
