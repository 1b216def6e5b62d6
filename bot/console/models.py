"""Console accounts: counsellors, supervisors and administrators.

A counsellor and a supervisor belong to one centre and see only its conversations;
an administrator (centre empty) sees every centre. Passwords are stored as
werkzeug scrypt hashes. `languages` lists the languages a counsellor writes, which
the queue prefers when handing out the next chat.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from bot.db import Base, UTCDateTime, utcnow

COUNSELLOR, SUPERVISOR, ADMIN = "counsellor", "supervisor", "admin"
ROLES = (COUNSELLOR, SUPERVISOR, ADMIN)
MIN_PASSWORD = 10


class Counsellor(Base):
    __tablename__ = "counsellor"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16), default=COUNSELLOR)
    centre: Mapped[str | None] = mapped_column(String(16))  # None: an admin, all centres
    languages: Mapped[list] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_on: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_on: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def set_password(self, password: str) -> None:
        """raises ValueError if the password is shorter than MIN_PASSWORD characters."""
        if len(password) < MIN_PASSWORD:
            raise ValueError(f"a password needs at least {MIN_PASSWORD} characters")
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_supervisor(self) -> bool:
        return self.role in (SUPERVISOR, ADMIN)

    def sees_centre(self, centre: str) -> bool:
        return self.role == ADMIN or self.centre == centre


# what the audit log records
OPENED, SIGN_IN, SIGN_IN_REFUSED = "opened", "sign_in", "sign_in_refused"
EXPORTED = "exported"  # a report left the database (subject: which one)


class AuditEntry(Base):
    """Who opened (or exported) which conversation, and sign-ins. Kept after a
    migrant's data is erased: the conversation id is an opaque random id."""

    __tablename__ = "audit"
    __table_args__ = (Index("ix_audit_subject", "action", "subject", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    counsellor_id: Mapped[int | None] = mapped_column(
        ForeignKey("counsellor.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(32))
    # a conversation id, or for sign-ins the user name typed
    subject: Mapped[str | None] = mapped_column(String(64))
