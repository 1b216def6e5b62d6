"""The SQL of the inbound path, built once.

Every inbound message runs these statements. Building a SQLAlchemy statement (and
its cache key) costs several times more than executing it, so they are prebuilt
Core statements on the ORM tables, executed with parameters; SET clauses and insert
values come from the parameter names, which are column names. Bind parameters in
WHERE clauses are prefixed `b_`.
"""

from __future__ import annotations

import uuid
from functools import cache

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from bot.conversations.models import Contact, Conversation, Message
from bot.db import utcnow

contact, conversation, message = Contact.__table__, Conversation.__table__, Message.__table__

THREAD_COLUMNS = (conversation.c.id, conversation.c.channel, conversation.c.centre,
                  conversation.c.language, conversation.c.bot_paused, conversation.c.choices,
                  conversation.c.contact_id, contact.c.opted_out_on)
THREADS = conversation.join(contact, contact.c.id == conversation.c.contact_id)

CONTACT_BY_HASH = select(contact.c.id).where(contact.c.phone_hash == bindparam("b_hash"))
THREAD_BY_KEY = select(*THREAD_COLUMNS).select_from(THREADS).where(
    conversation.c.contact_id == bindparam("b_contact"),
    conversation.c.channel == bindparam("b_channel"),
    conversation.c.centre == bindparam("b_centre"),
)
THREAD_BY_ID = select(*THREAD_COLUMNS).select_from(THREADS).where(
    conversation.c.id == bindparam("b_id"))
UPDATE_CONTACT = update(contact).where(contact.c.id == bindparam("b_id"))
CONVERSATIONS_OF = select(conversation.c.id).where(conversation.c.contact_id == bindparam("b_id"))
DELETE_CONTACT = delete(contact).where(contact.c.id == bindparam("b_id"))
UPDATE_CONVERSATION = update(conversation).where(conversation.c.id == bindparam("b_id"))

MESSAGE_BY_SID = select(message.c.id).where(message.c.provider_sid == bindparam("b_sid"))
DELIVERY_OF = select(message.c.reply_twiml, message.c.conversation_id).where(
    message.c.id == bindparam("b_id"))
INSERT_MESSAGE = insert(message).returning(message.c.id)
# only an unanswered message can be answered, and only once
FINISH_MESSAGE = update(message).where(
    message.c.id == bindparam("b_id"), message.c.reply_twiml.is_(None))
# a retry takes over a delivery whose lease ran out (its worker died)
TAKE_OVER = update(message).where(
    message.c.id == bindparam("b_id"), message.c.reply_twiml.is_(None),
    message.c.lease_until <= bindparam("b_now"))

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


@cache
def _insert_unless_exists(dialect: str, table):
    return _INSERTS[dialect](table).on_conflict_do_nothing().returning(table.c.id)


def insert_unless_exists(session, table, values: dict):
    """INSERT … ON CONFLICT DO NOTHING: the new row's id, or None if a unique key exists.

    Under concurrency PostgreSQL makes the second insert wait for the first to commit,
    so None always means the other row is committed and visible.
    """
    return session.scalar(_insert_unless_exists(session.get_bind().dialect.name, table),
                          values)


def contact_id(session, phone_hash: str, encrypt) -> int:
    """The contact with this phone hash, created (number encrypted) if new."""
    found = session.scalar(CONTACT_BY_HASH, {"b_hash": phone_hash})
    if found is None:
        found = insert_unless_exists(session, contact, {
            "phone_hash": phone_hash, "phone_encrypted": encrypt(), "created_on": utcnow()})
    return found if found is not None else session.scalar(CONTACT_BY_HASH, {"b_hash": phone_hash})


def open_thread(session, contact: int, channel: str, centre: str):
    """(id, channel, centre, language, bot_paused, choices, contact id, opted out on) of
    the contact's conversation with this centre on this channel, created if new."""
    key = {"b_contact": contact, "b_channel": channel, "b_centre": centre}
    row = session.execute(THREAD_BY_KEY, key).first()
    if row is None:
        now = utcnow()
        insert_unless_exists(session, conversation, {
            "id": uuid.uuid4().hex, "contact_id": contact, "channel": channel,
            "centre": centre, "bot_paused": False, "opened_on": now, "last_activity_on": now})
        row = session.execute(THREAD_BY_KEY, key).one()
    return row


def thread_by_id(session, conversation_id: str):
    return session.execute(THREAD_BY_ID, {"b_id": conversation_id}).one()


def record_intake(session, conversation_id: str, gender: str | None,
                  age_band: str | None) -> None:
    """Keep the optional intake answers on the person (the latest answer wins)."""
    values = {k: v for k, v in (("gender", gender), ("age_band", age_band)) if v}
    owner = select(conversation.c.contact_id).where(conversation.c.id == conversation_id)
    session.execute(update(contact).where(contact.c.id == owner.scalar_subquery())
                    .values(**values))
