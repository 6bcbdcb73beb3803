"""Tables.  ``skypact_schema`` records the versions applied (see :mod:`skypact.store.db`).

Version 1: parties, credentials, plans, conflicts.  Version 2: requests (idempotency keys).
Version 3: subjects (outside token subjects mapped to parties).  Version 4: volumes (reserved
airspace), emergencies (plans under the emergency override), events (the outbox: one row per
committed change, written in the change's own transaction; the audit chain and notifications
read it in ``seq`` order).  Version 5: notifications (rendered per recipient, with
acknowledgement and escalation), party_settings (acknowledgement time, escalation contacts,
webhook) and notice_rules (the advance notice two parties agreed).  Version 6: audit (the signed
hash chain over the events, one entry per event).  Version 7: the ASTM F3548-21 entities
(:mod:`skypact.dss`): dss_entities (operational intent and constraint references filed through
``/dss/v1``: their F3548 fields and the extents as given), dss_subscriptions, and
dss_availability (USS availability).
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Float, ForeignKey, Integer, MetaData, String, Table, Text

SCHEMA_VERSION = 8
metadata = MetaData()

schema_version = Table("skypact_schema", metadata, Column("version", Integer, primary_key=True))

parties = Table(
    "parties", metadata,
    Column("id", String(64), primary_key=True),
    Column("lang", String(2), nullable=False, default="en"),
    Column("units", String(16), nullable=False, default="imperial"),
    Column("max_priority", Integer, nullable=False, default=0),
    Column("suspended", Boolean, nullable=False, default=False),
)

credentials = Table(
    "credentials", metadata,
    Column("key_id", String(32), primary_key=True),
    Column("party", String(64), ForeignKey("parties.id"), nullable=False, index=True),
    Column("role", String(16), nullable=False),
    Column("secret_hash", String(128), nullable=False),
    Column("revoked", Boolean, nullable=False, default=False),
)

def _items(name: str) -> Table:
    """Plans and volumes keep the same things: owner, state, version, the body as filed, the time
    span the checks use (with the time pad), and the 4D extents others may see."""
    return Table(
        name, metadata,
        Column("id", String(64), primary_key=True),
        Column("party", String(64), ForeignKey("parties.id"), nullable=False, index=True),
        Column("state", String(16), nullable=False),
        Column("version", Integer, nullable=False),
        Column("body", JSON, nullable=False),
        Column("t_start", Float, nullable=False, index=True),
        Column("t_end", Float, nullable=False, index=True),
        Column("extents", JSON, nullable=False),
    )


plans = _items("plans")

conflicts = Table(
    "conflicts", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("plan_a", String(64), nullable=False, index=True),
    Column("plan_b", String(64), nullable=False, index=True),
    Column("record", JSON, nullable=False),
    Column("note", Text, nullable=False, default=""),
)

requests = Table(
    "requests", metadata,
    Column("party", String(64), primary_key=True),
    Column("key", String(128), primary_key=True),
    Column("body_hash", String(64), nullable=False),
    Column("status", Integer, nullable=False),
    Column("response", JSON, nullable=False),
)

subjects = Table(
    "subjects", metadata,
    Column("sub", String(256), primary_key=True),
    Column("party", String(64), ForeignKey("parties.id"), nullable=False),
    Column("role", String(16), nullable=False),
)

volumes = _items("volumes")

emergencies = Table(
    "emergencies", metadata,
    Column("plan", String(64), primary_key=True),
    Column("party", String(64), ForeignKey("parties.id"), nullable=False),
    Column("reason", Text, nullable=False),
    Column("declared_at", Float, nullable=False),
)

events = Table(
    "events", metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("at", Float, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("actor", String(64), nullable=False),  # the party (or "admin") whose act it records
    Column("audience", JSON, nullable=False),  # parties it concerns; ["*"]: every party
    Column("subject", String(64), nullable=False, default=""),  # plan or volume id, when one
    Column("data", JSON, nullable=False),
)

notifications = Table(
    "notifications", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", Float, nullable=False),
    Column("type", String(32), nullable=False),
    Column("severity", String(16), nullable=False),
    Column("party", String(64), nullable=False, index=True),  # the recipient
    Column("subject", String(64), nullable=False, default=""),
    Column("fields", JSON, nullable=False),  # machine-readable: SI units, epoch seconds
    Column("text", JSON, nullable=False),  # {"en": {"short", "full"}, "ru": {...}} in the recipient's units
    Column("delivered_at", Float, nullable=True),  # first listed, streamed or sent to the webhook
    Column("ack_due", Float, nullable=True, index=True),  # None: no acknowledgement requested
    Column("ack_at", Float, nullable=True),
    Column("ack_by", String(64), nullable=True),
    Column("escalated", Boolean, nullable=False, default=False),
)

party_settings = Table(
    "party_settings", metadata,
    Column("party", String(64), ForeignKey("parties.id"), primary_key=True),
    Column("ack_timeout_s", Float, nullable=False, default=300.0),
    Column("escalation_contacts", JSON, nullable=False, default=list),
    Column("webhook_url", String(500), nullable=True),
    Column("webhook_secret", String(200), nullable=True),
    Column("webhook_sent", Integer, nullable=False, default=0),  # last notification id delivered
)

notice_rules = Table(
    "notice_rules", metadata,
    Column("party_a", String(64), ForeignKey("parties.id"), primary_key=True),  # party_a < party_b
    Column("party_b", String(64), ForeignKey("parties.id"), primary_key=True),
    Column("plan_notice_s", Float, nullable=False, default=0.0),  # a plan, before its first waypoint
    Column("volume_notice_s", Float, nullable=False, default=0.0),  # a volume, before its window opens
)

audit = Table(
    "audit", metadata,
    Column("seq", Integer, primary_key=True),  # chain position, from 1
    Column("event_seq", Integer, ForeignKey("events.seq"), nullable=False, unique=True),
    Column("prev_hash", String(64), nullable=False),
    Column("digest", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Column("signature", String(128), nullable=False),
    Column("key_id", String(16), nullable=False),
    Column("at", Float, nullable=False),
)

dss_entities = Table(
    "dss_entities", metadata,
    Column("id", String(64), primary_key=True),  # one id space with plans and volumes
    Column("kind", String(4), nullable=False),  # "oir" or "cr"
    Column("manager", String(255), nullable=False),  # the token subject
    Column("party", String(64), ForeignKey("parties.id"), nullable=False, index=True),
    Column("state", String(16), nullable=False),
    Column("version", Integer, nullable=False),
    Column("ovn", String(128), nullable=False),
    Column("uss_base_url", String(2000), nullable=False),
    Column("subscription_id", String(64), nullable=True),
    Column("extents", JSON, nullable=False),  # the F3548 Volume4D list as given (known fields only)
    Column("boxes", JSON, nullable=False),  # one 4D box per extent, as skypact's extents
    Column("t_start", Float, nullable=False, index=True),
    Column("t_end", Float, nullable=False, index=True),
)

dss_subscriptions = Table(
    "dss_subscriptions", metadata,
    Column("id", String(64), primary_key=True),
    Column("manager", String(255), nullable=False, index=True),
    Column("version", String(64), nullable=False),
    Column("notification_index", Integer, nullable=False, default=0),
    Column("uss_base_url", String(2000), nullable=False),
    Column("notify_oi", Boolean, nullable=False),
    Column("notify_c", Boolean, nullable=False),
    Column("implicit", Boolean, nullable=False),
    Column("area", JSON, nullable=False),  # Volume4D list (an implicit one: its intent's extents)
    Column("boxes", JSON, nullable=False),
    Column("t_start", Float, nullable=False),
    Column("t_end", Float, nullable=False),
)

dss_availability = Table(
    "dss_availability", metadata,
    Column("uss", String(255), primary_key=True),
    Column("availability", String(16), nullable=False),
    Column("version", String(64), nullable=False),
)

#: the tables each schema version adds, in order
VERSIONS: dict[int, tuple[Table, ...]] = {1: (schema_version, parties, credentials, plans, conflicts), 2: (requests,),
                                          3: (subjects,), 4: (volumes, emergencies, events),
                                          5: (notifications, party_settings, notice_rules), 6: (audit,),
                                          7: (dss_entities, dss_subscriptions, dss_availability),
                                          8: ()}  # 8: F3548 pieces renamed {id}:{k} -> {id}/{k} (store.db)
