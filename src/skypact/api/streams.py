"""Notification streams (Server-Sent Events) that cost per recipient, not per listener, and the
live track stream.

One pump per server reads what was committed - once per commit, and once a second for writes
of other processes - for the parties that have a stream open, in one query, and hands each
notification to those parties' streams in memory.  A stream reads the store itself only when it
opens (to catch up from its ``Last-Event-ID``) or when it fell too far behind; an idle stream
waits on its queue and costs nothing.  First deliveries are recorded in one batch per pump
round, off the write path (``delivered_at``: first listed, streamed or sent to a webhook).
Presence (an open stream counts as taking part) is refreshed once a second per party.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, Protocol

from fastapi.concurrency import run_in_threadpool
from prometheus_client import Histogram

from skypact.service.hub import Hub

__all__ = ["KEEP_ALIVE_S", "QUEUE", "Streams", "TrackSource", "track_events"]

KEEP_ALIVE_S = 15.0  #: a comment line after this much silence keeps proxies from closing a stream
QUEUE = 1000  #: notifications a stream may lag behind before it reads the store again
_PAGE = 500
log = logging.getLogger("skypact.streams")
Item = tuple[dict[str, Any], str]  #: a notification and its event text (encoded once for every listener)
_RESYNC: Item = ({}, "")  # put on a full queue: read the store from the last id sent


def _event(r: dict[str, Any]) -> str:
    return f"id: {r['id']}\nevent: {r['type']}\ndata: {json.dumps(r, ensure_ascii=False)}\n\n"


class Streams:
    """The notification streams of one app."""

    def __init__(self, hub: Hub, lag: Histogram | None = None, clock: Callable[[], float] = time.time) -> None:
        self.hub, self.lag, self.clock = hub, lag, clock
        self._subs: dict[str, set[asyncio.Queue[Item]]] = {}
        self._delivered: dict[str, set[int]] = {}
        # the highest notification id the pump has seen: read now, before any stream can open, so
        # that whatever is committed from here on is handed out (older ones come by catch-up)
        self._last = hub.notices.last_id()
        self._someone = asyncio.Event()  # set while a stream is open: the pump sleeps otherwise
        self._read_notified = -1  # notified_version at the pump's last read
        self._read_at = self._presence_at = 0.0  # monotonic times of the last read and presence
        self.reads = 0  #: store reads made by the pump (figures for tests and the benchmark)

    # -- the pump ------------------------------------------------------------------------
    async def run(self) -> None:
        """Pump until cancelled (the server's lifespan runs it)."""
        seen = self.hub.notices.notified_version
        while True:
            if not self._subs and not self._delivered:  # nobody listens: no wake-up per commit
                self._someone.clear()
                await self._someone.wait()
                seen = -1  # read at once: it may have been committed while the pump slept
            seen = await self.hub.notices.changed(seen, 1.0)
            try:
                await self.pump()
            except Exception:  # a failed round: the next one reads again from the same point
                log.exception("notification pump round failed")

    async def pump(self) -> int:
        """One round: hand out what was committed since the last round; record deliveries and
        presence.  Returns how many notifications were handed out."""
        parties = list(self._subs)
        handed = 0
        now = time.monotonic()
        notified = self.hub.notices.notified_version
        # read when a commit of this server carried notifications, and once a second anyway (a
        # commit of another process, or one this server does not report)
        if parties and (notified != self._read_notified or now - self._read_at >= 1.0):
            self._read_notified, self._read_at = notified, now
            while True:
                rows = await run_in_threadpool(self.hub.notices.read_parties, parties, self._last, _PAGE)
                self.reads += 1
                for r in rows:
                    self._last = max(self._last, r["id"])
                    handed += 1
                    subs = self._subs.get(r["party"])
                    if not subs:
                        continue
                    item = (r, _event(r))
                    for q in list(subs):
                        if q.full():  # too far behind: it reads the store again from its last id
                            while not q.empty():
                                q.get_nowait()
                            q.put_nowait(_RESYNC)
                        else:
                            q.put_nowait(item)
                if len(rows) < _PAGE:
                    break
        if parties and now - self._presence_at >= 1.0:  # an open stream is presence: once a second
            self._presence_at = now
            await run_in_threadpool(self._presence, parties)
        if self._delivered:
            batch, self._delivered = self._delivered, {}
            await run_in_threadpool(self.hub.notices.mark_delivered_many, batch, self.clock())
        return handed

    def _presence(self, parties: list[str]) -> None:
        for p in parties:
            self.hub.presence.seen(p)

    # -- one stream ----------------------------------------------------------------------
    def _record(self, r: dict[str, Any]) -> None:
        if r["delivered_at"] is None:
            self._delivered.setdefault(r["party"], set()).add(r["id"])
            if self.lag is not None:
                self.lag.observe(max(0.0, self.clock() - r["at"]))

    async def _catch_up(self, party: str, after: int) -> AsyncIterator[dict[str, Any]]:
        last = after
        while True:
            rows = await run_in_threadpool(self.hub.notices.read, party, last, _PAGE)
            for r in rows:
                last = r["id"]
                yield r
            if len(rows) < _PAGE:
                return

    async def stream(self, party: str, after: int, follow: bool) -> AsyncIterator[str]:
        """The party's notifications after ``after``; then (``follow``) each new one as the pump
        hands it over, until the client goes away."""
        if not follow:  # one read: its deliveries recorded at once, like a listing
            sent: list[int] = []
            async for r in self._catch_up(party, after):
                if r["delivered_at"] is None:
                    sent.append(r["id"])
                    if self.lag is not None:
                        self.lag.observe(max(0.0, self.clock() - r["at"]))
                yield _event(r)
            await run_in_threadpool(self.hub.notices.mark_delivered, party, sent)
            return
        q: asyncio.Queue[Item] = asyncio.Queue(QUEUE)
        self._subs.setdefault(party, set()).add(q)  # first: nothing committed from now on is missed
        self._someone.set()
        try:
            await run_in_threadpool(self.hub.presence.seen, party)
            last = after
            resync = True
            while True:
                if resync:
                    page: list[str] = []
                    async for r in self._catch_up(party, last):
                        last = r["id"]
                        self._record(r)
                        page.append(_event(r))
                        if len(page) == _PAGE:
                            yield "".join(page)
                            page = []
                    if page:
                        yield "".join(page)
                    resync = False
                try:
                    async with asyncio.timeout(KEEP_ALIVE_S):  # not wait_for: it may swallow a cancellation
                        items = [await q.get()]
                except TimeoutError:
                    yield ": keep-alive\n\n"
                    continue
                while not q.empty() and len(items) < _PAGE:  # what waits already goes in one chunk
                    items.append(q.get_nowait())
                chunk = []
                for item in items:
                    r, text = item
                    if item is _RESYNC:
                        resync = True
                    elif r["id"] > last:  # not already sent by the catch-up
                        last = r["id"]
                        self._record(r)
                        chunk.append(text)
                if chunk:
                    yield "".join(chunk)
        finally:
            subs = self._subs.get(party)
            if subs is not None:
                subs.discard(q)
                if not subs:
                    del self._subs[party]

    @property
    def listeners(self) -> int:
        """Open streams now."""
        return sum(len(s) for s in self._subs.values())


class TrackSource(Protocol):
    """What the track stream reads: the live picture (:class:`skypact.service.surveillance.Surveillance`)."""

    def tracks_of(self, party: str) -> list[dict[str, Any]]: ...

    def alerts_of(self, party: str) -> list[dict[str, Any]]: ...


_TRACK_COLUMNS = ("id", "callsign", "party", "time", "lat", "lon", "alt_m", "gs_mps", "trk_deg", "vs_mps")


async def track_events(source: TrackSource, party: str, gone: Callable[[], Awaitable[bool]],
                       every_s: float = 1.0, follow: bool = True) -> AsyncIterator[str]:
    """``party``'s live tracks and alerts as a ``tracks`` event every ``every_s`` (rows, not
    objects: 10,000 tracks stay under 1 MB a second), until the client goes away (``follow``
    false: one event)."""
    while not await gone():
        tracks = [[t[c] for c in _TRACK_COLUMNS] for t in source.tracks_of(party)]
        doc = {"time": time.time(), "columns": _TRACK_COLUMNS, "tracks": tracks, "alerts": source.alerts_of(party)}
        yield f"event: tracks\ndata: {json.dumps(doc, separators=(',', ':'))}\n\n"
        if not follow:
            return
        await asyncio.sleep(every_s)
