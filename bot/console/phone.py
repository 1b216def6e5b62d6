"""The phone simulator (sandbox mode only): play the migrant in one browser tab while
a counsellor works in another. Messages go through the real signed webhook, exactly
as Twilio would post them, from a number in the unassigned +999 range; the page
shows everything the gateway sent back to that number, bot and counsellor alike.
"""

from __future__ import annotations

import secrets

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from sqlalchemy import select

from bot.channels.simulator import inbound_form
from bot.channels.twilio import SMS, WHATSAPP, SignatureChecker
from bot.console import auth
from bot.console.routes import bp
from bot.conversations.models import Contact, Conversation, Message
from bot.services import current

WEBHOOK = "/webhooks/twilio/message"
FICTIONAL_PREFIX = "+999"  # no country has this code: the number cannot be real
CHANNELS = (WHATSAPP, SMS)


def _require_sandbox() -> None:
    if not current().sender.sandbox:
        abort(404)


def _phone() -> str:
    if "sim_phone" not in session:
        session["sim_phone"] = FICTIONAL_PREFIX + "".join(secrets.choice("0123456789")
                                                          for _ in range(9))
    return session["sim_phone"]


def _choice() -> tuple[str, str]:
    services = current()
    centre = request.values.get("centre") or services.centres.default.code
    channel = request.values.get("channel", WHATSAPP)
    if services.centres.get(centre) is None or channel not in CHANNELS:
        abort(400, "unknown centre or channel")
    return centre, channel


def _thread(centre: str, channel: str) -> list[Message]:
    services = current()
    with services.db.session() as s:
        return list(s.scalars(
            select(Message)
            .join(Conversation, Conversation.id == Message.conversation_id)
            .join(Contact, Contact.id == Conversation.contact_id)
            .where(Contact.phone_hash == services.vault.lookup_hash(_phone()),
                   Conversation.centre == centre, Conversation.channel == channel)
            .order_by(Message.id)))


@bp.get("/simulator")
@auth.login_required
def simulator():
    _require_sandbox()
    centre, channel = _choice()
    return render_template("console/simulator.html", phone=_phone(), centre=centre,
                           channel=channel, centres=list(current().centres),
                           channels=CHANNELS, thread=_thread(centre, channel))


@bp.get("/simulator/live")
@auth.login_required
def simulator_live():
    _require_sandbox()
    centre, channel = _choice()
    response = current_app.make_response(
        render_template("console/_phone_thread.html", thread=_thread(centre, channel)))
    response.headers["Cache-Control"] = "private, no-cache"
    response.add_etag()
    return response.make_conditional(request)


@bp.post("/simulator/send")
@auth.login_required
def simulator_send():
    _require_sandbox()
    services = current()
    centre, channel = _choice()
    text = request.form.get("text", "")[:1600]
    form = inbound_form(_phone(), services.centres.number_of(centre, channel), text, channel)
    signed_url = (services.config.public_base_url.rstrip("/") or "http://localhost") + WEBHOOK
    signature = SignatureChecker(services.config.twilio_auth_token).sign(signed_url, form)
    with current_app.test_client() as twilio:
        answer = twilio.post(WEBHOOK, data=form, headers={"X-Twilio-Signature": signature})
    if answer.status_code != 200:
        flash(f"The gateway answered {answer.status_code}.", "error")
    return redirect(url_for("console.simulator", centre=centre, channel=channel))
