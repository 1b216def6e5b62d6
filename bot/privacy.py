"""Phone numbers at rest: encrypted (Fernet), found again through a keyed hash.

The gateway is the only component that ever sees a phone number; logs get none
(see bot.logs) and Rasa sees only the opaque conversation id.
"""

from __future__ import annotations

import hashlib
import hmac

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


class PhoneVault:
    """raises ValueError at construction if key is not a valid Fernet key."""

    def __init__(self, key: str):
        if not key:
            raise ValueError(
                "DATA_ENCRYPTION_KEY is not set: `make run` writes a development key to .env;"
                " in production generate one with: .venv/bin/python -c 'from cryptography."
                "fernet import Fernet; print(Fernet.generate_key().decode())'"
            )
        self._fernet = Fernet(key.encode())
        self._hash_key = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=b"mrc-phone-lookup"
        ).derive(key.encode())

    def lookup_hash(self, phone: str) -> str:
        """Deterministic keyed hash of a normalised number, for finding a contact."""
        return hmac.new(self._hash_key, normalise(phone).encode(), hashlib.sha256).hexdigest()

    def encrypt(self, phone: str) -> bytes:
        return self._fernet.encrypt(normalise(phone).encode())

    def decrypt(self, token: bytes) -> str:
        """raises cryptography.fernet.InvalidToken if token was not made with this key."""
        return self._fernet.decrypt(bytes(token)).decode()


def normalise(phone: str) -> str:
    """E.164-ish: keep a leading + and the digits."""
    phone = phone.strip()
    digits = "".join(c for c in phone if c.isdigit())
    return f"+{digits}" if phone.startswith("+") else digits


def new_key() -> str:
    return Fernet.generate_key().decode()

