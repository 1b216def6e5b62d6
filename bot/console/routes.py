"""Console pages: sign-in, the live queue, a conversation, the supervisor dashboard
and, in sandbox mode, the phone simulator. Server-rendered; one small script
(static/console.js) adds live refresh, alerts and the SMS counter.

Every route needs a signed-in account (anonymous → the login page); a case or
conversation of another centre answers 404; supervisor pages answer 403 to
counsellors. Writes are POST with a CSRF token and redirect back (PRG).
"""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.channels.twilio import ERRORS
from bot.console import auth, views
from bot.console.models import ADMIN, Counsellor
from bot.conversations.models import COUNSELLOR, SYSTEM, Contact, Conversation
from bot.conversations.outbound import (
    ConversationNotFound,
    NoTemplate,
    OptedOut,
    WindowClosed,
    send_template,
    send_text,
)
from bot.dialogue.rasa import RasaUnavailable
from bot.queue import cases
from bot.queue.models import ASSIGNED, OUTCOMES, REFERRAL_KINDS, Escalation
from bot.services import current
from bot.texts import HANDED_BACK

log = logging.getLogger(__name__)

bp = Blueprint("console", __name__, url_prefix="/console", template_folder="templates",
               static_folder="static")

REPLY_MAX = 1600  # Twilio's limit for one message body

bp.before_request(auth.load_counsellor)
bp.before_request(auth.check_csrf)
bp.after_request(auth.secure_headers)


@bp.app_context_processor
def _template_globals():
    return {"csrf_token": auth.csrf_token, "me": g.get("counsellor"),
            "sandbox": current().sender.sandbox, "wait_text": views.wait_text,
            "language_name": views.language_name}


@bp.errorhandler(cases.NotFound)
def _not_found(exc):
    return render_template("console/error.html", code=404, message=str(exc)), 404


# --- sign-in --------------------------------------------------------------------------

@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "POST":
        username = request.form.get("username", "").strip()
        password = request.form.get("password", "")
        with current().db.session() as s:
            if auth.locked_out(s, username):
                log.warning("console sign-in refused: too many attempts")
                flash("Too many failed attempts. Wait 15 minutes and try again.", "error")
                return render_template("console/login.html"), 429
            person = s.scalar(select(Counsellor).where(Counsellor.username == username))
            valid = person is not None and person.active and person.check_password(password)
            auth.record_sign_in(s, username, person.id if valid else None)
        if valid:
            auth.sign_in(person)
            log.info("console sign-in: counsellor %d", person.id)
            return redirect(auth.safe_next(request.args.get("next")))
        log.info("console sign-in refused")
        flash("Wrong user name or password.", "error")
        return render_template("console/login.html"), 401
    return render_template("console/login.html")


@bp.post("/logout")
def logout():
    auth.sign_out()
    return redirect(url_for("console.login"))


# --- the queue ------------------------------------------------------------------------

@bp.get("/")
@auth.login_required
def queue():
    return render_template("console/queue.html", **_queue_context())


@bp.get("/queue/live")
@auth.login_required
def queue_live():
    """The queue table alone, for the page's refresh; 304 when nothing changed."""
    context = _queue_context()
    response = Response(render_template("console/_queue_table.html", **context))
    response.headers["X-Waiting"] = str(context["waiting"])
    response.headers["Cache-Control"] = "private, no-cache"
    response.add_etag()
    return response.make_conditional(request)


def _queue_context() -> dict:
    with current().db.session() as s:
        entries = cases.open_cases(s, g.counsellor)
    return {"entries": entries, "waiting": sum(e.escalation.status == "waiting"
                                               for e in entries)}


@bp.post("/take-next")
@auth.login_required
def take_next():
    with current().db.session() as s:
        taken = cases.take_next(s, g.counsellor)
    if taken is None:
        flash("Nobody is waiting.", "info")
        return redirect(url_for("console.queue"))
    return redirect(url_for("console.conversation", conversation_id=taken.conversation_id))


@bp.post("/cases/<int:case_id>/claim")
@auth.login_required
def claim(case_id: int):
    try:
        with current().db.session() as s:
            taken = cases.claim(s, g.counsellor, case_id)
    except cases.AlreadyTaken as exc:
        flash(str(exc), "error")
        return redirect(url_for("console.queue"))
    return redirect(url_for("console.conversation", conversation_id=taken.conversation_id))


# --- one conversation -----------------------------------------------------------------

@bp.get("/conversations/<conversation_id>")
@auth.login_required
def conversation(conversation_id: str):
    services = current()
    with services.db.session() as s:
        context = _conversation_context(s, conversation_id)
        auth.record_opened(s, conversation_id)
        centre = services.centres.get(context["conversation"].centre)
        context["phone"] = views.phone_of(s, services.vault, context["conversation"])
        context["colleagues"] = _colleagues(s)
    context["centre"] = centre
    context["centres"] = [c for c in services.centres if c.code != getattr(centre, "code", "")]
    context["canned"] = views.canned_replies(
        services.reception.texts, services.config.flows_dir,
        context["conversation"].language, centre.name if centre else "",
        centre.country if centre else None)
    context["outcomes"] = OUTCOMES
    context["referral_kinds"] = REFERRAL_KINDS
    context["reply_max"] = REPLY_MAX
    return render_template("console/conversation.html", **context)


@bp.get("/conversations/<conversation_id>/live")
@auth.login_required
def conversation_live(conversation_id: str):
    with current().db.session() as s:
        context = _conversation_context(s, conversation_id)
    response = Response(render_template("console/_history.html", **context))
    response.headers["Cache-Control"] = "private, no-cache"
    response.add_etag()
    return response.make_conditional(request)


def _opted_out_on(s: Session, conversation: Conversation):
    """When the migrant sent STOP, or None."""
    return s.scalar(select(Contact.opted_out_on).where(Contact.id == conversation.contact_id))


def _conversation_context(s: Session, conversation_id: str) -> dict:
    conversation = cases.visible_conversation(s, g.counsellor, conversation_id)
    case = cases.current_case(s, conversation_id)
    return {"conversation": conversation, "case": case,
            "opted_out_on": _opted_out_on(s, conversation),
            "holding": case is not None and case.assigned_to == g.counsellor.id,
            "items": views.history(s, conversation_id),
            "window": views.window_of(conversation)}


def _colleagues(s: Session) -> list[Counsellor]:
    people = select(Counsellor).where(Counsellor.active, Counsellor.role != ADMIN,
                                      Counsellor.id != g.counsellor.id)
    if g.counsellor.role != ADMIN:
        people = people.where(Counsellor.centre == g.counsellor.centre)
    return list(s.scalars(people.order_by(Counsellor.display_name)))


def _back(conversation_id: str):
    return redirect(url_for("console.conversation", conversation_id=conversation_id)
                    + "#reply")


def _held_case(s: Session, conversation_id: str) -> Escalation:
    """The open case of a conversation the counsellor holds; aborts otherwise."""
    cases.visible_conversation(s, g.counsellor, conversation_id)
    case = cases.current_case(s, conversation_id)
    held = case is not None and case.status == ASSIGNED
    if not held or (case.assigned_to != g.counsellor.id and not g.counsellor.is_supervisor):
        raise cases.QueueError("Take the chat before writing to the migrant.")
    return case


@bp.post("/conversations/<conversation_id>/reply")
@auth.login_required
def reply(conversation_id: str):
    text = request.form.get("text", "").strip()
    if not text:
        flash("The reply is empty.", "error")
        return _back(conversation_id)
    if len(text) > REPLY_MAX:
        flash(f"A reply can have at most {REPLY_MAX} characters.", "error")
        return _back(conversation_id)
    return _send(conversation_id, lambda services: send_text(
        services, conversation_id, text, COUNSELLOR, g.counsellor.id))


@bp.post("/conversations/<conversation_id>/template")
@auth.login_required
def template(conversation_id: str):
    return _send(conversation_id, lambda services: send_template(
        services, conversation_id, COUNSELLOR, g.counsellor.id))


def _send(conversation_id: str, sending):
    services = current()
    try:
        with services.db.session() as s:
            _held_case(s, conversation_id)
        parts = sending(services)
    except cases.NotFound:
        raise
    except cases.QueueError as exc:
        flash(str(exc), "error")
        return _back(conversation_id)
    except WindowClosed:
        flash("Not sent: WhatsApp's 24-hour window is closed. Send the approved template.",
              "error")
        return _back(conversation_id)
    except OptedOut:
        flash("Not sent: the migrant sent STOP and receives nothing until they send START.",
              "error")
        return _back(conversation_id)
    except NoTemplate:
        flash("No approved WhatsApp template is configured (WHATSAPP_TEMPLATE_SID); "
              "ask your administrator.", "error")
        return _back(conversation_id)
    except ConversationNotFound:
        abort(404)
    failed = [p for p in parts if p.status == "failed"]
    if failed:
        flash("Twilio refused the message: "
              + (ERRORS.get(failed[0].error_code) or f"error {failed[0].error_code}"),
              "error")
    return _back(conversation_id)


@bp.post("/conversations/<conversation_id>/notes")
@auth.login_required
def note(conversation_id: str):
    try:
        with current().db.session() as s:
            cases.visible_conversation(s, g.counsellor, conversation_id)
            cases.add_note(s, g.counsellor, conversation_id, request.form.get("body", ""))
    except cases.NotFound:
        raise
    except cases.QueueError as exc:
        flash(str(exc), "error")
    return _back(conversation_id)


@bp.post("/cases/<int:case_id>/hand-back")
@auth.login_required
def hand_back(case_id: int):
    return _release(case_id, lambda s: cases.hand_back(
        s, g.counsellor, case_id, request.form.get("outcome") or None))


@bp.post("/cases/<int:case_id>/close")
@auth.login_required
def close(case_id: int):
    return _release(case_id, lambda s: cases.close(
        s, g.counsellor, case_id, request.form.get("outcome", ""),
        request.form.get("referral") or None))


def _release(case_id: int, transition):
    """Hand back or close: the bot's pause is lifted in Rasa first, so a failure
    leaves the chat with the counsellor instead of with nobody."""
    services = current()
    with services.db.session() as s:
        conversation_id = cases.get_case(s, g.counsellor, case_id).conversation_id
    try:
        services.rasa.resume(conversation_id)
        with services.db.session() as s:
            transition(s)
            conversation = s.get(Conversation, conversation_id)
            opted_out = _opted_out_on(s, conversation) is not None
    except RasaUnavailable:
        flash("The bot cannot be reached, so the chat stays with you. Try again shortly.",
              "error")
        return _back(conversation_id)
    except cases.NotFound:
        raise
    except cases.QueueError as exc:
        flash(str(exc), "error")
        return _back(conversation_id)
    if views.window_of(conversation).open and not opted_out:
        # tell the migrant who answers from now on
        send_text(services, conversation_id,
                  services.reception.texts.get(HANDED_BACK, conversation.language), SYSTEM)
    flash("The bot answers this migrant again.", "info")
    return redirect(url_for("console.queue"))


@bp.post("/cases/<int:case_id>/transfer")
@auth.login_required
def transfer(case_id: int):
    colleague = request.form.get("colleague", "")
    centre = request.form.get("centre", "")
    if centre and current().centres.get(centre) is None:
        abort(400, "unknown centre")
    try:
        with current().db.session() as s:
            cases.transfer(s, g.counsellor, case_id,
                           to_counsellor=int(colleague) if colleague.isdigit() else None,
                           to_centre=centre or None)
    except cases.NotFound:
        raise
    except cases.QueueError as exc:
        flash(str(exc), "error")
        with current().db.session() as s:
            conversation_id = cases.get_case(s, g.counsellor, case_id).conversation_id
        return _back(conversation_id)
    flash("Transferred.", "info")
    return redirect(url_for("console.queue"))


# --- supervisors ----------------------------------------------------------------------

@bp.get("/dashboard")
@auth.supervisor_required
def dashboard():
    with current().db.session() as s:
        figures = views.dashboard(s, g.counsellor)
    return render_template("console/dashboard.html", **figures)
