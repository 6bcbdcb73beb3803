"""Notifications to parties: rendered for each recipient, stored in the transaction of the change
that triggers them, read as a list or a resumable stream, acknowledged, escalated when not.

A notification holds its type, severity, recipient, subject, machine-readable fields (SI units,
epoch seconds) and both texts - short radio form and full sentence, English and Russian - in the
recipient's units (:mod:`skypact.notify`).  Because it is written with the change, a client that
reconnects with the last id it saw (``Last-Event-ID``) gets everything after it, across a server
restart too: nothing is lost.

A type that requests acknowledgement is due within the recipient's acknowledgement time (300 s
unless the party's settings say otherwise).  :meth:`Notices.escalate_due` - run every second by
the server, or with any clock by tests - sends an escalation to the recipient, naming its
escalation contacts, and to the other party of the notification.  An escalation asks for
acknowledgement too but is not escalated again: the chain ends with the contacts.
"""

from __future__ import annotations

import asyncio
import threading
import time
import urllib.parse
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, delete, func, insert, select, update

from skypact.errors import AccessError, InputError, Location, NotFoundError, StateError
from skypact.i18n import LANGS, N_
from skypact.notify import TYPES, render_notification
from skypact.notify.catalogue import Units
from skypact.service import events
from skypact.service.parties import require_party
from skypact.store.tables import notice_rules, notifications, parties, party_settings

__all__ = ["DEFAULT_ACK_S", "MAX_ACK_S", "MAX_CONTACTS", "Notices", "check_webhook_url"]

MAX_ACK_S = 24 * 3600.0  #: the longest acknowledgement time a party may set
MAX_CONTACTS = 20  #: escalation contacts per party, each at most 200 characters
MAX_URL = 500  #: characters of a webhook URL (the store's column)


def check_webhook_url(url: str) -> None:
    """Refuse a webhook URL that cannot be delivered to: only ``http``/``https`` with a host (and a
    valid port), no blanks or control characters, at most :data:`MAX_URL` characters.

    Raises:
        InputError: naming what is wrong.
    """
    where = Location(field="webhook")
    bad = len(url) > MAX_URL or any(c.isspace() or ord(c) < 32 for c in url)
    try:
        parts = urllib.parse.urlsplit(url)
        _ = parts.port  # raises on a port that is not a number in range
    except ValueError:
        bad = True
    else:
        bad = bad or parts.scheme not in ("http", "https") or not parts.hostname
    if bad:
        raise InputError(N_("{url!r} is not a webhook URL skypact can deliver to: give http:// or https://, a host "
                            "and at most {limit} characters"), where, url=url[:80], limit=MAX_URL)

DEFAULT_ACK_S = 300.0
FRESH_S = 5.0  #: party settings and notice rules changed by another process are seen within this time

_UNITS = select(parties.c.units).where(parties.c.id == bindparam("party"))
_SETTINGS = select(party_settings).where(party_settings.c.party == bindparam("party"))


class Notices:
    """The notifications of one store."""

    def __init__(self, engine: Engine, transaction: Callable[[], AbstractContextManager[Connection]] | None = None
                 ) -> None:
        """``transaction``: how to open a write transaction (the hub's, which queues SQLite writers)."""
        self.engine = engine
        self.transaction = transaction or engine.begin
        self._guard = threading.Lock()
        self.version = 0  #: bumped after every write commit; streams look again when it moves
        #: the :attr:`version` of the last commit known to have carried notifications (set after
        #: that commit, so a reader that sees it move finds them)
        self.notified_version = 0
        self._sending = threading.local()  # this thread's unit of work stored notifications
        self._waiters: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()
        self._party_units: dict[str, Units] = {}
        self._party_settings: dict[str, tuple[float, tuple[float, list[str]]]] = {}
        self._rules: tuple[float, list[Any]] = (-1e9, [])

    # -- writing (inside the caller's transaction) ---------------------------------------
    def send(self, conn: Connection, kind: str, party: str, subject: str = "", now: float | None = None, /,
             **fields: Any) -> None:
        """Render ``kind`` for ``party`` (the recipient) in both languages and its units, and store it."""
        self._sending.sent = True
        t = TYPES[kind]
        units = self._units(conn, party)
        at = time.time() if now is None else now
        text = {lang: {"short": r.short, "full": r.full}
                for lang in LANGS for r in (render_notification(kind, fields, lang, units),)}
        due = at + self._settings(conn, party)[0] if t.ack else None
        events.record_notification(conn, {"at": at, "type": kind, "severity": t.severity.value, "party": party,
                                          "subject": subject, "fields": fields, "text": text, "ack_due": due,
                                          "ack_at": None, "ack_by": None, "escalated": False,
                                          "delivered_at": None}, subject)

    def to_all(self, conn: Connection, kind: str, subject: str = "", now: float | None = None, /,
               **fields: Any) -> int:
        """``kind`` to every party (stamped ``now``: a drill's virtual clock); how many were told."""
        parties = self.parties(conn)
        for party in parties:
            self.send(conn, kind, party, subject, now, **fields)
        return len(parties)

    @staticmethod
    def parties(conn: Connection) -> list[str]:
        """Every party, by name."""
        return list(conn.execute(select(parties.c.id).order_by(parties.c.id)).scalars())

    def committed(self) -> None:
        """Tell the streams that notifications may have been committed (wakes their waits); the
        caller's thread just committed, and whether it stored notifications is remembered."""
        sent = getattr(self._sending, "sent", False)
        self._sending.sent = False
        with self._guard:
            self.version += 1
            if not sent:  # nothing for the streams: nobody is woken
                return
            self.notified_version = self.version
            waiters = list(self._waiters)
        for loop, event in waiters:
            loop.call_soon_threadsafe(event.set)

    async def changed(self, seen: int, timeout: float) -> int:
        """Wait (in an event loop) until a commit that carried notifications moves
        :attr:`notified_version` past ``seen``, or ``timeout`` s; returns it."""
        loop, event = asyncio.get_running_loop(), asyncio.Event()
        with self._guard:
            if self.notified_version != seen:
                return self.notified_version
            self._waiters.add((loop, event))
        try:
            # asyncio.timeout, not wait_for: on Python 3.11 wait_for swallows a cancellation that
            # arrives as the event is set, and the pump would never stop
            async with asyncio.timeout(timeout):
                await event.wait()
        except TimeoutError:
            pass
        finally:
            with self._guard:
                self._waiters.discard((loop, event))
        return self.notified_version

    def _units(self, conn: Connection, party: str) -> Units:
        """A party's units (fixed when the party is created, so kept once read)."""
        units = self._party_units.get(party)
        if units is None:
            units = "metric" if conn.execute(_UNITS, {"party": party}).scalar() == "metric" else "aviation"
            self._party_units[party] = units
        return units

    def _settings(self, conn: Connection, party: str) -> tuple[float, list[str]]:
        """A party's acknowledgement time and escalation contacts (read again after ``FRESH_S``, or
        at once after a change through this server)."""
        now = time.monotonic()
        hit = self._party_settings.get(party)
        if hit is None or now - hit[0] > FRESH_S:
            row = conn.execute(_SETTINGS, {"party": party}).first()
            hit = (now, (row.ack_timeout_s, list(row.escalation_contacts)) if row else (DEFAULT_ACK_S, []))
            self._party_settings[party] = hit
        return hit[1]

    def configure(self, party: str, ack_timeout_s: float | None = None, contacts: list[str] | None = None,
                  webhook_url: str | None = None, webhook_secret: str | None = None) -> None:
        """Set a party's acknowledgement time, escalation contacts and webhook (None: unchanged;
        an empty URL removes the webhook).

        Raises:
            InputError: an acknowledgement time not in (0, 24 h], too many or too long contacts,
                a webhook URL that cannot be delivered to.
        """
        if ack_timeout_s is not None and not 0.0 < ack_timeout_s <= MAX_ACK_S:
            raise InputError(N_("the acknowledgement time must be more than 0 and at most {limit:.0f} s"),
                             Location(field="ack_timeout"), limit=MAX_ACK_S)
        if contacts is not None and (len(contacts) > MAX_CONTACTS or any(not c or len(c) > 200 for c in contacts)):
            raise InputError(N_("give at most {limit} escalation contacts of 1 to 200 characters"),
                             Location(field="contact"), limit=MAX_CONTACTS)
        if webhook_url:
            check_webhook_url(webhook_url)
        with self.transaction() as conn:
            require_party(conn, party)
            timeout, old = self._settings(conn, party)
            row: dict[str, Any] = {"ack_timeout_s": ack_timeout_s if ack_timeout_s is not None else timeout,
                                   "escalation_contacts": contacts if contacts is not None else old}
            if webhook_url is not None:
                row["webhook_url"] = webhook_url or None
            if webhook_secret is not None:
                row["webhook_secret"] = webhook_secret
            if conn.execute(_SETTINGS, {"party": party}).first() is None:
                conn.execute(insert(party_settings).values(party=party, **row))
            else:
                conn.execute(update(party_settings).where(party_settings.c.party == party).values(**row))
        self._party_settings.pop(party, None)  # seen at once by this server

    # -- advance notice ------------------------------------------------------------------
    def set_rule(self, a: str, b: str, plan_notice_s: float, volume_notice_s: float) -> None:
        """The advance notice parties ``a`` and ``b`` agreed: a plan at least ``plan_notice_s``
        before its first waypoint, a volume at least ``volume_notice_s`` before its window opens."""
        lo, hi = sorted((a, b))
        with self.transaction() as conn:
            for p in (lo, hi):
                require_party(conn, p)
            conn.execute(delete(notice_rules).where((notice_rules.c.party_a == lo) & (notice_rules.c.party_b == hi)))
            conn.execute(insert(notice_rules).values(party_a=lo, party_b=hi, plan_notice_s=plan_notice_s,
                                                     volume_notice_s=volume_notice_s))
        self._rules = (-1e9, [])

    def check_notice(self, conn: Connection, party: str, item: str, is_plan: bool, start: float,
                     now: float | None = None) -> None:
        """Tell both parties of every rule ``party`` has agreed when ``item`` (starting at ``start``)
        is filed with less notice than agreed; the event keeps the exact times."""
        at = time.time() if now is None else now
        given = start - at
        now_m = time.monotonic()
        if now_m - self._rules[0] > FRESH_S:
            self._rules = (now_m, list(conn.execute(select(notice_rules)).all()))
        for r in (r for r in self._rules[1] if party in (r.party_a, r.party_b)):
            other = r.party_b if r.party_a == party else r.party_a
            required = r.plan_notice_s if is_plan else r.volume_notice_s
            if required <= 0 or given >= required:
                continue
            fields = {"item": item, "party": party, "other_party": other, "given_s": max(0.0, given),
                      "required_s": required, "start": start, "time": at}
            events.record(conn, "notice-late", party, [party, other], item, **fields)
            for p in (party, other):
                self.send(conn, "notice-late", p, item, at, **fields)

    def mark_delivered(self, party: str, ids: list[int], now: float | None = None) -> None:
        """Record when these notifications first reached their recipient."""
        if ids:
            self.mark_delivered_many({party: set(ids)}, now)

    def mark_delivered_many(self, batch: dict[str, set[int]], now: float | None = None) -> None:
        """:meth:`mark_delivered` for several parties in one transaction."""
        at = time.time() if now is None else now
        with self.transaction() as conn:
            for party, ids in batch.items():
                if ids:
                    conn.execute(update(notifications).where(
                        (notifications.c.party == party) & notifications.c.id.in_(sorted(ids))
                        & notifications.c.delivered_at.is_(None)).values(delivered_at=at))

    # -- reading -------------------------------------------------------------------------
    def last_id(self) -> int:
        """The highest notification id stored (0: none)."""
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.max(notifications.c.id))).scalar() or 0)

    def read_parties(self, parties: list[str], after: int, limit: int = 500) -> list[dict[str, Any]]:
        """The notifications of any of ``parties`` with id > ``after``, oldest first (one query
        for every open stream)."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(notifications).where(notifications.c.party.in_(parties)
                                                            & (notifications.c.id > after))
                                .order_by(notifications.c.id).limit(limit)).all()
        return [_public(r) for r in rows]

    def read(self, party: str, after: int = 0, limit: int = 100) -> list[dict[str, Any]]:
        """The party's notifications with id > ``after``, oldest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(notifications).where((notifications.c.party == party)
                                                            & (notifications.c.id > after))
                                .order_by(notifications.c.id).limit(limit)).all()
        return [_public(r) for r in rows]

    # -- acknowledgement and escalation --------------------------------------------------
    def ack(self, party: str, who: str, nid: int, now: float | None = None) -> dict[str, Any]:
        """The recipient acknowledges notification ``nid`` (again: the first acknowledgement stands)."""
        at = time.time() if now is None else now
        with self.transaction() as conn:
            row = conn.execute(select(notifications).where(notifications.c.id == nid)).first()
            if row is None:
                raise NotFoundError(N_("no notification {id}"), id=nid)
            if row.party != party:
                raise AccessError(N_("notification {id} is addressed to another party"), id=nid)
            if row.ack_due is None:
                raise StateError(N_("notification {id} requests no acknowledgement"), id=nid)
            if row.ack_at is None:
                conn.execute(update(notifications).where(notifications.c.id == nid).values(ack_at=at, ack_by=who))
                events.record(conn, "notification-acknowledged", party, [party], row.subject, id=nid, by=who, at=at)
                other = row.fields.get("other_party")
                if other and other != party:
                    self.send(conn, "acknowledged", other, row.subject, at, ref=f"N-{nid}", party=party, who=who,
                              time=at)
            row = conn.execute(select(notifications).where(notifications.c.id == nid)).first()
        self.committed()
        return _public(row)

    def escalate_due(self, now: float | None = None) -> int:
        """Escalate every notification whose acknowledgement is overdue at ``now``; how many."""
        at = time.time() if now is None else now
        n = 0
        with self.transaction() as conn:
            # an escalation is the end of the chain: it asks for acknowledgement but is not escalated again
            due = conn.execute(select(notifications).where(
                (notifications.c.ack_due <= at) & notifications.c.ack_at.is_(None) & ~notifications.c.escalated
                & (notifications.c.type != "escalation")).order_by(notifications.c.id)).all()
            for row in due:
                conn.execute(update(notifications).where(notifications.c.id == row.id).values(escalated=True))
                _, contacts = self._settings(conn, row.party)
                fields = {"party": row.party, "ref": f"N-{row.id}", "within_s": row.ack_due - row.at,
                          "contacts": ", ".join(contacts) or row.party}
                to = [row.party] + [p for p in (row.fields.get("other_party"),) if p and p != row.party]
                for party in to:
                    self.send(conn, "escalation", party, row.subject, at, **fields)
                events.record(conn, "notification-escalated", "skypact", to, row.subject, id=row.id,
                              party=row.party)
                n += 1
        if n:
            self.committed()
        return n


def _public(r: Any) -> dict[str, Any]:
    return {"id": r.id, "at": r.at, "type": r.type, "severity": r.severity, "party": r.party, "subject": r.subject,
            "fields": r.fields, "text": r.text, "delivered_at": r.delivered_at,
            "ack": None if r.ack_due is None else {"due": r.ack_due, "at": r.ack_at, "by": r.ack_by},
            "escalated": r.escalated}
