"""Directory queries: upsert, full-text candidates per backend, listings, the anonymous query log.

Full-text terms arrive as folded tokens (letters, digits, inner hyphens) from relay.directory;
they are checked again here and always passed as bound parameters.
"""

import re
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, case, delete, func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from relay.states import Asker
from relay.store.dialect import is_postgresql
from relay.store.models import DirectoryQuery, utcnow
from relay.store.models_directory import DirectoryEntry, DirectoryQueryMonth, SavedVocabulary

BATCH = 500
PROFESSIONAL, INHABITANT, UNKNOWN = Asker.PROFESSIONAL, Asker.INHABITANT, Asker.UNKNOWN
KNOWN_ASKERS = (PROFESSIONAL, INHABITANT)
TABLE = "directory_entries"
_TERM = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# bm25 column weights of directory_fts (search_name, search_keywords, search_text,
# search_publics, search_place), and the matching ts_rank weights {D, C, B, A} on PostgreSQL:
# name and keywords above publics, publics above description; the place only filters.
_SQLITE_RANK = "bm25(directory_fts, 10.0, 6.0, 1.0, 2.0, 0.0)"
_POSTGRES_WEIGHTS = "'{0.1, 0.2, 0.6, 1.0}'"
_SEARCH_COLUMNS = (
    "e.id, e.search_name, e.search_keywords, e.search_text, e.publics, e.commune_key, "
    "e.latitude, e.longitude"
)


@dataclass(frozen=True, slots=True)
class Term:
    """One full-text term: words that must all be there (an expression), as typed (PostgreSQL
    stems them itself) and as roots (the start SQLite's unstemmed index matches); prefixes when
    `prefix`."""

    words: tuple[str, ...]
    roots: tuple[str, ...]
    prefix: bool = True

    @property
    def safe(self) -> bool:
        return bool(self.words) and all(_TERM.match(w) for w in (*self.words, *self.roots))


Concept = Sequence[Term]  # any of its terms


@dataclass(frozen=True)
class Formula:
    """What the full-text index is asked: entries saying every concept of one of the sets."""

    sets: Sequence[Sequence[Concept]]


@dataclass(frozen=True, slots=True)
class SearchRow:
    """What the scorer reads of an entry."""

    id: int
    search_name: str
    search_keywords: str
    search_text: str
    publics: str
    commune_key: str
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True)
class Signature:
    """Changes when the directory changes: entries added, removed or edited."""

    count: int
    last_change: datetime | None


# --- writing ---


@dataclass(frozen=True)
class Existing:
    id: int
    ref: str
    identity: str
    checksum: str


async def existing(session: AsyncSession) -> list[Existing]:
    e = DirectoryEntry
    rows = await session.execute(select(col(e.id), col(e.ref), col(e.identity), col(e.checksum)))
    return [Existing(int(pk or 0), ref, identity, checksum) for pk, ref, identity, checksum in rows]


Written = Callable[[int], None]  # told how many rows were written so far


async def insert_entries(
    session: AsyncSession, rows: Sequence[dict[str, object]], written: Written | None = None
) -> None:
    table = DirectoryEntry.metadata.tables[TABLE]
    for start in range(0, len(rows), BATCH):
        await session.execute(insert(table), list(rows[start : start + BATCH]))
        if written is not None:
            written(min(start + BATCH, len(rows)))


async def update_entries(
    session: AsyncSession, rows: Sequence[dict[str, object]], written: Written | None = None
) -> None:
    """Update entries by id; each row holds `entry_id` and the columns to set."""
    if not rows:
        return
    columns = [c for c in rows[0] if c != "entry_id"]
    table = DirectoryEntry.metadata.tables[TABLE]  # Core, not the ORM's bulk update
    statement = (
        update(table)
        .where(table.c.id == bindparam("entry_id"))
        .values({c: bindparam(c) for c in columns})
    )
    for start in range(0, len(rows), BATCH):
        await session.execute(statement, list(rows[start : start + BATCH]))
        if written is not None:
            written(min(start + BATCH, len(rows)))


async def delete_entries(session: AsyncSession, ids: Sequence[int]) -> int:
    for start in range(0, len(ids), BATCH):
        chunk = list(ids[start : start + BATCH])
        await session.execute(delete(DirectoryEntry).where(col(DirectoryEntry.id).in_(chunk)))
    return len(ids)


# --- reading ---


async def signature(session: AsyncSession) -> Signature:
    row = (
        await session.execute(
            select(func.count(), func.max(DirectoryEntry.updated_at)).select_from(DirectoryEntry)
        )
    ).one()
    return Signature(int(row[0]), row[1])


async def count(session: AsyncSession) -> int:
    return (await signature(session)).count


async def all_entries(session: AsyncSession) -> list[DirectoryEntry]:
    rows = await session.execute(select(DirectoryEntry).order_by(DirectoryEntry.ref))
    return list(rows.scalars())


async def entries_by_id(session: AsyncSession, ids: Iterable[int]) -> dict[int, DirectoryEntry]:
    """These entries, read without the ORM's bookkeeping (often a page of answers)."""
    wanted = list(ids)
    if not wanted:
        return {}
    table = DirectoryEntry.metadata.tables[TABLE]
    rows = await session.execute(select(table).where(table.c.id.in_(wanted)))
    found = (DirectoryEntry.model_construct(**row._mapping) for row in rows)
    return {entry.id: entry for entry in found if entry.id is not None}


async def entry_by_ref(session: AsyncSession, ref: str) -> DirectoryEntry | None:
    """The entry with this `id` of the directory file."""
    table = DirectoryEntry.metadata.tables[TABLE]
    row = (await session.execute(select(table).where(table.c.ref == ref))).first()
    return None if row is None else DirectoryEntry.model_construct(**row._mapping)


async def facet_rows(session: AsyncSession) -> list[tuple[int, str, str, str, str]]:
    """Every entry's id, name, themes, publics and commune: what the site narrows lists by."""
    e = DirectoryEntry
    rows = await session.execute(
        select(col(e.id), col(e.name), col(e.themes), col(e.publics), col(e.commune))
    )
    return [(i, name, themes, publics, commune) for i, name, themes, publics, commune in rows if i]


async def stale(session: AsyncSession, before: date) -> list[DirectoryEntry]:
    """Entries verified before that day, or never: the oldest first."""
    verified = col(DirectoryEntry.verified_on)
    rows = await session.execute(
        select(DirectoryEntry)
        .where(verified.is_(None) | (verified < before))
        .order_by(verified.is_(None).desc(), verified, col(DirectoryEntry.ref))
    )
    return list(rows.scalars())


async def vocabulary_rows(session: AsyncSession) -> list[tuple[object, ...]]:
    """Every entry as the vocabulary reads it (relay.directory.vocabulary.EntrySource)."""
    e = DirectoryEntry
    rows = await session.execute(
        select(
            *(
                col(c)
                for c in (
                    e.id,
                    e.search_name,
                    e.search_keywords,
                    e.search_text,
                    e.publics,
                    e.commune,
                    e.postal_code,
                    e.latitude,
                    e.longitude,
                    e.category,
                    e.name,
                    e.keywords,
                    e.description,
                )
            )
        )
    )
    return [tuple(row) for row in rows]


async def search_rows(session: AsyncSession) -> list[SearchRow]:
    """Every entry as the scorer reads it, without the full-text index (the naive baseline)."""
    rows = await session.execute(text(f"SELECT {_SEARCH_COLUMNS} FROM directory_entries e"))
    return [SearchRow(*row) for row in rows]


async def search_row_batches(session: AsyncSession, size: int) -> AsyncIterator[list[SearchRow]]:
    """Every entry as the scorer reads it, in the order of their ids, `size` at a time."""
    result = await session.stream(
        text(f"SELECT {_SEARCH_COLUMNS} FROM directory_entries e ORDER BY e.id")
    )
    async for rows in result.partitions(size):
        yield [SearchRow(*row) for row in rows]


async def rows_by_id(session: AsyncSession, ids: Sequence[int]) -> list[SearchRow]:
    """These entries as the scorer reads them."""
    if not ids:
        return []
    statement = text(
        f"SELECT {_SEARCH_COLUMNS} FROM directory_entries e WHERE e.id IN :ids"
    ).bindparams(bindparam("ids", expanding=True))
    rows = await session.execute(statement, {"ids": list(ids)})
    return [SearchRow(*row) for row in rows]


async def candidates(
    session: AsyncSession, formula: Formula, limit: int, places: Iterable[str] = ()
) -> list[int]:
    """The entries the full-text index ranks best for a formula, best first; only those of
    these places (the entries' `search_place` tokens) when given."""
    sets = [c for c in ([[_safe(g) for g in subset] for subset in formula.sets]) if all(c) and c]
    wanted = sorted({p for p in places if _TERM.match(p)})
    if not sets or limit <= 0:
        return []
    if is_postgresql(session):
        statement, params = _postgresql_candidates(sets, wanted)
    else:
        statement, params = _sqlite_candidates(sets, wanted)
    rows = await session.execute(statement, {**params, "limit": limit})
    return [int(row[0]) for row in rows]


def _safe(concept: Concept) -> list[Term]:
    return [t for t in concept if t.safe]


def _sqlite_candidates(
    sets: list[list[list[Term]]], places: list[str]
) -> tuple[Any, dict[str, object]]:
    def term(t: Term) -> str:
        star = "*" if t.prefix else ""
        return "(" + " AND ".join(f'"{root}"{star}' for root in t.roots) + ")"

    match = " OR ".join(
        "(" + " AND ".join("(" + " OR ".join(map(term, group)) + ")" for group in subset) + ")"
        for subset in sets
    )
    if places:
        where = " OR ".join(f'"{place}"' for place in places)
        match = f"({match}) AND search_place : ({where})"
    statement = text(
        "SELECT rowid FROM directory_fts WHERE directory_fts MATCH :match "
        f"ORDER BY {_SQLITE_RANK} LIMIT :limit"
    )
    return statement, {"match": match}


def _postgresql_candidates(
    sets: list[list[list[Term]]], places: list[str]
) -> tuple[Any, dict[str, object]]:
    def term(t: Term) -> str:
        star = ":*" if t.prefix else ""
        return "(" + " & ".join(p + star for w in t.words for p in w.split("-")) + ")"

    query = " | ".join(
        "(" + " & ".join("(" + " | ".join(map(term, group)) + ")" for group in subset) + ")"
        for subset in sets
    )
    statement = text(
        "SELECT f.entry_id FROM directory_fts f, "
        "to_tsquery('french', directory_fts_unaccent(:query)) q WHERE f.document @@ q"
        + (" AND f.place IN :places" if places else "")
        + f" ORDER BY ts_rank({_POSTGRES_WEIGHTS}, f.document, q, 1) DESC, f.entry_id"
        " LIMIT :limit"
    )
    params: dict[str, object] = {"query": query}
    if places:
        statement = statement.bindparams(bindparam("places", expanding=True))
        params["places"] = places
    return statement, params


# --- the anonymous query log ---


async def log_query(
    session: AsyncSession,
    question: str,
    result_count: int,
    best_ref: str | None,
    best_name: str | None,
    platform: str,
    asker: str = Asker.UNKNOWN,
) -> int:
    """Record one question, never who asked it (only what their profile says: `asker`, a
    category); returns its number."""
    entry = DirectoryQuery(
        question=question[:500],
        result_count=result_count,
        best_entry_id=best_ref[:64] if best_ref else None,
        best_entry_name=best_name[:300] if best_name else None,
        platform=platform[:16],
        asker=asker[:16],
        asked_at=utcnow(),
    )
    session.add(entry)
    await session.flush()
    assert entry.id is not None
    return entry.id


async def logged_question(session: AsyncSession, query_id: int) -> str | None:
    row = await session.get(DirectoryQuery, query_id)
    return row.question if row is not None else None


async def oldest_query(session: AsyncSession) -> datetime | None:
    oldest: datetime | None = (
        await session.execute(select(func.min(col(DirectoryQuery.asked_at))))
    ).scalar_one()
    return oldest


async def archive_query_counts(
    session: AsyncSession, month: str, start: datetime, end: datetime
) -> None:
    """Add the counts of the questions asked in [start, end) to that month's archived counts."""
    asked = col(DirectoryQuery.asked_at)
    unanswered = func.sum(case((col(DirectoryQuery.result_count) == 0, 1), else_=0))
    query = select(func.count(), func.coalesce(unanswered, 0)).where(asked >= start, asked < end)
    questions, without = (await session.execute(query)).one()
    if not questions:
        return
    by_asker = await questions_by_asker(session, start, end)
    row = await session.get(DirectoryQueryMonth, month)
    if row is None:
        row = DirectoryQueryMonth(month=month)
        session.add(row)
    row.questions += int(questions)
    row.unanswered += int(without)
    row.by_professionals += by_asker[PROFESSIONAL]
    row.by_inhabitants += by_asker[INHABITANT]
    row.by_unknown += sum(n for asker, n in by_asker.items() if asker not in KNOWN_ASKERS)
    await session.flush()


async def questions_by_asker(session: AsyncSession, start: datetime, end: datetime) -> Counter[str]:
    """The questions asked in [start, end), by who asked as their profile said."""
    asked, asker = col(DirectoryQuery.asked_at), col(DirectoryQuery.asker)
    query = select(asker, func.count()).where(asked >= start, asked < end).group_by(asker)
    return Counter({str(a): int(n) for a, n in (await session.execute(query)).all()})


async def delete_queries_before(session: AsyncSession, cutoff: datetime) -> int:
    deleted = await session.execute(
        delete(DirectoryQuery).where(col(DirectoryQuery.asked_at) < cutoff)
    )
    return int(getattr(deleted, "rowcount", 0) or 0)


async def archived_query_counts(session: AsyncSession, month: str) -> tuple[int, int]:
    """(questions, unanswered) of a month whose questions were deleted; (0, 0) otherwise."""
    row = await session.get(DirectoryQueryMonth, month)
    return (row.questions, row.unanswered) if row is not None else (0, 0)


async def archived_by_asker(session: AsyncSession, month: str) -> Counter[str]:
    """The deleted questions of a month, by who asked (empty otherwise)."""
    row = await session.get(DirectoryQueryMonth, month)
    if row is None:
        return Counter()
    return Counter(
        {
            PROFESSIONAL: row.by_professionals,
            INHABITANT: row.by_inhabitants,
            UNKNOWN: row.by_unknown,
        }
    )


# --- the saved vocabulary ---


def signature_text(signature: Signature) -> str:
    last = signature.last_change.isoformat() if signature.last_change else "-"
    return f"{signature.count}@{last}"


async def saved_vocabulary(session: AsyncSession, signature: str, recipe: str) -> bytes | None:
    """The vocabulary saved for this state of the directory and this recipe, if any."""
    saved = await session.get(SavedVocabulary, 1)
    if saved is None or saved.signature != signature or saved.recipe != recipe:
        return None
    return bytes(saved.data)


async def has_saved_vocabulary(session: AsyncSession, signature: str, recipe: str) -> bool:
    """Whether a vocabulary is saved for this state of the directory and this recipe."""
    saved = SavedVocabulary
    found = await session.execute(
        select(col(saved.id)).where(col(saved.signature) == signature, col(saved.recipe) == recipe)
    )
    return found.first() is not None


async def save_vocabulary(session: AsyncSession, signature: str, recipe: str, data: bytes) -> None:
    saved = await session.get(SavedVocabulary, 1)
    if saved is None:
        session.add(SavedVocabulary(signature=signature, recipe=recipe, data=data))
    else:
        saved.signature, saved.recipe, saved.data, saved.built_at = (
            signature,
            recipe,
            data,
            utcnow(),
        )
