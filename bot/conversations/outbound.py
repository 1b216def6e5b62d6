"""Sending to a migrant outside a webhook reply (counsellors, operators).

Each part is stored first (status "queued"), then handed to the sender with its own
status callback URL; the SID comes back and is stored. A send that fails is marked
"failed" with Twilio's error code; in sandbox mode the status is "sandbox".
"""

from __future__ import annotations

from sqlalchemy import select, update

from bot.channels import sms
from bot.channels.sender import SendFailed
from bot.channels.twilio import address
from bot.conversations.models import OUTBOUND, Contact, Conversation, Message
from bot.db import utcnow

QUEUED, FAILED, SANDBOX = "queued", "failed", "sandbox"


class ConversationNotFound(LookupError):
    pass


def send_text(services, conversation_id: str, text: str, author: str) -> list[Message]:
    """Store and send text (split into parts if long); returns the stored parts.

    raises ConversationNotFound if there is no such conversation.
    """
    now = utcnow()
    with services.db.session() as s:
        row = s.execute(
            select(Conversation, Contact.phone_encrypted)
            .join(Contact, Contact.id == Conversation.contact_id)
            .where(Conversation.id == conversation_id)
        ).first()
        if row is None:
            raise ConversationNotFound(conversation_id)
        conversation, phone_encrypted = row
        parts = [
            Message(conversation_id=conversation_id, direction=OUTBOUND, author=author,
                    body=piece, language=conversation.language, encoding=sms.encoding(piece),
                    segments=sms.segments(piece), status=QUEUED, created_on=now)
            for piece in sms.split(text)
        ]
        s.add_all(parts)
        conversation.last_activity_on = now
    to = address(conversation.channel, services.vault.decrypt(phone_encrypted))
    from_ = address(conversation.channel,
                    services.centres.number_of(conversation.centre, conversation.channel))
    for part in parts:
        try:
            sid = services.sender.send(to, from_, part.body, services.status_url(part.id))
            part.provider_sid = sid
            part.status = SANDBOX if services.sender.sandbox else QUEUED
        except SendFailed as exc:
            part.status, part.error_code = FAILED, exc.code
        with services.db.session() as s:
            s.execute(update(Message).where(Message.id == part.id).values(
                provider_sid=part.provider_sid, status=part.status, error_code=part.error_code,
                status_on=utcnow()))
    return parts
