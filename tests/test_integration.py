"""The real thing: a Rasa server and action server on the trained model, messages in
through the signed webhook, replies checked — in several languages and scripts."""

from __future__ import annotations

import pytest
import yaml

from actions.content import load, main_menu, topic_answer
from bot.config import ROOT
from bot.conversations.models import Contact, Conversation, Message
from bot.queue.models import Escalation
from tests.conftest import RASA_TOKEN, fresh_sid, post_twilio, twilio_form
from tests.test_webhook_message import PATH, replies, rows

pytestmark = pytest.mark.integration
CONTENT = load(ROOT / "flows")
CENTRES = {c["code"]: c for c in yaml.safe_load(
    (ROOT / "centres.yml").read_text(encoding="utf-8"))["centres"]}


@pytest.fixture
def live(app_factory, dialogue):
    return app_factory(dialogue.rasa_url, rasa_token=RASA_TOKEN, rasa_timeout=10.0,
                       tracker_db_url=dialogue.tracker_db_url)


class Migrant:
    """One person writing to one centre by SMS."""

    def __init__(self, app, centre: str = "PK-ISB"):
        self.client = app.test_client()
        self.centre = centre
        self.form = twilio_form("sms_text", To=CENTRES[centre]["numbers"]["sms"])

    def introduction(self, language: str) -> list[str]:
        """The welcome and privacy notice every session opens with."""
        return [CONTENT.say("welcome", language, centre=CENTRES[self.centre]["name"]),
                CONTENT.say("privacy", language)]

    def says(self, text: str) -> list[str]:
        response = post_twilio(self.client, PATH, fresh_sid(self.form) | {"Body": text})
        assert response.status_code == 200
        return replies(response)


def rendered(message) -> str:
    return message.as_sms()


def test_greeting_gets_welcome_privacy_and_numbered_menu(live):
    assert Migrant(live).says("hello") == [
        CONTENT.say("welcome", "en", centre=CENTRES["PK-ISB"]["name"]),
        CONTENT.say("privacy", "en"),
        rendered(main_menu(CONTENT, "en")),
    ]


# (language, centre, message, theme) — written the way migrants write
THEMES = [
    ("en", "PK-ISB", "is there any legal way to go to canada", "legal_pathways"),
    ("en", "PK-ISB", "i want job in saudia what i do before going", "labour_migration"),
    ("en", "PK-ISB", "my friend says dunki to italy is easy is it safe", "trafficking_risks"),
    ("en", "PK-ISB", "i came back from dubai last month need help to find work",
     "return_support"),
    ("en", "AF-VIRTUAL", "how can afghans apply for resettlement in germany",
     "humanitarian_pathways"),
    ("en", "PK-ISB", "agent asking 5 lakh for malaysia visa is he real", "check_job_offer"),
    ("ur", "PK-ISB", "mujhe saudia mein naukri chahiye kya karna hoga", "labour_migration"),
    ("ur", "PK-LHE", "dunki se greece jana kitna khatarnak hai", "trafficking_risks"),
    ("ur", "PK-ISB", "kya ye agent asli hai woh pehle paise mang raha hai", "check_job_offer"),
    ("ur", "PK-PEW", "یورپ جانے کا قانونی طریقہ کیا ہے", "legal_pathways"),
    ("ar", "IQ-BGD", "رجعت من تركيا وما عندي شغل شنو اسوي", "return_support"),
    ("ar", "IQ-BGD", "شلون اسافر للعمل بصورة قانونية", "labour_migration"),
    ("ru", "TJ-DYU", "хочу поехать на заработки в россию что сделать до отъезда",
     "labour_migration"),
    ("ru", "KG-OSH", "мне предлагают работу в корее через знакомого это не обман?",
     "check_job_offer"),
    ("bn", "BD-DHK", "দালাল বলছে ইতালি পাঠাবে নৌকায়, এটা কি নিরাপদ", "trafficking_risks"),
    ("fa", "AF-VIRTUAL", "برای اسکان مجدد در اروپا چطور درخواست بدهم", "humanitarian_pathways"),
]


@pytest.mark.parametrize(("language", "centre", "text", "theme"), THEMES,
                         ids=[f"{t[3]}-{t[0]}" for t in THEMES])
def test_theme_answer_in_the_migrants_language(live, language, centre, text, theme):
    migrant = Migrant(live, centre)
    got = migrant.says(text)
    country = CENTRES[centre]["country"]
    expected = topic_answer(CONTENT, CONTENT.topics[theme], language, country)
    assert got == migrant.introduction(language) + [rendered(m) for m in expected]
    assert all(len(part) <= 201 for part in got), "every SMS part fits 3 segments"
    (inbound,) = rows(live, Message, Message.direction == "in")
    assert inbound.topic == theme, "recorded for the activity reports"


@pytest.mark.parametrize(
    ("language", "centre", "text"),
    [("en", "PK-ISB", "my employer took my passport and has not paid me for 4 months"),
     ("ur", "PK-ISB", "dubai me mere cousin ko company wale ne qaid kar rakha hai"),
     ("ar", "IQ-BGD", "الكفيل ماخذ جوازي ويضربني")],
    ids=["en", "roman-urdu", "arabic"],
)
def test_someone_in_danger_gets_safety_message_and_urgent_escalation(live, language, centre,
                                                                     text):
    migrant = Migrant(live, centre)
    got = migrant.says(text)
    assert got[0] == CONTENT.say("crisis", language), "safety first"
    assert CENTRES[centre]["contacts"][0]["phone"] in got[1]
    assert got[2:] == migrant.introduction(language)
    (escalation,) = rows(live, Escalation)
    assert (escalation.priority, escalation.reason) == ("urgent", "exploitation_report")
    assert rows(live, Conversation)[0].bot_paused


def test_the_destination_named_is_recorded_for_the_reports(live):
    Migrant(live).says("i want job in saudia what i do before going")
    (inbound,) = rows(live, Message, Message.direction == "in")
    assert (inbound.topic, inbound.destination_country) == ("labour_migration", "Saudi Arabia")


def test_menu_digit_then_detail_digit_on_sms(live):
    migrant = Migrant(live)
    migrant.says("hi")
    answer = migrant.says("2")  # Work abroad
    labour = CONTENT.topics["labour_migration"]
    assert answer == [rendered(m) for m in topic_answer(CONTENT, labour, "en", "PK")]
    detail = migrant.says("1")  # its first detail
    assert detail == [rendered(m) for m in
                      topic_answer(CONTENT, labour, "en", "PK", labour.details[0].key)]


def test_counsellor_intake_by_numbers_then_handoff(live):
    migrant = Migrant(live, "LK-BTC")
    consent = migrant.says("i want to talk to a counsellor")
    assert consent[:2] == migrant.introduction("en")
    assert consent[2].startswith(CONTENT.say("consent_question", "en"))
    gender = migrant.says("1")  # yes
    assert gender[0].startswith(CONTENT.say("gender_question", "en"))
    age = migrant.says("2")  # a woman
    assert age[0].startswith(CONTENT.say("age_question", "en"))
    done = migrant.says("5")  # skip
    assert done == [CONTENT.say("handoff_ack", "en")]
    (escalation,) = rows(live, Escalation)
    assert (escalation.reason, escalation.priority) == ("migrant_request", "normal")
    (contact,) = rows(live, Contact)
    assert (contact.gender, contact.age_band) == ("female", "unsaid")
    assert migrant.says("hello?") == [], "the bot never talks over the counsellor"


def test_counsellor_intake_typed_on_a_basic_phone(live):
    """Typed answers instead of numbers; a typed refusal skips the age question too."""
    migrant = Migrant(live, "LK-BTC")
    migrant.says("i want to talk to a counsellor")
    assert migrant.says("yes")[0].startswith(CONTENT.say("gender_question", "en"))
    assert migrant.says("i am a man")[0].startswith(CONTENT.say("age_question", "en"))
    assert migrant.says("prefer not to say") == [CONTENT.say("handoff_ack", "en")]
    (contact,) = rows(live, Contact)
    assert (contact.gender, contact.age_band) == ("male", "unsaid")


def test_two_misunderstandings_in_a_row_offer_a_counsellor(live):
    migrant = Migrant(live)
    first = migrant.says("blorp fnord")
    assert first[2] == CONTENT.say("fallback", "en")
    second = migrant.says("asdkjh qwpoeiru")
    assert second[0].startswith(CONTENT.say("fallback_again", "en"))


def test_language_switch_then_answers_in_that_language(live):
    migrant = Migrant(live)
    migrant.says("hello")
    menu = migrant.says("language")
    assert "اردو" in menu[0]
    welcome = migrant.says("2")  # اردو
    assert welcome[0] == CONTENT.say("welcome", "ur", centre=CENTRES["PK-ISB"]["name"])


@pytest.mark.parametrize(
    "text",
    ["i want a job in saudia", "work visa for KSA how to apply",
     "اريد اشتغل في السعودية شنو المطلوب", "хочу работать в Саудовской Аравии водителем"],
    ids=["roman", "abbreviation", "arabic", "russian"],
)
def test_destination_country_synonyms_across_scripts(dialogue, text):
    import requests

    parsed = requests.post(f"{dialogue.rasa_url}/model/parse", params={"token": RASA_TOKEN},
                           json={"text": text}, timeout=10).json()
    countries = [e["value"] for e in parsed["entities"] if e["entity"] == "destination_country"]
    assert countries == ["Saudi Arabia"], parsed["entities"]


def test_health_sees_the_real_rasa(live):
    assert live.test_client().get("/healthz").get_json() == {"db": "ok", "rasa": "ok"}


def test_after_a_counsellor_hands_back_the_bot_answers_again(live):
    """The handoff paused Rasa's tracker; the console's hand back resumes it."""
    from bot.console.models import Counsellor
    from bot.queue import cases

    migrant = Migrant(live, "LK-BTC")
    migrant.says("i want to talk to a counsellor")
    migrant.says("1")  # consent
    migrant.says("2")  # gender
    assert migrant.says("5") == [CONTENT.say("handoff_ack", "en")]  # age: skipped
    assert migrant.says("are you there?") == []
    services = live.extensions["mrc"]
    (escalation,) = rows(live, Escalation)
    with services.db.session() as s:
        counsellor = Counsellor(username="c", display_name="C", role="counsellor",
                                centre="LK-BTC", languages=[], active=True, password_hash="x")
        s.add(counsellor)
        s.flush()
        cases.claim(s, counsellor, escalation.id)
        services.rasa.resume(escalation.conversation_id)
        cases.hand_back(s, counsellor, escalation.id)
    assert migrant.says("menu") == [rendered(main_menu(CONTENT, "en"))]


def test_delete_my_data_erases_the_person_and_their_dialogue_in_rasa(live, dialogue):
    """The bot's own intent, the gateway's confirmation, Rasa's real tracker store."""
    from sqlalchemy import create_engine, text

    from bot.texts import ERASED, ERASURE_QUESTION

    migrant = Migrant(live)
    migrant.says("hello")
    (conversation,) = rows(live, Conversation)
    tracker = create_engine(dialogue.tracker_db_url)

    def events() -> int:
        with tracker.connect() as conn:
            return conn.scalar(text("SELECT count(*) FROM events WHERE sender_id = :s"),
                               {"s": conversation.id})

    assert events() > 0
    question = migrant.says("please delete all my data")
    texts = live.extensions["mrc"].reception.texts
    assert question[-1].startswith(texts.get(ERASURE_QUESTION, "en"))
    assert migrant.says("1") == [texts.get(ERASED, "en")]
    assert rows(live, Conversation) == [] and rows(live, Contact) == []
    assert events() == 0
    tracker.dispose()
