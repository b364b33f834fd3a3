"""Tables. Times are stored in UTC; chat addresses are platform-neutral strings."""

from datetime import UTC, date, datetime

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from relay.states import Asker, DeliveryOperation, DeliveryState


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


class StoredAttachment(SQLModel, table=True):
    """An announcement's poster or form, stored once however many chats receive it (and the
    same file under the same name, once whatever refers to it)."""

    __tablename__ = "attachments"
    __table_args__ = (UniqueConstraint("sha256", "filename", name="uq_attachment_content"),)

    id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(max_length=64)
    filename: str = Field(max_length=200)
    mime_type: str = Field(max_length=100)
    size: int
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())


def _attachment_column() -> Column[int]:
    return Column(Integer, ForeignKey("attachments.id"), nullable=True, index=True)


class Announcement(SQLModel, table=True):
    """Something to relay: written by a coordinator, proposed by a partner, or brought by a feed.

    Its life: draft (a coordinator's preview) or proposed (awaiting moderation) -> queued (its
    deliveries are written) -> summarised; or cancelled / rejected. Once queued, each correction
    or withdrawal is a new `revision` (relay/store/models_revisions.py); a withdrawn one stays
    queued (it was relayed) with `withdrawn_at` set.
    """

    __tablename__ = "announcements"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=32)
    title: str = Field(default="", max_length=300)
    text: str
    link: str | None = Field(default=None, max_length=2000)
    event_date: date | None = None
    source: str = Field(max_length=16, index=True)  # coordinator | proposal | feed
    source_name: str | None = Field(default=None, max_length=200)  # the feed's name
    status: str = Field(max_length=16, index=True)
    author: str | None = Field(default=None, max_length=100, index=True)  # platform:user id
    origin_platform: str | None = Field(default=None, max_length=16)
    origin_address: str | None = Field(default=None, max_length=64)
    decision_reason: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(index=True))
    queued_at: datetime | None = Field(default=None, sa_column=_utc_column(True, index=True))
    send_at: datetime | None = Field(default=None, sa_column=_utc_column(True, index=True))
    summarised_at: datetime | None = Field(default=None, sa_column=_utc_column(True))
    attachment_id: int | None = Field(default=None, sa_column=_attachment_column())
    revision: int = 0  # corrections and withdrawal so far
    withdrawn_at: datetime | None = Field(default=None, sa_column=_utc_column(True))


class AnnouncementTheme(SQLModel, table=True):
    __tablename__ = "announcement_themes"

    announcement_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("announcements.id", ondelete="CASCADE"), primary_key=True
        )
    )
    theme: str = Field(max_length=64, primary_key=True)


class DirectNotice(SQLModel, table=True):
    """A message to one chat that is not an announcement: a broadcast's summary, a moderation
    request, a partner's outcome, a feed alert, the monthly report. Delivered through the outbox
    (one `Delivery` row), so it is retried and never lost; `key`, when set, makes it unique."""

    __tablename__ = "direct_notices"

    id: int | None = Field(default=None, primary_key=True)
    key: str | None = Field(default=None, max_length=200, unique=True, index=True)
    platform: str = Field(max_length=16)
    address: str = Field(max_length=64, index=True)
    chat_kind: str = Field(max_length=16)
    text: str
    link: str | None = Field(default=None, max_length=2000)
    buttons: str = ""  # JSON: rows of [label, action]
    attachment_name: str | None = Field(default=None, max_length=200)
    attachment_type: str | None = Field(default=None, max_length=100)
    attachment: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    # Or, for a file relay already stores (a proposal's poster), a reference to it.
    attachment_id: int | None = Field(default=None, sa_column=_attachment_column())
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())


class Delivery(SQLModel, table=True):
    """One announcement (or one direct notice) to one chat: the outbox row, and afterwards the
    relay log.

    pending -> sending (claimed, with a lease) -> sent | failed | gone | expired. A row left in
    `sending` by a crashed process is claimed again once its lease has expired.

    An announcement's send is revision 0; each later revision (a correction, the withdrawal)
    adds one row per chat the send reached, which deletes or edits the messages the rows
    before it left there, and is claimed only once those rows are final.
    """

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("announcement_id", "subscriber_id", "revision", name="uq_delivery"),
        Index("ix_deliveries_due", "platform", "status", "next_attempt_at"),
    )

    id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    )
    announcement_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("announcements.id", ondelete="CASCADE"), nullable=True, index=True
        ),
    )
    notice_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("direct_notices.id", ondelete="CASCADE"), nullable=True, index=True
        ),
    )
    # Kept (as NULL) when the subscriber asks to be forgotten: the count stays in the report.
    subscriber_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("subscribers.id", ondelete="SET NULL"), index=True),
    )
    platform: str = Field(max_length=16)
    status: str = Field(default=DeliveryState.PENDING, max_length=16)
    operation: str = Field(default=DeliveryOperation.SEND, max_length=16)
    revision: int = 0
    attempts: int = 0
    # A message in several parts resumes after the parts already sent, never repeating them.
    parts_sent: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())
    lease_until: datetime | None = Field(default=None, sa_column=_utc_column(True))
    last_error: str | None = Field(default=None, max_length=500)
    # One id per part; once final, the messages of this announcement the chat still shows ("":
    # none after a withdrawal; NULL: this row changed nothing there).
    platform_message_id: str | None = Field(default=None, max_length=1000)
    sent_at: datetime | None = Field(default=None, sa_column=_utc_column(True, index=True))


class DirectoryQuery(SQLModel, table=True):
    """One "où trouver…" question, kept without any trace of who asked: it feeds the monthly
    report's questions asked and questions left without an answer (unmet needs)."""

    __tablename__ = "directory_queries"

    id: int | None = Field(default=None, primary_key=True)
    asked_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(index=True))
    question: str = Field(max_length=500)  # normalised: folded, stop words dropped
    result_count: int = 0
    best_entry_id: str | None = Field(default=None, max_length=64)
    best_entry_name: str | None = Field(default=None, max_length=300)
    platform: str = Field(max_length=16)
    # Who asked as their profile says (professionnel, habitant, inconnu): the category only.
    asker: str = Field(default=Asker.UNKNOWN, max_length=16)
