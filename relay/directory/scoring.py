"""How well one entry answers one question.

The text score is the share of the question an entry covers: each concept weighs its rarity in
the directory (BM25's idf), and counts by how well the entry says it — in its name or category,
its keywords, its description, or its public. A word the directory does not know at all still
weighs: "chirurgien esthétique" is not answered by a dentist. The place and the public then
order the entries that answer.

Both the store-backed search and the naive baseline rank with this one scorer.
"""

from dataclasses import dataclass
from itertools import combinations

from relay.directory.french import EVERYDAY_WORDS
from relay.directory.geography import Proximity
from relay.directory.understanding import Alternative, Concept, Query
from relay.directory.vocabulary import SAME_STEM, Vocabulary

NAME = 1.0  # name and category
KEYWORDS = 0.9
TEXT = 0.45  # description
TEXT_PHRASE = 0.65  # an expression of several words found whole in the description
PUBLIC = 0.9  # the entry's public is the one asked
SECOND_FIELD = 0.15  # the concept said a second time, in another field
# Between entries that say a concept fully, one saying the words typed comes before one saying a
# synonym ("restos du cœur" before the food banks)
UNFAITHFUL = 0.02
# A word the directory does not know weighs as much as the known ones on average, and at least
# half as much as its rarest word: "coiffeur à domicile" is not answered by home care.
UNKNOWN_FLOOR = 0.5
# A word the directory does not know that names a service or a trade of its own ("vétérinaire de
# garde", "cabinet d'ostéopathe") is what the question asks for: it weighs more than the words
# around it, so that an entry saying only those does not answer.
UNKNOWN_SERVICE = 1.5
SERVICE_ABOVE = 1.05  # … and more than all of them together: nothing else answers it
PUBLIC_CONCEPT = 0.7  # a public ("ado") weighs less than what is looked for
# What a clause of when or why names ("je bois trop depuis mon divorce") weighs less than the
# need it frames, when the question names one outside it.
CIRCUMSTANCE = 0.5
# In a story, the need named first is what the person asks about ("ma mère oublie tout"); the
# needs the telling names after it ("elle s'est perdue en rentrant du marché") weigh less.
TOLD = 0.6

# Between entries that say a question as well, one for the asked public alone comes before one
# for several ("pour les 16-25 ans": the mission locale before the CSAPA for adults and young)
SPECIFIC = 0.01
PLACE_WEIGHT = 0.35  # an entry in the asked commune, against one far away
MAX_PRUNED_CONCEPTS = 8  # beyond, the smallest sets of concepts are not looked for
MAX_SETS = 3  # more sets make a full-text query slower than the entries it spares
MIN_TEXT = 0.5  # below this, an entry does not answer the question
RELATIVE = 0.6  # nor when it covers much less than the best one


@dataclass(frozen=True, slots=True)
class Doc:
    """An entry as the scorer reads it: its tokens per field, its publics, where it is."""

    id: int
    name: frozenset[str]
    keywords: frozenset[str]
    text: frozenset[str]
    publics: frozenset[str]
    commune: str
    latitude: float | None = None
    longitude: float | None = None
    tokens: frozenset[str] = frozenset()  # every field's, to skip an entry at once

    @classmethod
    def of(
        cls,
        id: int,
        name: frozenset[str],
        keywords: frozenset[str],
        text: frozenset[str],
        publics: frozenset[str],
        commune: str,
        latitude: float | None = None,
        longitude: float | None = None,
    ) -> "Doc":
        tokens = name | keywords | text
        return cls(id, name, keywords, text, publics, commune, latitude, longitude, tokens)


@dataclass(frozen=True, slots=True)
class PhraseReach:
    """An expression of a concept: it is said by one word of each part, or by a joined form."""

    quality: float
    parts: tuple[dict[str, float], ...]  # each word's tokens, with how well they say it
    joined: frozenset[str]


@dataclass(frozen=True, slots=True)
class Reach:
    """What says one concept of a question, for finding the entries worth scoring: its words
    (with how well each says it), its expressions, its publics, and its weight."""

    weight: float
    words: dict[str, float]
    phrases: tuple[PhraseReach, ...]
    publics: frozenset[str]


@dataclass(frozen=True, slots=True)
class Scored:
    id: int
    text: float
    proximity: float
    total: float


class _Phrase:
    """An alternative of several words, with the directory tokens each word matches."""

    __slots__ = ("any", "joined", "keys", "matches", "quality")

    def __init__(self, alternative: Alternative, vocabulary: Vocabulary, typed: bool) -> None:
        self.quality = alternative.quality
        self.matches = [_expand(vocabulary, w, typed) for w in alternative.words]
        self.keys = [frozenset(m) for m in self.matches]
        whole = vocabulary.expand("".join(alternative.words))
        self.joined = frozenset(w for w, q in whole.items() if q == 1.0)  # "sage-femme"
        self.any = frozenset().union(*self.keys) | self.joined

    def in_field(self, tokens: frozenset[str]) -> float:
        if self.any.isdisjoint(tokens):
            return 0.0
        if self.joined & tokens:
            return 1.0
        total = 0.0
        for matches, keys in zip(self.matches, self.keys, strict=True):
            hit = keys & tokens
            if not hit:
                return 0.0  # an expression counts whole, or not at all
            total += max(matches[w] for w in hit)
        return total / len(self.matches)


class _Need:
    """A concept ready to be matched: the directory tokens its one-word alternatives reach (with
    how well), its expressions, its publics, its weight."""

    __slots__ = ("any", "phrases", "publics", "weight", "words", "words_keys")

    def __init__(self, concept: Concept, vocabulary: Vocabulary, public_df: dict[str, int]):
        alternatives = concept.alternatives if concept.known else ()
        self.words: dict[str, float] = {}
        for n, alternative in enumerate(alternatives):
            if len(alternative.words) == 1:
                for word, quality in _expand(vocabulary, alternative.words[0], n == 0).items():
                    found = quality * alternative.quality
                    if found > self.words.get(word, 0.0):
                        self.words[word] = found
        self.words_keys = frozenset(self.words)
        self.phrases = [
            _Phrase(a, vocabulary, n == 0) for n, a in enumerate(alternatives) if len(a.words) > 1
        ]
        self.any = self.words_keys.union(*(p.any for p in self.phrases))
        self.publics = concept.publics
        self.weight = self._weight(concept, vocabulary, public_df) if concept.known else 0.0

    @staticmethod
    def _weight(concept: Concept, vocabulary: Vocabulary, public_df: dict[str, int]) -> float:
        """The rarity of the concept as typed, or of its first synonym the directory uses when
        the typed words are not in it, or of its public."""
        reaches = [
            min(vocabulary.df_of(vocabulary.expand(w)) for w in a.words)
            for a in concept.alternatives
        ]
        reached = [df for df in reaches if df]
        if reached:
            weight = vocabulary.idf(reached[0])
        else:
            publics = concept.publics
            weight = vocabulary.idf(max((public_df.get(p, 0) for p in publics), default=0))
        return weight * PUBLIC_CONCEPT if concept.publics else weight

    def match(self, doc: Doc) -> tuple[float, float]:
        """How well the entry says this concept: its best field, plus a little for a second
        field saying it too; and how faithful to the question that field's words are."""
        if self.any.isdisjoint(doc.tokens):
            public = self.publics and not self.publics.isdisjoint(doc.publics)
            return (PUBLIC, 1.0) if public else (0.0, 1.0)
        words, keys, phrases = self.words, self.words_keys, self.phrases
        best = second = 0.0
        faithful = 1.0  # how faithful to the question the best field's words are
        for (weight, phrase_weight), tokens in zip(
            FIELDS, (doc.name, doc.keywords, doc.text), strict=True
        ):
            hit = keys & tokens
            quality = max(map(words.__getitem__, hit)) if hit else 0.0
            found = weight * quality
            for phrase in phrases:
                said = phrase.quality * phrase.in_field(tokens)
                if phrase_weight * said > found:
                    found, quality = phrase_weight * said, said
            if found > best:
                best, second, faithful = found, best, quality
            elif found > second:
                second = found
        if self.publics and not self.publics.isdisjoint(doc.publics):
            if best < PUBLIC:
                best, second, faithful = PUBLIC, best, 1.0
            elif second < PUBLIC:
                second = PUBLIC
        return min(1.0, best + SECOND_FIELD * second), faithful


def _expand(vocabulary: Vocabulary, word: str, typed: bool) -> dict[str, float]:
    """The directory's tokens a word matches: any form for a typed word; for a synonym, the
    directory's own words only, in another form at most ("PASS" is not "passerelle"), as the
    full-text index matches them."""
    found = vocabulary.expand(word)
    if typed:
        return found
    return {w: q for w, q in found.items() if q >= SAME_STEM}


# Each field's weight for one word, and for an expression of several.
FIELDS = ((NAME, NAME), (KEYWORDS, KEYWORDS), (TEXT, TEXT_PHRASE))


class Scorer:
    """Scores entries for one query."""

    def __init__(
        self,
        query: Query,
        vocabulary: Vocabulary,
        proximity: Proximity,
        public_df: dict[str, int] | None = None,
    ) -> None:
        self.query = query
        self.proximity = proximity
        counts = public_df or {}
        self.needs = [_Need(c, vocabulary, counts) for c in query.concepts]
        known = [n.weight for n in self.needs if n.weight > 0]
        mean = sum(known) / len(known) if known else 1.0
        unknown_weight = max(mean, UNKNOWN_FLOOR * vocabulary.idf(1))
        shares = _shares(query.concepts, self.needs)
        for need, share in zip(self.needs, shares, strict=True):
            need.weight *= share
        known = [n.weight for n in self.needs if n.weight > 0]
        unknowns = [
            (c, share)
            for c, n, share in zip(query.concepts, self.needs, shares, strict=True)
            if n.weight == 0
        ]
        services = [names_service(c) for c, _ in unknowns]
        unknown = sum(
            share * (UNKNOWN_SERVICE if service else 1.0)
            for (_, share), service in zip(unknowns, services, strict=True)
        )
        unknown_total = unknown * unknown_weight
        if any(services):
            unknown_total = max(unknown_total, SERVICE_ABOVE * sum(known))
        self.total_weight = sum(known) + unknown_total
        # The best text score any entry can have: every known concept said in its name.
        self.best_possible = sum(known) / self.total_weight if known else 0.0
        self.answerable = self.best_possible >= MIN_TEXT
        # What an entry must say of the question's weight to answer it.
        self.needed = MIN_TEXT * self.total_weight - 1e-9
        # What an entry's total may hold beyond its text and its place
        self.beside = SPECIFIC if query.publics else 0.0

    def reaches(self) -> list[Reach]:
        """The concepts an entry can answer by, when the question is answerable."""
        if not self.answerable:
            return []
        return [
            Reach(
                n.weight,
                n.words,
                tuple(PhraseReach(p.quality, tuple(p.matches), p.joined) for p in n.phrases),
                n.publics,
            )
            for n in self.needs
            if n.weight > 0
        ]

    def sufficient(self) -> list[list[int]]:
        """Sets of concepts (by index), one of which an entry must say to cover MIN_TEXT of the
        question: entries saying none cannot answer, so the full-text query asks for these.

        The smallest such sets when they are few; otherwise one set of the weightiest concepts,
        without which the others cannot reach MIN_TEXT (an entry must say one of them)."""
        known = sorted(
            (i for i, n in enumerate(self.needs) if n.weight > 0),
            key=lambda i: -self.needs[i].weight,
        )
        needed = self.needed
        smallest: list[list[int]] = []
        if len(known) <= MAX_PRUNED_CONCEPTS:
            for size in range(1, len(known) + 1):
                for subset in combinations(known, size):
                    if sum(self.needs[i].weight for i in subset) < needed:
                        continue
                    if not any(set(smaller) <= set(subset) for smaller in smallest):
                        smallest.append(sorted(subset))
        if smallest and len(smallest) <= MAX_SETS:
            return smallest
        weightiest: list[int] = []
        rest = sum(self.needs[i].weight for i in known)
        for i in known:
            if rest < needed:
                break
            weightiest.append(i)
            rest -= self.needs[i].weight
        return [[i] for i in sorted(weightiest)]

    def text(self, doc: Doc) -> tuple[float, float]:
        """The share of the question the entry covers, and how much of it is said in other
        words than the question's (synonyms)."""
        if not self.answerable:
            return 0.0, 0.0
        covered = unfaithful = 0.0
        for need in self.needs:
            if need.weight > 0:
                said, faithful = need.match(doc)
                covered += need.weight * said
                unfaithful += need.weight * said * (1.0 - faithful)
        return covered / self.total_weight, unfaithful / self.total_weight

    def score(self, doc: Doc) -> Scored:
        text, unfaithful = self.text(doc)
        near = self.proximity.of(doc.commune, doc.latitude, doc.longitude)
        total = text - UNFAITHFUL * unfaithful + PLACE_WEIGHT * near
        asked = self.query.publics
        if asked and doc.publics:
            total += SPECIFIC * len(asked & doc.publics) / len(doc.publics)
        return Scored(doc.id, text, near, total)


def names_a_trade(concept: Concept) -> bool:
    """Words of a trade or a service a directory may not list ("garagiste", "cours de danse")."""
    return any(w in EVERYDAY_WORDS for w in concept.text.split())


def names_service(concept: Concept) -> bool:
    """… and which this directory does not know."""
    return not concept.known and names_a_trade(concept)


def _shares(concepts: tuple[Concept, ...], needs: list[_Need]) -> list[float]:
    """How much of its weight each concept keeps: CIRCUMSTANCE for one said in a clause of when
    or why, when a known concept is said outside such a clause; TOLD for a need a story names
    after its first; all of it otherwise."""
    framed = any(n.weight > 0 and not c.circumstance for c, n in zip(concepts, needs, strict=True))
    return [
        (CIRCUMSTANCE if framed and c.circumstance else 1.0) * (TOLD if c.told else 1.0)
        for c in concepts
    ]


def select(scored: list[Scored], limit: int) -> list[Scored]:
    """The entries that answer, best first: enough of the question covered, and not much less
    than the best one."""
    if not scored:
        return []
    best = max(s.text for s in scored)
    floor = max(MIN_TEXT, RELATIVE * best)
    kept = [s for s in scored if s.text >= floor - 1e-9]
    kept.sort(key=lambda s: (-s.total, -s.text, s.id))
    return kept[:limit]
