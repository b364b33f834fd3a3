"""The delivery outbox: writing one row per recipient, claiming due rows, recording outcomes."""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, delete, exists, func, literal, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from relay.states import (
    FINAL_DELIVERY_STATES,
    AnnouncementState,
    DeliveryOperation,
    DeliveryState,
)
from relay.store.dialect import is_postgresql
from relay.store.models import (
    Announcement,
    Delivery,
    DirectNotice,
    Subscriber,
    Subscription,
    utcnow,
)
from relay.themes import ALL_THEMES

_deliveries = Delivery.__table__  # type: ignore[attr-defined]
_announcements = Announcement.__table__  # type: ignore[attr-defined]
UNFINISHED_STATES = (DeliveryState.PENDING, DeliveryState.SENDING)
# An outcome, not a state: a withdrawal or correction found nothing of its announcement in the
# chat (the send, on its way when it was asked for, failed), so its row goes.
VOID = "void"


@dataclass(frozen=True)
class Claimed:
    """A delivery this process now owns until its lease ends."""

    delivery_id: int
    announcement_id: int | None  # an announcement's delivery,
    notice_id: int | None  # or a direct notice's
    subscriber_id: int | None
    address: str | None
    chat_kind: str
    attempts: int
    lease_until: datetime
    # Parts delivered by earlier attempts (a withdrawal or correction: messages already done).
    parts_sent: int = 0
    # A send: the platform's ids of those parts. A withdrawal or correction: the messages of
    # the announcement the chat shows, which it deletes or edits.
    message_ids: tuple[str, ...] = ()
    operation: str = DeliveryOperation.SEND
    revision: int = 0
    version: int = 0  # the announcement's revision when claimed: which text to render


@dataclass(frozen=True)
class Outcome:
    """What became of one claimed delivery."""

    delivery_id: int
    status: str
    message_id: str | None = None  # the platform's ids of the parts sent, comma-separated
    parts_sent: int = 0  # with a retry: the parts already delivered
    error: str | None = None
    retry_at: datetime | None = None
    counts_as_attempt: bool = True
    subscriber_id: int | None = None  # set when the chat is gone: deactivate it


def _recipients(themes: Iterable[str]) -> Any:
    wanted = [*themes, ALL_THEMES]
    return select(col(Subscriber.id), col(Subscriber.platform)).where(
        col(Subscriber.active),
        col(Subscriber.id).in_(
            select(col(Subscription.subscriber_id)).where(col(Subscription.theme).in_(wanted))
        ),
    )


async def count_recipients(session: AsyncSession, themes: Iterable[str]) -> Counter[str]:
    """How many chats would receive an announcement on those themes, per platform."""
    recipients = _recipients(themes).subquery()
    query = select(recipients.c.platform, func.count()).group_by(recipients.c.platform)
    return Counter({platform: n for platform, n in (await session.execute(query)).all()})


async def queue(session: AsyncSession, announcement_id: int, themes: Iterable[str]) -> int:
    """Write one pending delivery per subscribed, active chat; never two for the same chat."""
    recipients = _recipients(themes).subquery()
    now = utcnow()
    source = select(
        literal(announcement_id),
        recipients.c.id,
        recipients.c.platform,
        literal(DeliveryState.PENDING.value),
        literal(0),
        literal(now, type_=_deliveries.c.next_attempt_at.type),
    ).where(text("true"))  # SQLite needs a WHERE before ON CONFLICT in INSERT … SELECT
    columns = ["announcement_id", "subscriber_id", "platform", "status", "attempts"]
    dialect: Any
    if is_postgresql(session):
        from sqlalchemy.dialects import postgresql as dialect
    else:
        from sqlalchemy.dialects import sqlite as dialect
    statement = (
        dialect.insert(_deliveries)
        .from_select([*columns, "next_attempt_at"], source)
        .on_conflict_do_nothing(index_elements=["announcement_id", "subscriber_id", "revision"])
    )
    result = await session.execute(statement)
    return int(getattr(result, "rowcount", 0) or 0)


async def claim(
    session: AsyncSession, platform: str, limit: int, lease: timedelta
) -> list[Claimed]:
    """Take up to `limit` due deliveries for a platform, oldest first.

    Due means pending and past its next attempt time, or stuck in `sending` past its lease (the
    process that claimed it died); a withdrawal or correction besides waits until the rows
    before it in its chat are final. On PostgreSQL, rows another process is claiming are
    skipped (FOR UPDATE SKIP LOCKED); on SQLite the write transaction itself is exclusive.
    """
    now = utcnow()
    lease_until = now + lease
    due = (
        select(_deliveries.c.id)
        .where(
            _deliveries.c.platform == platform,
            or_(
                and_(
                    _deliveries.c.status == DeliveryState.PENDING,
                    _deliveries.c.next_attempt_at <= now,
                ),
                and_(
                    _deliveries.c.status == DeliveryState.SENDING, _deliveries.c.lease_until < now
                ),
            ),
            or_(_deliveries.c.revision == 0, ~_earlier_rows_unfinished()),
        )
        .order_by(_deliveries.c.id)
        .limit(limit)
    )
    if is_postgresql(session):
        due = due.with_for_update(skip_locked=True)
    claimed = (
        update(_deliveries)
        .where(_deliveries.c.id.in_(due.scalar_subquery()))
        .values(status=DeliveryState.SENDING, lease_until=lease_until)
        .returning(
            _deliveries.c.id,
            _deliveries.c.announcement_id,
            _deliveries.c.notice_id,
            _deliveries.c.subscriber_id,
            _deliveries.c.attempts,
            _deliveries.c.parts_sent,
            _deliveries.c.platform_message_id,
            _deliveries.c.operation,
            _deliveries.c.revision,
        )
    )
    rows = (await session.execute(claimed)).all()
    if not rows:
        return []
    chats = await _chats(session, rows)
    targets = await _targets(session, [r for r in rows if r.revision > 0])
    versions = await _versions(session, {r.announcement_id for r in rows} - {None})
    return [
        Claimed(
            delivery_id=row.id,
            announcement_id=row.announcement_id,
            notice_id=row.notice_id,
            subscriber_id=row.subscriber_id,
            address=chats[row.id][0],
            chat_kind=chats[row.id][1],
            attempts=row.attempts,
            lease_until=lease_until,
            parts_sent=row.parts_sent,
            message_ids=targets.get(row.id, _ids(row.platform_message_id)),
            operation=row.operation,
            revision=row.revision,
            version=versions.get(row.announcement_id, 0),
        )
        for row in sorted(rows, key=lambda r: r.id)
    ]


def _ids(text: str | None) -> tuple[str, ...]:
    return tuple(filter(None, (text or "").split(",")))


def _earlier_rows_unfinished() -> Any:
    """Whether a row of the same announcement and chat, of an earlier revision, is not final:
    a chat's withdrawal or correction waits for what comes before it there."""
    earlier = _deliveries.alias("earlier")
    return exists().where(
        earlier.c.announcement_id == _deliveries.c.announcement_id,
        earlier.c.subscriber_id == _deliveries.c.subscriber_id,
        earlier.c.revision < _deliveries.c.revision,
        earlier.c.status.in_(UNFINISHED_STATES),
    )


async def _targets(session: AsyncSession, rows: Sequence[Any]) -> dict[int, tuple[str, ...]]:
    """For withdrawals and corrections: the messages their chat shows, as the latest earlier
    row that changed something there left them."""
    if not rows:
        return {}
    query = select(
        _deliveries.c.announcement_id,
        _deliveries.c.subscriber_id,
        _deliveries.c.revision,
        _deliveries.c.platform_message_id,
    ).where(
        _deliveries.c.announcement_id.in_({r.announcement_id for r in rows}),
        _deliveries.c.subscriber_id.in_({r.subscriber_id for r in rows}),
        _deliveries.c.platform_message_id.is_not(None),
    )
    shown: dict[tuple[int, int], list[tuple[int, str]]] = {}
    for announcement_id, subscriber_id, revision, ids in (await session.execute(query)).all():
        shown.setdefault((announcement_id, subscriber_id), []).append((revision, ids))
    targets = {}
    for row in rows:
        earlier = shown.get((row.announcement_id, row.subscriber_id), [])
        latest = max((e for e in earlier if e[0] < row.revision), default=(0, ""))
        targets[row.id] = _ids(latest[1])
    return targets


async def _versions(session: AsyncSession, announcement_ids: set[int]) -> dict[int, int]:
    if not announcement_ids:
        return {}
    query = select(_announcements.c.id, _announcements.c.revision).where(
        _announcements.c.id.in_(announcement_ids)
    )
    return {i: revision for i, revision in (await session.execute(query)).all()}


async def _chats(session: AsyncSession, rows: Sequence[Any]) -> dict[int, tuple[str | None, str]]:
    """Where each claimed row goes: its subscriber's chat (None once inactive or forgotten), or
    its notice's."""
    subscriber_ids = [r.subscriber_id for r in rows if r.subscriber_id is not None]
    notice_ids = [r.notice_id for r in rows if r.notice_id is not None]
    subscribers = {
        s.id: (s.address, s.chat_kind, s.active)
        for s in (
            await session.execute(
                select(
                    col(Subscriber.id),
                    col(Subscriber.address),
                    col(Subscriber.chat_kind),
                    col(Subscriber.active),
                ).where(col(Subscriber.id).in_(subscriber_ids))
            )
        ).all()
    }
    notices = {}
    if notice_ids:  # rare: most claims are announcements only
        query = select(
            col(DirectNotice.id), col(DirectNotice.address), col(DirectNotice.chat_kind)
        ).where(col(DirectNotice.id).in_(notice_ids))
        notices = {n.id: (n.address, n.chat_kind) for n in (await session.execute(query)).all()}
    chats: dict[int, tuple[str | None, str]] = {}
    for row in rows:
        if row.notice_id is not None:
            chats[row.id] = notices.get(row.notice_id, (None, "private"))
        else:
            address, kind, active = subscribers.get(row.subscriber_id, (None, "private", False))
            chats[row.id] = (address if active else None, kind)
    return chats


async def record(session: AsyncSession, outcomes: Sequence[Outcome]) -> None:
    """Write what happened to claimed deliveries, in one statement per kind of outcome."""
    now = utcnow()
    finished = [o for o in outcomes if o.status in FINAL_DELIVERY_STATES]
    retried = [o for o in outcomes if o.status == DeliveryState.PENDING]
    void = [o.delivery_id for o in outcomes if o.status == VOID]
    if void:
        await session.execute(delete(_deliveries).where(_deliveries.c.id.in_(void)))
    if finished:
        statement = (
            update(_deliveries)
            .where(_deliveries.c.id == bindparam("b_id"))
            .values(
                status=bindparam("b_status"),
                platform_message_id=bindparam("b_message"),
                last_error=bindparam("b_error"),
                sent_at=bindparam("b_sent_at"),
                lease_until=None,
                attempts=_deliveries.c.attempts + 1,
            )
        )
        await session.execute(
            statement,
            [
                {
                    "b_id": o.delivery_id,
                    "b_status": o.status,
                    "b_message": o.message_id,
                    "b_error": (o.error or "")[:500] or None,
                    "b_sent_at": now if o.status == DeliveryState.SENT else None,
                }
                for o in finished
            ],
        )
    if retried:
        statement = (
            update(_deliveries)
            .where(_deliveries.c.id == bindparam("b_id"))
            .values(
                status=DeliveryState.PENDING,
                next_attempt_at=bindparam("b_retry_at"),
                last_error=bindparam("b_error"),
                lease_until=None,
                attempts=_deliveries.c.attempts + bindparam("b_increment"),
                parts_sent=bindparam("b_parts"),
                platform_message_id=bindparam("b_message"),
            )
        )
        await session.execute(
            statement,
            [
                {
                    "b_id": o.delivery_id,
                    "b_retry_at": o.retry_at or now,
                    "b_error": (o.error or "")[:500] or None,
                    "b_increment": 1 if o.counts_as_attempt else 0,
                    "b_parts": o.parts_sent,
                    "b_message": o.message_id,
                }
                for o in retried
            ],
        )


async def release(session: AsyncSession, delivery_ids: Sequence[int]) -> None:
    """Give claimed deliveries back, untouched, for whoever claims next (at shutdown)."""
    if delivery_ids:
        await session.execute(
            update(_deliveries)
            .where(
                _deliveries.c.id.in_(list(delivery_ids)),
                _deliveries.c.status == DeliveryState.SENDING,
            )
            .values(status=DeliveryState.PENDING, lease_until=None)
        )


async def unfinished(
    session: AsyncSession, platforms: Sequence[str], announcement_id: int | None = None
) -> int:
    """Deliveries not yet final on these platforms (for one announcement, if given)."""
    query = select(func.count()).where(
        _deliveries.c.platform.in_(list(platforms)),
        _deliveries.c.status.in_([DeliveryState.PENDING, DeliveryState.SENDING]),
    )
    if announcement_id is not None:
        query = query.where(_deliveries.c.announcement_id == announcement_id)
    return int((await session.execute(query)).scalar_one())


async def progress(
    session: AsyncSession, announcement_id: int, revision: int = 0
) -> dict[str, Counter[str]]:
    """Deliveries of one announcement (its send, or a later revision): platform -> status ->
    count."""
    query = (
        select(_deliveries.c.platform, _deliveries.c.status, func.count())
        .where(
            _deliveries.c.announcement_id == announcement_id,
            _deliveries.c.revision == revision,
        )
        .group_by(_deliveries.c.platform, _deliveries.c.status)
    )
    counts: dict[str, Counter[str]] = {}
    for platform, status, n in (await session.execute(query)).all():
        counts.setdefault(platform, Counter())[status] = n
    return counts


async def claim_finished_summaries(session: AsyncSession) -> list[Announcement]:
    """Queued announcements whose deliveries are all final and whose summary nobody sent yet.

    Marking them summarised happens here, in the caller's transaction, so exactly one process
    sends each summary.
    """
    unfinished = select(_deliveries.c.announcement_id).where(
        _deliveries.c.status.in_([DeliveryState.PENDING, DeliveryState.SENDING]),
        _deliveries.c.announcement_id.is_not(None),  # NOT IN with a NULL would match nothing
        _deliveries.c.revision == 0,
    )
    query = select(Announcement).where(
        col(Announcement.status) == AnnouncementState.QUEUED,
        col(Announcement.summarised_at).is_(None),
        col(Announcement.id).not_in(unfinished),
    )
    if is_postgresql(session):
        query = query.with_for_update(skip_locked=True)
    announcements = list((await session.execute(query)).scalars())
    for announcement in announcements:
        announcement.summarised_at = utcnow()
    return announcements
