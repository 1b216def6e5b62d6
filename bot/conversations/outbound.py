"""Sending to a migrant outside a webhook reply (counsellors, operators).

Each part is stored first (status "queued"), then handed to the sender with its own
status callback URL; the SID comes back and is stored. A send that fails is marked
"failed" with Twilio's error code; in sandbox mode the status is "sandbox".

WhatsApp takes free text only within 24 hours of the migrant's last message; outside
that window `send_text` refuses (`WindowClosed`) and only `send_template` — the
centre's approved template inviting the migrant to write back — goes out. Nothing
goes to a person who sent STOP (`OptedOut`) until they send START.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update

from bot.channels import sms
from bot.channels.sender import SendFailed
from bot.channels.twilio import WHATSAPP, WHATSAPP_WINDOW_HOURS, address
from bot.conversations.models import OUTBOUND, Contact, Conversation, Message
from bot.db import utcnow
from bot.texts import WHATSAPP_TEMPLATE

QUEUED, FAILED, SANDBOX = "queued", "failed", "sandbox"
WINDOW = timedelta(hours=WHATSAPP_WINDOW_HOURS)


class ConversationNotFound(LookupError):
    pass


class WindowClosed(RuntimeError):
    """WhatsApp free text outside the 24-hour window; send the template instead."""


class OptedOut(RuntimeError):
    """The migrant sent STOP: nothing may be sent until they send START."""


class NoTemplate(RuntimeError):
    """No approved WhatsApp template is configured (WHATSAPP_TEMPLATE_SID)."""


def window_closes(conversation: Conversation) -> datetime | None:
    """When free text stops being allowed; None if the channel has no such window."""
    if conversation.channel != WHATSAPP:
        return None
    last = conversation.last_inbound_on or conversation.opened_on
    return last + WINDOW


def free_text_allowed(conversation: Conversation, now: datetime | None = None) -> bool:
    closes = window_closes(conversation)
    return closes is None or (now or utcnow()) < closes


def send_text(services, conversation_id: str, text: str, author: str,
              author_id: int | None = None) -> list[Message]:
    """Store and send text (split into parts if long); returns the stored parts.

    raises ConversationNotFound if there is no such conversation, WindowClosed for
    WhatsApp free text outside the 24-hour window.
    """
    def parts_for(conversation):
        if not free_text_allowed(conversation):
            raise WindowClosed(conversation.id)
        return [(piece, None) for piece in sms.split(text)]

    return _send(services, conversation_id, author, author_id, parts_for)


def send_template(services, conversation_id: str, author: str,
                  author_id: int | None = None) -> list[Message]:
    """Send the approved WhatsApp template (stored with its preview in the migrant's
    language). raises ConversationNotFound, NoTemplate."""
    sid = services.config.whatsapp_template_sid
    if not sid and not services.sender.sandbox:
        raise NoTemplate("WHATSAPP_TEMPLATE_SID is not set")

    def parts_for(conversation):
        centre = services.centres.get(conversation.centre)
        name = centre.name if centre else conversation.centre
        preview = services.reception.texts.get(WHATSAPP_TEMPLATE, conversation.language,
                                               centre=name)
        return [(preview, {"sid": sid, "variables": {"1": name}})]

    return _send(services, conversation_id, author, author_id, parts_for)


def _send(services, conversation_id, author, author_id, parts_for) -> list[Message]:
    now = utcnow()
    with services.db.session() as s:
        row = s.execute(
            select(Conversation, Contact.phone_encrypted, Contact.opted_out_on)
            .join(Contact, Contact.id == Conversation.contact_id)
            .where(Conversation.id == conversation_id)
        ).first()
        if row is None:
            raise ConversationNotFound(conversation_id)
        conversation, phone_encrypted, opted_out_on = row
        if opted_out_on is not None:
            raise OptedOut(conversation_id)
        pieces = parts_for(conversation)
        parts = [
            Message(conversation_id=conversation_id, direction=OUTBOUND, author=author,
                    author_id=author_id, body=piece, language=conversation.language,
                    encoding=sms.encoding(piece), segments=sms.segments(piece),
                    status=QUEUED, created_on=now)
            for piece, _ in pieces
        ]
        s.add_all(parts)
        conversation.last_activity_on = now
    to = address(conversation.channel, services.vault.decrypt(phone_encrypted))
    from_ = address(conversation.channel,
                    services.centres.number_of(conversation.centre, conversation.channel))
    for part, (_, template) in zip(parts, pieces, strict=True):
        callback = services.status_url(part.id)
        try:
            if template:
                sid = services.sender.send_template(to, from_, template["sid"],
                                                    template["variables"], part.body, callback)
            else:
                sid = services.sender.send(to, from_, part.body, callback)
            part.provider_sid = sid
            part.status = SANDBOX if services.sender.sandbox else QUEUED
        except SendFailed as exc:
            part.status, part.error_code = FAILED, exc.code
        with services.db.session() as s:
            s.execute(update(Message).where(Message.id == part.id).values(
                provider_sid=part.provider_sid, status=part.status, error_code=part.error_code,
                status_on=utcnow()))
    return parts
