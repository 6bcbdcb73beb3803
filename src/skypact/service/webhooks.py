"""Per-party webhooks: each notification POSTed as JSON to the party's URL, signed, in order,
retried with back-off until the receiver answers 2xx.

Signature: ``X-Skypact-Signature: sha256=<hex>``, the HMAC-SHA256 with the party's webhook secret
of ``<X-Skypact-Timestamp>.<body>`` (the timestamp guards against replay; receivers should refuse
old ones).  ``X-Skypact-Id`` is the notification id, the same as on the stream.  Delivery keeps
the order: a failing notification is retried after 1, 2, 4, … s (at most 60 s) and the ones after
it wait.  The last id delivered is kept in the store, so a restart resumes where it stopped.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable

from sqlalchemy import Engine, select, update

from skypact.service.notices import Notices
from skypact.store.tables import party_settings

__all__ = ["MAX_BACKOFF_S", "Webhooks", "sign"]

MAX_BACKOFF_S = 60.0
Poster = Callable[[str, bytes, dict[str, str]], bool]


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The ``X-Skypact-Signature`` value of ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def _post(url: str, body: bytes, headers: dict[str, str]) -> bool:
    req = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return bool(200 <= r.status < 300)
    except (urllib.error.URLError, OSError, ValueError):
        return False


class Webhooks:
    """Delivery of every party's notifications to its webhook."""

    def __init__(self, engine: Engine, notices: Notices, post: Poster = _post) -> None:
        self.engine = engine
        self.notices = notices
        self.post = post
        self._fails: dict[str, int] = {}
        self._next: dict[str, float] = {}

    def deliver_once(self, now: float | None = None) -> int:
        """Send what is due to every party with a webhook; how many were delivered."""
        at = time.time() if now is None else now
        with self.engine.connect() as conn:
            hooks = conn.execute(select(party_settings).where(party_settings.c.webhook_url.is_not(None))).all()
        sent = 0
        for h in hooks:
            if at < self._next.get(h.party, 0.0):
                continue
            cursor = h.webhook_sent
            for note in self.notices.read(h.party, cursor, 100):
                body = json.dumps(note, ensure_ascii=False).encode()
                ts = str(int(at))
                headers = {"Content-Type": "application/json", "X-Skypact-Id": str(note["id"]),
                           "X-Skypact-Timestamp": ts, "X-Skypact-Signature": sign(h.webhook_secret or "", ts, body)}
                if not self.post(h.webhook_url, body, headers):
                    n = self._fails[h.party] = self._fails.get(h.party, 0) + 1
                    self._next[h.party] = at + min(MAX_BACKOFF_S, 2.0 ** (n - 1))
                    break
                self._fails.pop(h.party, None)
                cursor = note["id"]
                sent += 1
                if note["delivered_at"] is None:
                    self.notices.mark_delivered(h.party, [note["id"]], at)
            if cursor != h.webhook_sent:
                with self.notices.transaction() as conn:
                    conn.execute(update(party_settings).where(party_settings.c.party == h.party)
                                 .values(webhook_sent=cursor))
        return sent
