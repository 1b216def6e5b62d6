"""Escalations: a conversation waiting for, or held by, a human counsellor.

Life cycle:

    waiting ──claim / take next──▶ assigned ──▶ handed_back  (the bot answers again)
       ▲                              │    ├──▶ closed       (with an outcome)
       └──────── transfer ────────────┘    └──▶ transferred  (a new escalation opens
                                                             for the colleague or centre)

An escalation opens as WAITING when the bot hands off, when the bot is unavailable,
or when the migrant sends something the bot cannot read (media, a location). At most
one escalation per conversation is open (waiting or assigned); a new reason raises the
open one's priority instead of adding a row. The queue (`bot.queue.cases`) holds the
transitions; `centre` is the centre whose counsellors see the escalation — the centre
the migrant wrote to, unless the case was transferred.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from bot.db import Base, UTCDateTime, utcnow

WAITING, ASSIGNED = "waiting", "assigned"
HANDED_BACK, TRANSFERRED, CLOSED = "handed_back", "transferred", "closed"
OPEN = (WAITING, ASSIGNED)

URGENT, HIGH, NORMAL = "urgent", "high", "normal"
PRIORITY_RANK = {URGENT: 0, HIGH: 1, NORMAL: 2}

# reasons raised by the gateway itself; the bot's handoff payload brings its own
BOT_UNAVAILABLE = "bot_unavailable"
MEDIA_RECEIVED = "media_received"
LOCATION_SHARED = "location_shared"
ERASURE_FAILED = "erasure_failed"  # the person asked to be erased; finish it by hand
TRANSFER = "transfer"

# how a counsellor closes a case (the centres report them)
INFORMATION_GIVEN, REFERRED, FOLLOW_UP = "information_given", "referred", "follow_up"
OUTCOMES = (INFORMATION_GIVEN, REFERRED, FOLLOW_UP)
# the kind of partner a case was referred to: a fixed list, so that reports count
# referrals by partner without carrying free text (and no organisation is invented)
REFERRAL_KINDS = ("legal_aid", "health", "shelter_protection", "psychosocial_support",
                  "employment_training", "government_authority", "un_or_international",
                  "other_partner")

_OPEN_SQL = text(f"status IN ('{WAITING}', '{ASSIGNED}')")


class Escalation(Base):
    __tablename__ = "escalation"
    __table_args__ = (
        Index("uq_escalation_open_conversation", "conversation_id", unique=True,
              sqlite_where=_OPEN_SQL, postgresql_where=_OPEN_SQL),
        Index("ix_escalation_queue", "centre", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversation.id", ondelete="CASCADE")
    )
    centre: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=WAITING)
    priority: Mapped[str] = mapped_column(String(8), default=NORMAL)
    reason: Mapped[str] = mapped_column(String(64))
    topic: Mapped[str | None] = mapped_column(String(64))
    assigned_to: Mapped[int | None] = mapped_column(
        ForeignKey("counsellor.id", ondelete="SET NULL"))
    opened_on: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    assigned_on: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_on: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_activity_on: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    outcome: Mapped[str | None] = mapped_column(String(32))
    referral: Mapped[str | None] = mapped_column(String(120))  # one of REFERRAL_KINDS

    @property
    def is_open(self) -> bool:
        return self.status in OPEN


class Note(Base):
    """A counsellor's private note on a conversation; never sent to the migrant."""

    __tablename__ = "note"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversation.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("counsellor.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_on: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def escalate(
    session: Session, conversation_id: str, centre: str, reason: str,
    priority: str = NORMAL, topic: str | None = None,
) -> Escalation:
    """Open an escalation, or raise the priority of the one already open."""
    current = session.scalar(
        select(Escalation).where(
            Escalation.conversation_id == conversation_id, Escalation.status.in_(OPEN)
        ).with_for_update()
    )
    now = utcnow()
    if current is None:
        try:
            with session.begin_nested():
                current = Escalation(
                    conversation_id=conversation_id, centre=centre, reason=reason,
                    priority=priority, topic=topic, status=WAITING, opened_on=now,
                    last_activity_on=now,
                )
                session.add(current)
            return current
        except IntegrityError:  # a concurrent request opened it first: update that one
            return escalate(session, conversation_id, centre, reason, priority, topic)
    if PRIORITY_RANK.get(priority, 2) < PRIORITY_RANK.get(current.priority, 2):
        current.priority, current.reason = priority, reason
    current.topic = current.topic or topic
    current.last_activity_on = now
    return current
