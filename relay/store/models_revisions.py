"""Corrections and withdrawals of broadcasts already sent: one row per revision of an
announcement, with who asked for it and where they hear how it went."""

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from relay.store.models import _utc_column, utcnow


class AnnouncementChange(SQLModel, table=True):
    """Revision `revision` of an announcement: its correction (`edit`) or withdrawal (`delete`).
    Its delivery rows carry the same revision; `summarised_at` is set, once, when they are all
    final and the summary is queued."""

    __tablename__ = "announcement_changes"
    __table_args__ = (
        UniqueConstraint("announcement_id", "revision", name="uq_announcement_change"),
    )

    id: int | None = Field(default=None, primary_key=True)
    announcement_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("announcements.id", ondelete="CASCADE"), nullable=False
        )
    )
    revision: int
    operation: str = Field(max_length=16)  # DeliveryOperation.EDIT | DELETE
    author: str | None = Field(default=None, max_length=100, index=True)  # platform:user id
    origin_platform: str | None = Field(default=None, max_length=16)
    origin_address: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())
    summarised_at: datetime | None = Field(default=None, sa_column=_utc_column(True))
