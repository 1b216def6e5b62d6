"""Retention: after a while, what a conversation said is deleted and only anonymous
counts remain (`flask --app webhook purge --older-than 180d`).

A conversation is purged (once; `purged_on` says when) when its last activity is
older than the cut-off and no case is open on it: message bodies, media links,
locations and stored replies are emptied (direction, author, time, language, segments
and status stay for the reports), private notes are deleted, and Rasa's tracker
events are erased. A person
whose every conversation is purged loses their phone number: the contact row keeps
only the optional gender and age band, which the reports count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, exists, null, select, update

from bot.conversations.models import Contact, Conversation, Message
from bot.db import utcnow
from bot.queue.models import OPEN, Escalation, Note

ANONYMOUS_PREFIX = "purged:"
BATCH = 5000  # phone_hash of an anonymised contact (unique, matches nobody)


@dataclass(frozen=True)
class Purged:
    conversations: int
    messages: int
    notes: int
    tracker_events: int
    contacts: int


def purge(db, tracker, older_than: timedelta, now: datetime | None = None) -> Purged:
    """raises sqlalchemy.exc.SQLAlchemyError if a database cannot be reached (nothing
    is half-done within the gateway's database: it is one transaction)."""
    cutoff = (now or utcnow()) - older_than
    with db.session() as s:
        has_open_case = exists().where(Escalation.conversation_id == Conversation.id,
                                       Escalation.status.in_(OPEN))
        ids = list(s.scalars(select(Conversation.id).where(
            Conversation.last_activity_on < cutoff, Conversation.purged_on.is_(None),
            ~has_open_case)))
        if not ids:
            return Purged(0, 0, 0, 0, 0)
        events = messages = notes = 0
        stamp = now or utcnow()
        for start in range(0, len(ids), BATCH):  # PostgreSQL takes at most 65,535 parameters
            batch = ids[start:start + BATCH]
            events += tracker.erase(batch)
            messages += s.execute(
                update(Message).where(Message.conversation_id.in_(batch))
                .values(body=None, media=null(), location=null(), reply_twiml=None)
                .execution_options(synchronize_session=False)).rowcount
            s.execute(update(Conversation).where(Conversation.id.in_(batch))
                      .values(purged_on=stamp, choices=null())
                      .execution_options(synchronize_session=False))
            notes += s.execute(delete(Note).where(Note.conversation_id.in_(batch))
                               .execution_options(synchronize_session=False)).rowcount
        still_active = exists().where(
            Conversation.contact_id == Contact.id,
            (Conversation.last_activity_on >= cutoff) | has_open_case)
        people = list(s.scalars(select(Contact.id).where(
            ~still_active, ~Contact.phone_hash.startswith(ANONYMOUS_PREFIX))))
        for person in people:
            s.execute(update(Contact).where(Contact.id == person).values(
                phone_hash=f"{ANONYMOUS_PREFIX}{person}", phone_encrypted=b"",
                opted_out_on=None))
    return Purged(len(ids), messages, notes, events, len(people))


def parse_age(text: str) -> timedelta:
    """"180d" -> 180 days. raises ValueError."""
    text = text.strip().lower()
    if not text.endswith("d") or not text[:-1].isdigit() or int(text[:-1]) < 1:
        raise ValueError("give the age in days, e.g. 180d")
    return timedelta(days=int(text[:-1]))
