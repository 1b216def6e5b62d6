"""Receiving a migrant's message: store it first, answer it once, never lose it.

`Reception.receive` is the whole path of POST /webhooks/twilio/message after the
signature check:
1. record — contact, conversation and message are committed before anything else
   can fail; the MessageSid column is unique, so a retried webhook hits the
   constraint instead of creating a second message;
2. replay — a retry waits for the first delivery's stored TwiML and returns exactly
   that; if the first delivery died (its lease expired), the retry takes it over;
3. answer — language; the migrant's own commands (STOP, START, HELP, DELETE and its
   confirmation: bot.conversations.consent) before anyone else; nothing more while a
   counsellor holds the chat; else the bot's turn through Rasa (or, when Rasa is
   down, slow, broken or silent, the holding reply and an escalation), then
   acknowledgements for media and locations, which go to a counsellor;
4. finish — outbound parts, escalations and the TwiML are committed together (or,
   for a confirmed erasure, the person is deleted and the reply is not stored).
"""

from __future__ import annotations

import logging
import time
import traceback
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.exc import SQLAlchemyError

from bot import language as languages
from bot import texts as gateway_texts
from bot.channels import sms
from bot.channels.twilio import SMS, InboundMessage, render_twiml
from bot.conversations import consent, store
from bot.conversations.models import BOT, INBOUND, MIGRANT, OUTBOUND, RECEIVED, REPLIED, SYSTEM
from bot.db import utcnow
from bot.dialogue.rasa import RasaUnavailable
from bot.dialogue.turns import Handoff, choice_payload, read_turn
from bot.queue import models as queue

log = logging.getLogger(__name__)

EMPTY_TWIML = render_twiml([])
QUEUED = "queued"
LANGUAGE_CHOICE = "lang:"  # payload prefix of the language menu's entries
GREETING_PAYLOAD = "/greet"


@dataclass(frozen=True)
class Thread:
    """The conversation as it stood when the message was recorded."""

    conversation_id: str
    channel: str
    centre: str
    language: str | None
    bot_paused: bool
    choices: list | None
    contact_id: int
    opted_out_on: datetime | None


@dataclass
class Answer:
    language: str
    language_switched: bool = False  # the migrant chose it: the bot greets again in it
    parts: list[tuple[str, str]] = field(default_factory=list)  # (author, text)
    escalations: list[tuple[str, str, str | None]] = field(default_factory=list)
    choices: list | None = None
    replaces_choices: bool = False
    pause_bot: bool = False
    handoff: Handoff | None = None
    opt_out: bool | None = None  # True: the person sent STOP; False: START
    topic: str | None = None  # the theme the bot answered (reports)
    destination_country: str | None = None
    erase: bool = False  # the person confirmed: delete everything about them

    def say(self, author: str, text: str) -> None:
        self.parts.append((author, text))

    def escalate(self, reason: str, priority: str, topic: str | None = None) -> None:
        self.escalations.append((reason, priority, topic))


class Reception:
    def __init__(self, db, vault, centres, texts, keywords, rasa, tracker, config, status_url):
        self.db, self.vault, self.centres, self.texts, self.rasa = db, vault, centres, texts, rasa
        self.keywords = keywords  # the migrant's own commands: STOP, START, HELP, DELETE
        self.tracker = tracker  # Rasa's tracker store, for erasure
        self.config = config
        self.status_url = status_url  # outbound message id -> status callback URL

    def receive(self, inbound: InboundMessage) -> str:
        """TwiML answering inbound.

        raises sqlalchemy.exc.SQLAlchemyError only if the message could not be stored.
        """
        message_id, thread = self._record(inbound)
        if thread is None:
            return self._replay(inbound, message_id)
        return self._answer_safely(inbound, message_id, thread)

    # 1. record ----------------------------------------------------------------------
    def _record(self, inbound: InboundMessage) -> tuple[int, Thread | None]:
        """(message id, thread); thread is None when the MessageSid was seen before."""
        centre = self.centres.for_number(inbound.recipient)
        if centre is None:
            log.warning("message %s to a number no centre owns; routed to %s",
                        inbound.sid, self.centres.default.code)
            centre = self.centres.default
        now = utcnow()
        with self.db.session() as s:
            contact = store.contact_id(s, self.vault.lookup_hash(inbound.sender),
                                       lambda: self.vault.encrypt(inbound.sender))
            thread = Thread(*store.open_thread(s, contact, inbound.channel, centre.code))
            message_id = store.insert_unless_exists(s, store.message, {
                "conversation_id": thread.conversation_id, "direction": INBOUND,
                "author": MIGRANT, "provider_sid": inbound.sid, "body": inbound.body or None,
                "media": [{"url": m.url, "content_type": m.content_type}
                          for m in inbound.media] or None,
                "location": vars(inbound.location) if inbound.location else None,
                "status": RECEIVED, "created_on": now,
                "lease_until": now + timedelta(seconds=self.config.reply_lease),
            })
            if message_id is None:
                log.info("duplicate delivery of %s", inbound.sid)
                return s.scalar(store.MESSAGE_BY_SID, {"b_sid": inbound.sid}), None
            s.execute(store.UPDATE_CONVERSATION, {  # new words: retention starts over
                "b_id": thread.conversation_id, "last_inbound_on": now,
                "last_activity_on": now, "purged_on": None})
            return message_id, thread

    # 2. replay ----------------------------------------------------------------------
    def _replay(self, inbound: InboundMessage, message_id: int) -> str:
        deadline = time.monotonic() + self.config.duplicate_wait
        while True:
            now = utcnow()
            with self.db.session() as s:
                reply, conversation_id = s.execute(store.DELIVERY_OF, {"b_id": message_id}).one()
                if reply is not None:
                    return reply
                taken = s.execute(store.TAKE_OVER, {
                    "b_id": message_id, "b_now": now,
                    "lease_until": now + timedelta(seconds=self.config.reply_lease),
                }).rowcount == 1
                thread = Thread(*store.thread_by_id(s, conversation_id)) if taken else None
            if thread is not None:
                log.warning("delivery of %s was abandoned; answering it now", inbound.sid)
                return self._answer_safely(inbound, message_id, thread)
            if time.monotonic() > deadline:
                log.warning("duplicate of %s still unanswered; empty reply", inbound.sid)
                return EMPTY_TWIML
            time.sleep(0.05)

    # 3. answer ----------------------------------------------------------------------
    def _answer_safely(self, inbound: InboundMessage, message_id: int, thread: Thread) -> str:
        language, switched = self._language(inbound.text, thread)
        try:
            answer = self._answer(inbound, thread, Answer(language, language_switched=switched))
        except Exception as exc:  # never a 500: the message is stored, a human follows up
            log.error("answering %s failed: %s\n%s", inbound.sid, type(exc).__name__,
                      "".join(traceback.format_tb(exc.__traceback__)))
            answer = Answer(language=language)
            self._hold(answer)
        try:
            return self._finish(message_id, thread, answer)
        except SQLAlchemyError as exc:
            log.error("storing the reply to %s failed: %s", inbound.sid, type(exc).__name__)
            return render_twiml([(text, None) for _, text in answer.parts])

    def _answer(self, inbound: InboundMessage, thread: Thread, answer: Answer) -> Answer:
        if self._migrants_command(inbound, thread, answer):
            return answer
        if thread.bot_paused:  # a counsellor holds the chat: stored, the bot stays silent
            return answer
        if inbound.text:
            self._ask_bot(thread, inbound.text, answer)
        if inbound.media:
            answer.say(SYSTEM, self.texts.get(gateway_texts.MEDIA_RECEIVED, answer.language))
            answer.escalate(queue.MEDIA_RECEIVED, queue.NORMAL)
        if inbound.location:
            answer.say(SYSTEM, self.texts.get(gateway_texts.LOCATION_RECEIVED, answer.language))
            answer.escalate(queue.LOCATION_SHARED, queue.HIGH)
        return answer

    def _migrants_command(self, inbound: InboundMessage, thread: Thread,
                          answer: Answer) -> bool:
        """STOP, START, HELP, DELETE and the erasure confirmation, before anyone else
        answers; True if the message was one (or the person has opted out)."""
        command = self.keywords.command(inbound.text)
        centre = self.centres.get(thread.centre) or self.centres.default
        if thread.opted_out_on is not None:  # silence until START; the message is kept
            if command == consent.START:
                answer.opt_out = False
                answer.say(SYSTEM, self._text(gateway_texts.OPTED_IN, answer, centre))
            return True
        if command == consent.STOP:
            answer.opt_out = True
            if not (inbound.channel == SMS and self.keywords.is_standard(inbound.text)):
                # Twilio itself confirms its standard keywords on SMS
                answer.say(SYSTEM, self._text(gateway_texts.OPTED_OUT, answer, centre))
            return True
        if command == consent.HELP:
            answer.say(SYSTEM, "\n".join(filter(None, [
                self._text(gateway_texts.HELP_REPLY, answer, centre), centre.contacts_lines()])))
            return True
        if command == consent.DELETE:
            self._ask_erasure(answer)
            return True
        choice = choice_payload(inbound.text, thread.choices)
        if choice == consent.ERASE_YES:
            answer.erase = True
            answer.say(SYSTEM, self._text(gateway_texts.ERASED, answer, centre))
            return True
        if choice == consent.ERASE_NO:
            answer.replaces_choices, answer.choices = True, None
            answer.say(SYSTEM, self._text(gateway_texts.ERASURE_CANCELLED, answer, centre))
            return True
        return False

    def _text(self, key: str, answer: Answer, centre) -> str:
        return self.texts.get(key, answer.language, centre=centre.name)

    def _ask_erasure(self, answer: Answer) -> None:
        """The numbered confirmation; "1" erases, "2" keeps everything."""
        entries = [self.texts.get(key, answer.language)
                   for key in (gateway_texts.ERASURE_YES, gateway_texts.ERASURE_NO)]
        answer.say(SYSTEM, "\n".join(
            [self.texts.get(gateway_texts.ERASURE_QUESTION, answer.language)]
            + [f"{i}. {entry}" for i, entry in enumerate(entries, 1)]))
        answer.replaces_choices = True
        answer.choices = [consent.ERASE_YES, consent.ERASE_NO]

    def _language(self, text: str, thread: Thread) -> tuple[str, bool]:
        """(language, chosen explicitly): a menu number or a language's name wins over
        detection."""
        if not text:
            return thread.language or self._centre_language(thread), False
        chosen = _chosen_language(text, thread) or languages.requested_language(text)
        return (chosen, True) if chosen else (languages.detect(text, thread.language), False)

    def _centre_language(self, thread: Thread) -> str:
        centre = self.centres.get(thread.centre)
        return centre.default_language if centre else "en"

    def _ask_bot(self, thread: Thread, text: str, answer: Answer) -> None:
        if languages.asks_for_language_menu(text):  # the gateway's own menu, no bot turn
            _offer_languages(answer)
            return
        if answer.language_switched:
            turn_text = GREETING_PAYLOAD  # the bot greets again, now in the chosen language
        else:
            turn_text = choice_payload(text, thread.choices) or text
        metadata = {"language": answer.language, "centre": thread.centre,
                    "channel": thread.channel}
        try:
            messages = self.rasa.send(thread.conversation_id, turn_text, metadata)
        except RasaUnavailable as exc:
            log.warning("rasa unavailable for conversation %s: %s", thread.conversation_id, exc)
            self._hold(answer)
            return
        turn = read_turn(messages)
        if turn.is_empty:  # e.g. the action server is down: Rasa answers 200 with nothing
            log.warning("rasa gave no answer for conversation %s", thread.conversation_id)
            self._hold(answer)
            return
        answer.replaces_choices, answer.choices = True, list(turn.choices) if turn.choices else None
        answer.topic, answer.destination_country = turn.topic, turn.destination_country
        for text_part in turn.texts:
            answer.say(BOT, text_part)
        if turn.language_menu:
            _offer_languages(answer)
        if turn.erasure:  # the bot understood "delete my data": the gateway confirms
            self._ask_erasure(answer)
        if turn.handoff:
            answer.handoff = turn.handoff
            answer.escalate(turn.handoff.reason, turn.handoff.priority, turn.handoff.topic)
            answer.pause_bot = True

    def _hold(self, answer: Answer) -> None:
        answer.say(SYSTEM, self.texts.get(gateway_texts.HOLDING_REPLY, answer.language))
        answer.escalate(queue.BOT_UNAVAILABLE, queue.NORMAL)

    # 4. finish ----------------------------------------------------------------------
    def _finish(self, message_id: int, thread: Thread, answer: Answer) -> str:
        if answer.erase and (erased := self._erase(thread, answer)) is not None:
            return erased
        now = utcnow()
        with self.db.session() as s:
            parts = [(author, piece) for author, text in answer.parts for piece in sms.split(text)]
            ids = [
                s.scalar(store.INSERT_MESSAGE, {
                    "conversation_id": thread.conversation_id, "direction": OUTBOUND,
                    "author": author, "body": piece, "language": answer.language,
                    "encoding": sms.encoding(piece), "segments": sms.segments(piece),
                    "status": QUEUED, "created_on": now,
                })
                for author, piece in parts
            ]
            twiml = render_twiml(
                [(piece, self.status_url(i)) for (_, piece), i in zip(parts, ids, strict=True)]
            )
            finished = s.execute(store.FINISH_MESSAGE, {
                "b_id": message_id, "reply_twiml": twiml, "status": REPLIED,
                "lease_until": None, "language": answer.language, "topic": answer.topic,
                "destination_country": answer.destination_country,
            }).rowcount
            if not finished:  # a concurrent take-over answered first: keep its reply only
                s.rollback()
                return s.execute(store.DELIVERY_OF, {"b_id": message_id}).one().reply_twiml
            changes = {"b_id": thread.conversation_id, "language": answer.language,
                       "last_activity_on": now}
            if answer.replaces_choices:
                changes["choices"] = answer.choices
            if answer.pause_bot:
                changes["bot_paused"] = True
            s.execute(store.UPDATE_CONVERSATION, changes)
            for reason, priority, topic in answer.escalations:
                queue.escalate(s, thread.conversation_id, thread.centre, reason, priority, topic)
            if answer.opt_out is not None:
                s.execute(store.UPDATE_CONTACT, {"b_id": thread.contact_id,
                                                 "opted_out_on": now if answer.opt_out else None})
            if answer.handoff and (answer.handoff.gender or answer.handoff.age_band):
                store.record_intake(s, thread.conversation_id, answer.handoff.gender,
                                    answer.handoff.age_band)
        return twiml


    def _erase(self, thread: Thread, answer: Answer) -> str | None:
        """Delete the person: Rasa's dialogue events first (if that fails nothing is
        lost and a counsellor is asked to finish: None, and `answer` says so), then the
        contact with every conversation, message, case and note (foreign keys
        cascade). The reply is not stored: nothing about the person remains."""
        with self.db.session() as s:
            conversations = list(s.scalars(store.CONVERSATIONS_OF, {"b_id": thread.contact_id}))
        try:
            self.tracker.erase(conversations)
        except SQLAlchemyError as exc:
            log.error("erasure of contact %s: tracker store failed (%s); queued for a "
                      "counsellor", thread.contact_id, type(exc).__name__)
            answer.erase, answer.parts = False, []
            self._hold(answer)
            answer.escalations = [(queue.ERASURE_FAILED, queue.HIGH, None)]
            return None
        with self.db.session() as s:
            s.execute(store.DELETE_CONTACT, {"b_id": thread.contact_id})
        log.info("erased contact %s: %d conversation(s)", thread.contact_id, len(conversations))
        return render_twiml([(text, None) for _, text in answer.parts])


def _chosen_language(text: str, thread: Thread) -> str | None:
    """The language picked by number from the language menu the gateway last sent."""
    payload = choice_payload(text, thread.choices) or ""
    return payload.removeprefix(LANGUAGE_CHOICE) if payload.startswith(LANGUAGE_CHOICE) else None


def _offer_languages(answer: Answer) -> None:
    """The gateway's numbered language menu; its choices replace the bot's last menu."""
    answer.say(SYSTEM, languages.language_menu())
    answer.replaces_choices = True
    answer.choices = [LANGUAGE_CHOICE + code for code in languages.LANGUAGES]
