"""Revisions of a broadcast already sent: its withdrawal or correction in every chat it reached,
written to the outbox like its send (relay/store/outbox.py)."""

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import and_, delete, exists, func, literal, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from relay.states import AnnouncementSource, AnnouncementState, DeliveryState
from relay.store.dialect import is_postgresql
from relay.store.models import Announcement, Delivery, utcnow
from relay.store.models_revisions import AnnouncementChange
from relay.store.outbox import UNFINISHED_STATES

_deliveries = Delivery.__table__  # type: ignore[attr-defined]
# The send of a chat whose messages a revision must change: delivered, on its way, or
# delivered in part (a long text whose next part waits for a retry).
_REACHED = and_(
    _deliveries.c.revision == 0,
    _deliveries.c.subscriber_id.is_not(None),
    or_(
        _deliveries.c.status.in_([DeliveryState.SENT, DeliveryState.SENDING]),
        and_(_deliveries.c.status == DeliveryState.PENDING, _deliveries.c.parts_sent > 0),
    ),
)
_NOT_LEFT = and_(
    _deliveries.c.revision == 0,
    _deliveries.c.status == DeliveryState.PENDING,
    _deliveries.c.parts_sent == 0,
)
WITHDRAWN_MID_SEND = "diffusion retirée avant la fin de l'envoi"


@dataclass(frozen=True)
class Reach:
    """Where a broadcast's send stands: chats it reached (or is reaching) per platform, and
    sends that have not left yet."""

    reached: Counter[str]
    waiting: int

    @property
    def total(self) -> int:
        return sum(self.reached.values())


async def reach(session: AsyncSession, announcement_id: int) -> Reach:
    mine = _deliveries.c.announcement_id == announcement_id
    reached = select(_deliveries.c.platform, func.count()).where(mine, _REACHED)
    rows = (await session.execute(reached.group_by(_deliveries.c.platform))).all()
    waiting = select(func.count()).where(mine, _NOT_LEFT)
    return Reach(Counter(dict(rows)), int((await session.execute(waiting)).scalar_one()))


async def add_change(
    session: AsyncSession, announcement: Announcement, change: AnnouncementChange
) -> int:
    """Record a revision of the announcement and queue its row for every chat the send
    reached; returns how many. A revision without any row is summarised at once: nothing to
    report."""
    assert announcement.id is not None
    announcement.revision += 1
    change.announcement_id = announcement.id
    change.revision = announcement.revision
    session.add(change)
    source = select(
        _deliveries.c.announcement_id,
        _deliveries.c.subscriber_id,
        _deliveries.c.platform,
        literal(DeliveryState.PENDING.value),
        literal(0),
        literal(utcnow(), type_=_deliveries.c.next_attempt_at.type),
        literal(change.operation),
        literal(change.revision),
    ).where(_deliveries.c.announcement_id == announcement.id, _REACHED)
    columns = ["announcement_id", "subscriber_id", "platform", "status", "attempts"]
    columns += ["next_attempt_at", "operation", "revision"]
    result = await session.execute(_deliveries.insert().from_select(columns, source))
    queued = int(getattr(result, "rowcount", 0) or 0)
    if not queued:
        change.summarised_at = utcnow()
    await session.flush()
    return queued


async def cancel_unsent(session: AsyncSession, announcement_id: int) -> None:
    """A withdrawn broadcast sends nothing more: sends that have not left are removed, and a
    long text delivered in part stops there (its parts are withdrawn with the rest)."""
    mine = _deliveries.c.announcement_id == announcement_id
    await session.execute(delete(_deliveries).where(mine, _NOT_LEFT))
    await session.execute(
        update(_deliveries)
        .where(
            mine,
            _deliveries.c.revision == 0,
            _deliveries.c.status == DeliveryState.PENDING,
        )
        .values(status=DeliveryState.FAILED, last_error=WITHDRAWN_MID_SEND, lease_until=None)
    )


async def claim_finished_changes(
    session: AsyncSession,
) -> list[tuple[AnnouncementChange, Announcement]]:
    """Revisions whose rows are all final and whose summary nobody sent yet, marked summarised
    in the caller's transaction, so that exactly one process sends each summary."""
    unfinished = exists().where(
        _deliveries.c.announcement_id == col(AnnouncementChange.announcement_id),
        _deliveries.c.revision == col(AnnouncementChange.revision),
        _deliveries.c.status.in_(UNFINISHED_STATES),
    )
    query = select(AnnouncementChange).where(
        col(AnnouncementChange.summarised_at).is_(None), ~unfinished
    )
    if is_postgresql(session):
        query = query.with_for_update(skip_locked=True)
    changes = list((await session.execute(query)).scalars())
    finished = []
    for change in changes:
        change.summarised_at = utcnow()
        announcement = await session.get(Announcement, change.announcement_id)
        if announcement is not None:
            finished.append((change, announcement))
    return finished


async def latest_broadcast(session: AsyncSession, author: str) -> Announcement | None:
    """The author's latest broadcast sent and still in place."""
    query = (
        select(Announcement)
        .where(
            col(Announcement.author) == author,
            col(Announcement.source) == AnnouncementSource.COORDINATOR,
            col(Announcement.status) == AnnouncementState.QUEUED,
            col(Announcement.withdrawn_at).is_(None),
        )
        .order_by(col(Announcement.queued_at).desc(), col(Announcement.id).desc())
        .limit(1)
    )
    return (await session.execute(query)).scalars().first()


async def forget_author(session: AsyncSession, author: str) -> None:
    """/oublier: the revisions stay, without who asked for them and where they heard back."""
    await session.execute(
        update(AnnouncementChange)
        .where(col(AnnouncementChange.author) == author)
        .values(author=None, origin_platform=None, origin_address=None)
    )
