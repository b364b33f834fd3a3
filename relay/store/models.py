"""Tables. Times are stored in UTC; chat addresses are platform-neutral strings."""

from datetime import UTC, datetime

from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


def _utc_column(nullable: bool = False, index: bool = False) -> Column[datetime]:
    return Column(DateTime(timezone=True), nullable=nullable, index=index)


class Subscriber(SQLModel, table=True):
    """A chat that can receive announcements: a private chat, a group or a Slack channel."""

    __tablename__ = "subscribers"
    __table_args__ = (UniqueConstraint("platform", "address", name="uq_subscriber_address"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)
    address: str = Field(max_length=64)
    chat_kind: str = Field(max_length=16)
    user_id: str | None = Field(default=None, max_length=64, index=True)
    display_name: str = Field(default="", max_length=200)
    active: bool = True
    inactive_reason: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())


class Subscription(SQLModel, table=True):
    """One chat subscribed to one theme (or to 'tout')."""

    __tablename__ = "subscriptions"
    __table_args__ = (
        UniqueConstraint("subscriber_id", "theme", name="uq_subscription"),
        Index("ix_subscriptions_theme", "theme"),
    )

    id: int | None = Field(default=None, primary_key=True)
    subscriber_id: int = Field(
        sa_column=Column(Integer, ForeignKey("subscribers.id", ondelete="CASCADE"), nullable=False)
    )
    theme: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())
