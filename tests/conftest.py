"""Shared fixtures: databases (SQLite and PostgreSQL), the app, signed Twilio posts,
and a real local HTTP server that plays Rasa — well or badly."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot import create_app
from bot.channels.twilio import SignatureChecker
from bot.config import Config
from bot.db import Base
from bot.migrations import upgrade
from bot.privacy import new_key
from scripts.stack import MODEL, Stack

ROOT = Path(__file__).resolve().parent.parent
TWILIO_DATA = Path(__file__).parent / "data" / "twilio"
AUTH_TOKEN = "test-auth-token-0123456789abcdef"
PUBLIC_BASE = "https://mrc.example.org"
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


# --- requests blocked in unit tests except to this machine ------------------------------

@pytest.fixture(autouse=True)
def _only_local_http(monkeypatch):
    real = requests.Session.request

    def guarded(self, method, url, *args, **kwargs):
        host = urlsplit(url).hostname or ""
        if host not in ("127.0.0.1", "localhost"):
            raise AssertionError(f"test tried to reach {host}")
        return real(self, method, url, *args, **kwargs)

    monkeypatch.setattr(requests.Session, "request", guarded)


# --- databases --------------------------------------------------------------------------

def _postgres_url() -> str | None:
    return os.environ.get("MRC_TEST_POSTGRES_URL", DEFAULT_POSTGRES) or None


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory):
    """A migrated, empty database; every database test runs on both backends."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'mrc.db'}"
    else:
        url = _postgres_url()
        if url is None:
            pytest.skip("MRC_TEST_POSTGRES_URL is empty: PostgreSQL tests switched off")
        _reset_postgres(url)
    upgrade(url)
    return url


def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    except Exception as exc:  # a missing server must fail loudly, not skip
        pytest.fail(f"PostgreSQL at {make_url(url).render_as_string()} unusable: {exc}")
    finally:
        engine.dispose()


def _empty_tables(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
    engine.dispose()


# --- a Rasa stand-in: a real HTTP server whose behaviour each test sets ------------------

class RasaStub:
    """Answers /webhooks/rest/webhook like Rasa's REST channel; `mode` sets how.

    modes: "ok" (reply with `replies`), "slow" (sleep `delay` first), "error" (HTTP 500),
    "garbage" (not JSON), "empty" (no messages: what Rasa answers when its action server
    is down). Every request body is recorded in `calls`.
    """

    def __init__(self):
        self.mode = "ok"
        self.delay = 0.0
        self.replies: list[dict] = [{"text": "Hello from the bot"}]
        self.calls: list[dict] = []
        self.events: list[tuple[str, dict]] = []  # (conversation id, event) via the HTTP API
        self.lock = threading.Lock()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):  # /status
                self._send(200, b'{"model_file": "stub"}')

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if self.path.startswith("/conversations/"):  # tracker events (resume)
                    if stub.mode == "error":
                        return self._send(500, b"internal error")
                    with stub.lock:
                        stub.events.append((self.path.split("/")[2], body))
                    return self._send(200, b"{}")
                with stub.lock:
                    stub.calls.append(body)
                if stub.mode == "slow" or stub.delay:
                    time.sleep(stub.delay)
                if stub.mode == "error":
                    return self._send(500, b"internal error")
                if stub.mode == "garbage":
                    return self._send(200, b"<html>not json</html>")
                if stub.mode == "empty":
                    return self._send(200, b"[]")
                payload = [dict(r, recipient_id=body["sender"]) for r in stub.replies]
                self._send(200, json.dumps(payload).encode())

            def _send(self, code, data):
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def rasa():
    stub = RasaStub()
    yield stub
    stub.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- the real dialogue: Rasa and the action server, once per test session --------------

RASA_TOKEN = "integration-token"


@pytest.fixture(scope="session")
def dialogue(tmp_path_factory):
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: `make test` trains it")
    tmp = tmp_path_factory.mktemp("rasa")
    stack = Stack(rasa_port=free_port(), actions_port=free_port(), rasa_token=RASA_TOKEN,
                  tracker_db_url=f"sqlite:///{tmp / 'tracker.db'}", log_dir=tmp / "logs")
    stack.start_actions()
    stack.start_rasa()
    try:
        stack.wait_dialogue()
    except RuntimeError:
        stack.stop()
        for log in sorted((tmp / "logs").glob("*.log")):
            print(f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}")
        raise
    yield stack
    stack.stop()


# --- the app ----------------------------------------------------------------------------

def make_config(**overrides) -> Config:
    values = dict(
        rasa_timeout=1.0,
        twilio_auth_token=AUTH_TOKEN, public_base_url=PUBLIC_BASE, secret_key="test",
        data_encryption_key=KEY, duplicate_wait=5.0,
    )
    values.update(overrides)
    return Config(**values)


KEY = new_key()


@pytest.fixture
def app_factory(database_url):
    apps = []

    def build(rasa_url: str, **overrides):
        overrides.setdefault("database_url", database_url)
        app = create_app(make_config(rasa_url=rasa_url, **overrides))
        apps.append(app)
        return app

    _empty_tables(database_url)
    yield build
    for app in apps:
        app.extensions["mrc"].db.dispose()


@pytest.fixture
def app(app_factory, rasa):
    return app_factory(rasa.url)


@pytest.fixture
def client(app):
    return app.test_client()


# --- Twilio forms and signatures --------------------------------------------------------

def twilio_form(name: str, **changes) -> dict[str, str]:
    """A recorded Twilio body from tests/data/twilio, with fields changed or removed."""
    raw = (TWILIO_DATA / f"{name}.form").read_text().strip()
    form = dict(parse_qsl(raw, keep_blank_values=True))
    for key, value in changes.items():
        if value is None:
            form.pop(key, None)
        else:
            form[key] = value
    return form


def fresh_sid(form: dict, prefix: str | None = None) -> dict:
    sid = (prefix or form["MessageSid"][:2]) + uuid.uuid4().hex
    return {**form, "MessageSid": sid, "SmsMessageSid": sid, "SmsSid": sid}


def sign(path: str, form: dict, token: str = AUTH_TOKEN, base: str = PUBLIC_BASE) -> str:
    """The X-Twilio-Signature Twilio would send, using the production signing code."""
    return SignatureChecker(token).sign(base + path, form)


def post_twilio(client, path: str, form: dict, signature: str = "valid"):
    """POST form to path; signature is "valid", "invalid" or "missing"."""
    headers = {}
    if signature == "valid":
        headers["X-Twilio-Signature"] = sign(path, form)
    elif signature == "invalid":
        headers["X-Twilio-Signature"] = sign(path, form, token="not-the-token")
    return client.post(path, data=form, headers=headers)
