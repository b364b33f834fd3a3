"""The few places where SQLite and PostgreSQL need different SQL."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import Insert


def is_postgresql(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def insert_ignoring_duplicates(
    session: AsyncSession, model: Any, rows: Sequence[dict[str, Any]], unique: list[str]
) -> Insert:
    """INSERT … ON CONFLICT DO NOTHING, on either backend."""
    from sqlalchemy.dialects import postgresql, sqlite  # PostgreSQL's is 30 ms of a start

    dialect: Any = postgresql if is_postgresql(session) else sqlite
    statement = dialect.insert(model).values(list(rows))
    result: Insert = statement.on_conflict_do_nothing(index_elements=unique)
    return result
