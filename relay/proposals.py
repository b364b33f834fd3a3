"""Proposals as the coordinator pages list them: those awaiting a decision, with what the
coordinators decide on (text, who, when, suggested themes, file), and the latest decisions."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from relay.attachments import describe
from relay.french_dates import as_utc
from relay.states import AnnouncementSource, AnnouncementState
from relay.store import announcements as store
from relay.store import attachments as attachment_store
from relay.store.db import Database
from relay.store.models import Announcement

PARTNER = "un partenaire"
DECIDED_SHOWN = 20
RELAYED_STATES = (AnnouncementState.QUEUED, AnnouncementState.SCHEDULED)


@dataclass(frozen=True)
class Proposal:
    """A proposal awaiting a decision, or decided."""

    id: int
    title: str
    text: str  # as the partner typed it, line breaks kept
    link: str | None
    source: str  # who proposed it: a feed's name, or « un partenaire »
    proposed_at: datetime  # UTC
    themes: tuple[str, ...]  # suggested while it waits; chosen once relayed
    attachment: str | None  # the file's name, kind and size
    status: str
    reason: str | None  # why it was refused, if the coordinator said
    relayed_at: datetime | None  # UTC; a refusal's moment is not kept

    @property
    def pending(self) -> bool:
        return self.status == AnnouncementState.PROPOSED

    @property
    def relayed(self) -> bool:
        return self.status in RELAYED_STATES


def is_moderated(announcement: Announcement) -> bool:
    """Whether an announcement awaits, or went through, the coordinators' decision."""
    status = announcement.status
    if status in (AnnouncementState.PROPOSED, AnnouncementState.REJECTED):
        return True
    return announcement.source == AnnouncementSource.PROPOSAL and status in RELAYED_STATES


async def waiting(db: Database) -> list[Proposal]:
    """The proposals awaiting a decision, oldest first."""
    async with db.read() as session:
        return await _proposals(session, await store.pending_proposals(session))


async def decided(db: Database, limit: int = DECIDED_SHOWN) -> list[Proposal]:
    """The latest decisions, newest first."""
    async with db.read() as session:
        return await _proposals(session, await store.decided_proposals(session, limit))


async def find(db: Database, announcement_id: int) -> Proposal | None:
    """A proposal, awaiting a decision or decided; None for any other number."""
    async with db.read() as session:
        announcement = await store.get(session, announcement_id)
        if announcement is None or not is_moderated(announcement):
            return None
        (found,) = await _proposals(session, [announcement])
        return found


async def _proposals(
    session: AsyncSession, announcements: Sequence[Announcement]
) -> list[Proposal]:
    files = await attachment_store.get_many(session, (a.attachment_id for a in announcements))
    result = []
    for announcement in announcements:
        assert announcement.id is not None
        themes = tuple(await store.themes_of(session, announcement.id))
        attachment = files.get(announcement.attachment_id or 0)
        result.append(_proposal(announcement, themes, describe(attachment) if attachment else None))
    return result


def _proposal(announcement: Announcement, themes: tuple[str, ...], file: str | None) -> Proposal:
    assert announcement.id is not None
    return Proposal(
        id=announcement.id,
        title=announcement.title,
        text=announcement.text,
        link=announcement.link,
        source=announcement.source_name or PARTNER,
        proposed_at=as_utc(announcement.created_at),
        themes=themes,
        attachment=file,
        status=announcement.status,
        reason=announcement.decision_reason,
        relayed_at=as_utc(announcement.queued_at) if announcement.queued_at else None,
    )
