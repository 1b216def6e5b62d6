"""Escalations: a conversation waiting for a human counsellor.

Life cycle (the console issue adds the rest): an escalation opens as WAITING when
the bot hands off, when the bot is unavailable, or when the migrant sends something
the bot cannot read (media, a location). At most one escalation per conversation is
open at a time; a new reason raises the open one's priority instead of adding a row.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from bot.db import Base, UTCDateTime, utcnow

WAITING = "waiting"
CLOSED = "closed"

URGENT, HIGH, NORMAL = "urgent", "high", "normal"
PRIORITY_RANK = {URGENT: 0, HIGH: 1, NORMAL: 2}

# reasons raised by the gateway itself; the bot's handoff payload brings its own
BOT_UNAVAILABLE = "bot_unavailable"
MEDIA_RECEIVED = "media_received"
LOCATION_SHARED = "location_shared"


class Escalation(Base):
    __tablename__ = "escalation"
    __table_args__ = (
        Index(
            "uq_escalation_open_conversation",
            "conversation_id",
            unique=True,
            sqlite_where=text(f"status != '{CLOSED}'"),
            postgresql_where=text(f"status != '{CLOSED}'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversation.id", ondelete="CASCADE")
    )
    status: Mapped[str] = mapped_column(String(16), default=WAITING)
    priority: Mapped[str] = mapped_column(String(8), default=NORMAL)
    reason: Mapped[str] = mapped_column(String(64))
    topic: Mapped[str | None] = mapped_column(String(64))
    opened_on: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_activity_on: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def escalate(
    session: Session, conversation_id: str, reason: str, priority: str = NORMAL,
    topic: str | None = None,
) -> Escalation:
    """Open an escalation, or raise the priority of the one already open."""
    current = session.scalar(
        select(Escalation).where(
            Escalation.conversation_id == conversation_id, Escalation.status != CLOSED
        ).with_for_update()
    )
    now = utcnow()
    if current is None:
        try:
            with session.begin_nested():
                current = Escalation(
                    conversation_id=conversation_id, reason=reason, priority=priority,
                    topic=topic, opened_on=now, last_activity_on=now,
                )
                session.add(current)
            return current
        except IntegrityError:  # a concurrent request opened it first: update that one
            return escalate(session, conversation_id, reason, priority, topic)
    if PRIORITY_RANK.get(priority, 2) < PRIORITY_RANK.get(current.priority, 2):
        current.priority, current.reason = priority, reason
    current.topic = current.topic or topic
    current.last_activity_on = now
    return current
