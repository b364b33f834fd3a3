"""The directory of local actors and services ("où trouver…").

The full-text indexes (`directory_fts…`: FTS5 on SQLite, a tsvector table on PostgreSQL) are
written by hand in migration d001 and kept in sync by triggers on this table, from the
`search_*` columns that relay.directory analyses once per entry.
"""

from datetime import date, datetime

from sqlalchemy import Column, Date, Float, Index, Integer, LargeBinary, String, Text
from sqlmodel import Field, SQLModel

from relay.store.models import _utc_column, utcnow


def _text() -> Column[str]:
    return Column(Text, nullable=False, default="")


class DirectoryEntry(SQLModel, table=True):
    """One actor or service, with the columns of the directory file (contract §4)."""

    __tablename__ = "directory_entries"
    __table_args__ = (
        Index("ix_directory_entries_ref", "ref", unique=True),
        Index("ix_directory_entries_identity", "identity"),
        Index("ix_directory_entries_commune_key", "commune_key"),
        Index("ix_directory_entries_verified_on", "verified_on"),
        # The directory's signature (count, latest change), read at every question's refresh.
        Index("ix_directory_entries_updated_at", "updated_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    ref: str = Field(sa_column=Column(String(64), nullable=False))  # the file's `id`
    identity: str = Field(sa_column=Column(Text, nullable=False))  # folded name|commune
    name: str = Field(sa_column=_text())
    category: str = Field(default="", sa_column=_text())
    description: str = Field(default="", sa_column=_text())
    keywords: str = Field(default="", sa_column=_text())  # ;-separated, as in the file
    publics: str = Field(default="", sa_column=_text())
    themes: str = Field(default="", sa_column=_text())
    address: str = Field(default="", sa_column=_text())
    postal_code: str = Field(default="", sa_column=_text())
    commune: str = Field(default="", sa_column=_text())
    commune_key: str = Field(default="", sa_column=Column(String(200), nullable=False))
    phone: str = Field(default="", sa_column=_text())
    email: str = Field(default="", sa_column=_text())
    website: str = Field(default="", sa_column=_text())
    hours: str = Field(default="", sa_column=_text())
    latitude: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    longitude: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    verified_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    search_name: str = Field(default="", sa_column=_text())
    search_keywords: str = Field(default="", sa_column=_text())
    search_text: str = Field(default="", sa_column=_text())
    search_publics: str = Field(default="", sa_column=_text())
    search_place: str = Field(default="", sa_column=_text())  # one token: where the entry is
    checksum: str = Field(sa_column=Column(String(40), nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())


class DirectoryQueryMonth(SQLModel, table=True):
    """The counts of one month's "où trouver…" questions, once the questions themselves are
    deleted (they are kept 13 months): what the monthly report needs of older months."""

    __tablename__ = "directory_query_months"

    month: str = Field(sa_column=Column(String(7), primary_key=True))  # "2026-10"
    questions: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    unanswered: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    # The same questions by who asked, as their profile said (relay.profiles.Asker).
    by_professionals: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    by_inhabitants: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    by_unknown: int = Field(default=0, sa_column=Column(Integer, nullable=False))


class SavedVocabulary(SQLModel, table=True):
    """The directory's vocabulary as relay.directory built it, so that a process reads it
    instead of building it again from every entry (seconds for 100,000 entries). Valid while
    the directory's signature and the recipe (synonyms, territory, version) are the same."""

    __tablename__ = "directory_vocabulary"

    id: int = Field(default=1, sa_column=Column(Integer, primary_key=True))  # one row
    signature: str = Field(sa_column=Column(String(80), nullable=False))
    recipe: str = Field(sa_column=Column(String(80), nullable=False))
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    built_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())
