"""Where each word of the directory is, held in memory: for every token, the entries saying it and
in which of their fields. A running relay finds a question's candidates with it instead of the
store's full-text index: the entries that can cover enough of the question (what the full-text
formula asks), best first by how well each says the question's concepts, from the scorer's own
weights. Ranking thousands of entries this way takes a fraction of a millisecond where the
full-text index's own ranking takes tens on a broad question.

A few bytes per word of each entry; built in a second for 20,000 entries, off the event loop."""

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from relay.directory.scoring import FIELDS, PUBLIC, SECOND_FIELD, Reach, Scorer

_NAME, _KEYWORDS, _TEXT = 1, 2, 4
_BITS = (_NAME, _KEYWORDS, _TEXT)  # the scorer's FIELDS, in its order

Positions = npt.NDArray[np.int32]


@dataclass(frozen=True)
class EntryWords:
    """One entry as the postings read it."""

    id: int
    name: Sequence[str]
    keywords: Sequence[str]
    text: Sequence[str]
    publics: Collection[str]
    commune: str


class Postings:
    """The entries of one state of the directory, by word, public and commune."""

    def __init__(self, entries: Iterable[EntryWords]) -> None:
        ids: list[int] = []
        slots: dict[str, int] = {}
        tokens, rows, masks = [], [], []
        publics: dict[str, list[int]] = {}
        communes: dict[str, int] = {}
        commune_of: list[int] = []
        for row, entry in enumerate(entries):
            ids.append(entry.id)
            fields: dict[str, int] = {}
            for bit, words in (
                (_NAME, entry.name),
                (_KEYWORDS, entry.keywords),
                (_TEXT, entry.text),
            ):
                for word in words:
                    fields[word] = fields.get(word, 0) | bit
            for word, mask in fields.items():
                tokens.append(slots.setdefault(word, len(slots)))
                rows.append(row)
                masks.append(mask)
            for public in entry.publics:
                publics.setdefault(public, []).append(row)
            commune_of.append(communes.setdefault(entry.commune, len(communes)))
        order = np.argsort(np.array(tokens, dtype=np.int32), kind="stable")
        self.ids = np.array(ids, dtype=np.int64)
        self._slots = slots
        self._rows: Positions = np.array(rows, dtype=np.int32)[order]
        self._masks = np.array(masks, dtype=np.uint8)[order]
        self._starts = np.concatenate(([0], np.cumsum(np.bincount(tokens, minlength=len(slots)))))
        self._publics = {p: np.array(r, dtype=np.int32) for p, r in publics.items()}
        self._communes = communes
        self._commune_of = np.array(commune_of, dtype=np.int32)

    def __len__(self) -> int:
        return len(self.ids)

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
        return Ranking(self, possible, said)

    def in_communes(self, keys: Collection[str]) -> npt.NDArray[np.bool_]:
        codes = [self._communes[k] for k in keys if k in self._communes]
        return np.isin(self._commune_of, codes)

    def _said(self, concept: Reach) -> npt.NDArray[np.float64]:
        """How well each entry says one concept, as the scorer counts it (its best field, a
        little for a second one, its public), an expression counted at its best."""
        size = len(self.ids)
        rows, masks, qualities = self._words_of(concept)
        fields = np.zeros((3, size))
        for f, (bit, (weight, phrase_weight)) in enumerate(zip(_BITS, FIELDS, strict=True)):
            chosen = (masks & bit) != 0
            np.maximum.at(fields[f], rows[chosen], weight * qualities[chosen])
            for phrase in concept.phrases:
                whole = self._all_of(phrase.parts, bit)
                for word in phrase.joined:
                    found, in_fields = self._where(word)
                    whole[found[(in_fields & bit) != 0]] = True
                fields[f, whole] = np.maximum(fields[f, whole], phrase_weight * phrase.quality)
        best, least = fields.max(axis=0), fields.min(axis=0)
        second = fields.sum(axis=0) - best - least
        for public in concept.publics:
            if (listed := self._publics.get(public)) is not None:
                lifted = best[listed] < PUBLIC
                second[listed] = np.where(lifted, best[listed], np.maximum(second[listed], PUBLIC))
                best[listed] = np.maximum(best[listed], PUBLIC)
        said: npt.NDArray[np.float64] = np.minimum(1.0, best + SECOND_FIELD * second)
        return said

    def _words_of(
        self, concept: Reach
    ) -> tuple[Positions, npt.NDArray[np.uint8], npt.NDArray[np.float64]]:
        """Where the concept's words are, with how well each says it."""
        found = [(self._where(w), q) for w, q in concept.words.items() if w in self._slots]
        if not found:
            return np.empty(0, np.int32), np.empty(0, np.uint8), np.empty(0)
        rows = np.concatenate([where[0] for where, _ in found])
        masks = np.concatenate([where[1] for where, _ in found])
        qualities = np.concatenate([np.full(len(where[0]), q) for where, q in found])
        return rows, masks, qualities

    def _where(self, word: str) -> tuple[Positions, npt.NDArray[np.uint8]]:
        slot = self._slots.get(word)
        if slot is None:
            return np.empty(0, dtype=np.int32), np.empty(0, dtype=np.uint8)
        start, end = self._starts[slot], self._starts[slot + 1]
        return self._rows[start:end], self._masks[start:end]

    def _all_of(self, parts: Sequence[Collection[str]], bit: int) -> npt.NDArray[np.bool_]:
        """Which entries say one of each part's words in one field."""
        found = np.ones(len(self.ids), dtype=np.bool_)
        for words in parts:
            either = np.zeros(len(self.ids), dtype=np.bool_)
            for word in words:
                rows, masks = self._where(word)
                either[rows[(masks & bit) != 0]] = True
            found &= either
        return found


class Ranking:
    """One question's candidates among the entries of the postings."""

    def __init__(
        self, postings: Postings, possible: npt.NDArray[np.bool_], said: npt.NDArray[np.float64]
    ) -> None:
        self._postings = postings
        self._possible = possible
        self._said = said

    def best(self, limit: int, places: Collection[str] | None = None) -> list[int]:
        """The ids of at most `limit` entries that can cover enough of the question (only those
        in these communes, by key, when given), those saying most of it first."""
        possible = self._possible
        if places is not None:
            possible = possible & self._postings.in_communes(places)
        rows = np.flatnonzero(possible)
        said = self._said
        if len(rows) > limit:
            rows = rows[np.argpartition(-said[rows], limit - 1)[:limit]]
        rows = rows[np.argsort(-said[rows], kind="stable")]
        return [int(i) for i in self._postings.ids[rows]]
