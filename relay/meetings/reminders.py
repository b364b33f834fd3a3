"""Meeting notices: the invitation, the reminders (J-7, J-1, H-2…), changes and cancellations.

Every notice is a row of `meeting_notices`, unique per (meeting, sequence, label). `send_due`
marks due notices sent in the same transaction that queues their announcement in the delivery
outbox, so a notice goes once, whatever restarts or second processes happen. Reminders missed
for longer than the grace (relay was down) are skipped, and of several reminders missed for one
meeting only the latest goes.
"""

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from relay.delivery.notices import ViewSource
from relay.durations import Offset, parse_offset, parse_offsets
from relay.french_dates import as_utc, delay_label, long_datetime
from relay.meetings.ical import Organizer, meeting_ics
from relay.messages import AnnouncementKind, AnnouncementView, Attachment, Button
from relay.settings import Settings
from relay.states import AnnouncementSource, AnnouncementState, MeetingState, NoticeState, Rsvp
from relay.store import announcements as announcement_store
from relay.store import meetings as store
from relay.store.db import Database
from relay.store.models import Announcement, utcnow
from relay.store.models_schedule import CANCEL, CHANGE, INVITE, Meeting, MeetingNotice

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]

RSVP_ACTION = "rsvp:"

INVITE_TITLE_TEXT = "Invitation : {title}"
REMINDER_TITLE_TEXT = "Rappel : {title}, {delay}"
CHANGE_TITLE_TEXT = "Réunion modifiée : {title}"
CANCEL_TITLE_TEXT = "Réunion annulée : {title}"
WHEN_TEXT = "📅 {when}"
WHERE_TEXT = "📍 {place}"
CHANGED = "La date ou le lieu de cette réunion ont changé. Voici les informations à jour :"
CANCELLED_TEXT = "La réunion « {title} » prévue le {when} est annulée."
ASK_ANSWER = "Vous venez ? Répondez avec les boutons ci-dessous (vous pourrez changer d'avis)."
ICS_HINT = "Le fichier joint ajoute la réunion à votre agenda."
BUTTON_LABELS = {Rsvp.YES: "Je viens", Rsvp.MAYBE: "Peut-être", Rsvp.NO: "Je ne viens pas"}
ICS_DESCRIPTION = "Réunion du Contrat Local de Santé. Répondez aux invitations dans le chat."


@dataclass(frozen=True)
class ReminderPolicy:
    """When reminders go (before the meeting), and how late a missed one may still go."""

    offsets: tuple[Offset, ...]
    grace: timedelta = timedelta(hours=1)

    @classmethod
    def from_settings(cls, settings: Settings) -> "ReminderPolicy":
        return cls(parse_offsets(settings.reminders), parse_offset(settings.reminder_grace).delta)


def is_reminder(label: str) -> bool:
    return label not in (INVITE, CHANGE, CANCEL)


def plan_notices(
    starts_at: datetime, policy: ReminderPolicy, now: datetime, opening: str | None
) -> list[tuple[str, datetime, str]]:
    """The notices of a meeting just scheduled or changed: (label, due time, state).

    `opening` (an invitation, a change notice) goes now; reminders whose time has already passed,
    or that would follow it too closely (within a quarter of their offset), are recorded as
    skipped: the opening notice says the same thing.
    """
    notices: list[tuple[str, datetime, str]] = (
        [(opening, now, NoticeState.PENDING)] if opening else []
    )
    for offset in policy.offsets:
        due = starts_at - offset.delta
        soon = now + offset.delta / 4 if opening else now
        notices.append(
            (offset.label, due, NoticeState.PENDING if due > soon else NoticeState.SKIPPED)
        )
    return notices


def rsvp_buttons(meeting_id: int) -> tuple[tuple[Button, ...], ...]:
    return (
        tuple(
            Button(BUTTON_LABELS[answer], f"{RSVP_ACTION}{meeting_id}:{answer}")
            for answer in (Rsvp.YES, Rsvp.MAYBE, Rsvp.NO)
        ),
    )


def meeting_attachment(meeting: Meeting, organizer: Organizer) -> Attachment:
    assert meeting.id is not None
    return meeting_ics(
        meeting.id,
        meeting.title,
        as_utc(meeting.starts_at),
        timedelta(minutes=meeting.duration_minutes),
        meeting.place,
        ICS_DESCRIPTION,
        meeting.sequence,
        organizer,
        cancelled=meeting.status == MeetingState.CANCELLED,
        stamp=as_utc(meeting.updated_at),
    )


def notice_text(meeting: Meeting, label: str, settings: Settings) -> tuple[str, str]:
    """The (title, text) partners read for one notice."""
    when = long_datetime(meeting.starts_at, settings.zone)
    if label == CANCEL:
        return (
            CANCEL_TITLE_TEXT.format(title=meeting.title),
            CANCELLED_TEXT.format(title=meeting.title, when=when),
        )
    details = [WHEN_TEXT.format(when=when)]
    if meeting.place:
        details.append(WHERE_TEXT.format(place=meeting.place))
    paragraphs = ["\n".join(details), ASK_ANSWER, ICS_HINT]
    if label == INVITE:
        title = INVITE_TITLE_TEXT.format(title=meeting.title)
    elif label == CHANGE:
        title = CHANGE_TITLE_TEXT.format(title=meeting.title)
        paragraphs.insert(0, CHANGED)
    else:
        delay = delay_label(parse_offset(label).delta)
        title = REMINDER_TITLE_TEXT.format(title=meeting.title, delay=delay)
    return title[:300], "\n\n".join(paragraphs)


def invitee_themes(meeting: Meeting) -> tuple[str, ...]:
    """Who receives a meeting's notices: the subscribers of these themes (and of `tout`)."""
    return meeting.theme_slugs or ("vie-du-cls",)


async def _queue_notice(
    session: AsyncSession, notice: MeetingNotice, meeting: Meeting, settings: Settings
) -> int:
    title, text = notice_text(meeting, notice.label, settings)
    announcement = Announcement(
        kind=AnnouncementKind.EVENT.value,
        title=title,
        text=text,
        source=AnnouncementSource.MEETING,
        status=AnnouncementState.QUEUED,
    )
    announcement_id = await announcement_store.add(session, announcement, invitee_themes(meeting))
    await announcement_store.queue(session, announcement)
    return announcement_id


def _should_send(
    notice: MeetingNotice,
    meeting: Meeting,
    now: datetime,
    latest_reminder: MeetingNotice | None,
    opening_sent: bool,
    grace: timedelta,
) -> bool:
    if notice.sequence != meeting.sequence or as_utc(meeting.starts_at) <= now:
        return False
    if meeting.status == MeetingState.CANCELLED:
        return notice.label == CANCEL
    if not is_reminder(notice.label):
        return True
    late = now - as_utc(notice.due_at)
    return notice is latest_reminder and late <= grace and not opening_sent


async def send_due(
    db: Database, settings: Settings, policy: ReminderPolicy, clock: Clock = utcnow
) -> list[int]:
    """Queue every notice whose time has come; returns the new announcements' numbers."""
    now = clock()
    queued: list[int] = []
    async with db.write() as session:
        due = await store.due_notices(session, now)
        by_meeting: dict[int, list[tuple[MeetingNotice, Meeting]]] = {}
        for notice, meeting in due:
            by_meeting.setdefault(notice.meeting_id, []).append((notice, meeting))
        for rows in by_meeting.values():
            reminders = [n for n, _ in rows if is_reminder(n.label)]
            latest = max(reminders, key=lambda n: as_utc(n.due_at)) if reminders else None
            opening_sent = False
            for notice, meeting in sorted(rows, key=lambda r: is_reminder(r[0].label)):
                if _should_send(notice, meeting, now, latest, opening_sent, policy.grace):
                    notice.announcement_id = await _queue_notice(session, notice, meeting, settings)
                    notice.state, notice.sent_at = NoticeState.SENT, now
                    queued.append(notice.announcement_id)
                    opening_sent = opening_sent or not is_reminder(notice.label)
                else:
                    notice.state = NoticeState.SKIPPED
                    log.info("notice %s of meeting %s skipped", notice.label, meeting.id)
    return queued


class NoticeViews:
    """The delivery engine's view source: announcements as usual, and for meeting notices the
    RSVP buttons and the .ics file on top."""

    def __init__(self, db: Database, base: ViewSource, organizer: Organizer) -> None:
        self._db = db
        self._base = base
        self._organizer = organizer

    async def __call__(self, ids: Sequence[int]) -> dict[int, AnnouncementView]:
        views = await self._base(ids)
        async with self._db.read() as session:
            notices = await store.notices_for_announcements(session, list(views))
        for announcement_id, (notice, meeting) in notices.items():
            assert meeting.id is not None
            buttons = () if notice.label == CANCEL else rsvp_buttons(meeting.id)
            attachment = meeting_attachment(meeting, self._organizer)
            views[announcement_id] = replace(
                views[announcement_id], buttons=buttons, attachment=attachment
            )
        return views
