"""What the coordinator pages keep: one-time sign-in links and sessions (their tokens hashed,
never in clear), and the audit log of coordinators' actions."""

from datetime import datetime

from sqlalchemy import Column, String
from sqlmodel import Field, SQLModel

from relay.store.models import _utc_column, utcnow


class SignInLink(SQLModel, table=True):
    """A link `/tableau` gave a coordinator: usable once, until `expires_at`."""

    __tablename__ = "sign_in_links"

    token_hash: str = Field(sa_column=Column(String(64), primary_key=True))  # SHA-256, hex
    coordinator: str = Field(max_length=100)  # "telegram:123", as in RELAY_COORDINATORS
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())
    expires_at: datetime = Field(sa_column=_utc_column(index=True))
    used_at: datetime | None = Field(default=None, sa_column=_utc_column(True))


class CoordinatorSession(SQLModel, table=True):
    """A browser signed in through a link, until `expires_at` or its sign-out (`ended_at`)."""

    __tablename__ = "coordinator_sessions"

    token_hash: str = Field(sa_column=Column(String(64), primary_key=True))  # SHA-256, hex
    coordinator: str = Field(max_length=100, index=True)
    csrf_token: str = Field(max_length=64)  # in every form of the session's pages
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())
    expires_at: datetime = Field(sa_column=_utc_column(index=True))
    ended_at: datetime | None = Field(default=None, sa_column=_utc_column(True))


class AuditEntry(SQLModel, table=True):
    """One coordinator action: who, what, when (approve, refuse, broadcast, import, meeting)."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(index=True))
    actor: str = Field(max_length=100)  # "telegram:123", "console:local", "cli"
    action: str = Field(max_length=32)  # an AuditAction
    detail: str = Field(default="", max_length=500)
