"""Tables of scheduled work: meetings and their notices, RSVPs, feeds, monthly report runs.

Times are stored in UTC. No table here names a person except `meeting_rsvps`, which holds a
platform user id and an answer, nothing else, and is emptied by /oublier.
"""

from datetime import datetime

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, UniqueConstraint, false
from sqlmodel import Field, SQLModel

from relay.states import MeetingState, NoticeState
from relay.store.models import Delivery, _utc_column, utcnow

INVITE, CHANGE, CANCEL = "invite", "change", "cancel"  # notice labels besides reminder offsets


class Meeting(SQLModel, table=True):
    """A COPIL, a working group (with its themes) or a project team meeting."""

    __tablename__ = "meetings"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)  # copil | gt | equipe-projet
    title: str = Field(max_length=300)
    starts_at: datetime = Field(sa_column=_utc_column(index=True))
    duration_minutes: int = 120
    place: str = Field(default="", max_length=300)
    themes: str = Field(default="", max_length=1000)  # comma-separated theme slugs
    status: str = Field(
        default=MeetingState.SCHEDULED, max_length=16
    )  # draft | scheduled | cancelled…
    sequence: int = 0  # bumped at each change: the .ics SEQUENCE and the notices' generation
    participants: int | None = None
    # Shown on the public site's agenda and calendar; COPIL and working groups stay private
    # unless the coordinator marks them public.
    public: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false())
    )
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())

    @property
    def theme_slugs(self) -> tuple[str, ...]:
        return tuple(t for t in self.themes.split(",") if t)


class MeetingNotice(SQLModel, table=True):
    """One message to a meeting's invitees: an invitation, a reminder (label "7d", "2h"…), a
    change or a cancellation. Unique per (meeting, sequence, label): it is marked sent in the
    transaction that queues its announcement, so it goes once."""

    __tablename__ = "meeting_notices"
    __table_args__ = (
        UniqueConstraint("meeting_id", "sequence", "label", name="uq_meeting_notice"),
        Index("ix_meeting_notices_due", "state", "due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(
        sa_column=Column(Integer, ForeignKey("meetings.id", ondelete="CASCADE"), nullable=False)
    )
    sequence: int = 0
    label: str = Field(max_length=16)
    due_at: datetime = Field(sa_column=_utc_column())
    state: str = Field(default=NoticeState.PENDING, max_length=16)
    announcement_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("announcements.id", ondelete="SET NULL"), unique=True, index=True
        ),
    )
    sent_at: datetime | None = Field(default=None, sa_column=_utc_column(True))


class MeetingRsvp(SQLModel, table=True):
    """A partner's answer to an invitation: yes, no or maybe; the last answer counts."""

    __tablename__ = "meeting_rsvps"
    __table_args__ = (
        UniqueConstraint("meeting_id", "platform", "user_id", name="uq_meeting_rsvp"),
        Index("ix_meeting_rsvps_user", "platform", "user_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(
        sa_column=Column(Integer, ForeignKey("meetings.id", ondelete="CASCADE"), nullable=False)
    )
    platform: str = Field(max_length=16)
    user_id: str = Field(max_length=64)
    answer: str = Field(max_length=8)  # yes | no | maybe
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())


class Feed(SQLModel, table=True):
    """An RSS/Atom source and its polling state (conditional GET validators, failures)."""

    __tablename__ = "feeds"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    url: str = Field(max_length=2000, unique=True)
    themes: str = Field(default="", max_length=1000)  # comma-separated theme slugs
    auto: bool = False  # relay new items directly instead of proposing them to coordinators
    interval_minutes: int = 60
    origin: str = Field(default="cli", max_length=16)  # config (feeds.yaml) | cli
    enabled: bool = True
    etag: str | None = Field(default=None, max_length=500)
    last_modified: str | None = Field(default=None, max_length=100)
    next_poll_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(index=True))
    last_polled_at: datetime | None = Field(default=None, sa_column=_utc_column(True))
    last_success_at: datetime | None = Field(default=None, sa_column=_utc_column(True))
    failures: int = 0  # consecutive failed polls: the backoff exponent
    error_count: int = 0  # failed polls in all
    last_error: str | None = Field(default=None, max_length=500)
    items_relayed: int = 0
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())

    @property
    def theme_slugs(self) -> tuple[str, ...]:
        return tuple(t for t in self.themes.split(",") if t)


class FeedItem(SQLModel, table=True):
    """An item already seen. `key` hashes its id, else its link, else its content; `link_hash`
    and `content_hash` catch the same item again under another id (or in another feed)."""

    __tablename__ = "feed_items"
    __table_args__ = (UniqueConstraint("feed_id", "key", name="uq_feed_item"),)

    id: int | None = Field(default=None, primary_key=True)
    feed_id: int = Field(
        sa_column=Column(Integer, ForeignKey("feeds.id", ondelete="CASCADE"), nullable=False)
    )
    key: str = Field(max_length=64)
    link_hash: str | None = Field(default=None, max_length=64, index=True)
    content_hash: str = Field(max_length=64, index=True)
    announcement_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("announcements.id", ondelete="SET NULL")),
    )
    seen_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())


class ReportRun(SQLModel, table=True):
    """A monthly report sent to the coordinators: written before sending, so it goes once."""

    __tablename__ = "report_runs"

    month: str = Field(primary_key=True, max_length=7)  # YYYY-MM
    sent_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())


# The monthly report reads deliveries by announcement, status and platform from this index alone
# (sends only: revision 0).
Index(
    "ix_deliveries_report",
    Delivery.__table__.c.announcement_id,  # type: ignore[attr-defined]
    Delivery.__table__.c.status,  # type: ignore[attr-defined]
    Delivery.__table__.c.platform,  # type: ignore[attr-defined]
    Delivery.__table__.c.subscriber_id,  # type: ignore[attr-defined]
    Delivery.__table__.c.revision,  # type: ignore[attr-defined]
)
