"""Outbound messages through Twilio's REST API — or, with no account, recorded only.

`TwilioSender` wraps twilio-python's client; `SandboxSender` stands in when
TWILIO_ACCOUNT_SID is empty (`make run`, tests, demos): it sends nothing, logs that
it recorded the message, and returns a made-up SID starting with "SB".
"""

from __future__ import annotations

import json
import logging
import random
import time
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


# Twilio answers 429 when we send too fast and 5xx when it is in trouble; both, and
# network errors, are worth another try. Anything else (a wrong number, an opted-out
# recipient, outside WhatsApp's window) fails at once.
ATTEMPTS = 4
BACKOFF = 0.5  # seconds before the 2nd attempt; doubles each time, plus up to 100 % jitter


def _retryable(exc: Exception) -> bool:
    if isinstance(exc, TwilioRestException):
        return exc.status == 429 or exc.status >= 500
    return isinstance(exc, (TwilioException, OSError))


class TwilioSender:
    sandbox = False

    def __init__(self, account_sid: str, auth_token: str, http_client=None,
                 sleep=time.sleep):
        self._client = Client(account_sid, auth_token, http_client=http_client)
        self._sleep = sleep

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
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return self._client.messages.create(**kwargs).sid
            except (TwilioException, OSError) as exc:
                if attempt == ATTEMPTS or not _retryable(exc):
                    raise _failure(exc) from None
                delay = BACKOFF * 2 ** (attempt - 1)
                log.warning("Twilio send attempt %d failed (%s); retrying in %.1f s", attempt,
                            _failure(exc), delay)
                self._sleep(delay + random.uniform(0, delay))
        raise AssertionError("unreachable")


def _failure(exc: Exception) -> SendFailed:
    if isinstance(exc, TwilioRestException):
        return SendFailed(f"Twilio answered {exc.status}", exc.code)
    return SendFailed(type(exc).__name__)


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
