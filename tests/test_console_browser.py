"""The console in real headless Chromium (Debian's chromium + chromium-driver, which
`make test` installs when missing) against the real bot: a migrant in danger writes
from the phone simulator, the chat appears in the counsellor's live queue, the
counsellor takes it, replies, the migrant's phone shows the reply, the counsellor
hands back, and the bot answers the next message. HTML from a migrant stays text.

Set MRC_SCREENSHOTS=docs to save the screenshots the README shows.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import (
    NoAlertPresentException,
    StaleElementReferenceException,
    WebDriverException,
)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait
from werkzeug.serving import make_server

from actions.content import load
from bot import create_app
from bot.channels import sms
from bot.console.models import Counsellor
from bot.migrations import upgrade
from tests.conftest import RASA_TOKEN, ROOT, free_port, make_config

pytestmark = pytest.mark.integration
CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
CONTENT = load(ROOT / "flows")
PASSWORD = "browser test password"
WAIT = 30  # seconds: the queue refreshes every 5 s, the phone every 3 s


@pytest.fixture(scope="module")
def console(tmp_path_factory, dialogue):
    """The gateway with its console, served over real HTTP on SQLite."""
    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'mrc.db'}"
    upgrade(url)
    port = free_port()
    app = create_app(make_config(database_url=url, rasa_url=dialogue.rasa_url,
                                 rasa_token=RASA_TOKEN, rasa_timeout=10.0,
                                 tracker_db_url=dialogue.tracker_db_url,
                                 public_base_url=f"http://127.0.0.1:{port}"))
    with app.extensions["mrc"].db.session() as s:
        person = Counsellor(username="amina", display_name="Amina", role="counsellor",
                            centre="PK-ISB", languages=["ur", "en"], active=True)
        person.set_password(PASSWORD)
        s.add(person)
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    app.extensions["mrc"].db.dispose()


@pytest.fixture(scope="module")
def browser():
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        pytest.fail(f"{', '.join(missing)} missing: `make test` installs Debian's chromium "
                    "and chromium-driver (or run: apt-get install chromium chromium-driver)")
    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must never download anything
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                     "--window-size=1280,800", "--lang=en"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    yield driver
    driver.quit()


def wait_for(driver, condition, message):
    """Poll condition; parts of the page are replaced by the live refresh meanwhile."""
    return WebDriverWait(driver, WAIT, poll_frequency=0.25,
                         ignored_exceptions=[StaleElementReferenceException]).until(
        lambda d: replaced_is_stale(condition, d), message=message)


def replaced_is_stale(condition, driver):
    """Chromium sometimes reports a node the refresh replaced between finding it and
    reading it not as stale but as an inspector error; it is the same race."""
    try:
        return condition(driver)
    except WebDriverException as error:
        if "does not belong to the document" in str(error):
            raise StaleElementReferenceException(str(error)) from error
        raise


def thread_text(driver) -> str:
    return driver.find_element(By.ID, "phone-thread").text


def say(driver, text: str) -> None:
    """Type and send from the simulated phone; if the live refresh replaces the form
    before the click, the message was not sent and is typed again."""
    def send(d):
        box = d.find_element(By.ID, "phone-text")
        box.clear()
        box.send_keys(text)
        d.find_element(By.ID, "phone-send").click()
        return True
    wait_for(driver, send, f"sent from the phone: {text}")


def screenshot(driver, name: str) -> None:
    folder = os.environ.get("MRC_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(Path(folder) / f"{name}.png"))


def test_escalate_claim_reply_hand_back(console, browser):
    browser.get(f"{console}/console/login")
    browser.find_element(By.NAME, "username").send_keys("amina")
    browser.find_element(By.NAME, "password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "form.login button").click()
    wait_for(browser, lambda d: d.find_elements(By.ID, "take-next"), "queue page after sign-in")
    counsellor = browser.current_window_handle
    assert "Nobody is waiting" in browser.find_element(By.ID, "queue").text

    # the migrant, in a second tab
    browser.switch_to.new_window("tab")
    phone = browser.current_window_handle
    browser.get(f"{console}/console/simulator?centre=PK-ISB&channel=sms")
    say(browser, "my employer took my passport and has not paid me for 4 months")
    crisis = CONTENT.say("crisis", "en")
    wait_for(browser, lambda d: crisis in thread_text(d), "the safety message on the phone")
    screenshot(browser, "simulator")

    # the counsellor's queue updates by itself, urgent flag and title alert
    browser.switch_to.window(counsellor)
    wait_for(browser, lambda d: "URGENT" in d.find_element(By.ID, "queue").text,
             "the escalated chat in the live queue")
    assert browser.title.startswith("(1) ")
    screenshot(browser, "queue")
    browser.find_element(By.CSS_SELECTOR, "button.claim").submit()
    wait_for(browser, lambda d: d.find_elements(By.ID, "reply-text"), "conversation page")
    assert wait_for(browser, lambda d: "my employer took my passport" in d.find_element(
        By.ID, "history").text, "the migrant's first message in the history")

    # hostile HTML and right-to-left text from the migrant arrive live, shown as text
    browser.switch_to.window(phone)
    hostile = '<script>alert("x")</script><b>help</b>'
    say(browser, hostile)
    say(browser, "میرا پاسپورٹ واپس نہیں دے رہے")
    browser.switch_to.window(counsellor)
    wait_for(browser, lambda d: "میرا پاسپورٹ" in d.find_element(By.ID, "history").text,
             "the migrant's new messages in the open conversation")
    assert wait_for(browser, lambda d: (
        hostile in d.find_element(By.ID, "history").text
        and not d.find_element(By.ID, "history").find_elements(By.TAG_NAME, "b")),
        "the HTML shown as text")
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018  (no script ran)
    assert wait_for(browser, lambda d: d.find_element(
        By.XPATH, "//*[@id='history']//p[contains(., 'میرا پاسپورٹ')]"
    ).value_of_css_property("direction") == "rtl", "Urdu laid out right to left")

    # canned replies and the SMS counter
    Select(browser.find_element(By.CSS_SELECTOR, "select[data-canned]")).select_by_index(1)
    assert browser.find_element(By.ID, "reply-text").get_attribute("value")
    box = browser.find_element(By.ID, "reply-text")
    box.clear()
    reply = "We are here for you. Are you safe right now?"
    box.send_keys(reply)
    assert browser.find_element(By.ID, "sms-counter").text.startswith(
        f"{len(reply)} characters · GSM-7 · 1 SMS segment")
    screenshot(browser, "conversation")
    browser.find_element(By.ID, "send").click()
    wait_for(browser, lambda d: reply in d.find_element(By.ID, "history").text,
             "the reply in the history")

    browser.switch_to.window(phone)
    wait_for(browser, lambda d: reply in thread_text(d), "the reply on the migrant's phone")
    held = wait_for(browser, thread_text, "the phone's thread").split(hostile, 1)[1]
    assert held.split(reply)[0].strip() == "میرا پاسپورٹ واپس نہیں دے رہے", \
        "nothing from the bot while the counsellor held the chat"

    browser.switch_to.window(counsellor)
    browser.find_element(By.ID, "hand-back").click()
    wait_for(browser, lambda d: "The bot answers this migrant again" in d.page_source,
             "hand back confirmed")

    browser.switch_to.window(phone)
    say(browser, "hello")
    # the conversation's language became Urdu with the Urdu message; "hello" keeps it
    prompt = CONTENT.say("menu_prompt", "ur")
    wait_for(browser, lambda d: thread_text(d).rsplit("hello", 1)[-1].count(prompt),
             "the bot answers the next message")


SMS_TEXTS = ["hello", "a" * 160, "a" * 161, "price 10€ [ok]", "سلام", "ب" * 71,
             "emoji 🙂 " * 20, "Здравствуйте, мне нужна помощь", "^" * 80, "^" * 81]


def test_the_browsers_sms_counter_agrees_with_the_gateway(console, browser):
    browser.get(f"{console}/console/login")
    for text in SMS_TEXTS:
        figures = browser.execute_script("return window.mrcSmsFigures(arguments[0])", text)
        assert (figures["encoding"], figures["segments"]) == (sms.encoding(text),
                                                              sms.segments(text)), text



def test_the_report_brief_renders_with_its_tables_and_charts(browser, tmp_path):
    from bot.db import Database
    from bot.reports import export, figures
    from tests.test_reports import END, START, populate

    url = f"sqlite:///{tmp_path / 'report.db'}"
    upgrade(url)
    db = Database(url)
    populate(db)
    with db.session() as s:
        report = figures.build(s, "PK-ISB", START, END)
    db.dispose()
    export.write(report, tmp_path / "brief")
    browser.get((tmp_path / "brief" / "brief.html").as_uri())
    sections = browser.find_elements(By.CSS_SELECTOR, "section")
    assert len(sections) == len(report.tables) + 2  # + waiting times and the trend
    charts = browser.find_elements(By.CSS_SELECTOR, "svg.chart")
    assert len(charts) >= 5 and all(c.size["width"] > 100 for c in charts)
    gender = browser.find_element(By.ID, "people_by_gender").text
    assert "Female 7" in gender and "Not asked <5" in gender and "Total 16" in gender
    assert "labour migration: week of 2026-05-18" in browser.find_element(By.ID, "trend").text
    screenshot(browser, "report_brief")
