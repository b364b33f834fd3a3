"""Where each word of the directory is, held in memory: for every token, the entries saying it and
in which of their fields. A running relay finds a question's candidates with it instead of the
store's full-text index: the entries that can cover enough of the question (what the full-text
formula asks), best first by how well each says the question's concepts, from the scorer's own
weights. Ranking thousands of entries this way takes a fraction of a millisecond where the
full-text index's own ranking takes tens on a broad question.

A few bytes per word of each entry; built in a second for 20,000 entries, off the event loop."""

from array import array
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from relay.directory.scoring import (
    FIELDS,
    PUBLIC,
    SECOND_FIELD,
    UNFAITHFUL,
    Doc,
    PhraseReach,
    Reach,
    Scorer,
)

_NAME, _KEYWORDS, _TEXT = 1, 2, 4
_BITS = (_NAME, _KEYWORDS, _TEXT)  # the scorer's FIELDS, in its order

Positions = npt.NDArray[np.integer[Any]]  # entries' numbers, as small a type as they fit


@dataclass(frozen=True)
class EntryWords:
    """One entry as the postings read it."""

    id: int
    name: Sequence[str]
    keywords: Sequence[str]
    text: Sequence[str]
    publics: frozenset[str]
    commune: str
    latitude: float | None
    longitude: float | None


class Postings:
    """The entries of one state of the directory, by word, public and commune; and each entry's
    words, as compactly (a token's number per word: a tenth of the Python objects)."""

    def __init__(self, postings: "PostingsBuilder") -> None:
        slots = postings.slots
        tokens = np.frombuffer(postings.tokens, dtype=np.int32)
        rows = len(postings.ids)
        order = np.argsort(tokens, kind="stable")
        self.ids = np.frombuffer(postings.ids, dtype=np.int64)
        self._slots = slots
        self._words = list(slots)  # each token by its number
        self._rows: Positions = np.frombuffer(postings.rows, np.int32)[order].astype(_fitting(rows))
        self._masks = np.frombuffer(postings.masks, dtype=np.uint8)[order]
        self._starts = np.concatenate(([0], np.cumsum(np.bincount(tokens, minlength=len(slots)))))
        self._publics = {p: np.array(r, dtype=np.int32) for p, r in postings.publics.items()}
        self._public_sets = list(postings.public_sets)
        self._publics_of = np.frombuffer(postings.publics_of, dtype=np.int32)
        self._communes = postings.communes
        self._commune_keys = list(postings.communes)
        self._commune_of = np.frombuffer(postings.commune_of, dtype=np.int32)
        self._forward = np.frombuffer(postings.forward, np.int32).astype(_fitting(len(slots)))
        self._ends = np.frombuffer(postings.ends, dtype=np.int64).reshape(-1, 3)
        self._latitudes = np.frombuffer(postings.latitudes, dtype=np.float64)
        self._longitudes = np.frombuffer(postings.longitudes, dtype=np.float64)
        # An entry's number among those one concept touches, while that concept is read.
        self._local = np.zeros(len(self.ids), dtype=np.int32)
        self._inside = np.zeros(len(self.ids), dtype=np.bool_)  # and whether it is one of them

    def __len__(self) -> int:
        return len(self.ids)

    def doc(self, id: int) -> Doc | None:
        """The entry as the scorer reads it."""
        row = self._row(id)
        if row is None:
            return None
        name_end, keywords_end, end = (int(n) for n in self._ends[row])
        start = int(self._ends[row - 1, 2]) if row else 0
        words = [self._words[slot] for slot in self._forward[start:end].tolist()]
        commune, latitude, longitude = self._place(row)
        return Doc.of(
            id=id,
            name=frozenset(words[: name_end - start]),
            keywords=frozenset(words[name_end - start : keywords_end - start]),
            text=frozenset(words[keywords_end - start :]),
            publics=self._public_sets[self._publics_of[row]],
            commune=commune,
            latitude=latitude,
            longitude=longitude,
        )

    def place(self, id: int) -> tuple[str, float | None, float | None] | None:
        """Where the entry is: its commune's key, its coordinates."""
        row = self._row(id)
        return None if row is None else self._place(row)

    def _place(self, row: int) -> tuple[str, float | None, float | None]:
        latitude, longitude = float(self._latitudes[row]), float(self._longitudes[row])
        return (
            self._commune_keys[self._commune_of[row]],
            None if np.isnan(latitude) else latitude,
            None if np.isnan(longitude) else longitude,
        )

    def _row(self, id: int) -> int | None:
        row = int(np.searchsorted(self.ids, id))
        return row if row < len(self.ids) and self.ids[row] == id else None

    def rank(self, scorer: Scorer) -> "Ranking":
        """The entries as one question's candidates: which can cover enough of it, and how
        much of it each says."""
        size = len(self.ids)
        reach = np.zeros(size)  # the most of the question an entry can say
        said = np.zeros(size)  # how much of it the entry says
        for concept in scorer.reaches():
            concept_said = self._said(concept)
            reach += concept.weight * (concept_said > 0)
            said += concept.weight * concept_said
        possible = (reach >= scorer.needed) if scorer.answerable else np.zeros(size, np.bool_)
        return Ranking(self, possible, said / scorer.total_weight)

    def in_communes(self, keys: Collection[str]) -> npt.NDArray[np.bool_]:
        codes = [self._communes[k] for k in keys if k in self._communes]
        return np.isin(self._commune_of, codes)

    def _said(self, concept: Reach) -> npt.NDArray[np.float64]:
        """How much of one concept each entry says, as the scorer counts it: its best field, a
        little for a second one, its public, less a little when its best field says it in
        other words than the question's."""
        said = np.zeros(len(self.ids))
        touched = self._touched(concept)
        if len(touched):
            self._inside[touched] = True
            self._local[touched] = np.arange(len(touched), dtype=np.int32)
            said[touched] = self._said_by(concept, len(touched))
            self._inside[touched] = False
        return said

    def _touched(self, concept: Reach) -> Positions:
        """The entries that may say a concept: one of its words, all the words of one of its
        expressions, or its public."""
        mark = np.zeros(len(self.ids), dtype=np.bool_)
        for word in [*concept.words, *(w for p in concept.phrases for w in p.joined)]:
            mark[self._where(word)[0]] = True
        for phrase in concept.phrases:
            mark |= self._all_parts(phrase)
        for public in concept.publics:
            if (listed := self._publics.get(public)) is not None:
                mark[listed] = True
        touched: Positions = np.flatnonzero(mark).astype(np.int32)
        return touched

    def _all_parts(self, phrase: PhraseReach) -> npt.NDArray[np.bool_]:
        """The entries saying a word of each part of an expression, in any field."""
        every = np.ones(len(self.ids), dtype=np.bool_)
        for part in phrase.parts:
            either = np.zeros(len(self.ids), dtype=np.bool_)
            for word in part:
                either[self._where(word)[0]] = True
            every &= either
        return every

    def _said_by(self, concept: Reach, size: int) -> npt.NDArray[np.float64]:
        """`_said` for the entries a concept touches, numbered by `_local`."""
        rows, masks, qualities = self._words_of(concept)
        phrases = [phrase.quality * self._in_fields(phrase, size) for phrase in concept.phrases]
        found: list[npt.NDArray[np.float64]] = []  # each field's weight for the concept
        quality: list[npt.NDArray[np.float64]] = []  # how faithful to the question its words are
        for field, (bit, (weight, phrase_weight)) in enumerate(zip(_BITS, FIELDS, strict=True)):
            chosen = (masks & bit) != 0
            field_quality = np.zeros(size)
            np.maximum.at(field_quality, rows[chosen], qualities[chosen])
            field_found = weight * field_quality
            for said_in in phrases:
                said = said_in[field]
                better = phrase_weight * said > field_found
                field_found = np.where(better, phrase_weight * said, field_found)
                field_quality = np.where(better, said, field_quality)
            found.append(field_found)
            quality.append(field_quality)
        (name, keywords, text), (name_quality, keywords_quality, text_quality) = found, quality
        best = np.maximum(np.maximum(name, keywords), text)
        second = name + keywords + text - best - np.minimum(np.minimum(name, keywords), text)
        # the first field saying it best, as the scorer reads them: name, keywords, text
        faithful = np.where(
            name >= best, name_quality, np.where(keywords >= best, keywords_quality, text_quality)
        )
        for public in concept.publics:
            if (listed := self._publics.get(public)) is not None:
                at = self._local[listed]
                lifted = best[at] < PUBLIC
                second[at] = np.where(lifted, best[at], np.maximum(second[at], PUBLIC))
                best[at] = np.maximum(best[at], PUBLIC)
                faithful[at] = np.where(lifted, 1.0, faithful[at])
        said = np.minimum(1.0, best + SECOND_FIELD * second)
        kept: npt.NDArray[np.float64] = said * (1.0 - UNFAITHFUL * (1.0 - faithful))
        return kept

    def _in_fields(self, phrase: PhraseReach, size: int) -> npt.NDArray[np.float64]:
        """How well each field (name, keywords, text) of each entry says an expression: whole
        in a joined form, else the mean of its words' best matches when every word has one,
        else not at all."""
        total = np.zeros((3, size))
        every = np.ones((3, size), dtype=np.bool_)
        slots = self._slots
        whole = all(any(w in slots for w in part) for part in phrase.parts)
        for part in phrase.parts if whole else ():
            best = np.zeros((3, size))
            for word, word_quality in part.items():
                for field, rows in enumerate(self._in_each(word)):
                    best[field, rows] = np.maximum(best[field, rows], word_quality)
            every &= best > 0
            total += best
        said = np.where(every, total / len(phrase.parts), 0.0) if whole else total
        for word in phrase.joined:
            for field, rows in enumerate(self._in_each(word)):
                said[field, rows] = 1.0
        return said

    def _in_each(self, word: str) -> tuple[Positions, Positions, Positions]:
        """The entries saying a word in each field, among those the concept touches, numbered
        by `_local`."""
        rows, masks = self._where(word)
        inside = self._inside[rows]
        local, masks = self._local[rows[inside]], masks[inside]
        name, keywords, text = (local[(masks & bit) != 0] for bit in _BITS)
        return name, keywords, text

    def _words_of(
        self, concept: Reach
    ) -> tuple[Positions, npt.NDArray[np.uint8], npt.NDArray[np.float64]]:
        """Where the concept's words are (numbered by `_local`), with how well each says it."""
        found = [(self._where(w), q) for w, q in concept.words.items() if w in self._slots]
        if not found:
            return np.empty(0, np.int32), np.empty(0, np.uint8), np.empty(0)
        rows = self._local[np.concatenate([where[0] for where, _ in found])]
        masks = np.concatenate([where[1] for where, _ in found])
        qualities = np.concatenate([np.full(len(where[0]), q) for where, q in found])
        return rows, masks, qualities

    def _where(self, word: str) -> tuple[Positions, npt.NDArray[np.uint8]]:
        slot = self._slots.get(word)
        if slot is None:
            return np.empty(0, dtype=np.int32), np.empty(0, dtype=np.uint8)
        start, end = self._starts[slot], self._starts[slot + 1]
        return self._rows[start:end], self._masks[start:end]


class Ranking:
    """One question's candidates among the entries of the postings, each with the most of the
    question it can cover: the scorer's text score, or more when an expression is said only in
    part (never less)."""

    def __init__(
        self, postings: Postings, possible: npt.NDArray[np.bool_], covers: npt.NDArray[np.float64]
    ) -> None:
        self._postings = postings
        self._possible = possible
        self._covers = covers

    def best(self, limit: int, places: Collection[str] | None = None) -> list[tuple[int, float]]:
        """At most `limit` entries that can cover enough of the question (only those in these
        communes, by key, when given), by id with what they can cover, the most first (then by
        id)."""
        possible = self._possible
        if places is not None:
            possible = possible & self._postings.in_communes(places)
        rows = np.flatnonzero(possible)
        covers, ids = self._covers[rows], self._postings.ids[rows]
        order = np.lexsort((ids, -covers))[:limit]
        return list(zip(ids[order].tolist(), covers[order].tolist(), strict=True))


def _fitting(count: int) -> type[np.integer[Any]]:
    """The smallest integer type numbering `count` things."""
    return np.uint16 if count <= 1 << 16 else np.int32


class PostingsBuilder:
    """The postings' columns while the entries are read, in the order of their ids, as compact
    arrays: the entries need not all be in memory at once."""

    def __init__(self) -> None:
        self.ids = array("q")
        self.tokens, self.rows, self.masks = array("i"), array("i"), array("B")
        self.forward, self.ends = array("i"), array("q")  # each entry's fields' ends
        self.publics_of, self.commune_of = array("i"), array("i")
        self.latitudes, self.longitudes = array("d"), array("d")
        self.slots: dict[str, int] = {}
        self.publics: dict[str, list[int]] = {}
        self.public_sets: dict[frozenset[str], int] = {}
        self.communes: dict[str, int] = {}

    def add(self, entries: Iterable[EntryWords]) -> None:
        slots = self.slots
        for entry in entries:
            row = len(self.ids)
            self.ids.append(entry.id)
            fields: dict[str, int] = {}
            for bit, words in (
                (_NAME, entry.name),
                (_KEYWORDS, entry.keywords),
                (_TEXT, entry.text),
            ):
                for word in words:
                    fields[word] = fields.get(word, 0) | bit
                    self.forward.append(slots.setdefault(word, len(slots)))
                self.ends.append(len(self.forward))
            for word, mask in fields.items():
                self.tokens.append(slots[word])
                self.rows.append(row)
                self.masks.append(mask)
            for public in entry.publics:
                self.publics.setdefault(public, []).append(row)
            self.publics_of.append(
                self.public_sets.setdefault(entry.publics, len(self.public_sets))
            )
            self.commune_of.append(self.communes.setdefault(entry.commune, len(self.communes)))
            self.latitudes.append(np.nan if entry.latitude is None else entry.latitude)
            self.longitudes.append(np.nan if entry.longitude is None else entry.longitude)

    def done(self) -> Postings:
        return Postings(self)
