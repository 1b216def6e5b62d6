"""Delivery status of outbound messages, from Twilio's status callbacks.

A TwiML reply's MessageSid is only learned from its first callback: the callback
URL carries our message id (`?part=<id>`) and the first callback links the two.
Statuses never move backwards (a late "sent" does not undo "delivered"); "failed"
is final whenever it comes.
"""

from __future__ import annotations

import logging

from sqlalchemy import select

from bot.channels.twilio import StatusUpdate
from bot.conversations.models import OUTBOUND, Message
from bot.db import utcnow

log = logging.getLogger(__name__)

_PROGRESS = {"unknown": 0, "queued": 1, "sending": 2, "sent": 3, "delivered": 4, "read": 5,
             "failed": 6}


def record_status(db, update: StatusUpdate, part_id: int | None = None) -> bool:
    """Apply a status callback; False (and a log line) if the message is unknown."""
    with db.session() as s:
        message = s.scalar(
            select(Message).where(Message.provider_sid == update.sid).with_for_update()
        )
        if message is None and part_id is not None:
            message = s.get(Message, part_id, with_for_update=True)
            if message is None or message.direction != OUTBOUND or message.provider_sid:
                message = None
            else:
                message.provider_sid = update.sid
        if message is None:
            log.info("status %s for unknown message %s", update.raw_status, update.sid)
            return False
        if _PROGRESS.get(update.status, 0) >= _PROGRESS.get(message.status, 0):
            message.status = update.status
            message.status_on = utcnow()
        if update.error_code is not None:
            message.error_code = update.error_code
        return True
