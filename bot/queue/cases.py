"""The queue's transitions: claim, take next, hand back, close, transfer, notes.

Every function takes an open session and the acting counsellor and either changes
the escalation (and its conversation's `bot_paused`) or raises a `QueueError` whose
message is shown to the counsellor. Claiming is atomic: the UPDATE only matches a
row that is still waiting, so of two counsellors clicking at once exactly one gets
the chat; "take next" on PostgreSQL also skips rows another transaction is claiming
(`FOR UPDATE SKIP LOCKED`), on SQLite the write lock serialises claims.

Resuming the bot's side (Rasa's `resume` event) is the caller's job, before it
commits a hand back or close (see bot.console.routes).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, false, select, true, update
from sqlalchemy.orm import Session

from bot.console.models import ADMIN, Counsellor
from bot.conversations.models import Conversation
from bot.db import utcnow
from bot.queue.models import (
    ASSIGNED,
    CLOSED,
    HANDED_BACK,
    OPEN,
    OUTCOMES,
    PRIORITY_RANK,
    REFERRAL_KINDS,
    TRANSFERRED,
    WAITING,
    Escalation,
    Note,
)

NOTE_MAX = 4000


class QueueError(Exception):
    """A transition that cannot happen; the message is for the counsellor."""

    status = 409


class NotFound(QueueError):
    status = 404


class AlreadyTaken(QueueError):
    pass


def accessible_by(counsellor: Counsellor):
    """WHERE clause: escalations this counsellor may see."""
    if counsellor.role == ADMIN:
        return true()
    return Escalation.centre == counsellor.centre if counsellor.centre else false()


def queue_order(counsellor: Counsellor | None = None) -> tuple:
    """Urgent first, then high, then normal; the counsellor's languages first within a
    priority; then the longest wait."""
    order = [case(PRIORITY_RANK, value=Escalation.priority, else_=len(PRIORITY_RANK))]
    if counsellor is not None and counsellor.languages:
        order.append(case((Conversation.language.in_(counsellor.languages), 0), else_=1))
    order.append(Escalation.opened_on)
    return tuple(order)


@dataclass(frozen=True)
class QueueEntry:
    escalation: Escalation
    conversation: Conversation
    assignee: str | None


def open_cases(session: Session, counsellor: Counsellor, limit: int = 200) -> list[QueueEntry]:
    """Waiting and assigned escalations the counsellor can see, in queue order."""
    rows = session.execute(
        select(Escalation, Conversation, Counsellor.display_name)
        .join(Conversation, Conversation.id == Escalation.conversation_id)
        .outerjoin(Counsellor, Counsellor.id == Escalation.assigned_to)
        .where(accessible_by(counsellor), Escalation.status.in_(OPEN))
        .order_by(*queue_order(counsellor)).limit(limit)
    ).all()
    return [QueueEntry(e, c, name) for e, c, name in rows]


def get_case(session: Session, counsellor: Counsellor, escalation_id: int) -> Escalation:
    """raises NotFound if it does not exist or belongs to another centre."""
    escalation = session.get(Escalation, escalation_id)
    if escalation is None or not counsellor.sees_centre(escalation.centre):
        raise NotFound("No such case in your centre.")
    return escalation


def claim(session: Session, counsellor: Counsellor, escalation_id: int,
          now: datetime | None = None) -> Escalation:
    """Assign a waiting case to the counsellor; the bot stops answering.

    raises NotFound, AlreadyTaken (someone else was quicker, or it is not waiting).
    """
    escalation = get_case(session, counsellor, escalation_id)
    now = now or utcnow()
    taken = session.execute(
        update(Escalation)
        .where(Escalation.id == escalation_id, Escalation.status == WAITING)
        .values(status=ASSIGNED, assigned_to=counsellor.id, assigned_on=now,
                last_activity_on=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if taken != 1:
        raise AlreadyTaken("Another counsellor has already taken this chat.")
    _pause_bot(session, escalation.conversation_id, True)
    session.refresh(escalation)
    return escalation


def take_next(session: Session, counsellor: Counsellor,
              now: datetime | None = None) -> Escalation | None:
    """Claim the first waiting case in queue order; None if nothing waits."""
    candidates = (
        select(Escalation.id)
        .join(Conversation, Conversation.id == Escalation.conversation_id)
        .where(accessible_by(counsellor), Escalation.status == WAITING)
        .order_by(*queue_order(counsellor)).limit(1)
    )
    if session.get_bind().dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True, of=Escalation)
    for _ in range(20):  # on SQLite a lost race simply moves to the next case
        escalation_id = session.scalar(candidates)
        if escalation_id is None:
            return None
        try:
            return claim(session, counsellor, escalation_id, now)
        except AlreadyTaken:
            continue
    return None


def _held(session: Session, counsellor: Counsellor, escalation_id: int) -> Escalation:
    """The case, if the counsellor holds it (a supervisor may act on any in the centre)."""
    escalation = get_case(session, counsellor, escalation_id)
    if escalation.status != ASSIGNED:
        raise QueueError("This chat is not assigned to anyone.")
    if escalation.assigned_to != counsellor.id and not counsellor.is_supervisor:
        raise QueueError("This chat is held by another counsellor.")
    return escalation


def hand_back(session: Session, counsellor: Counsellor, escalation_id: int,
              outcome: str | None = None, now: datetime | None = None) -> Escalation:
    """End the human hold; the bot answers the migrant's next message."""
    escalation = _held(session, counsellor, escalation_id)
    _finish(escalation, HANDED_BACK, outcome, None, now)
    _pause_bot(session, escalation.conversation_id, False)
    return escalation


def close(session: Session, counsellor: Counsellor, escalation_id: int, outcome: str,
          referral: str | None = None, now: datetime | None = None) -> Escalation:
    """Close the case with an outcome (and the kind of partner referred to, if any);
    the bot answers the migrant's next message."""
    escalation = _held(session, counsellor, escalation_id)
    if outcome not in OUTCOMES:
        raise QueueError("Choose an outcome to close the case.")
    if referral and referral not in REFERRAL_KINDS:
        raise QueueError("Choose the kind of partner from the list.")
    _finish(escalation, CLOSED, outcome, referral, now)
    _pause_bot(session, escalation.conversation_id, False)
    return escalation


def transfer(session: Session, counsellor: Counsellor, escalation_id: int, *,
             to_counsellor: int | None = None, to_centre: str | None = None,
             now: datetime | None = None) -> Escalation:
    """Pass the case to a colleague (assigned to them at once) or to another centre's
    queue (waiting there). The bot stays silent. Returns the new escalation."""
    escalation = _held(session, counsellor, escalation_id)
    now = now or utcnow()
    if to_counsellor is not None:
        colleague = session.get(Counsellor, to_counsellor)
        if colleague is None or not colleague.active or colleague.id == counsellor.id \
                or colleague.role == ADMIN or colleague.centre is None:
            raise QueueError("Choose an active colleague.")
        centre, status, assignee = colleague.centre, ASSIGNED, colleague.id
    elif to_centre:
        centre, status, assignee = to_centre, WAITING, None
    else:
        raise QueueError("Choose a colleague or a centre.")
    _finish(escalation, TRANSFERRED, None, None, now)
    session.flush()  # the old case leaves the open set before the new one enters it
    moved = Escalation(
        conversation_id=escalation.conversation_id, centre=centre, status=status,
        priority=escalation.priority, reason=escalation.reason, topic=escalation.topic,
        assigned_to=assignee, assigned_on=now if assignee else None, opened_on=now,
        last_activity_on=now)
    session.add(moved)
    session.flush()
    return moved


def add_note(session: Session, counsellor: Counsellor, conversation_id: str,
             body: str) -> Note:
    body = body.strip()
    if not body:
        raise QueueError("The note is empty.")
    if len(body) > NOTE_MAX:
        raise QueueError(f"A note can have at most {NOTE_MAX} characters.")
    note = Note(conversation_id=conversation_id, author_id=counsellor.id, body=body,
                created_on=utcnow())
    session.add(note)
    return note


def visible_conversation(session: Session, counsellor: Counsellor,
                         conversation_id: str) -> Conversation:
    """The conversation if it belongs to the counsellor's centre or one of its cases
    was transferred there. raises NotFound otherwise."""
    conversation = session.get(Conversation, conversation_id)
    if conversation is None:
        raise NotFound("No such conversation.")
    if counsellor.sees_centre(conversation.centre):
        return conversation
    transferred_here = session.scalar(
        select(Escalation.id).where(Escalation.conversation_id == conversation_id,
                                    accessible_by(counsellor)).limit(1))
    if transferred_here is None:
        raise NotFound("No such conversation.")
    return conversation


def current_case(session: Session, conversation_id: str) -> Escalation | None:
    return session.scalar(select(Escalation).where(
        Escalation.conversation_id == conversation_id, Escalation.status.in_(OPEN)))


def _finish(escalation: Escalation, status: str, outcome: str | None, referral: str | None,
            now: datetime | None) -> None:
    now = now or utcnow()
    escalation.status, escalation.closed_on, escalation.last_activity_on = status, now, now
    if outcome in OUTCOMES:
        escalation.outcome = outcome
    if referral:
        escalation.referral = referral


def _pause_bot(session: Session, conversation_id: str, paused: bool) -> None:
    changes = {"bot_paused": paused}
    if not paused:
        changes["choices"] = None  # the counsellor's messages were not a numbered menu
    session.execute(update(Conversation).where(Conversation.id == conversation_id)
                    .values(**changes).execution_options(synchronize_session=False))


