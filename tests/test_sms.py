from __future__ import annotations

import pytest

from bot.channels import sms


@pytest.mark.parametrize(
    ("text", "encoding", "segments"),
    [
        ("", "GSM-7", 0),
        ("hello", "GSM-7", 1),
        ("a" * 160, "GSM-7", 1),
        ("a" * 161, "GSM-7", 2),
        ("a" * 306, "GSM-7", 2),
        ("a" * 307, "GSM-7", 3),
        ("€" * 80, "GSM-7", 1),  # extension characters take two septets
        ("€" * 81, "GSM-7", 2),
        ("سلام" * 17 + "سل", "UCS-2", 1),  # 70 characters
        ("س" * 71, "UCS-2", 2),
        ("Привет " * 10, "UCS-2", 1),
        ("ආයුබෝවන්" * 9, "UCS-2", 2),
        ("hello 😀", "UCS-2", 1),
        ("😀" * 35, "UCS-2", 1),  # each emoji is two UTF-16 units
        ("😀" * 36, "UCS-2", 2),
        ("naukri chahiye ç", "UCS-2", 1),  # ç is not GSM-7 (only Ç is)
    ],
    ids=lambda v: v[:12] if isinstance(v, str) else str(v),
)
def test_encoding_and_segments(text, encoding, segments):
    assert sms.encoding(text) == encoding
    assert sms.segments(text) == segments


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("short", 1600, ["short"]),
        ("  ", 1600, []),
        ("one\n\ntwo\n\nthree", 9, ["one\n\ntwo", "three"]),
        ("one\n\n\n\ntwo", 1600, ["one\n\n\n\ntwo"]),
        ("aaaa bbbb cccc", 9, ["aaaa bbbb", "cccc"]),
        ("line one\nline two", 10, ["line one", "line two"]),
        ("x" * 25, 10, ["x" * 10, "x" * 10, "x" * 5]),
    ],
    ids=["fits", "blank", "paragraphs", "blank-lines-kept-if-fits", "words", "lines",
         "one-long-word"],
)
def test_split(text, limit, expected):
    assert sms.split(text, limit) == expected


def test_split_parts_never_exceed_twilio_limit():
    text = "\n\n".join(["word " * 250, "x" * 2000, "tail"])
    parts = sms.split(text)
    assert all(len(p) <= sms.MAX_BODY for p in parts)
    assert "".join(parts).replace(" ", "").replace("\n", "") == text.replace(" ", "").replace(
        "\n", "")
