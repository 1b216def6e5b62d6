"""Command line: `flask --app webhook db upgrade`, `flask --app webhook simulate …`."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import click
import requests
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from bot.channels.simulator import inbound_form
from bot.channels.twilio import SMS, WHATSAPP, SignatureChecker
from bot.conversations.models import COUNSELLOR
from bot.conversations.outbound import ConversationNotFound, send_text
from bot.language import LANGUAGES
from bot.services import current

db_cli = AppGroup("db", help="Database schema.")


@db_cli.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the schema to the latest version."""
    from bot.migrations import upgrade

    upgrade(current().config.database_url)
    click.echo("database schema is up to date")


@click.command("simulate")
@with_appcontext
@click.option("--from", "sender", required=True, help="the migrant's number, e.g. +923001234567")
@click.option("--channel", type=click.Choice([SMS, WHATSAPP]), default=SMS, show_default=True)
@click.option("--centre", help="centre code (default: the default centre)")
@click.option("--media", "media_url", help="URL of an attached photo/voice note")
@click.option("--media-type", default="image/jpeg", show_default=True)
@click.option("--gateway", help="gateway base URL (default http://127.0.0.1:GATEWAY_PORT)")
@click.argument("text", default="")
def simulate(sender, channel, centre, media_url, media_type, gateway, text) -> None:
    """Sign and post a message as Twilio would, then print the reply."""
    services = current()
    config = services.config
    if not config.twilio_auth_token:
        raise click.ClickException("TWILIO_AUTH_TOKEN is not set (`make run` writes one to .env)")
    chosen = services.centres.get(centre) if centre else services.centres.default
    if chosen is None:
        raise click.ClickException(f"unknown centre {centre!r}")
    recipient = services.centres.number_of(chosen.code, channel)
    media = [(media_url, media_type)] if media_url else []
    form = inbound_form(sender, recipient, text, channel, media)
    target = (gateway or f"http://127.0.0.1:{config.gateway_port}").rstrip("/")
    path = "/webhooks/twilio/message"
    signed_url = (config.public_base_url.rstrip("/") or target) + path
    signature = SignatureChecker(config.twilio_auth_token).sign(signed_url, form)
    try:
        response = requests.post(target + path, data=form, timeout=20,
                                 headers={"X-Twilio-Signature": signature})
    except requests.RequestException as exc:
        raise click.ClickException(f"gateway not reachable at {target}: {exc}") from exc
    if response.status_code != 200:
        raise click.ClickException(f"gateway answered {response.status_code}: {response.text}")
    replies = [m.text or "" for m in ET.fromstring(response.text).iter("Message")]
    if not replies:
        click.echo("(no reply: the conversation is with a counsellor or the message was empty)")
    for reply in replies:
        click.echo(f"{chosen.code} > {reply}")


@click.command("send")
@with_appcontext
@click.argument("conversation_id")
@click.argument("text")
def send(conversation_id, text) -> None:
    """Send TEXT to the migrant of CONVERSATION_ID (as a counsellor)."""
    services = current()
    try:
        parts = send_text(services, conversation_id, text, COUNSELLOR)
    except ConversationNotFound:
        raise click.ClickException(f"no conversation {conversation_id}") from None
    for part in parts:
        click.echo(f"message {part.id}: {part.status}"
                   + (f" (Twilio error {part.error_code})" if part.error_code else ""))


flows_cli = AppGroup("flows", help="Counselling content in flows/.")


@flows_cli.command("check")
def flows_check() -> None:
    """Report schema errors, missing translations and over-budget texts (file:line)."""
    from actions.content import load
    from actions.content_check import budget_report, check

    flows_dir = current().config.flows_dir
    problems = check(flows_dir)
    for problem in problems:
        click.echo(str(problem))
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) in {flows_dir}")
    content = load(flows_dir)
    over = budget_report(content)
    for where, language, size in over:
        click.echo(f"{where} ({language}): renders to {size} characters as SMS, over budget")
    if over:
        raise click.ClickException(f"{len(over)} rendered SMS over budget")
    texts = [*content.dialogue.values()] + [
        t for topic in content.topics.values()
        for t in (topic.title, topic.answer, *topic.countries.values(),
                  *(x for d in topic.details for x in (d.title, d.text)))]
    pending = sum(len(t.review) for t in texts)
    click.echo(f"flows OK: {len(content.topics)} topics, {len(texts)} texts in "
               f"{len(LANGUAGES)} languages; {pending} translations await review "
               "by a native-speaking counsellor")


def register(app: Flask) -> None:
    app.cli.add_command(db_cli)
    app.cli.add_command(simulate)
    app.cli.add_command(send)
    app.cli.add_command(flows_cli)
