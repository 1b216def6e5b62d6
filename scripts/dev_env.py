"""Write development secrets to .env, adding only the keys that are missing.

Run by `make run`; never overwrites a value already set in .env or the environment.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

from cryptography.fernet import Fernet

GENERATED = {
    "SECRET_KEY": lambda: secrets.token_hex(32),
    "TWILIO_AUTH_TOKEN": lambda: secrets.token_hex(16),  # development only: signs simulate
    "DATA_ENCRYPTION_KEY": lambda: Fernet.generate_key().decode(),
    "RASA_TOKEN": lambda: secrets.token_hex(16),
    "CONSOLE_ADMIN_PASSWORD": lambda: secrets.token_urlsafe(12),  # console user "admin"
}


def main(path: str = ".env") -> int:
    env = Path(path)
    present = set()
    if env.exists():
        for line in env.read_text().splitlines():
            key = line.split("=", 1)[0].strip()
            if key and not key.startswith("#"):
                present.add(key)
    missing = [k for k in GENERATED if k not in present and not os.environ.get(k)]
    if missing:
        with env.open("a") as handle:
            if not present:
                handle.write("# Development settings written by `make run`. Not for production.\n")
            for key in missing:
                handle.write(f"{key}={GENERATED[key]()}\n")
        print(f"{path}: generated development values for {', '.join(missing)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
