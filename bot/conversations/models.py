"""Contacts, conversations and messages.

A contact is one person (one phone number, across SMS and WhatsApp). A
conversation is that person's thread with one centre on one channel; its id is the
opaque sender id Rasa sees. Every message in or out is a row; an inbound row also
keeps the TwiML it was answered with, so a retried webhook gets the same answer.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base, UTCDateTime, utcnow

INBOUND = "in"
OUTBOUND = "out"

# who wrote a message
MIGRANT = "migrant"
BOT = "bot"
SYSTEM = "system"  # gateway texts: holding replies, media acknowledgements
COUNSELLOR = "counsellor"

RECEIVED = "received"
REPLIED = "replied"

# optional intake answers (the centres report them to donors); "unsaid" = skipped
GENDERS = ("male", "female", "other", "unsaid")
AGE_BANDS = ("under_18", "18_29", "30_44", "45_plus", "unsaid")


class Contact(Base):
    __tablename__ = "contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone_hash: Mapped[str] = mapped_column(String(64), unique=True)
    phone_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    gender: Mapped[str | None] = mapped_column(String(16))
    age_band: Mapped[str | None] = mapped_column(String(16))
    # sent STOP (or a localised equivalent): nothing more is sent until START
    opted_out_on: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_on: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Conversation(Base):
    __tablename__ = "conversation"
    __table_args__ = (UniqueConstraint("contact_id", "channel", "centre"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=lambda: uuid.uuid4().hex)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(16))
    centre: Mapped[str] = mapped_column(String(16))
    language: Mapped[str | None] = mapped_column(String(8))
    bot_paused: Mapped[bool] = mapped_column(Boolean, default=False)
    # payloads of the last numbered menu, so "2" on SMS picks its second entry
    choices: Mapped[list | None] = mapped_column(JSON)
    opened_on: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_inbound_on: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_activity_on: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    purged_on: Mapped[datetime | None] = mapped_column(UTCDateTime)  # retention ran


class Message(Base):
    __tablename__ = "message"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversation.id", ondelete="CASCADE"), index=True
    )
    direction: Mapped[str] = mapped_column(String(3))
    author: Mapped[str] = mapped_column(String(16))
    author_id: Mapped[int | None] = mapped_column(  # the counsellor who wrote it
        ForeignKey("counsellor.id", ondelete="SET NULL"))
    # Twilio's MessageSid: the dedupe key for inbound, the status key for outbound
    provider_sid: Mapped[str | None] = mapped_column(String(64), unique=True)
    body: Mapped[str | None] = mapped_column(Text)
    media: Mapped[list | None] = mapped_column(JSON)
    location: Mapped[dict | None] = mapped_column(JSON)
    language: Mapped[str | None] = mapped_column(String(8))
    # on an inbound message: the theme the bot answered and the country asked about
    topic: Mapped[str | None] = mapped_column(String(64))
    destination_country: Mapped[str | None] = mapped_column(String(64))
    encoding: Mapped[str | None] = mapped_column(String(8))
    segments: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    error_code: Mapped[int | None] = mapped_column(Integer)
    reply_twiml: Mapped[str | None] = mapped_column(Text)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_on: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status_on: Mapped[datetime | None] = mapped_column(UTCDateTime)
