"""What the loaded directory says, in its own words: the tokens it uses and how often, its
publics, its places. Questions are understood against it, so a coordinator who loads another
territory's directory gets the same quality without touching the code."""

import bisect
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from relay.directory import france
from relay.directory.analysis import fold, parts, sound, stem
from relay.directory.geography import Commune, EntryPlace, Territory
from relay.directory.synonyms import Phrase, PublicGroup, Synonyms, phrase
from relay.textnorm import singular

# How well a typed word matches a word of the directory.
EXACT = 1.0
SAME_STEM = 0.9
CORRECTED = 0.85  # a typo corrected against the directory's words
PREFIX = 0.8  # "kiné" for "kinésithérapeute"
ABBREVIATED = 0.7  # the directory's "ophtalmo" for a typed "ophtalmologiste"
STEM_PREFIX = 0.75  # "harcelé" for "harcèlement"
COMPOUND_PART = 0.55  # "chirurgien" only inside "chirurgien-dentiste"

MAIN_COMMUNES = 40
MIN_PREFIX = 4
MIN_STEM_PREFIX = 6  # "psych", the stem of "psychique", would reach every psych- word
MIN_FUZZY = 5
MAX_CORRECTIONS = 10_000  # typos remembered, per vocabulary
SOUND_REACH = 3  # typos apart, at most, two spellings of one sound are (2 in a short word)
_LOWER_WORD = re.compile(r"(?<![\w-])[a-zà-ÿœæ][\w-]*")


@dataclass(frozen=True, slots=True)
class EntrySource:
    """One directory entry as the vocabulary reads it."""

    id: int
    search_name: str
    search_keywords: str
    search_text: str
    publics: str
    place: EntryPlace
    category: str = ""
    raw_text: str = ""  # name, keywords and description as typed: tells common words from names


@dataclass(frozen=True)
class Vocabulary:
    size: int
    df: dict[str, int]
    publics_of_value: dict[str, str]  # folded public value of the directory -> group name
    public_values: dict[str, tuple[Phrase, ...]]  # group name -> its values in the directory
    public_phrases: dict[Phrase, str]  # typed words -> group name
    public_ages: dict[str, tuple[int, int]]
    public_df: dict[str, int]  # group name -> how many entries are for it
    territory: Territory
    common_words: frozenset[str]  # words the directory writes in lower case, as words
    strong_words: frozenset[str]  # words of names, categories and keywords (compounds split)
    categories: tuple[str, ...]  # the most frequent categories, for suggestions
    main_commune: str | None  # where most entries are, for examples
    main_communes: tuple[str, ...]  # where the entries are, the most frequent first
    synonyms: Synonyms
    _sorted: list[str] = field(repr=False, default_factory=list)
    _by_part: dict[str, set[str]] = field(repr=False, default_factory=dict)
    _by_joined: dict[str, str] = field(repr=False, default_factory=dict)
    # the words of each stem, but a word alone with its stem ("vaccin"): it is in `df`
    _by_stem: dict[str, tuple[str, ...]] = field(repr=False, default_factory=dict)
    _fuzzy: dict[str, list[str]] = field(repr=False, default_factory=dict)  # by length
    _expansions: dict[str, dict[str, float]] = field(
        repr=False, default_factory=dict, compare=False
    )
    _corrections: dict[str, str | None] = field(repr=False, default_factory=dict, compare=False)

    @classmethod
    def build(
        cls,
        entries: Iterable[EntrySource],
        synonyms: Synonyms,
        reference_communes: Iterable[Commune] = (),
        territory: Sequence[str] = (),
    ) -> "Vocabulary":
        """`territory`: the CLS's département codes or EPCI SIRENs (else the départements of
        the entries)."""
        df: Counter[str] = Counter()
        public_values: Counter[str] = Counter()
        places: list[EntryPlace] = []
        categories: Counter[str] = Counter()
        communes: Counter[str] = Counter()
        lower: set[str] = set()  # words written in lower case, as typed
        strong: set[str] = set()
        size = 0
        for entry in entries:
            size += 1
            strong_tokens = (entry.search_name + " " + entry.search_keywords).split()
            df.update({*strong_tokens, *entry.search_text.split()})
            public_values.update({v.strip() for v in entry.publics.split(";") if v.strip()})
            for token in strong_tokens:
                strong.update(parts(token))
            places.append(entry.place)
            if entry.place.commune.strip():
                communes[entry.place.commune.strip()] += 1
            if entry.category.strip():
                categories[entry.category.strip()] += 1
            lower.update(_LOWER_WORD.findall(entry.raw_text))
        groups = _public_groups(synonyms.publics, public_values)
        public_df: Counter[str] = Counter()
        for value, count in public_values.items():
            for group in groups[value]:
                public_df[group.name] += count
        vocabulary = cls(
            size=size,
            df=dict(df),
            publics_of_value={_folded(v): g.name for v in public_values for g in groups[v]},
            public_values=_values_of(groups),
            public_phrases={p: g.name for gs in groups.values() for g in gs for p in _says(g)},
            public_ages={g.name: g.ages for gs in groups.values() for g in gs if g.ages},
            public_df=dict(public_df),
            territory=_territory(places, reference_communes, territory),
            common_words=frozenset(
                singular(part) for word in lower for part in fold(word).split("-")
            ),
            strong_words=frozenset(strong),
            categories=tuple(name for name, _ in categories.most_common(8)),
            main_commune=communes.most_common(1)[0][0] if communes else None,
            main_communes=tuple(
                name for name, _ in sorted(communes.items(), key=lambda c: (-c[1], c[0]))
            )[:MAIN_COMMUNES],
            synonyms=synonyms,
        )
        vocabulary._index()
        return vocabulary

    def _index(self) -> None:
        self._sorted.extend(sorted(self.df))
        by_stem: dict[str, list[str]] = {}
        for token in self._sorted:
            if "-" in token:
                for part in parts(token):
                    self._by_part.setdefault(part, set()).add(token)
                self._by_joined[token.replace("-", "")] = token
            by_stem.setdefault(stem(token), []).append(token)
            if len(token) >= MIN_FUZZY - 1 and token[0].isalpha():
                self._fuzzy.setdefault(token[0], []).append(token)
        self._by_stem.update(
            (root, tuple(words)) for root, words in by_stem.items() if words != [root]
        )
        # a typo finds a word of synonyms.yaml the directory does not use: one key, or one
        # service it names ("orthophonnie": "orthophonie", which finds "orthophoniste")
        said = (p for alternatives in self.synonyms.expansions.values() for p in alternatives)
        for key in dict.fromkeys((*self.synonyms.expansions, *self.public_phrases, *said)):
            word = key[0]
            if (
                len(key) == 1
                and len(word) >= MIN_FUZZY - 1
                and word[0].isalpha()
                and word not in self.df
            ):
                self._fuzzy.setdefault(word[0], []).append(word)
        for words in self._fuzzy.values():
            words.sort(key=lambda w: (len(w), w))

    @cached_property
    def synonym_words(self) -> frozenset[str]:
        """Every word of synonyms.yaml, both sides, and of the publics it names."""
        phrases = [
            *self.synonyms.expansions,
            *(p for alternatives in self.synonyms.expansions.values() for p in alternatives),
            *self.public_phrases,
        ]
        return frozenset(word for words in phrases for word in words)

    # --- words ---

    def idf(self, df: int) -> float:
        """BM25's inverse document frequency: rare words weigh more."""
        return math.log(1 + (self.size - df + 0.5) / (df + 0.5))

    def expand(self, token: str) -> dict[str, float]:
        """The directory's tokens a typed token matches, each with how well it matches."""
        cached = self._expansions.get(token)
        if cached is None:
            cached = self._expand(token)
            if len(self._expansions) > 50_000:
                self._expansions.clear()
            self._expansions[token] = cached
        return cached

    def _expand(self, token: str) -> dict[str, float]:
        found: dict[str, float] = {}

        def offer(word: str, quality: float) -> None:
            if found.get(word, 0.0) < quality:
                found[word] = quality

        if token in self.df:
            offer(token, EXACT)
        joined = self._by_joined.get(token.replace("-", ""))
        if joined:
            offer(joined, EXACT)
        for compound in self._by_part.get(token, ()):
            offer(compound, COMPOUND_PART)
        token_stem = stem(token)
        for word in self._by_stem.get(token_stem, ()):
            offer(word, SAME_STEM)
        if token_stem in self.df and stem(token_stem) == token_stem:
            offer(token_stem, SAME_STEM)
        if len(token) >= MIN_PREFIX:
            for word in self._starting_with(token):
                offer(word, PREFIX if "-" not in word[len(token) :] else COMPOUND_PART)
        if len(token_stem) >= MIN_STEM_PREFIX and token_stem != token:
            for word in self._starting_with(token_stem):
                offer(word, STEM_PREFIX if "-" not in word else COMPOUND_PART)
        for end in range(len(token) - 1, MIN_PREFIX, -1):
            if token[:end] in self.df:
                offer(token[:end], ABBREVIATED)
                break
        return found

    def _starting_with(self, prefix: str, limit: int = 200) -> list[str]:
        start = bisect.bisect_left(self._sorted, prefix)
        found = []
        for word in self._sorted[start : start + limit]:
            if not word.startswith(prefix):
                break
            found.append(word)
        return found

    def knows(self, token: str) -> bool:
        return bool(self.expand(token))

    def df_of(self, matches: dict[str, float]) -> int:
        """How many entries a typed word reaches, about: its most frequent good match."""
        return max((self.df.get(w, 0) for w, q in matches.items() if q >= PREFIX), default=0) or (
            max((self.df.get(w, 0) for w in matches), default=0)
        )

    def correct(self, token: str) -> str | None:
        """The directory's word closest to a word it does not know: one typo for a short word,
        two for a long one, or spelled as it sounds ("retrète"); same first letter; None when
        nothing is that close."""
        if len(token) < MIN_FUZZY or not token[0].isalpha():
            return None
        if token not in self._corrections:
            if len(self._corrections) > MAX_CORRECTIONS:
                self._corrections.clear()
            self._corrections[token] = self._closest(token)
        return self._corrections[token]

    def _closest(self, token: str) -> str | None:
        allowed = 1 if len(token) <= 8 else 2
        found = process.extract(
            token,
            self._lengths_near(token, allowed),
            scorer=DamerauLevenshtein.distance,
            score_cutoff=allowed,
            limit=8,
        )
        found = [f for f in found if f[0] != token and not _derived(token, f[0])]
        if found:
            return str(min(found, key=lambda f: (f[1], -self.df.get(f[0], 0), f[0]))[0])
        return self._sounding(token)

    def _lengths_near(self, token: str, reach: int) -> list[str]:
        """The words that begin like the token and are at most `reach` letters longer or
        shorter."""
        words = self._fuzzy.get(token[0], [])
        low = bisect.bisect_left(words, len(token) - reach, key=len)
        return words[low : bisect.bisect_right(words, len(token) + reach, key=len)]

    def _sounding(self, token: str) -> str | None:
        """The most frequent word that sounds like this one: among the words a few letters
        away, which is where two spellings of a sound are."""
        reach = SOUND_REACH if len(token) > 8 else SOUND_REACH - 1
        near = process.extract(
            token,
            self._lengths_near(token, reach),
            scorer=DamerauLevenshtein.distance,
            score_cutoff=reach,
            limit=None,
        )
        heard = sound(token)
        alike = [str(word) for word, _, _ in near if sound(str(word)) == heard]
        return max(alike, key=lambda w: (self.df.get(w, 0), w)) if alike else None

    # --- publics ---

    def publics_of(self, values: str) -> frozenset[str]:
        """The public groups of an entry's `public` cell."""
        return frozenset(
            group
            for v in values.split(";")
            if (group := self.publics_of_value.get(_folded(v))) is not None
        )

    def publics_for_age(self, age: int) -> set[str]:
        return {name for name, (low, high) in self.public_ages.items() if low <= age <= high}


def _values_of(groups: dict[str, list[PublicGroup]]) -> dict[str, tuple[Phrase, ...]]:
    found: dict[str, list[Phrase]] = {}
    for value, value_groups in groups.items():
        for group in value_groups:
            found.setdefault(group.name, []).append(phrase(value))
    return {name: tuple(values) for name, values in found.items()}


def _folded(value: str) -> str:
    return " ".join(phrase(value))


def _says(group: PublicGroup) -> list[Phrase]:
    return [group.key, *group.words]


def _public_groups(
    configured: Iterable[PublicGroup], values: Iterable[str]
) -> dict[str, list[PublicGroup]]:
    """The groups each public value of the directory belongs to (the value names the group or
    one of its words); a value no group names is a group of its own."""
    configured = list(configured)
    found: dict[str, list[PublicGroup]] = {}
    for value in values:
        key = phrase(value)
        groups = [g for g in configured if any(_contains(key, said) for said in _says(g))]
        found[value] = groups or [PublicGroup(value.strip(), (key,))]
    return found


def _contains(words: Phrase, part: Phrase) -> bool:
    """'Jeunes 16-25 ans' says 'jeunes'; 'Personnes handicapées' says 'handicapées'."""
    n = len(part)
    return any(words[i : i + n] == part for i in range(len(words) - n + 1))


def _territory(
    places: list[EntryPlace], reference: Iterable[Commune], codes: Sequence[str]
) -> Territory:
    index = france.national_index()
    departements = index.scope(codes) if codes else france.departements_of_directory(places)
    national = france.local_communes(departements, places) if departements else []
    # A reference file left from another territory (the sample's) brings none of its communes.
    known = {c.key for c in national}
    kept = [
        c
        for c in reference
        if c.key in known or not index.departements_of(EntryPlace(c.name, _first(c.postal_codes)))
    ]
    return Territory.build(kept, places, national)


def _first(items: tuple[str, ...]) -> str:
    return items[0] if items else ""


def _derived(token: str, word: str) -> bool:
    """The token is the word with a suffix, another word rather than a typo of it
    ("toilettage", not "toilette")."""
    return len(token) >= len(word) + 2 and token.startswith(word[:-1])
