"""Subscription history: when each subscription and each subscribed chat started and ended, so
that the monthly report counts any past month exactly, whatever happened since.

Rows are written by database triggers (migration 0005) whatever code path subscribes,
unsubscribes, forgets a chat or makes it unreachable. They name no address: /oublier closes the
chat's periods and unlinks them from the chat (`subscriber_id` NULL), so what stays is an
anonymous count.
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Integer
from sqlmodel import Field, SQLModel

from relay.store.models import _utc_column


class PeriodStart(StrEnum):
    """Why a period started (the triggers write these values)."""

    SUBSCRIBED = "subscribed"  # the subscription was made
    RETURNED = "returned"  # the chat became reachable again


class PeriodEnd(StrEnum):
    """Why a period ended (the triggers write these values)."""

    UNSUBSCRIBED = "unsubscribed"  # the subscription was removed (a chat: its last one)
    FORGOTTEN = "forgotten"  # /oublier
    UNREACHABLE = "unreachable"  # bot blocked or removed, channel archived, chat migrated


def _subscriber_column() -> Column[int]:
    return Column(Integer, ForeignKey("subscribers.id", ondelete="SET NULL"), index=True)


class SubscriptionPeriod(SQLModel, table=True):
    """One chat receiving one theme (or 'tout'): subscribed and reachable, from `started_at` to
    `ended_at` (NULL: still now). A chat made unreachable ends its periods; its return starts
    new ones. `started_at` is NULL for subscriptions ended before relay kept periods (their end
    came from the departures log)."""

    __tablename__ = "subscription_periods"

    id: int | None = Field(default=None, primary_key=True)
    subscriber_id: int | None = Field(default=None, sa_column=_subscriber_column())
    platform: str = Field(max_length=16)
    theme: str = Field(max_length=64)
    started_at: datetime | None = Field(default=None, sa_column=_utc_column(True, index=True))
    start_reason: str = Field(default=PeriodStart.SUBSCRIBED, max_length=16)
    ended_at: datetime | None = Field(default=None, sa_column=_utc_column(True, index=True))
    end_reason: str | None = Field(default=None, max_length=16)


class ChatPeriod(SQLModel, table=True):
    """One chat counted as a subscriber: reachable and subscribed to at least one theme, from
    `started_at` to `ended_at` (NULL: still now). `started_at` is NULL for chats that left
    before relay kept periods. `end_reason` is NULL on a closed period only for a chat that was
    already unreachable when periods began (migration 0005): its leaving was logged apart."""

    __tablename__ = "chat_periods"

    id: int | None = Field(default=None, primary_key=True)
    subscriber_id: int | None = Field(default=None, sa_column=_subscriber_column())
    platform: str = Field(max_length=16)
    started_at: datetime | None = Field(default=None, sa_column=_utc_column(True, index=True))
    ended_at: datetime | None = Field(default=None, sa_column=_utc_column(True, index=True))
    end_reason: str | None = Field(default=None, max_length=16)
