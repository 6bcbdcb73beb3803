"""The F3548 interface's bounds (:mod:`skypact.limits`): extents per entity and the duration of
one extent, refused with a 400 ErrorResponse in English and Russian before any work is done."""

from __future__ import annotations

import time
from typing import Any

import pytest

from skypact.limits import MAX_EXTENTS, MAX_WINDOW_S
from tests.dss.conftest import New, error, oir_body, volume

OIRS = "/dss/v1/operational_intent_references"


@pytest.mark.parametrize("dss", ["sqlite"], indirect=True)
def test_extents_over_the_bounds(dss: dict[str, Any], new_id: New) -> None:
    c, h = dss["client"], dss["h"]("uss1")
    now = time.time()
    forever = oir_body(now, now + 3600)
    forever["extents"] = [volume(now, 253402300799.0)]  # 9999-12-31T23:59:59Z
    msg = error(c.put(f"{OIRS}/{new_id()}", json=forever, headers=h), 400)
    assert f"{MAX_WINDOW_S / 86400:.0f} days" in msg
    many = oir_body(now, now + 3600)
    many["extents"] = [volume(now + k, now + 3600 + k) for k in range(MAX_EXTENTS + 1)]
    msg = error(c.put(f"{OIRS}/{new_id()}", json=many, headers=h), 400)
    assert str(MAX_EXTENTS) in msg
    assert c.put(f"{OIRS}/{new_id()}", json=oir_body(now, now + MAX_WINDOW_S - 60), headers=h).status_code == 201
