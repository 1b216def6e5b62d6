"""Gateway configuration: the one place that reads the environment (and `.env`).

Every other module receives a `Config`; none reads `os.environ`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path

from dotenv import dotenv_values

ROOT = Path(__file__).resolve().parent.parent


class ConfigError(ValueError):
    """A setting is missing or malformed."""


@dataclass(frozen=True)
class Config:
    database_url: str = f"sqlite:///{ROOT / 'instance' / 'mrc.db'}"
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: str = ""
    rasa_timeout: float = 8.0  # seconds; Twilio gives up after 15 s in total
    # Rasa's SQL tracker store (endpoints.yml reads the same variable): erasure deletes
    # a migrant's dialogue events there
    tracker_db_url: str = f"sqlite:///{ROOT / 'instance' / 'rasa_tracker.db'}"
    twilio_account_sid: str = ""
    twilio_auth_token: str = ""
    public_base_url: str = ""  # e.g. https://mrc.example.org, as Twilio sees us
    secret_key: str = ""
    data_encryption_key: str = ""  # Fernet key for phone numbers at rest
    gateway_port: int = 5000
    centres_file: str = str(ROOT / "centres.yml")
    flows_dir: str = str(ROOT / "flows")
    duplicate_wait: float = 12.0  # how long a concurrent retry waits for the first reply
    reply_lease: float = 20.0  # after this, a retry may take over an unfinished delivery
    log_level: str = "INFO"
    # Twilio Content SID of the approved WhatsApp template a counsellor sends outside
    # the 24-hour window (its one variable is the centre's name); empty in sandbox mode
    whatsapp_template_sid: str = ""
    console_session_hours: float = 8.0  # a console login lasts this long without use
    console_admin_password: str = ""  # `make run` only: the first admin account's password

    @property
    def sandbox(self) -> bool:
        """No Twilio account: outbound REST sends are recorded, not sent."""
        return not self.twilio_account_sid

    @classmethod
    def from_env(cls, environ: dict | None = None, env_file: str | Path | None = None) -> Config:
        """Build from `.env` (if present) overlaid by the process environment.

        raises ConfigError if a numeric setting does not parse.
        """
        values: dict[str, str] = {}
        path = Path(env_file) if env_file else ROOT / ".env"
        if path.is_file():
            values.update({k: v for k, v in dotenv_values(path).items() if v is not None})
        values.update(os.environ if environ is None else environ)
        return cls.from_mapping(values)

    @classmethod
    def from_mapping(cls, values: dict) -> Config:
        kwargs = {}
        for f in fields(cls):
            raw = values.get(f.name.upper())
            if raw is None or raw == "":
                continue
            kwargs[f.name] = _coerce(f.name, f.type, raw)
        return cls(**kwargs)

    def replace(self, **changes) -> Config:
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data.update(changes)
        return Config(**data)


def _coerce(name: str, kind: str, raw: str):
    try:
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
    except ValueError as exc:
        raise ConfigError(f"{name.upper()} must be a number, got {raw!r}") from exc
    return raw
