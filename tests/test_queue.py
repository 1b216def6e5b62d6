"""The queue's life cycle and access rules, on SQLite and PostgreSQL: every
transition, the order of "take next", and atomic claims under many claimers."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.console.models import ADMIN, COUNSELLOR, SUPERVISOR, Counsellor
from bot.conversations.models import Contact, Conversation
from bot.db import Database, utcnow
from bot.queue import cases
from bot.queue.models import (
    ASSIGNED,
    CLOSED,
    HANDED_BACK,
    TRANSFERRED,
    WAITING,
    Escalation,
    Note,
    escalate,
)


@pytest.fixture
def db(app):  # migrated, emptied, on both backends
    return app.extensions["mrc"].db


def person(db: Database, name: str, centre: str | None = "PK-ISB", role: str = COUNSELLOR,
           languages=()) -> Counsellor:
    with db.session() as s:
        p = Counsellor(username=name, display_name=name, role=role, centre=centre,
                       languages=list(languages), active=True, password_hash="x")
        s.add(p)
    return p


def chat(db: Database, centre: str = "PK-ISB", language: str = "en", priority: str = "normal",
         age_minutes: int = 0, reason: str = "migrant_request") -> Escalation:
    """A conversation with one waiting escalation, opened `age_minutes` ago."""
    with db.session() as s:
        contact = Contact(phone_hash=f"h{utcnow().timestamp()}{id(object())}",
                          phone_encrypted=b"x")
        s.add(contact)
        s.flush()
        conversation = Conversation(contact_id=contact.id, channel="sms", centre=centre,
                                    language=language, bot_paused=False)
        s.add(conversation)
        s.flush()
        escalation = escalate(s, conversation.id, centre, reason, priority)
        escalation.opened_on = utcnow() - timedelta(minutes=age_minutes)
    return escalation


def state(db: Database, escalation_id: int) -> tuple[str, int | None, bool]:
    with db.session() as s:
        e = s.get(Escalation, escalation_id)
        paused = s.scalar(select(Conversation.bot_paused)
                          .where(Conversation.id == e.conversation_id))
        return e.status, e.assigned_to, paused


def test_claim_assigns_and_silences_the_bot(db):
    amina = person(db, "amina")
    case = chat(db)
    with db.session() as s:
        cases.claim(s, amina, case.id)
    assert state(db, case.id) == (ASSIGNED, amina.id, True)


def test_second_claim_is_refused(db):
    amina, bilal = person(db, "amina"), person(db, "bilal")
    case = chat(db)
    with db.session() as s:
        cases.claim(s, amina, case.id)
    with pytest.raises(cases.AlreadyTaken), db.session() as s:
        cases.claim(s, bilal, case.id)
    assert state(db, case.id) == (ASSIGNED, amina.id, True)


@pytest.mark.parametrize(("actor_centre", "role", "visible"), [
    ("PK-ISB", COUNSELLOR, True),
    ("PK-LHE", COUNSELLOR, False),
    ("PK-LHE", SUPERVISOR, False),
    (None, ADMIN, True),
], ids=["same-centre", "other-centre", "other-centre-supervisor", "admin"])
def test_only_the_centre_sees_a_case(db, actor_centre, role, visible):
    actor = person(db, "x", actor_centre, role)
    case = chat(db, centre="PK-ISB")
    with db.session() as s:
        listed = [e.escalation.id for e in cases.open_cases(s, actor)]
        assert (case.id in listed) is visible
        if visible:
            cases.claim(s, actor, case.id)
        else:
            with pytest.raises(cases.NotFound):
                cases.claim(s, actor, case.id)
            with pytest.raises(cases.NotFound):
                cases.visible_conversation(s, actor, case.conversation_id)


def test_take_next_order_urgent_high_normal_then_longest_wait(db):
    amina = person(db, "amina")
    normal_old = chat(db, priority="normal", age_minutes=50)
    high_new = chat(db, priority="high", age_minutes=1)
    urgent = chat(db, priority="urgent", age_minutes=0)
    high_old = chat(db, priority="high", age_minutes=30)
    chat(db, centre="PK-LHE", priority="urgent", age_minutes=90)  # another centre's
    got = []
    with db.session() as s:
        while (taken := cases.take_next(s, amina)) is not None:
            got.append(taken.id)
    assert got == [urgent.id, high_old.id, high_new.id, normal_old.id]


def test_take_next_prefers_the_counsellors_languages_within_a_priority(db):
    speaks_russian = person(db, "aziz", "TJ-DYU", languages=["tg", "ru"])
    english = chat(db, "TJ-DYU", "en", age_minutes=20)
    russian = chat(db, "TJ-DYU", "ru", age_minutes=5)
    urgent_english = chat(db, "TJ-DYU", "en", priority="urgent", age_minutes=1)
    with db.session() as s:
        order = [cases.take_next(s, speaks_russian).id for _ in range(3)]
    assert order == [urgent_english.id, russian.id, english.id]


def test_take_next_with_nothing_waiting(db):
    with db.session() as s:
        assert cases.take_next(s, person(db, "amina")) is None


def test_hand_back_resumes_the_bot(db):
    amina = person(db, "amina")
    case = chat(db)
    with db.session() as s:
        cases.claim(s, amina, case.id)
        s.execute(Conversation.__table__.update().values(choices=["/menu"]))
    with db.session() as s:
        cases.hand_back(s, amina, case.id, "information_given")
    assert state(db, case.id) == (HANDED_BACK, amina.id, False)
    with db.session() as s:
        e = s.get(Escalation, case.id)
        assert e.closed_on is not None and e.outcome == "information_given"
        assert s.get(Conversation, e.conversation_id).choices is None


@pytest.mark.parametrize(("outcome", "referral", "stored"), [
    ("information_given", None, (CLOSED, "information_given", None)),
    ("referred", "legal_aid", (CLOSED, "referred", "legal_aid")),
    ("follow_up", "health", (CLOSED, "follow_up", "health")),
], ids=["information", "referral", "follow-up-with-referral"])
def test_close_with_an_outcome(db, outcome, referral, stored):
    amina = person(db, "amina")
    case = chat(db)
    with db.session() as s:
        cases.claim(s, amina, case.id)
        cases.close(s, amina, case.id, outcome, referral)
    with db.session() as s:
        e = s.get(Escalation, case.id)
        assert (e.status, e.outcome, e.referral) == stored
    assert state(db, case.id)[2] is False


@pytest.mark.parametrize(("outcome", "referral"), [
    ("", None), ("closed", None), ("referred", "Qadir & Sons legal office")],
    ids=["no-outcome", "unknown-outcome", "free-text-partner"])
def test_close_needs_an_outcome_and_a_listed_partner(db, outcome, referral):
    amina = person(db, "amina")
    case = chat(db)
    with db.session() as s:
        cases.claim(s, amina, case.id)
    with pytest.raises(cases.QueueError), db.session() as s:
        cases.close(s, amina, case.id, outcome, referral)
    assert state(db, case.id)[0] == ASSIGNED


@pytest.mark.parametrize("actor", ["colleague", "supervisor"])
def test_only_the_holder_or_a_supervisor_hands_back(db, actor):
    amina = person(db, "amina")
    other = person(db, actor, role=SUPERVISOR if actor == "supervisor" else COUNSELLOR)
    case = chat(db)
    with db.session() as s:
        cases.claim(s, amina, case.id)
    if actor == "supervisor":
        with db.session() as s:
            cases.hand_back(s, other, case.id)
        assert state(db, case.id)[0] == HANDED_BACK
    else:
        with pytest.raises(cases.QueueError), db.session() as s:
            cases.hand_back(s, other, case.id)
        assert state(db, case.id)[0] == ASSIGNED


def test_hand_back_of_a_waiting_case_is_refused(db):
    amina = person(db, "amina")
    case = chat(db)
    with pytest.raises(cases.QueueError), db.session() as s:
        cases.hand_back(s, amina, case.id)


def test_transfer_to_a_colleague(db):
    amina, bilal = person(db, "amina"), person(db, "bilal")
    case = chat(db)
    with db.session() as s:
        cases.claim(s, amina, case.id)
        moved = cases.transfer(s, amina, case.id, to_counsellor=bilal.id)
    assert state(db, case.id)[0] == TRANSFERRED
    assert state(db, moved.id) == (ASSIGNED, bilal.id, True)


def test_transfer_to_another_centre_waits_in_its_queue(db):
    amina = person(db, "amina", "PK-ISB")
    lahore = person(db, "lahore", "PK-LHE")
    case = chat(db, "PK-ISB", priority="high")
    with db.session() as s:
        cases.claim(s, amina, case.id)
        moved = cases.transfer(s, amina, case.id, to_centre="PK-LHE")
    with db.session() as s:
        (entry,) = cases.open_cases(s, lahore)
        assert (entry.escalation.id, entry.escalation.status, entry.escalation.priority) == (
            moved.id, WAITING, "high")
        assert cases.visible_conversation(s, lahore, case.conversation_id)
        assert cases.open_cases(s, amina) == []
    assert state(db, moved.id)[2] is True, "still with humans: the bot stays silent"


def test_transfer_needs_a_target(db):
    amina = person(db, "amina")
    case = chat(db)
    with db.session() as s:
        cases.claim(s, amina, case.id)
    with pytest.raises(cases.QueueError), db.session() as s:
        cases.transfer(s, amina, case.id)


def test_a_new_escalation_after_close_opens_a_new_case(db):
    amina = person(db, "amina")
    case = chat(db)
    with db.session() as s:
        cases.claim(s, amina, case.id)
        cases.close(s, amina, case.id, "information_given")
    with db.session() as s:
        again = escalate(s, case.conversation_id, "PK-ISB", "bot_unavailable")
    assert again.id != case.id and state(db, again.id)[0] == WAITING


@pytest.mark.parametrize(("body", "ok"), [("called the employer", True), ("   ", False),
                                          ("x" * 4001, False)], ids=["note", "empty", "long"])
def test_private_notes(db, body, ok):
    amina = person(db, "amina")
    case = chat(db)
    with db.session() as s:
        if ok:
            cases.add_note(s, amina, case.conversation_id, body)
        else:
            with pytest.raises(cases.QueueError):
                cases.add_note(s, amina, case.conversation_id, body)
    with db.session() as s:
        assert len(s.scalars(select(Note)).all()) == int(ok)


def _race(db: Database, claimers: list[Counsellor], work) -> list:
    results, barrier = [], threading.Barrier(len(claimers))

    def run(counsellor):
        barrier.wait()
        results.append(work(counsellor))

    threads = [threading.Thread(target=run, args=(c,)) for c in claimers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_many_counsellors_claiming_one_case_exactly_one_wins(db):
    claimers = [person(db, f"c{i}") for i in range(12)]
    case = chat(db)

    def attempt(counsellor):
        try:
            with db.session() as s:
                cases.claim(s, counsellor, case.id)
            return counsellor.id
        except cases.AlreadyTaken:
            return None

    winners = [r for r in _race(db, claimers, attempt) if r is not None]
    assert len(winners) == 1
    assert state(db, case.id)[:2] == (ASSIGNED, winners[0])


def test_many_counsellors_taking_next_never_share_a_case(db):
    claimers = [person(db, f"c{i}") for i in range(16)]
    waiting = [chat(db, age_minutes=i) for i in range(10)]

    def attempt(counsellor):
        taken = []
        while True:
            with db.session() as s:
                got = cases.take_next(s, counsellor)
            if got is None:
                return taken
            taken.append(got.id)

    claimed = [case for taken in _race(db, claimers, attempt) for case in taken]
    assert sorted(claimed) == sorted(c.id for c in waiting), "each case exactly once"
    with db.session() as s:
        assert s.scalars(select(Escalation.status)).all() == [ASSIGNED] * 10
