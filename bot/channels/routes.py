"""Twilio webhooks: inbound messages (SMS and WhatsApp) and delivery status callbacks.

The signature check is the first statement of every route. Answers: 403 for a
missing or wrong signature, 400 for a form without the fields Twilio always sends,
503 when the message cannot be stored (Twilio then retries or uses its fallback
URL), otherwise 200 with TwiML — also when the bot is down.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Response, abort, request
from sqlalchemy.exc import SQLAlchemyError

from bot.channels.twilio import InvalidRequest, parse_inbound, parse_status
from bot.conversations.delivery import record_status
from bot.services import current

log = logging.getLogger(__name__)

bp = Blueprint("twilio", __name__, url_prefix="/webhooks/twilio")

STATUS_PATH = "/webhooks/twilio/status"


def _require_signature() -> None:
    if not current().signatures.is_valid(request):
        log.warning("rejected %s: %s Twilio signature", request.path,
                    "invalid" if request.headers.get("X-Twilio-Signature") else "missing")
        abort(403)


def _twiml(body: str) -> Response:
    return Response(body, mimetype="application/xml")


@bp.post("/message")
def message():
    _require_signature()
    try:
        inbound = parse_inbound(request.form)
    except InvalidRequest as exc:
        return Response(str(exc), status=400, mimetype="text/plain")
    try:
        return _twiml(current().reception.receive(inbound))
    except SQLAlchemyError as exc:
        log.error("could not store message %s: %s", inbound.sid, type(exc).__name__)
        return Response("storage unavailable, retry", status=503, headers={"Retry-After": "5"})


@bp.post("/status")
def status():
    _require_signature()
    try:
        update = parse_status(request.form)
    except InvalidRequest as exc:
        return Response(str(exc), status=400, mimetype="text/plain")
    part = request.args.get("part", "")
    try:
        record_status(current().db, update, int(part) if part.isdigit() else None)
    except SQLAlchemyError as exc:
        log.error("could not store status of %s: %s", update.sid, type(exc).__name__)
        return Response("storage unavailable, retry", status=503)
    return Response(status=204)
