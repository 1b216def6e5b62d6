"""Logging without personal data.

Log calls pass ids (conversation id, MessageSid), never numbers or bodies; the
filter below is the safety net that masks anything that still looks like a phone
number or a secret before a record is written.
"""

from __future__ import annotations

import logging
import re

_PHONE = re.compile(r"(?<![0-9A-Za-z])(?:whatsapp:)?\+?\d[\d\s().-]{6,}\d(?![0-9A-Za-z])")
_SECRET = re.compile(r"(?i)(token|auth|signature|password|key)=([^&\s]+)")


def redact(text: str) -> str:
    text = _PHONE.sub("[number]", text)
    return _SECRET.sub(r"\1=[redacted]", text)


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg, record.args = redact(message), None
        return True


def configure(level: str = "INFO") -> None:
    """Attach the redacting filter to every root handler (adding one if none)."""
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        root.addHandler(handler)
    for handler in root.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
    root.setLevel(level)
