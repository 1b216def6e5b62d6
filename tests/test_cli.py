"""Command line: simulate (sign and post as Twilio), db upgrade, and the dev .env writer."""

from __future__ import annotations

import threading

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine
from werkzeug.serving import make_server

from bot.db import Base
from scripts import dev_env


def test_simulate_signs_posts_and_prints_the_reply(app, rasa):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        result = app.test_cli_runner().invoke(args=[
            "simulate", "--from", "+447700900140", "--channel", "whatsapp",
            "--gateway", f"http://127.0.0.1:{server.server_port}", "hello"])
    finally:
        server.shutdown()
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "PK-ISB > Hello from the bot"
    assert rasa.calls[0]["message"] == "hello"


def test_simulate_without_a_gateway_says_so(app):
    result = app.test_cli_runner().invoke(args=[
        "simulate", "--from", "+447700900140", "--gateway", "http://127.0.0.1:9", "hi"])
    assert result.exit_code != 0
    assert "gateway not reachable" in result.output


def test_migrations_match_the_models(database_url):
    engine = create_engine(database_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == [], "models changed without a migration"


def test_dev_env_adds_only_missing_keys(tmp_path, monkeypatch):
    for key in dev_env.GENERATED:
        monkeypatch.delenv(key, raising=False)
    env = tmp_path / ".env"
    env.write_text("TWILIO_AUTH_TOKEN=mine\n")
    dev_env.main(str(env))
    first = env.read_text()
    assert "TWILIO_AUTH_TOKEN=mine" in first
    assert first.count("TWILIO_AUTH_TOKEN") == 1
    assert all(f"{key}=" in first for key in dev_env.GENERATED)
    dev_env.main(str(env))
    assert env.read_text() == first, "a second run changes nothing"


# --- console accounts and the centres file ---------------------------------------------

PASSWORD = "a long enough password"


def _run(app, *args, input=None):
    return app.test_cli_runner().invoke(args=list(args), input=input)


def _accounts(app):
    from bot.console.models import Counsellor

    with app.extensions["mrc"].db.session() as s:
        return {p.username: p for p in s.query(Counsellor)}


@pytest.mark.parametrize(("args", "ok", "message"), [
    (["amina", "--centre", "PK-PEW", "--languages", "ps,ur"], True, "created counsellor amina"),
    (["sadia", "--centre", "PK-PEW", "--role", "supervisor"], True, "created supervisor"),
    (["root", "--role", "admin"], True, "created admin root"),
    (["amina"], False, "--centre must be one of"),
    (["amina", "--centre", "XX-NOPE"], False, "--centre must be one of"),
    (["amina", "--centre", "PK-PEW", "--languages", "xx"], False, "unknown language"),
], ids=["counsellor", "supervisor", "admin", "no-centre", "unknown-centre", "bad-language"])
def test_users_create(app, args, ok, message):
    result = _run(app, "users", "create", *args, "--password", PASSWORD)
    assert (result.exit_code == 0) is ok, result.output
    assert message in result.output
    created = _accounts(app)
    assert (args[0] in created) is ok
    if ok:
        assert created[args[0]].check_password(PASSWORD)


def test_users_create_asks_for_the_password_twice(app):
    result = _run(app, "users", "create", "amina", "--centre", "PK-PEW",
                  input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert _accounts(app)["amina"].check_password(PASSWORD)


def test_short_passwords_and_duplicates_are_refused(app):
    assert _run(app, "users", "create", "amina", "--centre", "PK-PEW",
                "--password", "short").exit_code != 0
    assert _run(app, "users", "create", "amina", "--centre", "PK-PEW",
                "--password", PASSWORD).exit_code == 0
    again = _run(app, "users", "create", "amina", "--centre", "PK-ISB", "--password", PASSWORD)
    assert again.exit_code != 0 and "exists" in again.output


def test_users_password_deactivate_and_list(app):
    _run(app, "users", "create", "amina", "--centre", "PK-PEW", "--password", PASSWORD)
    assert _run(app, "users", "password", "amina", "--password", "another password").exit_code == 0
    assert _accounts(app)["amina"].check_password("another password")
    assert _run(app, "users", "deactivate", "amina").exit_code == 0
    assert not _accounts(app)["amina"].active
    listing = _run(app, "users", "list").output
    assert "amina" in listing and "deactivated" in listing and "PK-PEW" in listing
    assert _run(app, "users", "password", "nobody", "--password", PASSWORD).exit_code != 0


def test_users_bootstrap_creates_the_first_admin_once(app_factory, rasa):
    app = app_factory(rasa.url, console_admin_password=PASSWORD)
    assert _run(app, "users", "bootstrap").exit_code == 0
    assert _run(app, "users", "bootstrap").exit_code == 0
    accounts = _accounts(app)
    assert list(accounts) == ["admin"] and accounts["admin"].role == "admin"
    assert accounts["admin"].check_password(PASSWORD)


@pytest.mark.parametrize(("content", "ok"), [
    (None, True),
    ("centres: []\ndefault: PK-ISB\n", False),
    ("centres: [{code: X}]\n", False),
], ids=["shipped", "default-not-listed", "missing-fields"])
def test_centres_check(app, tmp_path, content, ok):
    args = ["centres", "check"]
    if content is not None:
        path = tmp_path / "centres.yml"
        path.write_text(content)
        args.append(str(path))
    result = _run(app, *args)
    assert (result.exit_code == 0) is ok, result.output
    if ok:
        assert "PK-ISB" in result.output and "EXAMPLE" in result.output
