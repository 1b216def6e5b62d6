from __future__ import annotations

import os

import pytest

from bot import centres
from bot.config import ROOT


def test_shipped_centres_file_loads_and_is_marked_as_example():
    registry = centres.load(ROOT / "centres.yml")
    codes = {c.code for c in registry}
    assert {"AF-VIRTUAL", "PK-ISB", "PK-PEW", "TJ-DYU", "LK-BTC", "IQ-BGD"} <= codes
    assert all(c.example for c in registry), "sample numbers must stay marked as examples"
    assert registry.for_number("+12025550142").code == "PK-ISB"
    assert registry.for_number("+1 (202) 555-0142").code == "PK-ISB"
    assert registry.for_number("+12025550199") is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("centres: nope", "expected a mapping"),
        ("centres:\n  - {code: X, name: X, country: X}", "missing or malformed"),
        ("centres:\n  - {code: X, name: X, country: X, languages: [xx]}", "languages must"),
        ("default: Y\ncentres:\n  - {code: X, name: X, country: X, languages: [en]}",
         "default centre"),
        ("centres:\n  - {code: X, name: X, country: X, languages: [en], numbers: {sms: '+1'}}\n"
         "  - {code: Y, name: Y, country: Y, languages: [en], numbers: {sms: '+1'}}",
         "also used by"),
        ("centres: [", "centres.yml"),
        ("centres:\n  - {code: X, name: " + "N" * 46 + ", country: X, languages: [en]}",
         "name longer than 45"),
    ],
    ids=["not-a-list", "no-languages", "unknown-language", "bad-default", "shared-number",
         "bad-yaml", "long-name"],
)
def test_bad_centres_files(tmp_path, content, message):
    path = tmp_path / "centres.yml"
    path.write_text(content)
    with pytest.raises(centres.CentreConfigError, match=message):
        centres.load(path)


def test_an_edited_file_takes_effect_and_a_broken_edit_keeps_the_last_good(tmp_path,
                                                                            monkeypatch):
    monkeypatch.setattr(centres, "RECHECK_SECONDS", 0.0)
    path = tmp_path / "centres.yml"
    entry = "centres:\n  - {code: X, name: X, country: PK, languages: [ur], numbers: {sms: '%s'}}"
    path.write_text(entry % "+12025550100")
    live = centres.LiveCentres(path)
    assert live.for_number("+12025550100").code == "X"

    path.write_text(entry % "+12025550177")
    os.utime(path, (1, 1))  # a new modification time even within the clock's resolution
    assert live.for_number("+12025550177").code == "X"
    assert live.for_number("+12025550100") is None

    path.write_text("centres: [")
    os.utime(path, (2, 2))
    assert live.for_number("+12025550177").code == "X", "the last good configuration"
