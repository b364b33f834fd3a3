"""What the CLS shows the public: coming events it relayed and meetings marked public (the
agenda), and the information it relayed (the news). Read by the web site, its calendar and its
feed; nothing here is private: drafts, proposals awaiting a decision and meeting notices stay
out, and so does every meeting the coordinator has not marked public."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from relay.french_dates import as_utc
from relay.meetings.service import KIND_LABELS
from relay.messages import AnnouncementKind
from relay.settings import Settings
from relay.states import INFORMATION_SOURCES
from relay.store import public as store
from relay.store.db import Database
from relay.store.models import Announcement, utcnow
from relay.store.models_schedule import Meeting
from relay.themes import ALL_THEMES

MEETING_UID = "reunion-{id}"  # as in the meetings' own .ics invitations: calendars merge them
EVENT_UID = "evenement-{id}"


@dataclass(frozen=True)
class AgendaItem:
    """A coming event or public meeting."""

    uid: str
    title: str
    text: str
    day: date  # local day
    starts_at: datetime | None  # a meeting's start (UTC); an event has a day only
    duration: timedelta
    place: str
    link: str | None
    themes: tuple[str, ...]
    label: str  # « COPIL », « Groupe de travail », « Événement »
    sequence: int
    updated_at: datetime


@dataclass(frozen=True)
class NewsItem:
    """A piece of information the CLS relayed."""

    id: int
    title: str
    text: str
    link: str | None
    kind: AnnouncementKind
    event_date: date | None
    themes: tuple[str, ...]
    published_at: datetime  # UTC


class PublicAgenda:
    def __init__(
        self, db: Database, settings: Settings, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self.db = db
        self.settings = settings
        self.clock = clock

    async def coming(self, themes: Sequence[str] = (), limit: int = 100) -> list[AgendaItem]:
        """Coming events and public meetings, soonest first; with `themes`, those on one of
        them (an announcement to every theme is on all)."""
        now = self.clock()
        zone = self.settings.zone
        wanted = _with_everything(themes)
        async with self.db.read() as session:
            events = await store.coming_events(
                session, now.astimezone(zone).date(), INFORMATION_SOURCES, wanted, limit
            )
            event_themes = await store.themes_of(session, [e.id for e in events if e.id])
            meetings = await store.public_meetings(session, now, limit)
        items = [_event(e, event_themes.get(e.id or 0, ())) for e in events]
        items += [_meeting(m, self.settings) for m in meetings if _shown(m, themes)]
        items.sort(key=lambda i: (i.day, as_utc(i.starts_at) if i.starts_at else now, i.uid))
        return items[:limit]

    async def news(self, themes: Sequence[str] = (), limit: int = 30) -> list[NewsItem]:
        """The latest information relayed, newest first."""
        async with self.db.read() as session:
            found = await store.relayed(
                session, INFORMATION_SOURCES, _with_everything(themes), limit
            )
            found_themes = await store.themes_of(session, [a.id for a in found if a.id])
        return [_news(a, found_themes.get(a.id or 0, ())) for a in found]


def _with_everything(themes: Sequence[str]) -> tuple[str, ...]:
    return (*themes, ALL_THEMES) if themes else ()


def _shown(meeting: Meeting, themes: Sequence[str]) -> bool:
    return not themes or bool(set(meeting.theme_slugs) & {*themes, ALL_THEMES})


def _title(announcement: Announcement) -> str:
    title = announcement.title or announcement.text.strip().split("\n")[0]
    return title if len(title) <= 120 else title[:119] + "…"


def _event(announcement: Announcement, themes: tuple[str, ...]) -> AgendaItem:
    assert announcement.id is not None and announcement.event_date is not None
    return AgendaItem(
        uid=EVENT_UID.format(id=announcement.id),
        title=_title(announcement),
        text=announcement.text,
        day=announcement.event_date,
        starts_at=None,
        duration=timedelta(days=1),
        place="",
        link=announcement.link,
        themes=themes,
        label=AnnouncementKind.EVENT.label,
        sequence=0,
        updated_at=as_utc(announcement.queued_at or announcement.created_at),
    )


def _meeting(meeting: Meeting, settings: Settings) -> AgendaItem:
    assert meeting.id is not None
    starts_at = as_utc(meeting.starts_at)
    return AgendaItem(
        uid=MEETING_UID.format(id=meeting.id),
        title=meeting.title,
        text="",
        day=starts_at.astimezone(settings.zone).date(),
        starts_at=starts_at,
        duration=timedelta(minutes=meeting.duration_minutes),
        place=meeting.place,
        link=None,
        themes=meeting.theme_slugs,
        label=KIND_LABELS.get(meeting.kind, meeting.kind),
        sequence=meeting.sequence,
        updated_at=as_utc(meeting.updated_at),
    )


def _news(announcement: Announcement, themes: tuple[str, ...]) -> NewsItem:
    assert announcement.id is not None
    return NewsItem(
        id=announcement.id,
        title=_title(announcement),
        text=announcement.text,
        link=announcement.link,
        kind=AnnouncementKind(announcement.kind),
        event_date=announcement.event_date,
        themes=themes,
        published_at=as_utc(announcement.queued_at or announcement.created_at),
    )
