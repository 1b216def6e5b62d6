"""POST /webhooks/twilio/message with recorded Twilio bodies, against a local Rasa stand-in."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import select

from bot.config import ROOT
from bot.conversations.models import Contact, Conversation, Message
from bot.queue.models import Escalation
from bot.texts import LOCATION_RECEIVED, MEDIA_RECEIVED, GatewayTexts
from tests.conftest import fresh_sid, post_twilio, sign, twilio_form

PATH = "/webhooks/twilio/message"
TEXTS = GatewayTexts.load(ROOT / "flows")


def replies(response) -> list[str]:
    return [m.text or "" for m in ET.fromstring(response.get_data(as_text=True)).iter("Message")]


def rows(app, model, *where):
    with app.extensions["mrc"].db.session() as s:
        return list(s.scalars(select(model).where(*where)))


@pytest.mark.parametrize(
    ("body", "signature", "status", "rasa_calls"),
    [
        ("sms_text", "valid", 200, 1),
        ("sms_urdu", "valid", 200, 1),
        ("whatsapp_text", "valid", 200, 1),
        ("whatsapp_button", "valid", 200, 1),
        ("whatsapp_image_caption", "valid", 200, 1),
        ("whatsapp_image", "valid", 200, 0),
        ("whatsapp_voice", "valid", 200, 0),
        ("whatsapp_location", "valid", 200, 0),
        ("sms_mms", "valid", 200, 0),
        ("sms_text", "invalid", 403, 0),
        ("sms_text", "missing", 403, 0),
        ("whatsapp_text", "invalid", 403, 0),
        ("whatsapp_image", "missing", 403, 0),
    ],
    ids=lambda v: str(v),
)
def test_signature_and_routing(client, app, rasa, body, signature, status, rasa_calls):
    response = post_twilio(client, PATH, twilio_form(body), signature)
    assert response.status_code == status
    assert len(rasa.calls) == rasa_calls
    stored = rows(app, Message)
    if status == 403:
        assert stored == []
    else:
        assert response.mimetype == "application/xml"
        assert [m.direction for m in stored].count("in") == 1
        assert replies(response), "every accepted message gets an answer"


@pytest.mark.parametrize(
    ("body", "reason", "priority", "ack"),
    [
        ("whatsapp_image", "media_received", "normal", MEDIA_RECEIVED),
        ("whatsapp_voice", "media_received", "normal", MEDIA_RECEIVED),
        ("sms_mms", "media_received", "normal", MEDIA_RECEIVED),
        ("whatsapp_location", "location_shared", "high", LOCATION_RECEIVED),
    ],
    ids=["image", "voice-note", "mms", "location"],
)
def test_media_and_location_stored_and_sent_to_a_counsellor(
    client, app, body, reason, priority, ack
):
    form = twilio_form(body)
    response = post_twilio(client, PATH, form)
    # a first message without text is answered in the centre's first language (PK-ISB: ur)
    assert replies(response) == [TEXTS.get(ack, "ur")]
    (inbound,) = rows(app, Message, Message.direction == "in")
    if form.get("NumMedia") == "1":
        assert inbound.media == [{"url": form["MediaUrl0"],
                                  "content_type": form["MediaContentType0"]}]
    else:
        assert inbound.location["latitude"] == form["Latitude"]
        assert inbound.location["label"] == form["Label"]
    (escalation,) = rows(app, Escalation)
    assert (escalation.reason, escalation.priority) == (reason, priority)


def test_media_acknowledged_in_the_conversation_language(client):
    post_twilio(client, PATH, twilio_form("whatsapp_image_caption"))  # English caption
    later = fresh_sid(twilio_form("whatsapp_image_caption", Body=""))
    assert replies(post_twilio(client, PATH, later)) == [TEXTS.get(MEDIA_RECEIVED, "en")]


def test_caption_goes_to_the_bot_and_media_to_a_counsellor(client, app, rasa):
    response = post_twilio(client, PATH, twilio_form("whatsapp_image_caption"))
    assert rasa.calls[0]["message"] == "is this job offer real"
    parts = replies(response)
    assert parts[0] == "Hello from the bot"
    assert "we received your file" in parts[1]
    assert [e.reason for e in rows(app, Escalation)] == ["media_received"]


def test_rasa_gets_conversation_id_and_metadata_never_the_number(client, app, rasa):
    form = twilio_form("whatsapp_text")
    post_twilio(client, PATH, form)
    (call,) = rasa.calls
    (conversation,) = rows(app, Conversation)
    assert call["sender"] == conversation.id
    assert call["metadata"] == {"language": "en", "centre": "AF-VIRTUAL", "channel": "whatsapp"}
    assert "447700900125" not in str(call)


def test_contact_number_encrypted_and_found_again(client, app):
    first = twilio_form("sms_text")
    post_twilio(client, PATH, first)
    post_twilio(client, PATH, fresh_sid(first, "SM"))
    (contact,) = rows(app, Contact)
    assert b"447700900123" not in contact.phone_encrypted
    assert app.extensions["mrc"].vault.decrypt(contact.phone_encrypted) == "+447700900123"
    assert len(rows(app, Conversation)) == 1
    assert len(rows(app, Message, Message.direction == "in")) == 2


def test_same_person_on_sms_and_whatsapp_is_one_contact(client, app):
    post_twilio(client, PATH, twilio_form("sms_text"))
    wa = twilio_form("whatsapp_text", From="whatsapp:+447700900123", WaId="447700900123",
                     To="whatsapp:+12025550142")
    post_twilio(client, PATH, wa)
    assert len(rows(app, Contact)) == 1
    assert {c.channel for c in rows(app, Conversation)} == {"sms", "whatsapp"}


def test_centre_chosen_by_number_and_unknown_number_goes_to_default(client, app):
    post_twilio(client, PATH, twilio_form("whatsapp_text"))  # to AF-VIRTUAL's number
    post_twilio(client, PATH, twilio_form("sms_unknown_number"))
    assert sorted(c.centre for c in rows(app, Conversation)) == ["AF-VIRTUAL", "PK-ISB"]


def test_buttons_become_a_numbered_menu_and_digits_pick_them(client, app, rasa):
    rasa.replies = [{"text": "What would you like to do?", "buttons": [
        {"title": "Legal pathways", "payload": "/legal_pathways"},
        {"title": "Talk to a counsellor", "payload": "/request_counsellor"},
    ]}]
    form = twilio_form("sms_text")
    response = post_twilio(client, PATH, form)
    assert replies(response) == [
        "What would you like to do?\n1. Legal pathways\n2. Talk to a counsellor"
    ]
    post_twilio(client, PATH, fresh_sid(form, "SM") | {"Body": "2"})
    assert rasa.calls[-1]["message"] == "/request_counsellor"
    post_twilio(client, PATH, fresh_sid(form, "SM") | {"Body": "7"})
    assert rasa.calls[-1]["message"] == "7", "a number outside the menu is passed as typed"


def test_handoff_payload_opens_escalation_and_silences_the_bot(client, app, rasa):
    rasa.replies = [
        {"text": "A counsellor will reply to you here."},
        {"custom": {"handoff": {"priority": "urgent", "reason": "exploitation",
                                "topic": "report_exploitation"}}},
    ]
    form = twilio_form("whatsapp_text")
    response = post_twilio(client, PATH, form)
    assert replies(response) == ["A counsellor will reply to you here."]
    (escalation,) = rows(app, Escalation)
    assert (escalation.priority, escalation.reason, escalation.topic) == (
        "urgent", "exploitation", "report_exploitation")
    (conversation,) = rows(app, Conversation)
    assert conversation.bot_paused

    later = post_twilio(client, PATH, fresh_sid(form, "SM") | {"Body": "are you there"})
    assert later.status_code == 200
    assert replies(later) == []
    assert len(rasa.calls) == 1, "the bot never talks over a human"
    assert len(rows(app, Message, Message.direction == "in")) == 2


def test_long_reply_split_on_paragraphs_with_segments_counted(client, app, rasa):
    paragraphs = ["A" * 900, "Б" * 900, "c" * 100]
    rasa.replies = [{"text": "\n\n".join(paragraphs)}]
    response = post_twilio(client, PATH, twilio_form("sms_text"))
    parts = replies(response)
    assert parts == [paragraphs[0], paragraphs[1] + "\n\n" + paragraphs[2]]
    stored = rows(app, Message, Message.direction == "out")
    assert [(m.encoding, m.segments) for m in sorted(stored, key=lambda m: m.id)] == [
        ("GSM-7", 6), ("UCS-2", 15)]


def test_status_callback_url_is_on_every_part(client, app, rasa):
    rasa.replies = [{"text": "one"}, {"text": "two"}]
    response = post_twilio(client, PATH, twilio_form("sms_text"))
    actions = [m.get("action") for m in
               ET.fromstring(response.get_data(as_text=True)).iter("Message")]
    ids = [m.id for m in sorted(rows(app, Message, Message.direction == "out"),
                                key=lambda m: m.id)]
    assert actions == [f"https://mrc.example.org/webhooks/twilio/status?part={i}" for i in ids]


@pytest.mark.parametrize(
    ("form_changes", "status"),
    [
        ({"MessageSid": None}, 400),
        ({"From": None}, 400),
        ({"To": None}, 400),
        ({"NumMedia": "abc"}, 200),
        ({"NumMedia": "3"}, 200),  # says 3, carries none: stored with no media
    ],
    ids=["no-sid", "no-from", "no-to", "bad-num-media", "num-media-without-urls"],
)
def test_malformed_forms(client, app, form_changes, status):
    response = post_twilio(client, PATH, twilio_form("sms_text", **form_changes))
    assert response.status_code == status


def test_wrong_method_and_oversized_body(client):
    assert client.get(PATH).status_code == 405
    huge = twilio_form("sms_text", Body="x" * 300_000)
    assert post_twilio(client, PATH, huge).status_code == 413


def test_database_unreachable_answers_503(app_factory, rasa):
    app = app_factory(rasa.url, database_url="postgresql+psycopg://postgres@127.0.0.1:1/none")
    response = post_twilio(app.test_client(), PATH, twilio_form("sms_text"))
    assert response.status_code == 503
    assert rasa.calls == []


def test_signature_uses_public_base_url_behind_a_proxy(app_factory, rasa):
    app = app_factory(rasa.url, public_base_url="https://public.example.org/mrc")
    form = twilio_form("sms_text")
    # Twilio signed the public URL; the request reaches us on an internal host and path.
    good = sign(PATH, form, base="https://public.example.org/mrc")
    response = app.test_client().post(PATH, data=form, headers={"X-Twilio-Signature": good},
                                      base_url="http://10.0.0.5:5000")
    assert response.status_code == 200
    bad = sign(PATH, form, base="http://10.0.0.5:5000")  # what a naive check would use
    response = app.test_client().post(PATH, data=fresh_sid(form),
                                      headers={"X-Twilio-Signature": bad})
    assert response.status_code == 403



def test_handoff_intake_answers_are_kept_on_the_contact(client, app, rasa):
    rasa.replies = [{"custom": {"handoff": {"priority": "normal", "reason": "migrant_request",
                                            "gender": "female", "age_band": "30_44"}}}]
    post_twilio(client, PATH, twilio_form("sms_text"))
    (contact,) = rows(app, Contact)
    assert (contact.gender, contact.age_band) == ("female", "30_44")


def test_bot_can_ask_the_gateway_for_its_language_menu(client, app, rasa):
    from bot.language import language_menu

    rasa.replies = [{"text": "Choose your language:"}, {"custom": {"language_menu": True}}]
    form = twilio_form("sms_text", Body="can you write in another language")
    assert replies(post_twilio(client, PATH, form)) == ["Choose your language:", language_menu()]
    post_twilio(client, PATH, fresh_sid(form) | {"Body": "3"})
    assert rasa.calls[-1]["metadata"]["language"] == "fa"
    assert rasa.calls[-1]["message"] == "/greet"
