"""The broadcast log coordinators read on their pages: every announcement with its reach per
platform (delivered, failed, unreachable, still pending, counted as the chat's summary counts
them), how long its send took, the chats it did not reach and why, and its revisions."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from relay.announcements import PLATFORM_LABELS, short_title, theme_labels
from relay.audit import actor_label
from relay.delivery.reasons import failure_reason
from relay.french_dates import as_utc, elapsed_label
from relay.messages import AnnouncementKind
from relay.states import AnnouncementSource, AnnouncementState, DeliveryOperation, DeliveryState
from relay.store import announcements as announcement_store
from relay.store import broadcast_log as store
from relay.store import outbox
from relay.store.db import Database
from relay.store.models import Announcement
from relay.themes import ThemeCatalogue

PAGE_SIZE = 30
FAILURES_SHOWN = 500
IN_PROGRESS = "en cours"
NO_DURATION = "—"
SOURCE_LABELS: dict[str, str] = {
    AnnouncementSource.COORDINATOR: "coordination",
    AnnouncementSource.PROPOSAL: "proposition d'un partenaire",
    AnnouncementSource.FEED: "flux",
    AnnouncementSource.MEETING: "réunion",
}
FEED_SOURCE_TEXT = "flux « {name} »"
STATE_LABELS: dict[str, str] = {
    AnnouncementState.DRAFT: "brouillon",
    AnnouncementState.PROPOSED: "proposée, en attente de décision",
    AnnouncementState.SCHEDULED: "programmée",
    AnnouncementState.CANCELLED: "annulée",
    AnnouncementState.REJECTED: "refusée",
}
SENDING_LABEL, SENT_LABEL, WITHDRAWN_LABEL = "en cours d'envoi", "envoyée", "retirée"
CHANGE_LABELS: dict[str, str] = {
    DeliveryOperation.EDIT: "correction",
    DeliveryOperation.DELETE: "retrait",
}
FORGOTTEN_CHAT = "chat effacé"


@dataclass(frozen=True)
class PlatformReach:
    """One platform's share of a send: the words are the chat summary's (« remis », « en
    échec », « injoignable »), plus what is still on its way."""

    platform: str
    label: str
    sent: int = 0
    failed: int = 0
    gone: int = 0
    pending: int = 0

    @property
    def total(self) -> int:
        return self.sent + self.failed + self.gone + self.pending


def platform_reach(platform: str, counts: Counter[str]) -> PlatformReach:
    return PlatformReach(
        platform=platform,
        label=PLATFORM_LABELS.get(platform, platform),
        sent=counts[DeliveryState.SENT],
        failed=counts[DeliveryState.FAILED] + counts[DeliveryState.EXPIRED],
        gone=counts[DeliveryState.GONE],
        pending=counts[DeliveryState.PENDING] + counts[DeliveryState.SENDING],
    )


@dataclass(frozen=True)
class Reach:
    """Where a send stands: per platform, and from when it left to its last delivery."""

    platforms: tuple[PlatformReach, ...] = ()
    started: datetime | None = None
    last_sent: datetime | None = None

    @property
    def recipients(self) -> int:
        return sum(p.total for p in self.platforms)

    @property
    def sent(self) -> int:
        return sum(p.sent for p in self.platforms)

    @property
    def failed(self) -> int:
        return sum(p.failed for p in self.platforms)

    @property
    def gone(self) -> int:
        return sum(p.gone for p in self.platforms)

    @property
    def pending(self) -> int:
        return sum(p.pending for p in self.platforms)

    @property
    def done(self) -> bool:
        return self.pending == 0

    @property
    def duration(self) -> str:
        """« 2 min 10 s » from the moment it left to its last delivery; « en cours » meanwhile."""
        if self.pending:
            return IN_PROGRESS
        if self.started is None or self.last_sent is None:
            return NO_DURATION
        return elapsed_label(as_utc(self.last_sent) - as_utc(self.started))


@dataclass(frozen=True)
class BroadcastRow:
    number: int
    status: str  # AnnouncementState
    title: str
    kind: str  # French label
    source: str  # French label
    state: str  # French label
    when: datetime | None  # sent, scheduled for, or written
    reach: Reach


@dataclass(frozen=True)
class BroadcastPage:
    rows: tuple[BroadcastRow, ...]
    page: int
    pages: int
    total: int


@dataclass(frozen=True)
class Failure:
    platform: str  # label
    chat: str
    reason: str  # French
    detail: str  # the platform's own words


@dataclass(frozen=True)
class Change:
    revision: int
    what: str  # « correction » or « retrait »
    at: datetime
    by: str
    reach: Reach


@dataclass(frozen=True)
class BroadcastDetail:
    row: BroadcastRow
    text: str
    themes: tuple[str, ...]  # labels
    link: str | None
    event_date: date | None
    attachment: str | None  # the file's name
    decision_reason: str | None
    failures: tuple[Failure, ...]
    changes: tuple[Change, ...]


class BroadcastLog:
    """What the Diffusions pages show, read in few queries whatever the number of chats."""

    def __init__(self, db: Database, catalogue: ThemeCatalogue) -> None:
        self.db = db
        self.catalogue = catalogue

    async def page(self, number: int) -> BroadcastPage:
        """Page `number` (from 1) of every announcement, newest first."""
        number = max(1, number)
        async with self.db.read() as session:
            found, total = await store.announcements_page(
                session, (number - 1) * PAGE_SIZE, PAGE_SIZE
            )
            reaches = _reaches(found, await store.reach(session, [a.id or 0 for a in found]))
        pages = max(1, -(-total // PAGE_SIZE))
        rows = tuple(_row(a, reaches[a.id or 0]) for a in found)
        return BroadcastPage(rows, number, pages, total)

    async def progress(self, announcement_id: int) -> Reach | None:
        """Where one announcement's send stands (None: no such announcement)."""
        async with self.db.read() as session:
            announcement = await announcement_store.get(session, announcement_id)
            if announcement is None:
                return None
            counts = await store.reach(session, [announcement_id])
        return _reaches([announcement], counts)[announcement_id]

    async def detail(self, announcement_id: int) -> BroadcastDetail | None:
        async with self.db.read() as session:
            announcement = await announcement_store.get(session, announcement_id)
            if announcement is None:
                return None
            counts = await store.reach(session, [announcement_id])
            themes = await announcement_store.themes_of(session, announcement_id)
            failed = await store.failures(session, announcement_id, FAILURES_SHOWN)
            changes = await _changes(session, announcement_id)
            attachment = await store.attachment_name(session, announcement.attachment_id)
        row = _row(announcement, _reaches([announcement], counts)[announcement_id])
        return BroadcastDetail(
            row=row,
            text=announcement.text,
            themes=theme_labels(themes, self.catalogue),
            link=announcement.link,
            event_date=announcement.event_date,
            attachment=attachment,
            decision_reason=announcement.decision_reason,
            failures=tuple(_failure(f) for f in failed),
            changes=changes,
        )


def _reaches(
    announcements: Iterable[Announcement], counts: Iterable[store.ReachCount]
) -> dict[int, Reach]:
    """Each announcement's reach from the counted rows of its send."""
    by_platform: dict[int, dict[str, Counter[str]]] = {}
    sent_times: dict[int, list[datetime]] = {}
    for c in counts:
        platforms = by_platform.setdefault(c.announcement_id, {})
        platforms.setdefault(c.platform, Counter())[c.status] = c.count
        moments = (c.first_sent, c.last_sent)
        sent_times.setdefault(c.announcement_id, []).extend(t for t in moments if t is not None)
    reaches = {}
    for a in announcements:
        key = a.id or 0
        platforms = by_platform.get(key, {})
        times = sent_times.get(key, [])
        reaches[key] = Reach(
            platforms=tuple(platform_reach(p, platforms[p]) for p in sorted(platforms)),
            started=a.queued_at or min(times, default=None),
            last_sent=max(times, default=None),
        )
    return reaches


def _row(announcement: Announcement, reach: Reach) -> BroadcastRow:
    return BroadcastRow(
        number=announcement.id or 0,
        status=announcement.status,
        title=short_title(announcement),
        kind=_kind_label(announcement.kind),
        source=source_label(announcement),
        state=state_label(announcement, reach),
        when=_when(announcement),
        reach=reach,
    )


def _kind_label(kind: str) -> str:
    try:
        return AnnouncementKind(kind).label
    except ValueError:
        return kind


def source_label(announcement: Announcement) -> str:
    if announcement.source == AnnouncementSource.FEED and announcement.source_name:
        return FEED_SOURCE_TEXT.format(name=announcement.source_name)
    return SOURCE_LABELS.get(announcement.source, announcement.source)


def state_label(announcement: Announcement, reach: Reach) -> str:
    """Where the announcement stands, in French."""
    if announcement.status != AnnouncementState.QUEUED:
        return STATE_LABELS.get(announcement.status, announcement.status)
    if announcement.withdrawn_at is not None:
        return WITHDRAWN_LABEL
    return SENDING_LABEL if reach.pending else SENT_LABEL


def _when(announcement: Announcement) -> datetime | None:
    if announcement.status == AnnouncementState.QUEUED:
        return announcement.queued_at or announcement.created_at
    if announcement.status == AnnouncementState.SCHEDULED:
        return announcement.send_at
    return announcement.created_at


def _failure(failed: store.FailedDelivery) -> Failure:
    return Failure(
        platform=PLATFORM_LABELS.get(failed.platform, failed.platform),
        chat=failed.chat or FORGOTTEN_CHAT,
        reason=failure_reason(failed.status, failed.error),
        detail=failed.error or "",
    )


async def _changes(session: AsyncSession, announcement_id: int) -> tuple[Change, ...]:
    """The corrections and withdrawal, each with its own reach (they are few)."""
    changes = []
    for change in await store.changes(session, announcement_id):
        progress = await outbox.progress(session, announcement_id, change.revision)
        reach = Reach(tuple(platform_reach(p, progress[p]) for p in sorted(progress)))
        changes.append(
            Change(
                revision=change.revision,
                what=CHANGE_LABELS.get(change.operation, change.operation),
                at=change.created_at,
                by=actor_label(change.author) if change.author else "ligne de commande",
                reach=reach,
            )
        )
    return tuple(changes)
