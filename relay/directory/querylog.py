"""The anonymous query log: what it keeps of a question, and for how long.

A question is logged without who asked, for the monthly report (questions asked, unmet needs).
People type names and numbers into questions ("psychologue pour Zoé Martin", "06 12…"), and
/oublier cannot find them there, so they are never written: the log keeps the words the search
understood (words of the directory and of synonyms.yaml, publics, the place), and for a question
left without an answer also the common words that say the need ("vétérinaire"). A word with a
digit, or that neither the directory nor the language lists know, is left out. Raw questions are
kept RETENTION_MONTHS at most; then only each month's counts.
"""

from datetime import UTC, datetime, tzinfo

from relay.directory.french import EVERYDAY_WORDS, STOP_WORDS
from relay.directory.understanding import Concept, Query
from relay.directory.vocabulary import Vocabulary
from relay.french_dates import as_utc
from relay.store import directory as store
from relay.store.db import Database

RETENTION_MONTHS = 13


def loggable(vocabulary: Vocabulary, query: Query, answered: bool) -> str:
    """What the log keeps of a question: the words understood, the common ones too when it was
    not answered, then the place ("psychologue à Pornic")."""
    words = [w for concept in query.concepts for w in _kept(vocabulary, concept, answered)]
    text = " ".join(words)
    if query.place is not None:
        text += " à " + " ".join(p.label for p in (query.place, *query.extra_places))
    return text.strip()


def _kept(vocabulary: Vocabulary, concept: Concept, answered: bool) -> list[str]:
    if concept.publics:
        return [concept.text]  # a public, as typed: "ado", "15 ans"
    if concept.corrected:
        return [concept.corrected]  # the directory's word the search read for a typo
    return [
        word
        for word in concept.text.split()
        if not any(c.isdigit() for c in word)
        and (_understood(vocabulary, word) or (not answered and _common(vocabulary, word)))
    ]


def _understood(vocabulary: Vocabulary, word: str) -> bool:
    return word in vocabulary.df or word in vocabulary.synonym_words


def _common(vocabulary: Vocabulary, word: str) -> bool:
    return word in vocabulary.common_words or word in EVERYDAY_WORDS or word in STOP_WORDS


# --- how long ---


async def purge_old_queries(db: Database, now: datetime, zone: tzinfo = UTC) -> int:
    """Delete the questions asked before the month that began twelve months before this one (so
    none is kept more than 13 months), keeping each month's counts for the reports; returns how
    many questions were deleted. Months are those of `zone` (RELAY_TIMEZONE), as in reports."""
    local = now.astimezone(zone)
    cutoff = _month_start(local.year, local.month - (RETENTION_MONTHS - 1), zone)
    async with db.write() as session:
        oldest = await store.oldest_query(session)
        if oldest is None or as_utc(oldest) >= cutoff:
            return 0
        first = as_utc(oldest).astimezone(zone)
        year, month = first.year, first.month
        while (start := _month_start(year, month, zone)) < cutoff:
            end = _month_start(year, month + 1, zone)
            await store.archive_query_counts(session, f"{year:04d}-{month:02d}", start, end)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return await store.delete_queries_before(session, cutoff)


def _month_start(year: int, month: int, zone: tzinfo) -> datetime:
    """Midnight on the 1st of that month (months past December or before January roll over
    the year), in the zone, as UTC."""
    index = year * 12 + month - 1
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=zone).astimezone(UTC)
