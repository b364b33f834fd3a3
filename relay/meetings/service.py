"""Meetings of the CLS: scheduling, changing, cancelling, RSVPs, attendance, the agenda.

Every change to a meeting writes its notices (invitation, change, cancellation, reminders) and
sends those already due through `relay.meetings.reminders.send_due`, the one path by which meeting
messages reach the delivery outbox.
"""

from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo

from sqlalchemy.ext.asyncio import AsyncSession

from relay import audit
from relay.delivery.notices import Notices
from relay.french_dates import as_utc, long_datetime
from relay.meetings import reminders
from relay.meetings.reminders import ReminderPolicy
from relay.messages import ChatRef, UserRef
from relay.settings import Settings
from relay.states import AnnouncementSource, AuditAction, MeetingKind, MeetingState, NoticeState
from relay.store import meetings as store
from relay.store import outbox
from relay.store.db import Database
from relay.store.models import Announcement, utcnow
from relay.store.models_schedule import CANCEL, CHANGE, INVITE, Meeting
from relay.textnorm import fold
from relay.themes import ALL_THEMES, ThemeCatalogue

KINDS = (MeetingKind.COPIL, MeetingKind.WORKING_GROUP, MeetingKind.PROJECT_TEAM)
KIND_LABELS: dict[str, str] = {
    MeetingKind.COPIL: "COPIL",
    MeetingKind.WORKING_GROUP: "Groupe de travail",
    MeetingKind.PROJECT_TEAM: "Équipe projet",
}
DEFAULT_TITLES: dict[str, str] = {
    MeetingKind.COPIL: "COPIL du Contrat Local de Santé",
    MeetingKind.WORKING_GROUP: "Groupe de travail {themes}",
    MeetingKind.PROJECT_TEAM: "Équipe projet du CLS",
}
COPIL_THEME = "vie-du-cls"
_KIND_WORDS = {
    "copil": MeetingKind.COPIL,
    "comite de pilotage": MeetingKind.COPIL,
    "comite": MeetingKind.COPIL,
    "gt": MeetingKind.WORKING_GROUP,
    "groupe": MeetingKind.WORKING_GROUP,
    "groupe de travail": MeetingKind.WORKING_GROUP,
    "equipe": MeetingKind.PROJECT_TEAM,
    "equipe projet": MeetingKind.PROJECT_TEAM,
    "ep": MeetingKind.PROJECT_TEAM,
}
MAX_PARTICIPANTS = 10_000
MAX_AHEAD = timedelta(days=3 * 365)
# A meeting shown to its coordinator but never confirmed is forgotten after this long.
DRAFT_LIFETIME = timedelta(days=1)

PAST = "Cette date est déjà passée : choisissez une date à venir."
TOO_FAR = "Cette date est à plus de trois ans : vérifiez l'année."
NOT_FOUND_TEXT = "Je ne trouve pas de réunion n°{id}."
IS_CANCELLED_TEXT = "La réunion n°{id} est annulée."
ALREADY_HELD_TEXT = "La réunion n°{id} a déjà eu lieu."
NOT_HELD_YET_TEXT = (
    "La réunion n°{id} n'a pas encore eu lieu : le nombre de participants se note après."
)
BAD_PARTICIPANTS = "Le nombre de participants doit être un nombre entier entre 0 et 10 000."
NOT_A_DRAFT_TEXT = "La réunion n°{id} n'est plus en attente de confirmation."
DRAFT_GONE = (
    "Cette réunion n'a pas été confirmée à temps (un brouillon est effacé au bout de 24 h) : "
    "recommencez avec /reunion."
)
DUPLICATE_TEXT = (
    "Une réunion {kind} est déjà programmée à ce moment : n°{id} « {title} », {when}{place}."
)
NOT_INVITED = "Ce bouton de réponse ne correspond à aucune invitation reçue ici."
NOTHING_CHANGED = "Indiquez une nouvelle date, une nouvelle heure ou un nouveau lieu."
CHANGED_SINCE_TEXT = (
    "La réunion n°{id} a été modifiée entre-temps : tapez /reunion {id} pour la voir telle "
    "qu'elle est."
)
AUDIT_TEXT = "n°{id} « {title} » du {when} : {what}"
SCHEDULED_WORD, CHANGED_WORD, CANCELLED_WORD = "programmée", "modifiée", "annulée"


class MeetingError(ValueError):
    """A request that cannot be done as asked; the message (French) says why."""


class DuplicateMeeting(MeetingError):
    """A meeting of the same kind is already scheduled at that time: `existing`. Scheduling a
    meeting there, or moving one there, anyway takes the coordinator's explicit word
    (`allow_duplicate`)."""

    def __init__(self, existing: "MeetingInfo", zone: tzinfo) -> None:
        place = f", {existing.place}" if existing.place else ""
        super().__init__(
            DUPLICATE_TEXT.format(
                kind=existing.kind_label,
                id=existing.id,
                title=existing.title,
                when=existing.when(zone),
                place=place,
            )
        )
        self.existing = existing


@dataclass(frozen=True)
class MeetingInfo:
    """A meeting as listings show it."""

    id: int
    kind: str
    title: str
    starts_at: datetime  # UTC
    place: str
    themes: tuple[str, ...]
    status: str
    participants: int | None
    rsvps: Counter[str] = field(default_factory=Counter)
    notices: tuple[tuple[str, datetime, str], ...] = ()  # (label, due time, state)
    public: bool = False  # on the web site's agenda
    sequence: int = 0  # how many times it was changed (or cancelled)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    def when(self, zone: tzinfo) -> str:
        return long_datetime(self.starts_at, zone)


def parse_kind(text: str) -> str | None:
    return _KIND_WORDS.get(" ".join(fold(text).replace("-", " ").split()))


def default_title(kind: str, themes: Sequence[str], catalogue: ThemeCatalogue) -> str:
    labels = ", ".join(catalogue.label(t) for t in themes if t != COPIL_THEME)
    return DEFAULT_TITLES[kind].format(themes=labels or "du CLS").strip()


def meeting_themes(kind: str, themes: Sequence[str]) -> tuple[str, ...]:
    """Invitees: a COPIL invites the `vie-du-cls` subscribers (and those of its themes); a
    working group or project team, the subscribers of its themes (`vie-du-cls` without any)."""
    chosen = [t for t in themes if t != ALL_THEMES]
    if kind == MeetingKind.COPIL or not chosen:
        chosen.insert(0, COPIL_THEME)
    return tuple(dict.fromkeys(chosen))


def _info(
    meeting: Meeting, rsvps: Counter[str] | None = None, notices: Sequence[object] = ()
) -> MeetingInfo:
    assert meeting.id is not None
    return MeetingInfo(
        id=meeting.id,
        kind=meeting.kind,
        title=meeting.title,
        starts_at=as_utc(meeting.starts_at),
        place=meeting.place,
        themes=meeting.theme_slugs,
        status=meeting.status,
        participants=meeting.participants,
        rsvps=rsvps or Counter(),
        notices=tuple(notices),  # type: ignore[arg-type]
        public=meeting.public,
        sequence=meeting.sequence,
    )


Listener = Callable[[], Awaitable[None]]


class MeetingChanges:
    """Who hears that meetings were scheduled or changed: the scheduler rebuilds its jobs."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    async def announce(self) -> None:
        for listener in list(self._listeners):
            await listener()


class Meetings:
    """The meetings service, used by chat commands, the command line and the scheduler."""

    def __init__(
        self,
        db: Database,
        catalogue: ThemeCatalogue,
        settings: Settings,
        notices: Notices,
        changes: MeetingChanges,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db = db
        self.catalogue = catalogue
        self.settings = settings
        self.notices = notices
        self.changes = changes
        self.clock = clock
        self.policy = ReminderPolicy.from_settings(settings)

    async def schedule(
        self,
        kind: str,
        starts_at: datetime,
        place: str = "",
        themes: Sequence[str] = (),
        title: str = "",
        invite: bool = True,
        allow_duplicate: bool = False,
        public: bool = False,
        by: UserRef | None = None,
    ) -> MeetingInfo:
        """Schedule a meeting: its invitation goes now (unless `invite` is False), its
        reminders at their time. Refused (`DuplicateMeeting`) when one of the same kind is
        scheduled at the same time, unless `allow_duplicate`. A `public` one is on the web
        site's agenda."""
        meeting = self._new(kind, starts_at, place, themes, title, MeetingState.SCHEDULED)
        meeting.public = public
        async with self.db.write() as session:
            if not allow_duplicate:
                await self._check_unique(session, meeting.kind, meeting.starts_at)
            await store.add(session, meeting)
            await self._plan(session, meeting, INVITE if invite else None)
            await self._audit(session, by, meeting, SCHEDULED_WORD)
        await self._changed()
        return _info(meeting)

    async def draft(
        self, kind: str, starts_at: datetime, place: str, themes: Sequence[str], title: str = ""
    ) -> MeetingInfo:
        """A meeting shown to its coordinator before anyone is invited (`confirm`)."""
        meeting = self._new(kind, starts_at, place, themes, title, MeetingState.DRAFT)
        async with self.db.write() as session:
            await store.add(session, meeting)
        return _info(meeting)

    async def confirm(
        self, meeting_id: int, by: UserRef | None, allow_duplicate: bool = False
    ) -> MeetingInfo:
        now = self.clock()
        async with self.db.write() as session:
            meeting = await store.get(session, meeting_id, for_update=True)
            if meeting is None:
                raise MeetingError(DRAFT_GONE)
            if meeting.status != MeetingState.DRAFT:
                raise MeetingError(NOT_A_DRAFT_TEXT.format(id=meeting_id))
            self._check_future(meeting.starts_at, now)
            if not allow_duplicate:
                await self._check_unique(session, meeting.kind, meeting.starts_at, meeting.id)
            meeting.status, meeting.updated_at = MeetingState.SCHEDULED, now
            await self._plan(session, meeting, INVITE)
            await self._audit(session, by, meeting, SCHEDULED_WORD)
        await self._changed()
        return _info(meeting)

    async def discard(self, meeting_id: int) -> None:
        async with self.db.write() as session:
            meeting = await store.get(session, meeting_id, for_update=True)
            if meeting is None or meeting.status != MeetingState.DRAFT:
                raise MeetingError(NOT_A_DRAFT_TEXT.format(id=meeting_id))
            meeting.status = MeetingState.DISCARDED

    async def forget_stale_drafts(self) -> int:
        """Delete the drafts nobody confirmed (and those discarded) after DRAFT_LIFETIME."""
        async with self.db.write() as session:
            return await store.delete_drafts(session, self.clock() - DRAFT_LIFETIME)

    def _new(
        self,
        kind: str,
        starts_at: datetime,
        place: str,
        themes: Sequence[str],
        title: str,
        status: str,
    ) -> Meeting:
        now = self.clock()
        self._check_future(starts_at, now)
        invited = meeting_themes(kind, themes)
        return Meeting(
            kind=kind,
            title=(title.strip() or default_title(kind, invited, self.catalogue))[:300],
            starts_at=as_utc(starts_at),
            place=place.strip()[:300],
            themes=",".join(invited),
            status=status,
            created_at=now,
            updated_at=now,
        )

    async def _audit(
        self, session: AsyncSession, by: UserRef | None, meeting: Meeting, what: str
    ) -> None:
        when = long_datetime(meeting.starts_at, self.settings.zone)
        detail = AUDIT_TEXT.format(id=meeting.id, title=meeting.title, when=when, what=what)
        await audit.record(session, by, AuditAction.MEETING, detail, self.clock())

    async def _plan(self, session: AsyncSession, meeting: Meeting, opening: str | None) -> None:
        plan = reminders.plan_notices(as_utc(meeting.starts_at), self.policy, self.clock(), opening)
        await store.add_notices(session, meeting, plan)

    async def reschedule(
        self,
        meeting_id: int,
        starts_at: datetime | None,
        place: str | None,
        by: UserRef | None,
        allow_duplicate: bool = False,
        sequence: int | None = None,
    ) -> MeetingInfo:
        """Move a meeting, or change its place; its invitees are told. Moving it onto the time
        of another meeting of its kind is refused (`DuplicateMeeting`) as scheduling one there
        is, unless `allow_duplicate`; its own time is no duplicate. With `sequence` (the meeting
        as the coordinator saw it), a meeting changed since is left as it is."""
        if starts_at is None and place is None:
            raise MeetingError(NOTHING_CHANGED)
        now = self.clock()
        if starts_at is not None:
            self._check_future(starts_at, now)
        async with self.db.write() as session:
            meeting = await self._open_meeting(session, meeting_id, now)
            if sequence is not None and meeting.sequence != sequence:
                raise MeetingError(CHANGED_SINCE_TEXT.format(id=meeting_id))
            moving = starts_at is not None and as_utc(starts_at) != as_utc(meeting.starts_at)
            if starts_at is not None and moving and not allow_duplicate:  # its own time is free
                await self._check_unique(session, meeting.kind, starts_at, meeting.id)
            if starts_at is not None:
                meeting.starts_at = as_utc(starts_at)
            if place is not None:
                meeting.place = place.strip()[:300]
            meeting.sequence += 1
            meeting.updated_at = now
            await store.withdraw_pending(session, meeting_id)
            await self._plan(session, meeting, CHANGE)
            await self._audit(session, by, meeting, CHANGED_WORD)
        await self._changed()
        return _info(meeting)

    async def cancel(self, meeting_id: int, by: UserRef | None) -> MeetingInfo:
        now = self.clock()
        async with self.db.write() as session:
            meeting = await self._open_meeting(session, meeting_id, now)
            meeting.status = MeetingState.CANCELLED
            meeting.sequence += 1
            meeting.updated_at = now
            await store.withdraw_pending(session, meeting_id)
            await store.add_notices(session, meeting, [(CANCEL, now, NoticeState.PENDING)])
            await self._audit(session, by, meeting, CANCELLED_WORD)
        await self._changed()
        return _info(meeting)

    async def set_public(self, meeting_id: int, public: bool) -> MeetingInfo:
        """Show a meeting on the web site's agenda, or take it off."""
        now = self.clock()
        async with self.db.write() as session:
            meeting = await self._open_meeting(session, meeting_id, now)
            meeting.public = public
            meeting.updated_at = now
        return _info(meeting)

    async def record_participants(self, meeting_id: int, count: int) -> MeetingInfo:
        if not 0 <= count <= MAX_PARTICIPANTS:
            raise MeetingError(BAD_PARTICIPANTS)
        async with self.db.write() as session:
            meeting = await store.get(session, meeting_id, for_update=True)
            if meeting is None:
                raise MeetingError(NOT_FOUND_TEXT.format(id=meeting_id))
            if meeting.status == MeetingState.CANCELLED:
                raise MeetingError(IS_CANCELLED_TEXT.format(id=meeting_id))
            if as_utc(meeting.starts_at) > self.clock():
                raise MeetingError(NOT_HELD_YET_TEXT.format(id=meeting_id))
            meeting.participants = count
            meeting.updated_at = self.clock()
        return _info(meeting)

    async def answer(
        self, meeting_id: int, user: UserRef, answer: str, chat: ChatRef
    ) -> tuple[MeetingInfo, bool]:
        """Record a partner's answer, pressed in `chat`; returns the meeting and whether it
        changed an answer. Only a chat the meeting's invitation or reminders reached may answer."""
        now = self.clock()
        async with self.db.write() as session:
            if not await store.was_invited(session, meeting_id, chat.platform.value, chat.address):
                raise MeetingError(NOT_INVITED)
            meeting = await self._open_meeting(session, meeting_id, now, lock=False)
            previous = await store.set_rsvp(
                session, meeting_id, user.platform.value, user.user_id, answer, now
            )
        return _info(meeting), previous is not None and previous != answer

    async def info(self, meeting_id: int) -> MeetingInfo | None:
        async with self.db.read() as session:
            meeting = await store.get(session, meeting_id)
            if meeting is None:
                return None
            counts = await store.rsvp_counts(session, [meeting_id])
            notices = [
                (n.label, as_utc(n.due_at), n.state)
                for n in await store.notice_states(session, meeting_id)
                if n.sequence == meeting.sequence
            ]
        return _info(meeting, counts[meeting_id], notices)

    async def coming(self, limit: int = 10) -> list[MeetingInfo]:
        async with self.db.read() as session:
            found = await store.coming(session, self.clock(), limit)
            counts = await store.rsvp_counts(session, [m.id for m in found if m.id is not None])
        return [_info(m, counts[m.id]) for m in found if m.id is not None]

    async def listing(self, include_past: bool) -> list[MeetingInfo]:
        since = None if include_past else self.clock() - timedelta(days=31)
        async with self.db.read() as session:
            found = await store.listing(session, since)
            ids = [m.id for m in found if m.id is not None]
            counts = await store.rsvp_counts(session, ids)
            result = []
            for meeting in found:
                assert meeting.id is not None
                notices = [
                    (n.label, as_utc(n.due_at), n.state)
                    for n in await store.notice_states(session, meeting.id)
                    if n.sequence == meeting.sequence
                ]
                result.append(_info(meeting, counts[meeting.id], notices))
        return result

    async def coming_events(self, limit: int = 10) -> list[Announcement]:
        today = self.clock().astimezone(self.settings.zone).date()
        sources = (
            AnnouncementSource.COORDINATOR,
            AnnouncementSource.PROPOSAL,
            AnnouncementSource.FEED,
        )
        async with self.db.read() as session:
            return await store.coming_events(session, today, sources, limit)

    async def invitee_counts(self, themes: Sequence[str]) -> Counter[str]:
        """How many chats a meeting on these themes invites, per platform."""
        async with self.db.read() as session:
            return await outbox.count_recipients(session, themes)

    async def recent_places(self, limit: int = 3) -> list[tuple[int, str]]:
        async with self.db.read() as session:
            return await store.recent_places(session, limit)

    async def send_due(self) -> list[int]:
        """Queue the notices whose time has come; the scheduler calls this at each due time."""
        queued = await reminders.send_due(self.db, self.settings, self.policy, self.clock)
        if queued:
            self.notices.wake()
        return queued

    async def _open_meeting(
        self, session: AsyncSession, meeting_id: int, now: datetime, lock: bool = True
    ) -> Meeting:
        meeting = await store.get(session, meeting_id, for_update=lock)
        if meeting is None:
            raise MeetingError(NOT_FOUND_TEXT.format(id=meeting_id))
        if meeting.status != MeetingState.SCHEDULED:
            raise MeetingError(IS_CANCELLED_TEXT.format(id=meeting_id))
        if as_utc(meeting.starts_at) <= now:
            raise MeetingError(ALREADY_HELD_TEXT.format(id=meeting_id))
        return meeting

    async def _check_unique(
        self, session: AsyncSession, kind: str, starts_at: datetime, other_than: int | None = None
    ) -> None:
        """Refuse (`DuplicateMeeting`) a time when another meeting of this kind is scheduled."""
        existing = await store.scheduled_at(session, kind, as_utc(starts_at), other_than)
        if existing is not None:
            raise DuplicateMeeting(_info(existing), self.settings.zone)

    def _check_future(self, starts_at: datetime, now: datetime) -> None:
        if as_utc(starts_at) <= now:
            raise MeetingError(PAST)
        if as_utc(starts_at) - now > MAX_AHEAD:
            raise MeetingError(TOO_FAR)

    async def _changed(self) -> None:
        queued = await reminders.send_due(self.db, self.settings, self.policy, self.clock)
        await self.changes.announce()
        # Woken last, so that the caller's own answer ("C'est fait…") is shown before the
        # invitation it announces.
        if queued:
            self.notices.wake()
