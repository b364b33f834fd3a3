"""What a directory question gives back, before any wording."""

from dataclasses import dataclass

from relay.directory.entries import Entry
from relay.directory.facets import Facets, Filters
from relay.directory.understanding import Query


@dataclass(frozen=True)
class Result:
    entry: Entry
    score: float  # text coverage plus nearness: what the results are ordered by
    coverage: float  # share of the question the entry answers, 0 to 1
    proximity: float  # 1 in the asked place, less nearby, 0 far or no place asked


@dataclass(frozen=True)
class Answer:
    query: Query
    results: tuple[Result, ...]  # this page
    total: int  # every result, all pages
    offset: int = 0
    query_id: int | None = None  # the anonymous log row, for "more results"
    broader: str | None = None  # nothing found: words that would find something
    examples: tuple[str, ...] = ()  # what the directory holds, to suggest questions
    notice: str | None = None  # said once: the sample directory was loaded

    @property
    def remaining(self) -> int:
        return max(0, self.total - self.offset - len(self.results))

    @property
    def in_place(self) -> bool:
        """Some result is in the asked place itself."""
        return any(r.proximity >= 1.0 for r in self.results)


@dataclass(frozen=True, eq=False)
class Found:
    """A search or a listing as the web site shows it: a page of entries, narrowed by filters,
    and the choices that narrow it further. Compared by identity: the directory keeps each
    until it changes, and the site keeps its rendered pages beside it."""

    question: str
    query: Query | None  # None: a listing without a question, in name order
    filters: Filters
    results: tuple[Result, ...]  # this page
    total: int  # every entry kept by the filters, all pages
    offset: int
    facets: Facets
    broader: str | None = None  # nothing found: words that would find something

    @property
    def remaining(self) -> int:
        return max(0, self.total - self.offset - len(self.results))
