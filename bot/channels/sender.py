"""Outbound messages through Twilio's REST API — or, with no account, recorded only.

`TwilioSender` wraps twilio-python's client; `SandboxSender` stands in when
TWILIO_ACCOUNT_SID is empty (`make run`, tests, demos): it sends nothing, logs that
it recorded the message, and returns a made-up SID starting with "SB".
"""

from __future__ import annotations

import json
import logging
import uuid

from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.rest import Client

log = logging.getLogger(__name__)

SANDBOX_SID_PREFIX = "SB"


class SendFailed(RuntimeError):
    """Twilio refused or could not be reached; `code` is Twilio's error code if any."""

    def __init__(self, reason: str, code: int | None = None):
        super().__init__(reason)
        self.code = code


class TwilioSender:
    sandbox = False

    def __init__(self, account_sid: str, auth_token: str, http_client=None):
        self._client = Client(account_sid, auth_token, http_client=http_client)

    def send(self, to: str, from_: str, body: str, status_callback: str | None) -> str:
        """The new message's SID. raises SendFailed."""
        return self._create(status_callback, to=to, from_=from_, body=body)

    def send_template(self, to: str, from_: str, content_sid: str, variables: dict,
                      preview: str, status_callback: str | None) -> str:
        """Send an approved WhatsApp template (Twilio Content API). raises SendFailed."""
        return self._create(status_callback, to=to, from_=from_, content_sid=content_sid,
                            content_variables=json.dumps(variables))

    def _create(self, status_callback: str | None, **kwargs) -> str:
        if status_callback:
            kwargs["status_callback"] = status_callback
        try:
            return self._client.messages.create(**kwargs).sid
        except TwilioRestException as exc:
            raise SendFailed(f"Twilio answered {exc.status}", exc.code) from None
        except (TwilioException, OSError) as exc:
            raise SendFailed(type(exc).__name__) from None


class SandboxSender:
    sandbox = True

    def send_template(self, to: str, from_: str, content_sid: str, variables: dict,
                      preview: str, status_callback: str | None) -> str:
        return self.send(to, from_, preview, status_callback)

    def send(self, to: str, from_: str, body: str, status_callback: str | None) -> str:
        sid = SANDBOX_SID_PREFIX + uuid.uuid4().hex
        log.info("sandbox: recorded outbound message %s (%d characters), not sent", sid,
                 len(body))
        return sid


def make_sender(account_sid: str, auth_token: str):
    return TwilioSender(account_sid, auth_token) if account_sid else SandboxSender()
