"""Console sign-in, roles, CSRF and security headers.

The session is Flask's signed cookie (HttpOnly, SameSite=Lax, Secure when the public
URL is https) holding only the counsellor's id, a CSRF token and when it was last
used; it expires after CONSOLE_SESSION_HOURS without use. Every console route needs
a signed-in, active account; every POST needs the session's CSRF token.
"""

from __future__ import annotations

import functools
import hmac
import secrets
import time
from datetime import timedelta

from flask import abort, g, redirect, request, session, url_for
from sqlalchemy import func, select

from bot.console.models import OPENED, SIGN_IN, SIGN_IN_REFUSED, AuditEntry, Counsellor
from bot.db import utcnow
from bot.services import current

CSRF_FIELD = "csrf"
# sign-in attempts: after this many refusals for one user name within the window,
# further attempts are refused without looking at the password
MAX_REFUSALS, REFUSAL_WINDOW = 5, timedelta(minutes=15)
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "object-src 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def configure(app, config) -> None:
    app.config.update(
        SESSION_COOKIE_NAME="mrc_console",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=config.public_base_url.startswith("https://"),
    )


def sign_in(counsellor: Counsellor) -> None:
    session.clear()
    session["uid"] = counsellor.id
    session["csrf"] = secrets.token_urlsafe(24)
    session["seen"] = int(time.time())


def sign_out() -> None:
    session.clear()


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(24)
    return session["csrf"]


def load_counsellor() -> None:
    """before_request: g.counsellor from the session (None if absent or expired)."""
    g.counsellor = None
    uid, seen = session.get("uid"), session.get("seen", 0)
    if uid is None:
        return
    hours = current().config.console_session_hours
    if time.time() - seen > hours * 3600:
        sign_out()
        return
    with current().db.session() as s:
        counsellor = s.get(Counsellor, uid)
        if counsellor is None or not counsellor.active:
            sign_out()
            return
        counsellor.last_seen_on = utcnow()
    g.counsellor = counsellor
    session["seen"] = int(time.time())


def check_csrf() -> None:
    """before_request: every POST of a signed-in user (and the sign-in form itself)
    carries the session's token; other anonymous POSTs go to the login page."""
    if request.method != "POST":
        return
    if g.counsellor is None and request.endpoint != "console.login":
        return
    sent = request.form.get(CSRF_FIELD, "")
    expected = session.get("csrf", "")
    if not expected or not hmac.compare_digest(sent, expected):
        abort(400, "This form has expired. Reload the page and try again.")


def login_required(view):
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if g.counsellor is None:
            return redirect(url_for("console.login", next=request.full_path))
        return view(*args, **kwargs)
    return wrapped


def supervisor_required(view):
    @functools.wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not g.counsellor.is_supervisor:
            abort(403)
        return view(*args, **kwargs)
    return wrapped


def secure_headers(response):
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def safe_next(target: str | None) -> str:
    """Only local paths after login (no open redirect)."""
    if target and target.startswith("/console") and not target.startswith("//"):
        return target
    return url_for("console.queue")


def locked_out(session, username: str) -> bool:
    since = utcnow() - REFUSAL_WINDOW
    refusals = session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == SIGN_IN_REFUSED, AuditEntry.subject == username[:64],
        AuditEntry.at >= since))
    return refusals >= MAX_REFUSALS


def audit(session, action: str, subject: str | None, counsellor_id: int | None = None) -> None:
    """One audit entry (counsellor_id None: the command line)."""
    session.add(AuditEntry(action=action, subject=subject[:64] if subject else None,
                           counsellor_id=counsellor_id, at=utcnow()))


def record_sign_in(session, username: str, counsellor_id: int | None) -> None:
    audit(session, SIGN_IN if counsellor_id else SIGN_IN_REFUSED, username, counsellor_id)


def record_opened(session, conversation_id: str) -> None:
    audit(session, OPENED, conversation_id, g.counsellor.id)
