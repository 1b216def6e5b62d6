"""GET /healthz: is the database reachable, is Rasa up."""

from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy.exc import SQLAlchemyError

from bot.services import current

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    services = current()
    try:
        services.db.ping()
        db = "ok"
    except SQLAlchemyError:
        db = "down"
    body = {"db": db, "rasa": "ok" if services.rasa.is_up() else "down"}
    return jsonify(body), 200 if db == "ok" else 503
