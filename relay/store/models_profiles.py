"""Partners' profiles: the kind of structure a person says they belong to, and optionally their
commune. Nothing else about them (no name, no e-mail)."""

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from relay.store.models import _utc_column, utcnow


class Profile(SQLModel, table=True):
    """One person's profile. The row exists once the profile was offered (after a first
    subscription), so that it is offered only once; `kind` stays NULL until they answer."""

    __tablename__ = "profiles"
    __table_args__ = (UniqueConstraint("platform", "user_id", name="uq_profile_user"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)
    user_id: str = Field(max_length=64)
    kind: str | None = Field(default=None, max_length=32, index=True)  # typologie.yaml's slug
    commune: str | None = Field(default=None, max_length=100)
    # When a kind was first given: the report counts the profiles given by the end of a month.
    described_at: datetime | None = Field(default=None, sa_column=_utc_column(True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())
