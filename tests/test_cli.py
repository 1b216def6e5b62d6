"""Command line: simulate (sign and post as Twilio), db upgrade, and the dev .env writer."""

from __future__ import annotations

import threading

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
