"""Twilio SMS / WhatsApp: the provider's form in, TwiML out.

Nothing past this module knows Twilio's field names: `parse_inbound` turns the form
into an immutable `InboundMessage`, `parse_status` into a `StatusUpdate`.
WhatsApp differs only in the `whatsapp:` address scheme and its extra fields.
"""

from __future__ import annotations

from dataclasses import dataclass

from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

SMS = "sms"
WHATSAPP = "whatsapp"
WHATSAPP_SCHEME = "whatsapp:"
MAX_MEDIA = 10  # Twilio sends at most 10 media items per message

# Twilio MessageStatus -> our outbound status. Unknown values are kept as "unknown".
STATUSES = {
    "accepted": "queued",
    "scheduled": "queued",
    "queued": "queued",
    "sending": "sending",
    "sent": "sent",
    "delivered": "delivered",
    "read": "read",
    "undelivered": "failed",
    "failed": "failed",
    "canceled": "failed",
    "partially_delivered": "sent",
    "receiving": "received",
    "received": "received",
}

# WhatsApp accepts free text only this long after the migrant's last message
WHATSAPP_WINDOW_HOURS = 24

# Twilio error codes a counsellor may meet, explained in the console
OUTSIDE_WHATSAPP_WINDOW = 63016
OPTED_OUT = 21610
ERRORS = {
    OUTSIDE_WHATSAPP_WINDOW: "outside WhatsApp's 24-hour window: only the approved "
                             "template can be sent",
    OPTED_OUT: "the migrant has opted out (sent STOP)",
    30003: "the handset is unreachable",
    30005: "unknown number",
    30006: "landline or unreachable carrier",
    30007: "filtered by the carrier",
    30008: "unknown delivery error",
}


class InvalidRequest(ValueError):
    """The form lacks a field Twilio always sends; answered with 400."""


@dataclass(frozen=True)
class Media:
    url: str
    content_type: str


@dataclass(frozen=True)
class Location:
    latitude: str
    longitude: str
    address: str = ""
    label: str = ""


@dataclass(frozen=True)
class InboundMessage:
    sid: str
    channel: str
    sender: str  # E.164, scheme stripped
    recipient: str  # our number, E.164, scheme stripped
    body: str = ""
    media: tuple[Media, ...] = ()
    location: Location | None = None
    button_payload: str = ""

    @property
    def text(self) -> str:
        """What the migrant typed or tapped (a WhatsApp button's payload wins)."""
        return self.button_payload or self.body.strip()


@dataclass(frozen=True)
class StatusUpdate:
    sid: str
    status: str
    raw_status: str
    error_code: int | None


MAX_SID = 64  # Twilio's SIDs have 34 characters


def parse_inbound(form) -> InboundMessage:
    """raises InvalidRequest if MessageSid, From or To is missing or malformed.

    NUL characters are dropped from every field: they mean nothing in a message and
    PostgreSQL cannot store them (the message would never be saved).
    """
    form = {key: value.replace("\x00", "") for key, value in form.items()}
    sid, sender, recipient = (form.get(k, "").strip() for k in ("MessageSid", "From", "To"))
    if not (sid and sender and recipient):
        raise InvalidRequest("MessageSid, From and To are required")
    if len(sid) > MAX_SID or not sid.isprintable() or len(sender) > 64 or len(recipient) > 64:
        raise InvalidRequest("MessageSid, From or To is malformed")
    channel = WHATSAPP if sender.startswith(WHATSAPP_SCHEME) else SMS
    return InboundMessage(
        sid=sid,
        channel=channel,
        sender=_strip_scheme(sender),
        recipient=_strip_scheme(recipient),
        body=form.get("Body", ""),
        media=_media(form),
        location=_location(form),
        button_payload=form.get("ButtonPayload", "").strip() if channel == WHATSAPP else "",
    )


def parse_status(form) -> StatusUpdate:
    """raises InvalidRequest if MessageSid or MessageStatus is missing."""
    sid = form.get("MessageSid", "").strip()
    raw = form.get("MessageStatus", "").strip().lower()
    if not (sid and raw):
        raise InvalidRequest("MessageSid and MessageStatus are required")
    code = form.get("ErrorCode", "").strip()
    return StatusUpdate(
        sid=sid,
        status=STATUSES.get(raw, "unknown"),
        raw_status=raw,
        error_code=int(code) if code.isdigit() else None,
    )


def address(channel: str, number: str) -> str:
    """Twilio's address form of a number on a channel."""
    return f"{WHATSAPP_SCHEME}{number}" if channel == WHATSAPP else number


class SignatureChecker:
    """Validates X-Twilio-Signature against the public URL Twilio called.

    Behind a proxy the request's own host and scheme are not what Twilio signed, so
    the URL is rebuilt from PUBLIC_BASE_URL when it is configured.
    """

    HEADER = "X-Twilio-Signature"

    def __init__(self, auth_token: str, public_base_url: str = ""):
        self._validator = RequestValidator(auth_token) if auth_token else None
        self._base = public_base_url.rstrip("/")

    def public_url(self, request) -> str:
        if not self._base:
            return request.url
        query = request.query_string.decode("latin-1")
        return self._base + request.path + (f"?{query}" if query else "")

    def is_valid(self, request) -> bool:
        signature = request.headers.get(self.HEADER, "")
        if not (self._validator and signature):
            return False
        return self._validator.validate(self.public_url(request), request.form, signature)

    def sign(self, url: str, params) -> str:
        """The signature Twilio would send for a POST of params to url."""
        return self._validator.compute_signature(url, params)


def render_twiml(parts: list[tuple[str, str | None]]) -> str:
    """TwiML with one <Message> per (text, status_callback_url) part."""
    response = MessagingResponse()
    for body, callback in parts:
        if callback:
            response.message(body, action=callback, method="POST")
        else:
            response.message(body)
    return str(response)


def _strip_scheme(value: str) -> str:
    return value[len(WHATSAPP_SCHEME):] if value.startswith(WHATSAPP_SCHEME) else value


def _media(form) -> tuple[Media, ...]:
    try:
        count = min(int(form.get("NumMedia", "0") or 0), MAX_MEDIA)
    except ValueError:
        count = 0
    items = []
    for i in range(count):
        url = form.get(f"MediaUrl{i}", "")
        if url:
            items.append(Media(url, form.get(f"MediaContentType{i}", "")))
    return tuple(items)


def _location(form) -> Location | None:
    lat, lon = form.get("Latitude", ""), form.get("Longitude", "")
    if not (lat and lon):
        return None
    return Location(lat, lon, form.get("Address", ""), form.get("Label", ""))

