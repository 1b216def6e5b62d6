"""SMS arithmetic: GSM-7 vs UCS-2 segments, and splitting long replies.

A text is GSM-7 only if every character is in the GSM 03.38 basic set or its
extension table (extension characters cost two septets). Anything else — Arabic,
Cyrillic, Bengali, Tamil, Sinhala, most emoji — makes the whole message UCS-2.
"""

from __future__ import annotations

import math

GSM7 = "GSM-7"
UCS2 = "UCS-2"
MAX_BODY = 1600  # Twilio's hard limit per message

_GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED = set("^{}\\[~]|€\f")

# (units per single message, units per part of a concatenated message)
_LIMITS = {GSM7: (160, 153), UCS2: (70, 67)}


def encoding(text: str) -> str:
    return GSM7 if all(c in _GSM_BASIC or c in _GSM_EXTENDED for c in text) else UCS2


def _units(text: str, enc: str) -> int:
    if enc == GSM7:
        return len(text) + sum(1 for c in text if c in _GSM_EXTENDED)
    # UCS-2 counts UTF-16 code units: characters outside the BMP (emoji) take two.
    return len(text.encode("utf-16-le")) // 2


def segments(text: str) -> int:
    """Number of SMS segments Twilio bills for text (0 for an empty text)."""
    if not text:
        return 0
    enc = encoding(text)
    units = _units(text, enc)
    single, part = _LIMITS[enc]
    return 1 if units <= single else math.ceil(units / part)


def split(text: str, limit: int = MAX_BODY) -> list[str]:
    """Split text into parts of at most limit characters.

    Breaks on paragraph boundaries (blank lines) first, then lines, then words; only
    a single word longer than limit is cut mid-word. Empty paragraphs are dropped.
    """
    text = text.strip()
    if len(text) <= limit:
        return [text] if text else []
    for separator in ("\n\n", "\n", " "):
        pieces = text.split(separator)
        if len(pieces) > 1:
            return _pack(pieces, separator, limit)
    return [text[i:i + limit] for i in range(0, len(text), limit)]


def _pack(pieces: list[str], separator: str, limit: int) -> list[str]:
    parts: list[str] = []
    current = ""
    for piece in pieces:
        piece = piece.strip() if separator == "\n\n" else piece
        if not piece:
            continue
        candidate = f"{current}{separator}{piece}" if current else piece
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            parts.append(current)
        if len(piece) <= limit:
            current = piece
        else:
            sub = split(piece, limit)
            parts.extend(sub[:-1])
            current = sub[-1]
    if current:
        parts.append(current)
    return parts
