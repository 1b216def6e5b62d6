"""What the console pages show: queue rows, a conversation's history, canned replies,
the WhatsApp window, the supervisor's figures. Pure functions over the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from actions.content import load as load_content
from bot.channels.twilio import ERRORS, WHATSAPP
from bot.console.models import ADMIN, Counsellor
from bot.conversations.models import COUNSELLOR, OUTBOUND, Contact, Conversation, Message
from bot.conversations.outbound import free_text_allowed, window_closes
from bot.db import utcnow
from bot.language import NATIVE_NAMES
from bot.queue.cases import accessible_by
from bot.queue.models import ASSIGNED, OPEN, WAITING, Escalation, Note
from bot.texts import COUNSELLOR_GREETING

HISTORY_LIMIT = 300


def wait_text(since: datetime | None, now: datetime | None = None) -> str:
    return "–" if since is None else duration_text((now or utcnow()) - since)


def duration_text(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        return "<1 min"
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes:02d} min"
    return f"{hours // 24} days"


def masked_phone(number: str) -> str:
    """Enough to recognise a caller, not enough to copy the number."""
    digits = number.removeprefix("whatsapp:")
    return digits[:3] + "•" * max(len(digits) - 6, 3) + digits[-3:]


def language_name(code: str | None) -> str:
    return f"{NATIVE_NAMES.get(code, code)} ({code})" if code else "unknown"


@dataclass(frozen=True)
class Window:
    """WhatsApp's 24-hour window as the console explains it."""

    applies: bool
    open: bool
    closes: datetime | None

    def describe(self, now: datetime | None = None) -> str:
        if not self.applies:
            return "SMS: no reply window."
        left = (self.closes - (now or utcnow())) if self.closes else timedelta(0)
        if self.open:
            return f"WhatsApp window open for {duration_text(left)} more."
        return ("WhatsApp window closed: the migrant's last message is more than 24 hours "
                "old, so WhatsApp would refuse free text (Twilio error 63016). Send the "
                "approved template; when the migrant answers, the window opens again.")


def window_of(conversation: Conversation) -> Window:
    return Window(conversation.channel == WHATSAPP, free_text_allowed(conversation),
                  window_closes(conversation))


def history(session: Session, conversation_id: str) -> list[dict]:
    """Messages (oldest first) and notes, merged in time order."""
    messages = session.execute(
        select(Message, Counsellor.display_name)
        .outerjoin(Counsellor, Counsellor.id == Message.author_id)
        .where(Message.conversation_id == conversation_id)
        .order_by(Message.id.desc()).limit(HISTORY_LIMIT)
    ).all()
    notes = session.execute(
        select(Note, Counsellor.display_name)
        .outerjoin(Counsellor, Counsellor.id == Note.author_id)
        .where(Note.conversation_id == conversation_id)
    ).all()
    items = [
        {"kind": "message", "id": m.id, "at": m.created_on, "author": m.author,
         "name": name, "direction": m.direction, "body": m.body, "media": m.media or [],
         "location": m.location, "status": m.status, "error": m.error_code,
         "error_text": ERRORS.get(m.error_code, ""), "segments": m.segments,
         "encoding": m.encoding}
        for m, name in reversed(messages)
    ]
    items += [{"kind": "note", "id": n.id, "at": n.created_on, "name": name, "body": n.body}
              for n, name in notes]
    return sorted(items, key=lambda item: item["at"])


@lru_cache(maxsize=4)
def _content(flows_dir: str):
    return load_content(flows_dir)


def canned_replies(texts, flows_dir: str, language: str | None, centre_name: str,
                   country: str | None) -> list[tuple[str, str]]:
    """(label, text) in the migrant's language: a greeting, then every topic's answer,
    the centre's country note and each detail, as the bot would say them."""
    replies = [("Greeting", texts.get(COUNSELLOR_GREETING, language, centre=centre_name))]
    for topic in _content(flows_dir).topics.values():
        label = topic.title.get("en")
        replies.append((label, topic.answer.get(language, centre=centre_name)))
        if country in topic.countries:
            replies.append((f"{label}: {country} note",
                            topic.countries[country].get(language, centre=centre_name)))
        for detail in topic.details:
            replies.append((f"{label}: {detail.title.get('en')}",
                            detail.text.get(language, centre=centre_name)))
    return replies


@dataclass(frozen=True)
class Load:
    name: str
    centre: str | None
    active: int
    finished_today: int
    replies_today: int
    last_seen: datetime | None


def dashboard(session: Session, supervisor: Counsellor, now: datetime | None = None) -> dict:
    """Waiting, active, longest wait and load per counsellor for the supervisor's
    centre (every centre for an administrator)."""
    now = now or utcnow()
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    visible = accessible_by(supervisor)
    counts = dict(session.execute(
        select(Escalation.status, func.count()).where(visible, Escalation.status.in_(OPEN))
        .group_by(Escalation.status)).all())
    oldest = session.scalar(select(func.min(Escalation.opened_on))
                            .where(visible, Escalation.status == WAITING))
    people = select(Counsellor).where(Counsellor.active)
    if supervisor.role != ADMIN:
        people = people.where(Counsellor.centre == supervisor.centre)
    loads = []
    for person in session.scalars(people.order_by(Counsellor.display_name)):
        active = session.scalar(select(func.count()).select_from(Escalation).where(
            Escalation.assigned_to == person.id, Escalation.status == ASSIGNED))
        finished = session.scalar(select(func.count()).select_from(Escalation).where(
            Escalation.assigned_to == person.id, Escalation.status.not_in(OPEN),
            Escalation.closed_on >= day_start))
        replies = session.scalar(select(func.count()).select_from(Message).where(
            Message.author_id == person.id, Message.author == COUNSELLOR,
            Message.direction == OUTBOUND, Message.created_on >= day_start))
        loads.append(Load(person.display_name, person.centre, active, finished, replies,
                          person.last_seen_on))
    return {"waiting": counts.get(WAITING, 0), "active": counts.get(ASSIGNED, 0),
            "longest_wait": wait_text(oldest, now) if oldest else "–", "loads": loads}


def phone_of(session: Session, vault, conversation: Conversation) -> str:
    encrypted = session.scalar(select(Contact.phone_encrypted)
                               .where(Contact.id == conversation.contact_id))
    return masked_phone(vault.decrypt(encrypted))
