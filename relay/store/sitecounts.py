"""The web site's monthly counts: added to, and read by the monthly report."""

from collections import Counter
from collections.abc import Mapping
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from relay.store.dialect import is_postgresql
from relay.store.models_web import SiteCount

SEARCHES, ENTRY_VIEWS = "searches", "entry_views"


async def add(session: AsyncSession, month: str, counts: Mapping[str, int]) -> None:
    """Add these counts to the month's (several processes may add at once)."""
    dialect: Any = postgresql if is_postgresql(session) else sqlite
    for what, count in counts.items():
        statement = dialect.insert(SiteCount).values(month=month, what=what, count=count)
        statement = statement.on_conflict_do_update(
            index_elements=["month", "what"],
            set_={"count": col(SiteCount.count) + statement.excluded.count},
        )
        await session.execute(statement)


async def of_month(session: AsyncSession, month: str) -> Counter[str]:
    """The month's counts by kind of page."""
    rows = await session.execute(
        select(col(SiteCount.what), col(SiteCount.count)).where(col(SiteCount.month) == month)
    )
    return Counter({what: count for what, count in rows.all()})
