"""The centres configuration: which centre owns which number, and its languages.

Read from a YAML file (CENTRES_FILE, default `centres.yml`) at start-up; `LiveCentres`
re-reads it when the file changes, so an edited file takes effect without a restart.
A broken edit is logged and the last good configuration stays in use.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from actions.content import CENTRE_NAME_MAX
from bot.language import LANGUAGES
from bot.privacy import normalise

log = logging.getLogger(__name__)
RECHECK_SECONDS = 5.0


class CentreConfigError(ValueError):
    """The centres file is missing, malformed or inconsistent."""


@dataclass(frozen=True)
class Centre:
    code: str
    name: str
    country: str
    languages: tuple[str, ...]
    numbers: dict
    website: str = ""
    example: bool = False
    contacts: tuple[tuple[str, str], ...] = ()  # (label, phone)

    @property
    def default_language(self) -> str:
        return self.languages[0]

    def contacts_lines(self) -> str:
        """One line per contact; example values say so (as the bot's safety message)."""
        tag = " (EXAMPLE)" if self.example else ""
        return "\n".join(f"{label}: {phone}{tag}" for label, phone in self.contacts)


class Centres:
    def __init__(self, centres: list[Centre], default: str):
        self._by_code = {c.code: c for c in centres}
        if default not in self._by_code:
            raise CentreConfigError(f"default centre {default!r} is not listed")
        self.default = self._by_code[default]
        self._by_number: dict[str, Centre] = {}
        for centre in centres:
            for number in centre.numbers.values():
                key = normalise(str(number))
                if key in self._by_number:
                    raise CentreConfigError(f"number of {centre.code} is also used by "
                                            f"{self._by_number[key].code}")
                self._by_number[key] = centre

    def __iter__(self):
        return iter(self._by_code.values())

    def get(self, code: str) -> Centre | None:
        return self._by_code.get(code)

    def for_number(self, number: str) -> Centre | None:
        """The centre owning our number `number`, or None if no centre does."""
        return self._by_number.get(normalise(number))

    def number_of(self, code: str, channel: str) -> str:
        """raises CentreConfigError if the centre has no number on that channel."""
        centre = self._by_code[code]
        try:
            return str(centre.numbers[channel])
        except KeyError:
            raise CentreConfigError(f"{code} has no {channel} number") from None


def load(path: str | Path) -> Centres:
    """raises CentreConfigError with the reason if the file is unusable."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CentreConfigError(f"{path}: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("centres"), list):
        raise CentreConfigError(f"{path}: expected a mapping with a list under 'centres'")
    centres = [_centre(path, i, raw) for i, raw in enumerate(data["centres"])]
    return Centres(centres, str(data.get("default", centres[0].code if centres else "")))


def _centre(path, index: int, raw: dict) -> Centre:
    where = f"{path}: centres[{index}]"
    try:
        languages = tuple(raw["languages"])
        centre = Centre(
            code=str(raw["code"]), name=str(raw["name"]), country=str(raw["country"]),
            languages=languages, numbers=dict(raw.get("numbers") or {}),
            website=str(raw.get("website", "")), example=bool(raw.get("example", False)),
            contacts=tuple((str(c["label"]), str(c["phone"]))
                           for c in raw.get("contacts") or ()),
        )
    except (KeyError, TypeError) as exc:
        raise CentreConfigError(f"{where}: missing or malformed field {exc}") from exc
    if len(centre.name) > CENTRE_NAME_MAX:
        raise CentreConfigError(f"{where}: name longer than {CENTRE_NAME_MAX} characters "
                                "(texts naming the centre must fit one SMS budget)")
    unknown = [lang for lang in languages if lang not in LANGUAGES]
    if not languages or unknown:
        raise CentreConfigError(f"{where}: languages must be among {LANGUAGES}, got {unknown}")
    return centre


class LiveCentres:
    """`Centres` from a file, re-read when its modification time changes (checked at
    most every RECHECK_SECONDS). raises CentreConfigError at construction only."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._mtime = self._stat()
        self._centres = load(self.path)
        self._checked = time.monotonic()

    def _stat(self) -> float | None:
        try:
            return self.path.stat().st_mtime
        except OSError:
            return None

    def current(self) -> Centres:
        if time.monotonic() - self._checked < RECHECK_SECONDS:
            return self._centres
        with self._lock:
            self._checked = time.monotonic()
            mtime = self._stat()
            if mtime != self._mtime:
                self._mtime = mtime
                try:
                    self._centres = load(self.path)
                    log.info("centres configuration reloaded from %s", self.path)
                except CentreConfigError as exc:
                    log.error("centres configuration not reloaded, keeping the last good "
                              "one: %s", exc)
        return self._centres

    @property
    def default(self) -> Centre:
        return self.current().default

    def __iter__(self):
        return iter(self.current())

    def get(self, code: str) -> Centre | None:
        return self.current().get(code)

    def for_number(self, number: str) -> Centre | None:
        return self.current().for_number(number)

    def number_of(self, code: str, channel: str) -> str:
        return self.current().number_of(code, channel)
