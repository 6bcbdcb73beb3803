"""Per-party webhooks: each notification POSTed as JSON to the party's URL, signed, in order,
retried with back-off until the receiver answers 2xx.

Signature: ``X-Skypact-Signature: sha256=<hex>``, the HMAC-SHA256 with the party's webhook secret
of ``<X-Skypact-Timestamp>.<body>`` (the timestamp guards against replay; receivers should refuse
old ones).  ``X-Skypact-Id`` is the notification id, the same as on the stream.  Delivery keeps
the order: a failing notification is retried after 1, 2, 4, … s (at most 60 s) and the ones after
it wait.  The last id delivered is kept in the store, so a restart resumes where it stopped.

**Isolation.**  Each party's deliveries run as a job of their own in a small pool of threads: a
receiver that is slow, down or misconfigured delays only its own party's notifications, never
another party's.  A failing receiver is logged once when it starts failing and once when it
recovers, not at every attempt.  URLs are checked when they are set
(:func:`skypact.service.notices.check_webhook_url`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for
from typing import Any

from sqlalchemy import Engine, select, update

from skypact.service.notices import Notices
from skypact.store.tables import party_settings

__all__ = ["MAX_BACKOFF_S", "Webhooks", "sign"]

MAX_BACKOFF_S = 60.0
WORKERS = 8
log = logging.getLogger("skypact.webhooks")
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
    except (urllib.error.URLError, OSError, ValueError, UnicodeError):
        return False


class Webhooks:
    """Delivery of every party's notifications to its webhook."""

    def __init__(self, engine: Engine, notices: Notices, post: Poster = _post) -> None:
        self.engine = engine
        self.notices = notices
        self.post = post
        self._fails: dict[str, int] = {}
        self._next: dict[str, float] = {}
        self._running: dict[str, Future[int]] = {}
        self._pool = ThreadPoolExecutor(WORKERS, thread_name_prefix="skypact-webhook")

    def deliver_once(self, now: float | None = None, wait: bool = True) -> int:
        """Start delivery for every party with a webhook that is due and not being served already;
        with ``wait``, wait for those jobs.  Returns how many notifications the jobs that have
        finished delivered."""
        at = time.time() if now is None else now
        with self.engine.connect() as conn:
            hooks = conn.execute(select(party_settings).where(party_settings.c.webhook_url.is_not(None))).all()
        started = []
        for h in hooks:
            job = self._running.get(h.party)
            if at < self._next.get(h.party, 0.0) or (job is not None and not job.done()):
                continue
            self._running[h.party] = job = self._pool.submit(self._deliver, h, at)
            started.append(job)
        if wait:
            wait_for(started)
        sent = 0
        for party, job in list(self._running.items()):
            if job.done():
                del self._running[party]
                sent += job.result()
        return sent

    def _deliver(self, h: Any, at: float) -> int:
        """One party's due notifications, in order, until one fails (never raises)."""
        sent = 0
        cursor = h.webhook_sent
        try:
            for note in self.notices.read(h.party, cursor, 100):
                body = json.dumps(note, ensure_ascii=False).encode()
                ts = str(int(at))
                headers = {"Content-Type": "application/json", "X-Skypact-Id": str(note["id"]),
                           "X-Skypact-Timestamp": ts, "X-Skypact-Signature": sign(h.webhook_secret or "", ts, body)}
                if not self.post(h.webhook_url, body, headers):
                    self._failed(h.party, at, "the receiver did not answer 2xx")
                    break
                if self._fails.pop(h.party, None):
                    log.info("webhook of party %s delivers again", h.party)
                cursor = note["id"]
                sent += 1
                if note["delivered_at"] is None:
                    self.notices.mark_delivered(h.party, [note["id"]], at)
        except Exception as e:  # one party's trouble must not reach the others
            self._failed(h.party, at, f"{type(e).__name__}: {e}")
        if cursor != h.webhook_sent:
            with self.notices.transaction() as conn:
                conn.execute(update(party_settings).where(party_settings.c.party == h.party)
                             .values(webhook_sent=cursor))
        return sent

    def _failed(self, party: str, at: float, why: str) -> None:
        n = self._fails[party] = self._fails.get(party, 0) + 1
        self._next[party] = at + min(MAX_BACKOFF_S, 2.0 ** (n - 1))
        if n == 1:
            log.warning("webhook of party %s failed (%s): retrying with back-off up to %.0f s", party, why,
                        MAX_BACKOFF_S)
