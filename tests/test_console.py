"""The counsellor console through Flask's test client, on SQLite and PostgreSQL:
sign-in, access rules on every route, claim → reply → hand back, the WhatsApp
window, the simulator, escaping. The browser test (test_console_browser.py) drives
the same pages in Chromium against the real bot."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot.console.models import ADMIN, COUNSELLOR, SUPERVISOR, Counsellor
from bot.conversations.models import Conversation, Message
from bot.db import utcnow
from bot.dialogue.rasa import RESUME_EVENTS
from bot.queue.models import ASSIGNED, HANDED_BACK, Escalation
from bot.texts import HANDED_BACK as HANDED_BACK_TEXT
from bot.texts import WHATSAPP_TEMPLATE, GatewayTexts
from tests.conftest import ROOT, fresh_sid, post_twilio, twilio_form
from tests.test_webhook_message import PATH, replies, rows

PASSWORD = "correct horse battery"
TEXTS = GatewayTexts.load(ROOT / "flows")
HANDOFF = [{"text": "A counsellor will reply to you here."},
           {"custom": {"handoff": {"priority": "urgent", "reason": "exploitation_report",
                                   "topic": "report_exploitation"}}}]


def account(app, username, centre="PK-ISB", role=COUNSELLOR, active=True) -> Counsellor:
    with app.extensions["mrc"].db.session() as s:
        person = Counsellor(username=username, display_name=username.title(), role=role,
                            centre=None if role == ADMIN else centre, languages=["en"],
                            active=active)
        person.set_password(PASSWORD)
        s.add(person)
    return person


def csrf(page) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def signed_in(app, username, **kwargs):
    account(app, username, **kwargs)
    browser = app.test_client()
    token = csrf(browser.get("/console/login"))
    response = browser.post("/console/login", data={"username": username,
                                                    "password": PASSWORD, "csrf": token})
    assert response.status_code == 302, "signed in"
    browser.token = csrf(browser.get("/console/"))
    return browser


def post(browser, path, **form):
    return browser.post(path, data={"csrf": browser.token, **form})


def migrant_writes(app, text, form="sms_text", **changes):
    response = post_twilio(app.test_client(), PATH,
                           fresh_sid(twilio_form(form, **changes)) | {"Body": text})
    assert response.status_code == 200
    return replies(response)


@pytest.fixture
def escalated(app, rasa):
    """A migrant in danger wrote to PK-ISB by SMS; the bot handed off (urgent)."""
    rasa.replies = HANDOFF
    migrant_writes(app, "my employer took my passport")
    (case,) = rows(app, Escalation)
    rasa.replies = [{"text": "Hello from the bot"}]
    return case


# --- sign-in --------------------------------------------------------------------------

@pytest.mark.parametrize(("username", "password", "active", "status"), [
    ("amina", PASSWORD, True, 302),
    ("amina", "wrong password!", True, 401),
    ("nobody", PASSWORD, True, 401),
    ("amina", PASSWORD, False, 401),
], ids=["valid", "wrong-password", "unknown-user", "deactivated"])
def test_sign_in(app, username, password, active, status):
    account(app, "amina", active=active)
    browser = app.test_client()
    token = csrf(browser.get("/console/login"))
    response = browser.post("/console/login", data={"username": username,
                                                    "password": password, "csrf": token})
    assert response.status_code == status
    assert (browser.get("/console/").status_code == 200) is (status == 302)


def test_sign_in_form_needs_its_csrf_token(app):
    account(app, "amina")
    browser = app.test_client()
    browser.get("/console/login")
    response = browser.post("/console/login", data={"username": "amina", "password": PASSWORD})
    assert response.status_code == 400


def test_password_is_stored_hashed(app):
    account(app, "amina")
    with app.extensions["mrc"].db.session() as s:
        stored = s.scalar(select(Counsellor.password_hash))
    assert PASSWORD not in stored and stored.startswith("scrypt:")


@pytest.mark.parametrize(("idle_hours", "status"), [(7.9, 200), (8.1, 302)])
def test_session_expires_after_eight_idle_hours(app, idle_hours, status):
    browser = signed_in(app, "amina")
    with browser.session_transaction() as session:
        session["seen"] -= int(idle_hours * 3600)
    assert browser.get("/console/").status_code == status


def test_sign_out(app):
    browser = signed_in(app, "amina")
    assert post(browser, "/console/logout").status_code == 302
    assert browser.get("/console/").status_code == 302


# --- access rules on every route --------------------------------------------------------

GET_ROUTES = ["/console/", "/console/queue/live", "/console/dashboard",
              "/console/conversations/{conversation}", "/console/conversations/{conversation}/live",
              "/console/simulator", "/console/simulator/live", "/console/reports",
              "/console/reports/brief.html", "/console/reports/tables.zip"]
POST_ROUTES = ["/console/take-next", "/console/cases/{case}/claim",
               "/console/cases/{case}/hand-back", "/console/cases/{case}/close",
               "/console/cases/{case}/transfer", "/console/conversations/{conversation}/reply",
               "/console/conversations/{conversation}/template",
               "/console/conversations/{conversation}/notes", "/console/simulator/send"]


@pytest.mark.parametrize("route", GET_ROUTES + POST_ROUTES)
def test_anonymous_users_are_sent_to_sign_in(app, escalated, route):
    path = route.format(case=escalated.id, conversation=escalated.conversation_id)
    browser = app.test_client()
    response = browser.post(path) if route in POST_ROUTES else browser.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/console/login")
    assert rows(app, Escalation)[0].status == "waiting", "nothing changed"


CENTRE_ROUTES = [r for r in GET_ROUTES + POST_ROUTES if "{" in r]


@pytest.mark.parametrize("route", CENTRE_ROUTES)
def test_another_centres_counsellor_gets_404(app, escalated, route):
    browser = signed_in(app, "lahore", centre="PK-LHE")
    path = route.format(case=escalated.id, conversation=escalated.conversation_id)
    response = post(browser, path, text="hi", body="note", outcome="information_given") \
        if route in POST_ROUTES else browser.get(path)
    assert response.status_code == 404
    assert rows(app, Escalation)[0].status == "waiting"
    assert not rows(app, Message, Message.author == "counsellor")


@pytest.mark.parametrize("route", POST_ROUTES)
def test_posts_without_the_csrf_token_are_refused(app, escalated, route):
    browser = signed_in(app, "amina")
    path = route.format(case=escalated.id, conversation=escalated.conversation_id)
    assert browser.post(path, data={"text": "hi"}).status_code == 400
    assert rows(app, Escalation)[0].status == "waiting"


@pytest.mark.parametrize(("role", "status"), [(COUNSELLOR, 403), (SUPERVISOR, 200),
                                              (ADMIN, 200)])
def test_dashboard_is_for_supervisors(app, role, status):
    assert signed_in(app, "x", role=role).get("/console/dashboard").status_code == status


def test_security_headers_on_console_pages(app):
    response = signed_in(app, "amina").get("/console/")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie


def test_no_inline_script_in_pages(app, escalated):
    browser = signed_in(app, "amina")
    for path in ("/console/", f"/console/conversations/{escalated.conversation_id}"):
        html = browser.get(path).get_data(as_text=True)
        assert re.findall(r"<script[^>]*>", html) == [
            '<script src="/console/static/console.js" defer>']


# --- the queue and one conversation -----------------------------------------------------

def test_escalated_chat_appears_in_the_queue_with_its_facts(app, escalated):
    page = signed_in(app, "amina").get("/console/").get_data(as_text=True)
    assert "URGENT" in page and "exploitation report" in page and "sms" in page
    assert f"/console/cases/{escalated.id}/claim" in page


def test_the_queue_refresh_answers_304_when_nothing_changed(app, escalated):
    browser = signed_in(app, "amina")
    first = browser.get("/console/queue/live")
    assert first.status_code == 200 and first.headers["X-Waiting"] == "1"
    again = browser.get("/console/queue/live", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    migrant_writes(app, "media", "whatsapp_image")  # a second chat arrives
    changed = browser.get("/console/queue/live",
                          headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.headers["X-Waiting"] == "2"


def test_claim_reply_and_hand_back(app, rasa, escalated):
    browser = signed_in(app, "amina")
    response = post(browser, f"/console/cases/{escalated.id}/claim")
    assert response.headers["Location"].endswith(escalated.conversation_id)
    assert rows(app, Escalation)[0].status == ASSIGNED

    page = browser.get(f"/console/conversations/{escalated.conversation_id}").get_data(
        as_text=True)
    assert "my employer took my passport" in page and 'id="send"' in page

    post(browser, f"/console/conversations/{escalated.conversation_id}/reply",
         text="I am here. Are you safe now?")
    (sent,) = rows(app, Message, Message.author == "counsellor")
    assert (sent.body, sent.status, sent.direction) == ("I am here. Are you safe now?",
                                                        "sandbox", "out")
    assert sent.author_id is not None and sent.provider_sid.startswith("SB")

    calls = len(rasa.calls)
    assert migrant_writes(app, "yes I am safe") == [], "the bot stays silent"
    assert len(rasa.calls) == calls, "nothing routed to Rasa while a human holds the chat"

    post(browser, f"/console/cases/{escalated.id}/hand-back")
    assert rows(app, Escalation)[0].status == HANDED_BACK
    assert rasa.events == [(escalated.conversation_id, RESUME_EVENTS)]
    notice = rows(app, Message, Message.author == "system")[-1]
    assert notice.body == TEXTS.get(HANDED_BACK_TEXT, "en")
    assert migrant_writes(app, "menu") == ["Hello from the bot"], "the bot answers again"


def test_hand_back_while_the_bot_is_down_keeps_the_chat(app, rasa, escalated):
    browser = signed_in(app, "amina")
    post(browser, f"/console/cases/{escalated.id}/claim")
    rasa.mode = "error"
    response = post(browser, f"/console/cases/{escalated.id}/hand-back")
    assert response.status_code == 302
    assert rows(app, Escalation)[0].status == ASSIGNED
    assert rows(app, Conversation)[0].bot_paused
    page = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert "The bot cannot be reached" in page


def test_close_with_outcome_and_referral(app, escalated):
    browser = signed_in(app, "amina")
    post(browser, f"/console/cases/{escalated.id}/claim")
    post(browser, f"/console/cases/{escalated.id}/close", outcome="referred",
         referral="legal_aid")
    case = rows(app, Escalation)[0]
    assert (case.status, case.outcome, case.referral) == ("closed", "referred", "legal_aid")
    assert not rows(app, Conversation)[0].bot_paused


def test_only_the_holder_can_reply(app, escalated):
    holder = signed_in(app, "amina")
    other = signed_in(app, "bilal")
    post(other, f"/console/conversations/{escalated.conversation_id}/reply", text="hi")
    post(holder, f"/console/cases/{escalated.id}/claim")
    post(other, f"/console/conversations/{escalated.conversation_id}/reply", text="hi")
    assert not rows(app, Message, Message.author == "counsellor")


def test_take_next_opens_the_most_urgent_chat(app, rasa, escalated):
    migrant_writes(app, "photo", "whatsapp_image")  # normal priority, newer
    browser = signed_in(app, "amina")
    response = post(browser, "/console/take-next")
    assert response.headers["Location"].endswith(escalated.conversation_id)
    (photo,) = rows(app, Escalation, Escalation.reason == "media_received")
    response = post(browser, "/console/take-next")
    assert response.headers["Location"].endswith(photo.conversation_id)
    response = post(browser, "/console/take-next")
    assert response.headers["Location"] == "/console/"
    assert "Nobody is waiting" in browser.get("/console/").get_data(as_text=True)


def test_transfer_to_another_centre(app, escalated):
    browser = signed_in(app, "amina")
    post(browser, f"/console/cases/{escalated.id}/claim")
    post(browser, f"/console/cases/{escalated.id}/transfer", centre="PK-LHE")
    lahore = signed_in(app, "lahore", centre="PK-LHE")
    page = lahore.get("/console/").get_data(as_text=True)
    assert "transferred from PK-ISB" in page
    assert lahore.get(f"/console/conversations/{escalated.conversation_id}").status_code == 200


def test_private_note_shown_to_counsellors_not_sent(app, escalated):
    browser = signed_in(app, "amina")
    post(browser, f"/console/conversations/{escalated.conversation_id}/notes",
         body="Spoke to the embassy")
    page = browser.get(f"/console/conversations/{escalated.conversation_id}").get_data(
        as_text=True)
    assert "Spoke to the embassy" in page
    assert not rows(app, Message, Message.body == "Spoke to the embassy")


def test_html_from_the_migrant_is_shown_as_text(app, rasa):
    rasa.replies = HANDOFF
    migrant_writes(app, '<script>alert("x")</script><b>bold</b>')
    (case,) = rows(app, Escalation)
    page = signed_in(app, "amina").get(f"/console/conversations/{case.conversation_id}")
    html = page.get_data(as_text=True)
    assert "<script>alert" not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;" in html


def test_phone_number_is_masked(app, escalated):
    page = signed_in(app, "amina").get(f"/console/conversations/{escalated.conversation_id}")
    sender = twilio_form("sms_text")["From"]
    html = page.get_data(as_text=True)
    assert sender not in html and sender[-3:] in html


def test_canned_replies_in_the_migrants_language(app, rasa):
    rasa.replies = HANDOFF
    migrant_writes(app, "mera passport le liya", "sms_urdu")
    (case,) = rows(app, Escalation)
    with app.extensions["mrc"].db.session() as s:
        language = s.get(Conversation, case.conversation_id).language
    browser = signed_in(app, "amina")
    post(browser, f"/console/cases/{case.id}/claim")
    html = browser.get(f"/console/conversations/{case.conversation_id}").get_data(as_text=True)
    centre = app.extensions["mrc"].centres.get(case.centre).name
    assert language == "ur"
    assert TEXTS.get("counsellor_greeting", "ur", centre=centre) in html


# --- WhatsApp's 24-hour window ----------------------------------------------------------

def _whatsapp_case(app, rasa, hours_since_last_message: float):
    rasa.replies = HANDOFF
    migrant_writes(app, "I need to talk to someone", "whatsapp_text")
    (case,) = rows(app, Escalation)
    with app.extensions["mrc"].db.session() as s:
        s.execute(update(Conversation).values(
            last_inbound_on=utcnow() - timedelta(hours=hours_since_last_message)))
    browser = signed_in(app, "amina", centre=case.centre)
    post(browser, f"/console/cases/{case.id}/claim")
    return browser, case


def test_inside_the_window_free_text_goes(app, rasa):
    browser, case = _whatsapp_case(app, rasa, 23)
    page = browser.get(f"/console/conversations/{case.conversation_id}").get_data(as_text=True)
    assert "WhatsApp window open" in page and 'id="send"' in page
    post(browser, f"/console/conversations/{case.conversation_id}/reply", text="hello")
    assert [m.body for m in rows(app, Message, Message.author == "counsellor")] == ["hello"]


def test_outside_the_window_only_the_template_goes(app, rasa):
    browser, case = _whatsapp_case(app, rasa, 25)
    page = browser.get(f"/console/conversations/{case.conversation_id}").get_data(as_text=True)
    assert "WhatsApp window closed" in page and "63016" in page
    assert 'id="send"' not in page and 'id="send-template"' in page
    post(browser, f"/console/conversations/{case.conversation_id}/reply", text="hello")
    assert not rows(app, Message, Message.author == "counsellor"), "free text refused"
    post(browser, f"/console/conversations/{case.conversation_id}/template")
    (sent,) = rows(app, Message, Message.author == "counsellor")
    centre = app.extensions["mrc"].centres.get(case.centre)
    with app.extensions["mrc"].db.session() as s:
        language = s.get(Conversation, case.conversation_id).language
    assert sent.body == TEXTS.get(WHATSAPP_TEMPLATE, language, centre=centre.name)


# --- supervisors and the simulator ------------------------------------------------------

def test_dashboard_figures(app, escalated):
    amina = signed_in(app, "amina")
    post(amina, f"/console/cases/{escalated.id}/claim")
    post(amina, f"/console/conversations/{escalated.conversation_id}/reply", text="hi")
    page = signed_in(app, "boss", role=SUPERVISOR).get("/console/dashboard")
    html = page.get_data(as_text=True)
    assert re.search(r'id="fig-waiting">0<', html) and re.search(r'id="fig-active">1<', html)
    assert re.search(r"<td>Amina</td><td>1</td><td>0</td><td>1</td>", html)


def test_simulator_posts_through_the_signed_webhook(app, rasa):
    browser = signed_in(app, "amina")
    post(browser, "/console/simulator/send?centre=PK-ISB&channel=sms", text="hello bot")
    assert rasa.calls[-1]["message"] == "hello bot"
    thread = browser.get("/console/simulator/live?centre=PK-ISB&channel=sms").get_data(
        as_text=True)
    assert "hello bot" in thread and "Hello from the bot" in thread


def test_simulator_exists_only_in_sandbox_mode(app_factory, rasa):
    app = app_factory(rasa.url, twilio_account_sid="AC" + "1" * 32)
    assert signed_in(app, "amina").get("/console/simulator").status_code == 404


# --- audit log and sign-in limits -------------------------------------------------------

def test_opening_a_conversation_is_audited(app, escalated):
    from bot.console.models import AuditEntry

    browser = signed_in(app, "amina")
    browser.get(f"/console/conversations/{escalated.conversation_id}")
    browser.get(f"/console/conversations/{escalated.conversation_id}/live")  # refresh: no
    entries = [(e.action, e.subject) for e in rows(app, AuditEntry)]
    assert entries == [("sign_in", "amina"), ("opened", escalated.conversation_id)]


def test_five_refused_sign_ins_lock_the_user_name_for_a_while(app):
    account(app, "amina")
    browser = app.test_client()
    token = csrf(browser.get("/console/login"))
    statuses = [browser.post("/console/login", data={
        "username": "amina", "password": "wrong password!", "csrf": token}).status_code
        for _ in range(5)]
    right = browser.post("/console/login", data={"username": "amina", "password": PASSWORD,
                                                  "csrf": token})
    assert statuses == [401] * 5 and right.status_code == 429
    other = signed_in(app, "bilal")  # another account is not affected
    assert other.get("/console/").status_code == 200



# --- reports ------------------------------------------------------------------------------

REPORT_ROUTES = ["/console/reports", "/console/reports/brief.html",
                 "/console/reports/tables.zip"]


@pytest.mark.parametrize("route", REPORT_ROUTES)
@pytest.mark.parametrize(("role", "status"), [(COUNSELLOR, 403), (SUPERVISOR, 200), (ADMIN, 200)])
def test_reports_are_for_supervisors(app, escalated, route, role, status):
    assert signed_in(app, "x", role=role).get(route).status_code == status


def test_a_supervisor_sees_only_their_centre_and_downloads_are_audited(app, escalated):
    from bot.console.models import AuditEntry

    lahore = signed_in(app, "boss", centre="PK-LHE", role=SUPERVISOR)
    page = lahore.get("/console/reports?from=2026-01-01&to=2026-12-31&centre=PK-ISB")
    assert "Activities in data · PK-LHE" in page.get_data(as_text=True)
    brief = lahore.get("/console/reports/brief.html?from=2026-01-01&to=2026-12-31")
    assert brief.headers["Content-Disposition"].startswith("attachment")
    assert "unsafe-inline" in brief.headers["Content-Security-Policy"]
    tables = lahore.get("/console/reports/tables.zip?from=2026-01-01&to=2026-12-31")
    assert tables.data[:2] == b"PK"
    exports = [e.subject for e in rows(app, AuditEntry, AuditEntry.action == "exported")]
    assert exports == ["report:PK-LHE_2026-01-01_2026-12-31"] * 2


@pytest.mark.parametrize("query", ["from=April&to=2026-05-01", "from=2026-05-01&to=2026-04-01",
                                   "from=2020-01-01&to=2026-01-01"],
                         ids=["bad-date", "reversed", "too-long"])
def test_report_periods_are_checked(app, query):
    boss = signed_in(app, "boss", role=SUPERVISOR)
    assert boss.get(f"/console/reports?{query}").status_code == 400


def test_nobody_writes_into_a_chat_that_nobody_took(app, rasa):
    """The bot still answers a chat whose case waits (bot_unavailable): a supervisor
    must take it first, or the bot and a human would talk at once."""
    rasa.mode = "error"
    migrant_writes(app, "hello")
    (case,) = rows(app, Escalation)
    boss = signed_in(app, "boss", role=SUPERVISOR)
    post(boss, f"/console/conversations/{case.conversation_id}/reply", text="hi")
    assert not rows(app, Message, Message.author == "counsellor")
    post(boss, f"/console/cases/{case.id}/claim")
    post(boss, f"/console/conversations/{case.conversation_id}/reply", text="hi")
    assert [m.body for m in rows(app, Message, Message.author == "counsellor")] == ["hi"]
