"""Finding the place in a question: a commune (whole, without its article, or its first words),
an intercommunality, a postal code — with "st" for "saint" and a typo forgiven."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from relay.directory.french import (
    CONTRACTED_ARTICLES,
    LOCATION_MARKERS,
    PLACE_ABBREVIATIONS,
    PLACE_ARTICLES,
    STOP_WORDS,
)
from relay.directory.geography import Territory, place_key

# Words that do not make a place name distinctive on their own ("Saint", "la", "sur").
GENERIC = frozenset(
    [
        "saint",
        "sainte",
        "saints",
        "saintes",
        "la",
        "le",
        "les",
        "l",
        "de",
        "du",
        "des",
        "d",
        "en",
        "sur",
        "sous",
        "et",
        "aux",
        "au",
        "lez",
        "les-bains",
        "mer",
    ]
)
# Words of intercommunality names that say what it is, not where.
EPCI_WORDS = frozenset(
    [
        "cc",
        "ca",
        "cu",
        "cte",
        "communaute",
        "commune",
        "communes",
        "agglomeration",
        "agglo",
        "metropole",
        "urbaine",
        "intercommunalite",
        "de",
        "du",
        "des",
        "d",
        "la",
        "le",
        "les",
        "l",
    ]
)
MAX_PLACE_WORDS = 7
_LINKS = frozenset(["de", "du", "d", "des", "la", "le", "l", "les"])  # "près de la", "à côté des"


# The article a word before a place holds ("la", "au Mans", "près des Mureaux"): the commune's
# name begins with it, or the article belongs to another noun.
_ARTICLE_IN = {a: a for a in (*PLACE_ARTICLES, "l")} | CONTRACTED_ARTICLES


@dataclass(frozen=True)
class Place:
    """A place found in a question: the communes it stands for, and how to name it."""

    label: str
    communes: frozenset[str]
    start: int  # first word of the place (its marker included) in the question's words
    end: int
    kind: str = "commune"  # or "epci", "postal_code"


@dataclass(frozen=True)
class _Variant:
    label: str
    communes: frozenset[str]
    weak: bool  # a common word too ("Vue"): a place only after "à", "près de"…
    kind: str = "commune"


class PlaceFinder:
    def __init__(
        self,
        territory: Territory,
        common_words: frozenset[str],
        is_word: Callable[[str], bool] = lambda _: False,
    ) -> None:
        """`common_words`: what the directory writes in lower case; `is_word`: any word the
        search knows otherwise. A commune where the directory has no entry is named without
        "à" or "près de" only by its whole name, and only when one of its words is no word
        ("Joué" is not in "mon mari joue tout"; "Sainte-Colombe-du-Bois" is a place, though
        "je bois" is a need)."""
        self._variants: dict[tuple[str, ...], _Variant] = {}
        self._postal = territory.by_postal_code()
        self._names = {k: c.name for k, c in territory.communes.items()}
        towns = {key: territory.same_town(key) for key in territory.communes}
        for whole in (True, False):  # whole names before their beginnings
            for key, commune in territory.communes.items():
                listed = bool(towns[key] & territory.listed)
                self._add_commune(
                    key, commune.name, towns[key], common_words, whole, listed, is_word
                )
        for epci in sorted(territory.epcis()):
            self._add_epci(epci, frozenset(territory.epci_members(epci)))
        self._words = sorted({w for variant in self._variants for w in variant if len(w) >= 5})
        self._fixed: dict[str, str] = {}

    def _add_commune(
        self,
        key: str,
        name: str,
        town: frozenset[str],
        common: frozenset[str],
        whole: bool,
        listed: bool,
        is_word: Callable[[str], bool],
    ) -> None:
        words = tuple(key.split())
        forms = [words]
        if len(words) > 1 and words[0] in PLACE_ARTICLES:
            forms.append(words[1:])
        for form in forms:
            ends = [len(form)] if whole else range(len(form) - 1, 0, -1)
            for end in ends:
                prefix = form[:end]
                if prefix[-1] in GENERIC:
                    continue
                distinctive = [w for w in prefix if w not in GENERIC]
                if not whole and all(w in STOP_WORDS for w in distinctive):
                    continue  # "Notre bébé tousse" is not Notre-Dame-de-Courson
                weak = all(w in common for w in distinctive)
                if not listed:
                    ordinary = all(is_word(w) or w in common for w in distinctive)
                    if ordinary and not whole:
                        continue  # "sur le causse" is not Causse-et-Diège
                    weak = weak or not whole or ordinary
                self._offer(prefix, _Variant(name, town, weak))

    def _add_epci(self, epci: str, members: frozenset[str]) -> None:
        variant = _Variant(epci, members, weak=False, kind="epci")
        full = tuple(place_key(epci).split())
        self._offer(full, variant)
        words = tuple(w for w in full if w not in EPCI_WORDS)
        for end in range(len(words), 1, -1):
            self._offer(words[:end], variant)

    def _offer(self, words: tuple[str, ...], variant: _Variant) -> None:
        known = self._variants.get(words)
        if known is None or (known.communes == variant.communes and known.weak > variant.weak):
            self._variants[words] = variant
        elif known.communes != variant.communes:
            # The same words name two places: they stand for both, and only after a marker.
            label = known.label if len(known.communes) >= len(variant.communes) else variant.label
            communes = known.communes | variant.communes
            self._variants[words] = _Variant(label, communes, weak=True, kind=known.kind)

    def find(self, words: Sequence[str], known: frozenset[str]) -> list[Place]:
        """The places of a question, given its words (parts of compounds included) and the words
        the directory knows otherwise (never corrected into a place)."""
        normal = [PLACE_ABBREVIATIONS.get(w, w) for w in words]
        found: list[Place] = []
        i = 0
        while i < len(normal):
            place = self._postal_code(normal, i) or self._at(normal, i, known)
            if place is None:
                i += 1
                continue
            found.append(place)
            i = place.end
        return found

    def _postal_code(self, words: list[str], i: int) -> Place | None:
        word = words[i]
        communes = self._postal.get(word) if len(word) == 5 and word.isdigit() else None
        if not communes:
            return None
        start = self._marker_start(words, i)
        if len(communes) == 1:
            return Place(self._names[next(iter(communes))], frozenset(communes), start, i + 1)
        label = word
        return Place(label, frozenset(communes), start, i + 1, kind="postal_code")

    def _at(self, words: list[str], i: int, known: frozenset[str]) -> Place | None:
        if words[i] in GENERIC and words[i] not in {"saint", "sainte", "la", "le", "les"}:
            return None
        for length in range(min(MAX_PLACE_WORDS, len(words) - i), 0, -1):
            candidate = tuple(words[i : i + length])
            variant = self._variants.get(candidate) or self._corrected(candidate, known)
            if variant is None:
                continue
            start = self._marker_start(words, i)
            if variant.weak and start == i:
                continue
            if i and not _takes_article(variant, words[i - 1]):
                continue  # "sur les murs" is no commune of Murs: the article is a noun's
            return Place(variant.label, variant.communes, start, i + length, variant.kind)
        return None

    def _corrected(self, words: tuple[str, ...], known: frozenset[str]) -> _Variant | None:
        """The variant these words name once one typo per long word is forgiven."""
        fixed = [word if word in known else self._fix(word) for word in words]
        if tuple(fixed) == words:
            return None
        variant = self._variants.get(tuple(fixed))
        return variant if variant is not None and not variant.weak else None

    def _fix(self, word: str) -> str:
        """The place word closest to a word: one typo for a short word, two for a long one, the
        first letter as typed ("Brive" is not "Grives")."""
        fixed = self._fixed.get(word)
        if fixed is None:
            fixed = word
            if len(word) >= 5 and word.isalpha():
                allowed = 1 if len(word) <= 8 else 2
                matches = process.extract(
                    word,
                    self._words,
                    scorer=DamerauLevenshtein.distance,
                    score_cutoff=allowed,
                    limit=8,
                )
                same_start = [m for m in matches if str(m[0])[:1] == word[:1]]
                fixed = str(min(same_start, key=lambda m: m[1])[0]) if same_start else word
            if len(self._fixed) > 10_000:
                self._fixed.clear()
            self._fixed[word] = fixed
        return fixed

    @staticmethod
    def _marker_start(words: list[str], i: int) -> int:
        """Where the place's introduction ("à", "près de", "du côté de la") begins."""
        start = i
        while start > 0 and words[start - 1] in _LINKS:
            start -= 1
        if start > 0 and words[start - 1] in LOCATION_MARKERS:
            start -= 1
            while start > 0 and words[start - 1] in LOCATION_MARKERS:
                start -= 1
            return start
        return i


def _takes_article(variant: _Variant, before: str) -> bool:
    article = _ARTICLE_IN.get(before)
    if article is None or variant.kind != "commune":
        return True
    return place_key(variant.label).split()[0] == article
