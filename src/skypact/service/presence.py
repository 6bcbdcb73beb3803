"""Which parties are taking part: heartbeats and open notification streams.

A party is present while it sends heartbeats (``POST /v1/heartbeat``) or keeps a notification
stream open.  When neither has been seen for ``silent_after_s`` (60 s by default), or the party
says so itself, it is **silent**: every other party is told at once, in both languages.  Nothing
else changes - its last known plans and volumes stay in every conflict check, and its own
notifications wait in the store, delivered when it comes back (its stream resumes from the last
id it saw).  When it is seen again, the others are told it is back.

Presence is kept in the server process (one process per store); a party that was never seen
is not reported silent.
"""

from __future__ import annotations

import threading
import time

from skypact.service import events
from skypact.service.notices import Notices

__all__ = ["Presence"]


class Presence:
    """Last-seen times and the silent set of one server."""

    def __init__(self, notices: Notices, silent_after_s: float = 60.0) -> None:
        self.notices = notices
        self.silent_after_s = silent_after_s
        self._guard = threading.Lock()
        self._seen: dict[str, float] = {}
        self._silent: set[str] = set()

    def seen(self, party: str, now: float | None = None) -> None:
        """``party`` is taking part (a heartbeat, an open stream); tell the others if it was silent."""
        at = time.time() if now is None else now
        if self.mark(party, at):
            self.tell_back(party, at)

    def mark(self, party: str, at: float) -> bool:
        """The in-memory part of :meth:`seen` (no store access): whether the party was silent
        until now, so that :meth:`tell_back` must tell the others."""
        with self._guard:
            self._seen[party] = at
            back = party in self._silent
            self._silent.discard(party)
        return back

    def tell_back(self, party: str, at: float) -> None:
        """Tell the others that ``party`` takes part again (stores notifications)."""
        self._tell(party, "party-back", at)

    def declare_silent(self, party: str, now: float | None = None) -> None:
        """The party says it stops taking part (for now)."""
        at = time.time() if now is None else now
        with self._guard:
            if party in self._silent:
                return
            self._silent.add(party)
        self._tell(party, "party-silent", at)

    def check(self, now: float | None = None) -> list[str]:
        """Mark silent every party not seen for ``silent_after_s``; the parties newly silent."""
        at = time.time() if now is None else now
        with self._guard:
            gone = sorted(p for p, t in self._seen.items()
                          if p not in self._silent and at - t > self.silent_after_s)
            self._silent |= set(gone)
        for party in gone:
            self._tell(party, "party-silent", at)
        return gone

    def is_silent(self, party: str) -> bool:
        with self._guard:
            return party in self._silent

    def _tell(self, party: str, kind: str, at: float) -> None:
        with self.notices.transaction() as conn:
            events.record(conn, kind, party, [events.EVERYONE], "", party=party)
            last = self._seen.get(party, at)
            for other in self.notices.parties(conn):
                if other != party:
                    self.notices.send(conn, kind, other, "", at, party=party, time=last if kind == "party-silent"
                                      else at)
