"""Command line: `flask --app webhook db upgrade`, `flask --app webhook simulate …`."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import click
import requests
from flask import Flask
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from bot.channels.simulator import inbound_form
from bot.channels.twilio import SMS, WHATSAPP, SignatureChecker
from bot.console.models import ADMIN, ROLES, Counsellor
from bot.console.models import COUNSELLOR as COUNSELLOR_ROLE
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


@click.command("purge")
@with_appcontext
@click.option("--older-than", "age", default="180d", show_default=True,
              help="purge conversations without activity for this long, e.g. 180d")
def purge(age) -> None:
    """Delete what old, closed conversations said; keep anonymous counts."""
    from bot.conversations.retention import parse_age
    from bot.conversations.retention import purge as run_purge

    try:
        older_than = parse_age(age)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--older-than") from None
    services = current()
    done = run_purge(services.db, services.reception.tracker, older_than)
    click.echo(f"purged {done.conversations} conversation(s) older than {age}: "
               f"{done.messages} message(s) emptied, {done.notes} note(s) and "
               f"{done.tracker_events} dialogue event(s) deleted, {done.contacts} "
               "person(s) anonymised")


@click.command("report")
@with_appcontext
@click.option("--centre", help="centre code (default: all centres together)")
@click.option("--from", "start", required=True, type=click.DateTime(["%Y-%m-%d"]))
@click.option("--to", "end", required=True, type=click.DateTime(["%Y-%m-%d"]))
@click.option("--out", "folder", type=click.Path(file_okay=False),
              help="folder for the CSV files and brief.html (default instance/reports/…)")
def report(centre, start, end, folder) -> None:
    """Activity report for a period: CSV tables and an HTML brief, aggregates only."""
    from pathlib import Path

    from bot.config import ROOT
    from bot.console.auth import audit
    from bot.console.models import EXPORTED
    from bot.reports import export, figures

    services = current()
    if centre and services.centres.get(centre) is None:
        raise click.BadParameter(f"unknown centre {centre!r}", param_hint="--centre")
    if end < start:
        raise click.BadParameter("--to is before --from", param_hint="--to")
    name = f"{centre or 'all'}_{start:%Y-%m-%d}_{end:%Y-%m-%d}"
    target = Path(folder) if folder else ROOT / "instance" / "reports" / name
    with services.db.session() as s:
        built = figures.build(s, centre, start.date(), end.date())
        audit(s, EXPORTED, f"report:{name}")
    for path in export.write(built, target):
        click.echo(str(path))


users_cli = AppGroup("users", help="Console accounts: counsellors, supervisors, admins.")


@users_cli.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), default=COUNSELLOR_ROLE, show_default=True)
@click.option("--centre", help="centre code (required except for admins)")
@click.option("--name", "display_name", help="name shown to colleagues (default: USERNAME)")
@click.option("--languages", default="", help="languages the person writes, e.g. ur,en")
@click.password_option(help="at least 10 characters (asked if not given)")
def users_create(username, role, centre, display_name, languages, password) -> None:
    """Create a console account."""
    services = current()
    if role != ADMIN and (not centre or services.centres.get(centre) is None):
        raise click.ClickException("--centre must be one of: "
                                   + ", ".join(c.code for c in services.centres))
    codes = [code.strip() for code in languages.split(",") if code.strip()]
    unknown = [code for code in codes if code not in LANGUAGES]
    if unknown:
        raise click.ClickException(f"unknown language code(s): {', '.join(unknown)}")
    person = Counsellor(username=username, display_name=display_name or username, role=role,
                        centre=None if role == ADMIN else centre, languages=codes, active=True)
    try:
        person.set_password(password)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    with services.db.session() as s:
        if s.scalar(select(Counsellor.id).where(Counsellor.username == username)):
            raise click.ClickException(f"user {username!r} exists")
        s.add(person)
    click.echo(f"created {role} {username}" + (f" at {person.centre}" if person.centre else ""))


@users_cli.command("password")
@click.argument("username")
@click.password_option(help="at least 10 characters (asked if not given)")
def users_password(username, password) -> None:
    """Set a new password."""
    with current().db.session() as s:
        person = _user(s, username)
        try:
            person.set_password(password)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"password of {username} changed")


@users_cli.command("deactivate")
@click.argument("username")
def users_deactivate(username) -> None:
    """Stop an account from signing in (its history stays)."""
    with current().db.session() as s:
        _user(s, username).active = False
    click.echo(f"{username} can no longer sign in")


@users_cli.command("list")
def users_list() -> None:
    with current().db.session() as s:
        for person in s.scalars(select(Counsellor).order_by(Counsellor.username)):
            click.echo(f"{person.username:20} {person.role:11} {person.centre or 'all':10} "
                       f"{','.join(person.languages) or '-':12} "
                       f"{'active' if person.active else 'deactivated'}")


@users_cli.command("bootstrap")
def users_bootstrap() -> None:
    """For `make run`: an admin account from CONSOLE_ADMIN_PASSWORD if nobody exists."""
    services = current()
    password = services.config.console_admin_password
    with services.db.session() as s:
        if s.scalar(select(Counsellor.id).limit(1)) is not None:
            return
        if not password:
            raise click.ClickException("CONSOLE_ADMIN_PASSWORD is not set")
        person = Counsellor(username="admin", display_name="Administrator", role=ADMIN,
                            centre=None, languages=[], active=True)
        person.set_password(password)
        s.add(person)
    click.echo("console: created user admin (password: CONSOLE_ADMIN_PASSWORD in .env)")


def _user(session, username: str) -> Counsellor:
    person = session.scalar(select(Counsellor).where(Counsellor.username == username))
    if person is None:
        raise click.ClickException(f"no user {username!r}")
    return person


centres_cli = AppGroup("centres", help="The centres configuration (CENTRES_FILE).")


@centres_cli.command("check")
@click.argument("path", required=False)
def centres_check(path) -> None:
    """Validate the centres file and list centres, numbers and languages.

    The running gateway re-reads the file within seconds of a change and keeps the last
    good configuration if the new one is invalid: check before saving over it."""
    from bot.centres import CentreConfigError, load

    path = path or current().config.centres_file
    try:
        registry = load(path)
    except CentreConfigError as exc:
        raise click.ClickException(str(exc)) from None
    for centre in registry:
        numbers = ", ".join(f"{k} {v}" for k, v in centre.numbers.items())
        click.echo(f"{centre.code:11} {centre.name:45} {','.join(centre.languages):12} "
                   f"{numbers}{'  (EXAMPLE values)' if centre.example else ''}")
    click.echo(f"{path}: OK, default centre {registry.default.code}")


def register(app: Flask) -> None:
    app.cli.add_command(db_cli)
    app.cli.add_command(simulate)
    app.cli.add_command(send)
    app.cli.add_command(flows_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(purge)
    app.cli.add_command(report)
    app.cli.add_command(centres_cli)
