"""Property-based tests (hypothesis): whatever arrives — random Unicode, right-to-left
and zero-width marks, 64 KB bodies, missing, repeated or extra parameters, the wrong
content type, bad signatures — the webhook answers with a clear status and never a
500, and the language module, the keywords and the SMS renderer never crash."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actions.content import load, main_menu, topic_answer
from bot import language
from bot.channels import sms
from bot.conversations.consent import Keywords
from bot.conversations.models import Message
from tests.conftest import ROOT, fresh_sid, sign, twilio_form
from tests.test_webhook_message import PATH, rows

CONTENT = load(ROOT / "flows")
KEYWORDS = Keywords.load(ROOT / "flows")
MARKS = "\u200f\u200e\u202b\u202e\u2066\u2069\u200b\u200c\u200d\ufeff\u0000"
# any character HTTP can carry as UTF-8 (lone surrogates cannot be encoded at all)
hostile_text = st.text(alphabet=st.one_of(st.characters(blacklist_categories=("Cs",)),
                                          st.sampled_from(MARKS)), max_size=300)
fixture_settings = settings(max_examples=40, deadline=None,
                            suppress_health_check=[HealthCheck.function_scoped_fixture])


@fixture_settings
@given(body=hostile_text)
def test_any_body_is_stored_and_answered(client, rasa, body):
    form = fresh_sid(twilio_form("sms_text")) | {"Body": body}
    response = client.post(PATH, data=form, headers={"X-Twilio-Signature": sign(PATH, form)})
    assert response.status_code == 200, response.get_data(as_text=True)[:200]


@fixture_settings
@given(extra=st.dictionaries(st.text(min_size=1, max_size=20), hostile_text, max_size=5),
       drop=st.sets(st.sampled_from(["MessageSid", "From", "To", "Body", "NumMedia",
                                     "AccountSid"]), max_size=3))
def test_missing_and_unknown_parameters_get_200_or_400(client, rasa, extra, drop):
    form = fresh_sid(twilio_form("whatsapp_text")) | extra
    for key in drop:
        form.pop(key, None)
    response = client.post(PATH, data=form, headers={"X-Twilio-Signature": sign(PATH, form)})
    assert response.status_code in (200, 400)
    if {"MessageSid", "From", "To"} & drop:
        assert response.status_code == 400


@fixture_settings
@given(sid=hostile_text, sender=hostile_text, recipient=hostile_text,
       form_name=st.sampled_from(["sms_text", "whatsapp_location", "whatsapp_voice",
                                  "whatsapp_button"]))
def test_any_identifiers_get_200_or_400(client, rasa, sid, sender, recipient, form_name):
    form = twilio_form(form_name) | {"MessageSid": sid, "From": sender, "To": recipient}
    response = client.post(PATH, data=form, headers={"X-Twilio-Signature": sign(PATH, form)})
    assert response.status_code in (200, 400)


@fixture_settings
@given(values=st.lists(hostile_text, min_size=2, max_size=4))
def test_repeated_parameters_never_break_the_webhook(client, rasa, values):
    form = fresh_sid(twilio_form("sms_text"))
    pairs = [(k, v) for k, v in form.items() if k != "Body"] + [("Body", v) for v in values]
    from werkzeug.datastructures import MultiDict

    signed = MultiDict(pairs)
    response = client.post(PATH, data=signed,
                           headers={"X-Twilio-Signature": sign(PATH, signed)})
    assert response.status_code in (200, 400)


@fixture_settings
@given(signature=st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=255,
                                                blacklist_characters="\x7f"), max_size=60),
       body=hostile_text)  # what an HTTP header can carry
def test_bad_signatures_get_403(client, rasa, signature, body):
    form = fresh_sid(twilio_form("sms_text")) | {"Body": body}
    if signature == sign(PATH, form):
        return
    response = client.post(PATH, data=form, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 403
    assert rasa.calls == []


@pytest.mark.parametrize(("content_type", "payload"), [
    ("application/json", b'{"MessageSid": "SM1", "From": "+1", "To": "+2"}'),
    ("text/plain", b"MessageSid=SM1&From=%2B1&To=%2B2"),
    ("multipart/form-data; boundary=x", b"--x--"),
    ("application/x-www-form-urlencoded", b"\xff\xfe\x00garbage=%%%"),
], ids=["json", "text", "empty-multipart", "broken-urlencoding"])
def test_wrong_content_type_is_refused_not_crashed(client, rasa, content_type, payload):
    response = client.post(PATH, data=payload, headers={
        "Content-Type": content_type, "X-Twilio-Signature": "x"})
    assert response.status_code in (400, 403)
    assert rasa.calls == []


def test_a_64_kb_body_is_stored_and_answered(app, client, rasa):
    body = ("ویزا " * 7282).encode()[:65536].decode(errors="ignore")  # 64 KB of UTF-8
    form = fresh_sid(twilio_form("sms_text")) | {"Body": body}
    response = client.post(PATH, data=form, headers={"X-Twilio-Signature": sign(PATH, form)})
    assert response.status_code == 200
    assert rows(app, Message, Message.provider_sid == form["MessageSid"])[0].body == body


def test_a_body_over_the_request_limit_is_413(client, rasa):
    form = fresh_sid(twilio_form("sms_text")) | {"Body": "x" * 300_000}
    response = client.post(PATH, data=form, headers={"X-Twilio-Signature": sign(PATH, form)})
    assert response.status_code == 413


@settings(max_examples=300, deadline=None)
@given(text=hostile_text, previous=st.sampled_from([None, *language.LANGUAGES]))
def test_language_detection_always_names_a_supported_language(text, previous):
    assert language.detect(text, previous) in language.LANGUAGES
    language.requested_language(text)
    language.asks_for_language_menu(text)


@settings(max_examples=300, deadline=None)
@given(text=hostile_text)
def test_keywords_never_crash(text):
    assert KEYWORDS.command(text) in (None, "stop", "start", "help", "delete")


@settings(max_examples=200, deadline=None)
@given(text=hostile_text)
def test_sms_split_keeps_every_word_within_twilios_limit(text):
    parts = sms.split(text)
    assert all(0 < len(p) <= sms.MAX_BODY for p in parts)
    assert "".join("".join(parts).split()) == "".join(text.split())
    assert all(sms.segments(p) >= 1 for p in parts)


@settings(max_examples=100, deadline=None)
@given(lang=st.one_of(st.none(), st.sampled_from(language.LANGUAGES), st.text(max_size=5)),
       country=st.one_of(st.none(), st.text(max_size=3), st.sampled_from(
           ["PK", "BD", "LK", "AF", "IQ", "TJ", "KG"])),
       theme=st.sampled_from(sorted(CONTENT.topics)))
def test_flows_render_for_any_language_and_country(lang, country, theme):
    messages = topic_answer(CONTENT, CONTENT.topics[theme], lang, country)
    messages.append(main_menu(CONTENT, lang))
    for message in messages:
        assert message.as_sms().strip()
