"""The directory as the rest of relay uses it: ask, page through results, import, export, list
what needs checking. One per relay, built by the composition root."""

import asyncio
import functools
import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from relay.directory import france, saved
from relay.directory.building import build_apart
from relay.directory.entries import COLUMNS, STALE_DAYS, Entry
from relay.directory.exporting import write_file
from relay.directory.facets import Catalogue, Facets, Filters
from relay.directory.france import TerritoryError
from relay.directory.geography import Commune, load_communes, place_key
from relay.directory.importing import WRITING, ParsedFile, Problem, Progress, read_file
from relay.directory.querylog import loggable
from relay.directory.results import Answer, Found, Result
from relay.directory.scoring import Scored, names_service
from relay.directory.search import WORDS_KEPT, Index, search
from relay.directory.synonyms import Synonyms, SynonymsError
from relay.directory.understanding import Concept, Query
from relay.directory.upsert import Plan, plan
from relay.malloc import give_back
from relay.messages import UserRef
from relay.settings import Settings, SettingsError
from relay.states import Asker, AuditAction
from relay.store import directory as store
from relay.store.db import Database
from relay.store.models_directory import DirectoryEntry
from relay.themes import ThemeCatalogue
from relay.wording import count

log = logging.getLogger(__name__)

PAGE = 3
FOUND_CACHE = 2048  # searches and listings of the web site kept, until the directory changes
REFRESH_SECONDS = 30.0  # how often another process's import is looked for
IMPORT_AUDIT_TEXT = "{file} : {added}, {updated}, {removed}"
SAMPLE_LOADED_TEXT = (
    "ℹ️ L'annuaire était vide : j'ai chargé l'annuaire d'exemple ({entries} du fichier {file})."
)


@dataclass(frozen=True)
class ImportReport:
    parsed: ParsedFile
    added: int
    updated: int
    unchanged: int
    removed: int = 0

    @property
    def rejected(self) -> int:
        return len({p.line for p in self.parsed.problems})


@dataclass(frozen=True)
class Trace:
    """Who imported which file, for the audit log."""

    by: UserRef | None
    file: str


class DirectoryService:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        themes: ThemeCatalogue,
        communes_file: Path | None = None,
        build_apart_from: int | None = None,
        hold_words: bool = False,
    ) -> None:
        """`communes_file` replaces config/communes.csv (another territory's communes); from
        `build_apart_from` entries, the vocabulary is built by a process of its own
        (relay.directory.building: a long-running relay keeps less memory); `hold_words`: every
        entry's words are read once and kept, up to WORDS_KEPT entries, to find candidates in
        memory (a running relay; a one-shot command asks the full-text index)."""
        self.db = db
        self.themes = themes
        self._database_url = settings.database_url
        self._build_apart_from = build_apart_from
        self._hold_words = hold_words
        communes = communes_file or settings.config_dir / "communes.csv"
        self._communes_file = communes
        self.reference: list[Commune] = load_communes(communes)
        self.territory = settings.territory
        self._synonyms_file = settings.config_dir / "synonyms.yaml"
        self._recipe = saved.recipe(self._synonyms_file, self.reference, self.territory)
        if self.territory:
            try:
                france.check_territory(self.territory)
            except TerritoryError as exc:
                raise SettingsError(
                    f"RELAY_TERRITORY : « {exc} » ne désigne aucun département "
                    "ni aucune intercommunalité de France"
                ) from None
        self.sample = settings.config_dir / "annuaire.csv"
        self._index: Index | None = None
        self._checked_at = 0.0
        self._lock = asyncio.Lock()
        self._sample_checked = False
        self._notice: str | None = None
        self._catalogue: tuple[Index, Catalogue] | None = None
        self._found: OrderedDict[tuple[object, ...], Found] = OrderedDict()

    @functools.cached_property
    def synonyms(self) -> Synonyms:
        """synonyms.yaml, read when the vocabulary is built (a saved one has its synonyms)."""
        try:
            return Synonyms.load(self._synonyms_file)
        except SynonymsError as exc:  # the directory still answers, word for word
            log.error("%s : recherche sans synonymes", exc)
            return Synonyms()

    # --- questions ---

    async def ask(
        self,
        question: str,
        platform: str,
        limit: int = PAGE,
        log_query: bool = True,
        asker: Asker = Asker.UNKNOWN,
    ) -> Answer:
        """Answer a question: its first page of results, logged without who asked (only
        `asker`, what their profile says of them)."""
        notice = await self.ensure_loaded()
        index = await self.index()
        query = index.read(question)
        total, results = await self._search(index, query, 0, limit)
        query_id = None
        if log_query and query.concepts:
            best = results[0].entry if results else None
            async with self.db.write() as session:
                query_id = await store.log_query(
                    session,
                    loggable(index.vocabulary, query, answered=total > 0),
                    total,
                    best.ref if best else None,
                    best.name if best else None,
                    platform,
                    asker,
                )
        return Answer(
            query=query,
            results=tuple(results),
            total=total,
            query_id=query_id,
            broader=await self._broader(index, query) if not total else None,
            examples=self._examples(index, query),
            notice=notice,
        )

    async def page(self, query_id: int, offset: int, limit: int = PAGE) -> Answer | None:
        """More results of a logged question (as the log keeps it: the words understood); None
        when the question is no longer known."""
        async with self.db.read() as session:
            question = await store.logged_question(session, query_id)
        if question is None:
            return None
        index = await self.index()
        query = index.read(question)
        total, results = await self._search(index, query, offset, limit)
        return Answer(query, tuple(results), total, offset, query_id)

    async def search(self, question: str, limit: int = 3) -> tuple[Query, list[Result]]:
        """The best results of a question, without logging it (evaluation, benchmarks)."""
        index = await self.index()
        query = index.read(question)
        return query, (await self._search(index, query, 0, limit))[1]

    async def find(
        self, question: str, filters: Filters, offset: int = 0, limit: int = 10
    ) -> Found:
        """A page of the entries answering a question (the same search as `ask`, not logged),
        or of every entry in name order without one; narrowed by `filters`, with the choices
        that narrow it further. Kept until the directory changes."""
        await self.ensure_loaded(tell=False)
        index = await self.index()
        catalogue = await self.catalogue(index)
        key = (question, filters, offset, limit)
        found = self._found.get(key)
        if found is not None:
            self._found.move_to_end(key)
            return found
        query = index.read(question) if question.strip() else None
        scored: dict[int, Scored] = {}
        if query is not None:
            async with self.db.read() as session:
                scored = {s.id: s for s in await search(session, index, query)}
        ids = list(scored) if query is not None else list(catalogue.by_name)
        kept = catalogue.keep(ids, filters)
        page = kept[offset : offset + limit]
        async with self.db.read() as session:
            rows = await index.entries(session, page)
        results = tuple(
            _result(rows[i], scored[i]) if i in scored else Result(to_entry(rows[i]), 0, 0, 0)
            for i in page
            if i in rows
        )
        broader = await self._broader(index, query) if query and not ids else None
        facets = catalogue.facets(ids, filters, self.themes)
        found = Found(question, query, filters, results, len(kept), offset, facets, broader)
        self._found[key] = found
        if len(self._found) > FOUND_CACHE:
            self._found.popitem(last=False)
        return found

    async def entry(self, ref: str) -> Entry | None:
        """The entry with this `id` (the directory file's), if any."""
        await self.ensure_loaded(tell=False)
        async with self.db.read() as session:
            row = await store.entry_by_ref(session, ref)
        return None if row is None else to_entry(row)

    async def main_communes(self, limit: int = 24) -> list[str]:
        """The communes where the directory's entries are, in name order: the most frequent
        `limit` of them (what a person may say they live in)."""
        await self.ensure_loaded(tell=False)
        index = await self.index()
        return sorted(index.vocabulary.main_communes[:limit], key=place_key)

    async def overview(self) -> Facets:
        """Every theme with its number of entries, and the most frequent publics and communes."""
        await self.ensure_loaded(tell=False)
        return (await self.catalogue(await self.index())).overview(self.themes)

    async def catalogue(self, index: Index) -> Catalogue:
        """The themes, publics and communes of the directory in the state `index` read."""
        if self._catalogue is None or self._catalogue[0] is not index:
            async with self.db.read() as session:
                rows = await store.facet_rows(session)
            self._catalogue = (index, await asyncio.to_thread(Catalogue, rows))
            self._found.clear()
        return self._catalogue[1]

    async def _search(
        self, index: Index, query: Query, offset: int, limit: int
    ) -> tuple[int, list[Result]]:
        """How many entries answer, and those of one page."""
        async with self.db.read() as session:
            scored = await search(session, index, query)
            page = scored[offset : offset + limit]
            entries = await index.entries(session, [s.id for s in page])
        return len(scored), [_result(entries[s.id], s) for s in page if s.id in entries]

    async def _broader(self, index: Index, query: Query) -> str | None:
        """Nothing found: the known words of the question alone, if they find something; not
        when the question names a trade the directory does not list (« vétérinaire de garde »
        is not to be broadened to « garde »)."""
        known = tuple(c for c in query.concepts if c.known and not c.publics)
        if not known or (len(known) == len(query.concepts) and not query.outside):
            return None
        if any(names_service(c) for c in query.concepts):
            return None
        broader = replace(query, concepts=known, unknown_place=None, outside=False, label="")
        total, _ = await self._search(index, broader, 0, 0)
        return " ".join(_shown(c) for c in known) if total else None

    def _examples(self, index: Index, query: Query) -> tuple[str, ...]:
        categories = [c.lower() for c in index.vocabulary.categories[:4]]
        if query.concepts:
            return tuple(categories)
        place = query.where if query.place else index.vocabulary.main_commune
        suffix = f" à {place}" if place else ""
        return tuple(f"{c}{suffix}" for c in categories[:2])

    # --- the index of the directory's words ---

    async def index(self) -> Index:
        """The vocabulary of the directory as it is now (rebuilt after an import, and when
        another process changed the directory, checked every REFRESH_SECONDS)."""
        now = time.monotonic()
        if self._index is not None and now - self._checked_at < REFRESH_SECONDS:
            return self._index
        async with self._lock:
            async with self.db.read() as session:
                current = await store.signature(session)
                stale = self._index is None or self._index.signature != current
                apart = stale and await self._builds_apart(session, current)
            if apart:
                await build_apart(
                    self._database_url,
                    self._synonyms_file,
                    self.territory,
                    self._communes_file,
                )
            if stale:
                async with self.db.read() as session:
                    self._index = await Index.load(
                        session, lambda: self.synonyms, self.reference, self.territory, self._recipe
                    )
                    if self._hold_words and current.count <= WORDS_KEPT:
                        await self._index.hold(session)
                if self._index.fresh:
                    await self._save(self._index)
                if self._index.fresh or self._index.postings is not None:
                    give_back()  # what building it, or reading every entry's words, took
            self._checked_at = time.monotonic()
            assert self._index is not None
            return self._index

    async def _builds_apart(self, session: AsyncSession, current: store.Signature) -> bool:
        """Whether another process should build the vocabulary: a large directory, no
        vocabulary saved for it."""
        if self._build_apart_from is None or current.count < self._build_apart_from:
            return False
        key = store.signature_text(current)
        return not await store.has_saved_vocabulary(session, key, self._recipe)

    async def _save(self, index: Index) -> None:
        """Keep the vocabulary for the next process; a failure only costs that one time."""
        try:
            data = await asyncio.to_thread(saved.dumps, index.vocabulary)
            async with self.db.write() as session:
                key = store.signature_text(index.signature)
                await store.save_vocabulary(session, key, self._recipe, data)
        except Exception:  # another process saved it at the same moment, or the store refused
            log.warning("le vocabulaire de l'annuaire n'a pas pu être enregistré", exc_info=True)

    def forget_index(self) -> None:
        self._index = None

    async def ensure_loaded(self, tell: bool = True) -> str | None:
        """Load the sample directory (config/annuaire.csv) into an empty directory, once per
        process; the notice saying so is returned once (kept for a later caller that `tell`s,
        when this one does not: the site has nobody to tell)."""
        if self._sample_checked:
            if not tell:
                return None
            notice, self._notice = self._notice, None
            return notice
        async with self._lock:
            if not self._sample_checked:
                self._sample_checked = True
                async with self.db.read() as session:
                    empty = await store.count(session) == 0
                if empty and self.sample.is_file():
                    report = await self.import_file(self.sample)
                    log.info("directory was empty: loaded %d entries", report.added)
                    self._notice = SAMPLE_LOADED_TEXT.format(
                        entries=count(report.added, "fiche"), file=self.sample.name
                    )
        if not tell:
            return None
        notice, self._notice = self._notice, None
        return notice

    # --- the coordinator's file ---

    async def import_file(
        self,
        path: Path,
        progress: Progress | None = None,
        replace: bool = False,
        by: UserRef | None = None,
        name: str = "",
    ) -> ImportReport:
        """Read a file and upsert its good rows in one transaction: all of them or none. With
        `replace`, entries the file does not hold are deleted in the same transaction. The
        import is in the audit log, as done by `by` (None: the command line), of file `name`."""
        parsed = await asyncio.to_thread(read_file, path, self.themes, progress)
        entries = [entry for _, entry in parsed.entries]
        trace = Trace(by, name or path.name)
        changes, removed = await self._upsert(entries, replace, progress, parsed.present, trace)
        return _report(parsed, changes, removed)

    async def check_file(self, path: Path, replace: bool = False) -> ImportReport:
        """What `import_file` would do with this file, nothing written: its problems and
        warnings, and how many entries it would add, update, leave unchanged and (with
        `replace`) remove."""
        parsed = await asyncio.to_thread(read_file, path, self.themes)
        entries = [entry for _, entry in parsed.entries]
        async with self.db.read() as session:
            changes, gone = await _planned(
                session, entries, datetime.now(UTC), None, parsed.present
            )
        return _report(parsed, changes, len(gone) if replace else 0)

    async def import_entries(
        self, entries: Sequence[Entry], replace: bool = False, progress: Progress | None = None
    ) -> tuple[int, int, int, int]:
        """Upsert entries; returns how many were added, updated, unchanged and removed."""
        changes, removed = await self._upsert(entries, replace, progress, frozenset(COLUMNS))
        return changes.added, changes.updated, changes.unchanged, removed

    async def _upsert(
        self,
        entries: Sequence[Entry],
        replace: bool,
        progress: Progress | None,
        present: frozenset[str],
        trace: "Trace | None" = None,
    ) -> tuple[Plan, int]:
        """Entries written; the columns not `present` keep their stored values."""
        async with self.db.write() as session:
            now = datetime.now(UTC)
            changes, gone = await _planned(session, entries, now, progress, present)
            total = changes.added + changes.updated

            def written(offset: int) -> Callable[[int], None]:
                def tell(done: int) -> None:
                    if progress is not None:
                        progress(WRITING, offset + done, total)

                return tell

            await store.insert_entries(session, changes.inserts, written(0))
            await store.update_entries(session, changes.updates, written(changes.added))
            removed = await store.delete_entries(session, gone) if replace else 0
            if trace is not None:
                from relay import audit  # the audit log's tables: not a question's start

                detail = IMPORT_AUDIT_TEXT.format(
                    file=trace.file,
                    added=count(changes.added, "ajoutée"),
                    updated=count(changes.updated, "modifiée"),
                    removed=count(removed, "supprimée"),
                )
                await audit.record(session, trace.by, AuditAction.IMPORT, detail, now)
        self.forget_index()
        return changes, removed

    async def export_file(self, path: Path) -> int:
        entries = await self.entries()
        await asyncio.to_thread(write_file, path, entries)
        return len(entries)

    async def entries(self) -> list[Entry]:
        async with self.db.read() as session:
            return [to_entry(row) for row in await store.all_entries(session)]

    async def stale(self, today: date, days: int = STALE_DAYS) -> list[Entry]:
        """Entries not verified since `days` before today (or never), the oldest first."""
        async with self.db.read() as session:
            rows = await store.stale(session, today - timedelta(days=days))
        return [to_entry(row) for row in rows]


def _report(parsed: ParsedFile, changes: Plan, removed: int) -> ImportReport:
    """The outcome of an import (or of its check): lines the plan left out are problems too."""
    for index, message in changes.ambiguous:
        parsed.problems.append(Problem(parsed.entries[index][0], message))
    return ImportReport(parsed, changes.added, changes.updated, changes.unchanged, removed)


async def _planned(
    session: AsyncSession,
    entries: Sequence[Entry],
    now: datetime,
    progress: Progress | None,
    present: frozenset[str],
) -> tuple[Plan, list[int]]:
    """What writing these entries changes, and the stored entries they do not hold (those a
    replacing import deletes). The columns not `present` keep their stored values."""
    stored = await store.existing(session)
    current = None
    if not present >= set(COLUMNS):
        rows = await store.all_entries(session)
        current = {int(row.id or 0): to_entry(row) for row in rows}
    changes = await asyncio.to_thread(plan, entries, stored, now, progress, present, current)
    return changes, [e.id for e in stored if e.id not in changes.kept]


def _result(row: DirectoryEntry, scored: Scored) -> Result:
    return Result(to_entry(row), scored.total, scored.text, scored.proximity)


def _shown(concept: Concept) -> str:
    return concept.corrected or concept.label or concept.text


def to_entry(row: DirectoryEntry) -> Entry:
    def items(text: str) -> tuple[str, ...]:
        return tuple(i for i in text.split(";") if i)

    return Entry(
        name=row.name,
        ref=row.ref,
        category=row.category,
        description=row.description,
        keywords=items(row.keywords),
        publics=items(row.publics),
        themes=items(row.themes),
        address=row.address,
        postal_code=row.postal_code,
        commune=row.commune,
        phone=row.phone,
        email=row.email,
        website=row.website,
        hours=row.hours,
        latitude=row.latitude,
        longitude=row.longitude,
        verified_on=row.verified_on,
    )
