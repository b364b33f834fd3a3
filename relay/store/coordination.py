"""Sign-in links, coordinator sessions and the audit log: the queries."""

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from relay.store.models_coordination import AuditEntry, CoordinatorSession, SignInLink

KEPT_AFTER_EXPIRY = timedelta(days=1)  # expired links and sessions are deleted after this


async def add_link(
    session: AsyncSession, token_hash: str, coordinator: str, now: datetime, expires_at: datetime
) -> None:
    session.add(
        SignInLink(
            token_hash=token_hash, coordinator=coordinator, created_at=now, expires_at=expires_at
        )
    )
    await session.flush()


async def link(session: AsyncSession, token_hash: str) -> SignInLink | None:
    return await session.get(SignInLink, token_hash)


async def use_link(session: AsyncSession, token_hash: str, now: datetime) -> str | None:
    """Mark the link used and return its coordinator, if it was unused and still valid: one
    statement, so two browsers racing with the same link cannot both get a session."""
    used = await session.execute(
        update(SignInLink)
        .where(
            col(SignInLink.token_hash) == token_hash,
            col(SignInLink.used_at).is_(None),
            col(SignInLink.expires_at) > now,
        )
        .values(used_at=now)
        .returning(col(SignInLink.coordinator))
    )
    return used.scalar_one_or_none()


async def add_session(session: AsyncSession, row: CoordinatorSession) -> None:
    session.add(row)
    await session.flush()


async def live_session(
    session: AsyncSession, token_hash: str, now: datetime
) -> CoordinatorSession | None:
    rows = await session.execute(
        select(CoordinatorSession).where(
            col(CoordinatorSession.token_hash) == token_hash,
            col(CoordinatorSession.ended_at).is_(None),
            col(CoordinatorSession.expires_at) > now,
        )
    )
    return rows.scalar_one_or_none()


async def end_session(session: AsyncSession, token_hash: str, now: datetime) -> None:
    await session.execute(
        update(CoordinatorSession)
        .where(col(CoordinatorSession.token_hash) == token_hash)
        .values(ended_at=now)
    )


async def purge(session: AsyncSession, now: datetime) -> None:
    """Links and sessions over for a day are of no use any more."""
    before = now - KEPT_AFTER_EXPIRY
    await session.execute(delete(SignInLink).where(col(SignInLink.expires_at) < before))
    await session.execute(
        delete(CoordinatorSession).where(
            or_(
                col(CoordinatorSession.expires_at) < before,
                col(CoordinatorSession.ended_at) < before,
            )
        )
    )


async def add_audit(session: AsyncSession, entry: AuditEntry) -> None:
    session.add(entry)
    await session.flush()


async def audit_entries(session: AsyncSession, limit: int) -> Sequence[AuditEntry]:
    rows = await session.execute(
        select(AuditEntry)
        .order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc())
        .limit(limit)
    )
    return rows.scalars().all()


FORGOTTEN = "oublie"  # the actor of audit lines whose author asked to be forgotten


async def forget(session: AsyncSession, coordinator: str) -> None:
    """/oublier: the person's links and sessions go; their audit lines stay, without them."""
    await session.execute(delete(SignInLink).where(col(SignInLink.coordinator) == coordinator))
    await session.execute(
        delete(CoordinatorSession).where(col(CoordinatorSession.coordinator) == coordinator)
    )
    await session.execute(
        update(AuditEntry).where(col(AuditEntry.actor) == coordinator).values(actor=FORGOTTEN)
    )
