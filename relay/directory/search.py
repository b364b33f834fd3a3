"""Searching the directory: the full-text index of the store finds candidates, the scorer ranks
them. The naive baseline (`scan`) scores every entry with the same scorer."""

import asyncio
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, NamedTuple

from sqlalchemy.ext.asyncio import AsyncSession

from relay.directory import saved
from relay.directory.analysis import stem
from relay.directory.entries import place_token
from relay.directory.geography import SAME_DEPARTEMENT, Commune, EntryPlace, Proximity
from relay.directory.readings import merged, readings
from relay.directory.scoring import MIN_TEXT, PLACE_WEIGHT, Doc, Scored, Scorer, select
from relay.directory.synonyms import Synonyms
from relay.directory.understanding import Concept, Query, Understanding
from relay.directory.vocabulary import MIN_PREFIX, EntrySource, Vocabulary
from relay.store import directory as store
from relay.store.models_directory import DirectoryEntry

if TYPE_CHECKING:  # numpy is imported by a running relay only, not by one-shot commands
    from relay.directory.postings import EntryWords, Postings, Ranking

MAX_RESULTS = 30
PAGE = 3
# The best candidates looked at: enough that the full-text index's own ranking rarely matters
# (the postings rank by the scorer's measure, and score only as many as a page needs)
CANDIDATES = 200
MAX_TERMS = 48
NEAR_KEPT = 2048  # places whose nearby communes are kept
SHOWN_KEPT = 512  # entries kept as shown, once read for a page of answers
WORDS_KEPT = 50_000  # entries whose words are kept (all of them, but in the largest directories)
HOLD_BATCH = 2_000  # entries read at a time to hold them


class _Words(NamedTuple):
    """An entry's words as the scorer reads them, kept compactly: each field's distinct tokens
    one after the other (name, then keywords from `name_end`, then text from `keywords_end`),
    interned. About 400 bytes an entry, a tenth of the sets the scorer reads, which are made
    from it when the entry is a candidate."""

    tokens: tuple[str, ...]
    name_end: int
    keywords_end: int
    publics: frozenset[str]
    commune: str
    latitude: float | None
    longitude: float | None


@dataclass
class Index:
    """The vocabulary of one state of the directory, and the words of the entries read so far
    for scoring (never read twice from the store)."""

    vocabulary: Vocabulary
    understanding: Understanding
    signature: store.Signature
    words: dict[int, _Words] = field(default_factory=dict)  # at most WORDS_KEPT, oldest out
    fresh: bool = False  # built in this process, not read from the store
    postings: "Postings | None" = None  # every entry's words by word, once `hold` read them
    near: dict[frozenset[str], frozenset[str]] = field(default_factory=dict)  # near_places
    shown: dict[int, DirectoryEntry] = field(default_factory=dict)  # at most SHOWN_KEPT
    _publics: dict[str, frozenset[str]] = field(default_factory=dict)  # one set per cell

    @classmethod
    async def load(
        cls,
        session: AsyncSession,
        synonyms: Callable[[], Synonyms],
        reference: Iterable[Commune],
        territory: Sequence[str] = (),
        recipe: str = "",
    ) -> "Index":
        """The saved vocabulary when it is that of this directory and recipe (see
        relay.directory.saved), else one built from every entry (`fresh`) and `synonyms()`."""
        signature = await store.signature(session)
        if recipe:
            data = await store.saved_vocabulary(session, store.signature_text(signature), recipe)
            if data is not None:

                def read() -> "Index":
                    vocabulary = saved.loads(data)
                    return cls(vocabulary, Understanding(vocabulary), signature)

                return await asyncio.to_thread(read)
        rows = await store.vocabulary_rows(session)

        def build() -> "Index":  # seconds for 100,000 entries: not on the event loop
            sources = (_source(row) for row in rows)
            vocabulary = Vocabulary.build(sources, synonyms(), reference, territory)
            return cls(vocabulary, Understanding(vocabulary), signature, fresh=True)

        return await asyncio.to_thread(build)

    async def hold(self, session: AsyncSession) -> None:
        """Read every entry's words once and keep them as postings, which find candidates in
        memory and give the scorer its entries (for a running relay: a question then asks the
        store only for the rows of its page). Read a batch at a time, off the event loop."""
        from relay.directory.postings import PostingsBuilder

        builder = PostingsBuilder()
        async for rows in store.search_row_batches(session, HOLD_BATCH):
            entries = [self._entry(row) for row in rows]
            await asyncio.to_thread(builder.add, entries)
        self.postings = await asyncio.to_thread(builder.done)
        self.words.clear()

    def _entry(self, row: store.SearchRow) -> "EntryWords":
        from relay.directory.postings import EntryWords

        return EntryWords(
            row.id,
            _tokens(row.search_name),
            _tokens(row.search_keywords),
            _tokens(row.search_text),
            self._publics_of(row.publics),
            sys.intern(row.commune_key),
            row.latitude,
            row.longitude,
        )

    def read(self, question: str) -> Query:
        """The question as the search reads it. A place of the territory's départements that is
        far from every entry (neither its intercommunality nor a neighbouring one has any) is
        outside the territory: nothing is found there."""
        query = self.understanding.read(question)
        return self._outside(query) if self._far(query.area) else query

    def _far(self, area: frozenset[str]) -> bool:
        territory = self.vocabulary.territory
        communes = [territory.communes.get(key) for key in area]
        if not area or area & territory.listed or not all(c and c.epci for c in communes):
            return False
        return not near_places(territory.proximity(area), self) - area - {""}

    @staticmethod
    def _outside(query: Query) -> Query:
        where = query.where or ""
        return replace(query, place=None, extra_places=(), unknown_place=where, outside=True)

    async def docs_for(self, session: AsyncSession, ids: Iterable[int]) -> list[Doc]:
        """These entries as the scorer reads them; their words from the store the first time."""
        wanted = list(dict.fromkeys(ids))
        if self.postings is not None:
            return [d for d in map(self.postings.doc, wanted) if d is not None]
        missing = [i for i in wanted if i not in self.words]
        for row in await store.rows_by_id(session, missing):
            self._keep(row)
        words = self.words
        return [_doc(i, words[i]) for i in wanted if i in words]

    async def entries(self, session: AsyncSession, ids: Iterable[int]) -> dict[int, DirectoryEntry]:
        """These entries as a page of answers shows them; each read from the store once while
        this state of the directory lasts (the most recently shown kept)."""
        wanted = list(ids)
        shown = self.shown
        missing = [i for i in wanted if i not in shown]
        if missing:
            shown.update(await store.entries_by_id(session, missing))
        found = {i: shown[i] for i in wanted if i in shown}
        for i in found:  # most recently shown last, the first out
            shown[i] = shown.pop(i)
        while len(shown) > SHOWN_KEPT:
            del shown[next(iter(shown))]
        return found

    def doc(self, row: store.SearchRow) -> Doc:
        return _doc(row.id, self.words.get(row.id) or self._keep(row))

    def _keep(self, row: store.SearchRow) -> _Words:
        name, keywords = _tokens(row.search_name), _tokens(row.search_keywords)
        publics = self._publics_of(row.publics)
        kept = _Words(
            name + keywords + _tokens(row.search_text),
            len(name),
            len(name) + len(keywords),
            publics,
            sys.intern(row.commune_key),
            row.latitude,
            row.longitude,
        )
        self.words[row.id] = kept
        if len(self.words) > WORDS_KEPT:
            del self.words[next(iter(self.words))]
        return kept

    def _publics_of(self, cell: str) -> frozenset[str]:
        publics = self._publics.get(cell)
        if publics is None:
            publics = self._publics[cell] = self.vocabulary.publics_of(cell)
        return publics

    def scorer(self, query: Query) -> Scorer:
        proximity = self.vocabulary.territory.proximity(query.area)
        return Scorer(query, self.vocabulary, proximity, self.vocabulary.public_df)


def _tokens(text: str) -> tuple[str, ...]:
    # Interned: the same word in a thousand entries is one string in memory, not a thousand.
    return tuple(dict.fromkeys(map(sys.intern, text.split())))


def _doc(id: int, words: _Words) -> Doc:
    tokens, name_end, keywords_end = words.tokens, words.name_end, words.keywords_end
    return Doc.of(
        id=id,
        name=frozenset(tokens[:name_end]),
        keywords=frozenset(tokens[name_end:keywords_end]),
        text=frozenset(tokens[keywords_end:]),
        publics=words.publics,
        commune=words.commune,
        latitude=words.latitude,
        longitude=words.longitude,
    )


def _source(row: tuple[object, ...]) -> EntrySource:
    (pk, name, keywords, body, publics, commune, postal, lat, lon, category, *raw) = row
    return EntrySource(
        id=int(str(pk)),
        search_name=str(name),
        search_keywords=str(keywords),
        search_text=str(body),
        publics=str(publics),
        place=EntryPlace(str(commune), str(postal), _float(lat), _float(lon)),
        category=str(category),
        raw_text=" ".join(str(r) for r in raw),
    )


def _float(value: object) -> float | None:
    return None if value is None else float(str(value))


def terms(concept: Concept, vocabulary: Vocabulary) -> list[store.Term]:
    """The full-text terms of a concept. A typed word is a prefix of its root ("vaccin*" finds
    vaccination and vacciner); synonyms are the directory's own words, matched whole; an
    expression needs all its words; and the directory's words a typed word matches otherwise
    come too ("sage-femme" for "sagefemme", "ophtalmo" for "ophtalmologue")."""
    found: dict[tuple[str, ...], store.Term] = {}
    for n, alternative in enumerate(concept.alternatives):
        typed = n == 0
        roots = tuple(_root(w) if typed else w for w in alternative.words)
        found.setdefault(roots, store.Term(alternative.words, roots, prefix=typed))
        if not typed:
            continue
        for word, root in zip(alternative.words, roots, strict=True):
            for other in vocabulary.expand(word):
                if not any(part.startswith(root) for part in other.split("-")):
                    found.setdefault((other,), store.Term((other,), (other,), prefix=False))
    for public in sorted(concept.publics):  # the entry's public says it too
        for value in vocabulary.public_values.get(public, ()):
            found.setdefault(value, store.Term(value, value, prefix=False))
    return list(found.values())[:MAX_TERMS]


def formula(query: Query, scorer: Scorer, vocabulary: Vocabulary) -> store.Formula:
    """What the full-text index is asked: any of the sets of concepts an answer must say."""
    groups = [terms(c, vocabulary) for c in query.concepts]
    return store.Formula([[groups[i] for i in subset] for subset in scorer.sufficient()])


def _root(word: str) -> str:
    root = stem(word)
    return root if len(root) >= MIN_PREFIX else word


def near_places(proximity: Proximity, index: Index) -> frozenset[str]:
    """The communes worth a look for a question's place, by key: the place itself, nearby
    communes, and "" for the services of the whole territory (kept per place: a few hundred
    distances each time otherwise)."""
    found = index.near.get(proximity.area)
    if found is None:
        territory = index.vocabulary.territory
        # Only where the directory has entries: France's other communes would match nothing.
        listed = territory.listed
        near = [key for key in listed if proximity.of(key, None, None) > SAME_DEPARTEMENT]
        found = frozenset({*near, *proximity.area, ""})
        if len(index.near) >= NEAR_KEPT:
            index.near.clear()
        index.near[proximity.area] = found
    return found


async def search(session: AsyncSession, index: Index, query: Query) -> list[Scored]:
    """The entries answering a question, best first (at most MAX_RESULTS), by the first of its
    `readings` that finds any."""
    for reading in readings(query):
        found = merged([await _answers(session, index, q) for q in reading], MAX_RESULTS)
        if found:
            return found
    return []


async def _answers(session: AsyncSession, index: Index, query: Query) -> list[Scored]:
    """The entries answering a question, best first (at most MAX_RESULTS).

    The full-text index gives candidates, best first by its own ranking; the scorer orders
    them. With a place, the entries in and near it come first; the rest of the territory is
    looked at only when fewer than a page of them are beyond the reach of any entry farther
    away (whose score is at most the best text score possible)."""
    scorer = index.scorer(query)
    if not scorer.answerable or query.outside:
        return []
    find = (
        index.postings.rank(scorer) if index.postings else formula(query, scorer, index.vocabulary)
    )
    scored: dict[int, Scored] = {}
    if query.area:
        await _score(session, index, scorer, find, scored, near_places(scorer.proximity, index))
        best = scorer.best_possible + scorer.beside - 1e-9
        if sum(s.text >= MIN_TEXT and s.total >= best for s in scored.values()) >= PAGE:
            return select(list(scored.values()), MAX_RESULTS)
    await _score(session, index, scorer, find, scored)
    return select(list(scored.values()), MAX_RESULTS)


async def _score(
    session: AsyncSession,
    index: Index,
    scorer: Scorer,
    find: "Ranking | store.Formula",
    scored: dict[int, Scored],
    places: frozenset[str] | None = None,
) -> None:
    """Score the best candidates (of these communes, by key, when given): from the postings
    when the index holds them, else from the store's full-text index."""
    if not isinstance(find, store.Formula):
        await _score_ranked(session, index, scorer, find.best(CANDIDATES, places), scored)
        return
    tokens = sorted({place_token(key) for key in places}) if places else ()
    ids = await store.candidates(session, find, CANDIDATES, tokens)
    for doc in await index.docs_for(session, [i for i in ids if i not in scored]):
        scored[doc.id] = scorer.score(doc)


async def _score_ranked(
    session: AsyncSession,
    index: Index,
    scorer: Scorer,
    candidates: list[tuple[int, float]],
    scored: dict[int, Scored],
) -> None:
    """Score the candidates a page at a time, the most they can reach first, until the next
    ones can no longer come before enough entries already scored."""
    if scorer.proximity.area and index.postings is not None:
        candidates = _placed(index.postings, scorer.proximity, candidates)
    for start in range(0, len(candidates), MAX_RESULTS):
        batch = candidates[start : start + MAX_RESULTS]
        beyond = batch[0][1] + scorer.beside - 1e-9  # ties come after: by id, as the ranking
        if sum(s.text >= MIN_TEXT and s.total >= beyond for s in scored.values()) >= MAX_RESULTS:
            return
        for doc in await index.docs_for(session, [i for i, _ in batch if i not in scored]):
            scored[doc.id] = scorer.score(doc)


def _placed(
    postings: "Postings", proximity: Proximity, candidates: list[tuple[int, float]]
) -> list[tuple[int, float]]:
    """The candidates of a question with a place, by what they can reach once their nearness
    to it counts."""
    placed = []
    for id, covers in candidates:
        where = postings.place(id)
        near = proximity.of(*where) if where else 1.0
        placed.append((id, covers + PLACE_WEIGHT * near))
    placed.sort(key=lambda candidate: (-candidate[1], candidate[0]))
    return placed


async def every_doc(session: AsyncSession, index: Index) -> list[Doc]:
    return [index.doc(row) for row in await store.search_rows(session)]


def scan(docs: Sequence[Doc], index: Index, query: Query) -> list[Scored]:
    """The naive baseline: every entry scored in Python, no full-text index."""
    for reading in readings(query):
        found = merged([_scan(docs, index, q) for q in reading], MAX_RESULTS)
        if found:
            return found
    return []


def _scan(docs: Sequence[Doc], index: Index, query: Query) -> list[Scored]:
    scorer = index.scorer(query)
    if not scorer.answerable or query.outside:
        return []
    return select([scorer.score(doc) for doc in docs], MAX_RESULTS)
