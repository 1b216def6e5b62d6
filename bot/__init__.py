"""MRC counselling gateway: Twilio SMS/WhatsApp in front of a Rasa bot."""

from __future__ import annotations

from flask import Flask

from bot import centres, logs
from bot.channels.routes import STATUS_PATH
from bot.channels.sender import make_sender
from bot.channels.twilio import SignatureChecker
from bot.config import Config
from bot.conversations.consent import Keywords
from bot.conversations.inbound import Reception
from bot.db import Database
from bot.dialogue.rasa import RasaClient
from bot.dialogue.tracker import TrackerStore
from bot.privacy import PhoneVault
from bot.services import Services
from bot.texts import GatewayTexts

MAX_REQUEST_BYTES = 256 * 1024  # Twilio's forms are a few KB


def create_app(config: Config | None = None) -> Flask:
    """The gateway. raises ConfigError / CentreConfigError / ValueError on bad settings."""
    config = config or Config.from_env()
    logs.configure(config.log_level)
    app = Flask(__name__)
    app.config.update(SECRET_KEY=config.secret_key, MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES)

    db = Database(config.database_url)
    vault = PhoneVault(config.data_encryption_key)
    registry = centres.LiveCentres(config.centres_file)
    rasa = RasaClient(config.rasa_url, config.rasa_token, config.rasa_timeout)
    base = config.public_base_url.rstrip("/")

    def status_url(message_id: int) -> str:
        return f"{base}{STATUS_PATH}?part={message_id}"

    app.extensions["mrc"] = Services(
        config=config, db=db, vault=vault, centres=registry, rasa=rasa,
        signatures=SignatureChecker(config.twilio_auth_token, config.public_base_url),
        sender=make_sender(config.twilio_account_sid, config.twilio_auth_token),
        status_url=status_url,
        reception=Reception(db, vault, registry, GatewayTexts.load(config.flows_dir),
                            Keywords.load(config.flows_dir), rasa,
                            TrackerStore(config.tracker_db_url), config, status_url),
    )

    from bot import cli, health
    from bot.channels import routes
    from bot.console import auth, phone, reports  # noqa: F401  (they add console routes)
    from bot.console import routes as console

    app.register_blueprint(routes.bp)
    app.register_blueprint(health.bp)
    auth.configure(app, config)
    app.register_blueprint(console.bp)
    cli.register(app)
    return app
