"""Understanding a French question: what is looked for, where, and for whom.

"où trouver un psycologue gratuit pour ado près de St Brevin ?" becomes the concepts
psychologue (a typo corrected against the directory's words), gratuit and ado (also the public
"adolescents"), the place Saint-Brevin-les-Pins, and the phrasing is dropped.
"""

import re
from collections import Counter
from dataclasses import dataclass, field, replace

from rapidfuzz.distance import DamerauLevenshtein

from relay.directory import france
from relay.directory.analysis import Span, sound, spans
from relay.directory.french import (
    AGE_WORDS,
    ARTICLES,
    CIRCUMSTANCE_MARKERS,
    CLAUSE_BREAKS,
    CONTRACTED_ARTICLES,
    DEMONSTRATIVES,
    EVERYDAY_WORDS,
    FEAR_WORDS,
    FORM_WORDS,
    FREQUENCY_MARKERS,
    HOME_VERBS,
    HOMOGRAPHS,
    INFINITIVE_ENDINGS,
    INSIDE_MARKERS,
    LACKED_OR_SOUGHT,
    LOCATION_MARKERS,
    MONTH_AGE_LINKS,
    MONTH_WORDS,
    NUMBER_WORDS,
    OPEN_WORDS,
    QUESTION_LEADS,
    QUESTION_WORDS,
    QUITTING_VERBS,
    RECENT_PAST,
    REFLEXIVE_AUXILIARIES,
    REFLEXIVE_MEANINGS,
    REFLEXIVE_PRONOUNS,
    SAID_AFTER,
    SOUGHT_AFTER_NEGATION,
    STOP_WORDS,
    SUBJECTS_AND_AUXILIARIES,
    TIME_WORDS,
    WEEK_DAYS,
)
from relay.directory.places import Place, PlaceFinder
from relay.directory.synonyms import Phrase
from relay.directory.vocabulary import CORRECTED, EXACT, Vocabulary
from relay.textnorm import clean_input

MAX_QUESTION_CHARS = 300
MAX_WORDS = 30
MAX_PHRASE = 5
MAX_UNMARKED_PLACE_WORDS = 6  # a question this long names its place after "à", "près de"…
MIN_TYPO = 4  # shorter words are not corrected, even inside an expression
SYNONYM = 0.9  # an entry found through a synonym ranks a little below one found as typed
# synonyms.yaml lists the likeliest service first ("dors: [troubles du sommeil, …, médecin]"):
# each later synonym ranks a little lower, down to the tenth.
SYNONYM_STEP = 0.01
_PLACE_LINKS = frozenset({"de", "du", "la", "le", "les", "l", "d"})
_OF = frozenset({"de", "du", "d"})
_THAT_NEXT = re.compile(r"\s*qu\s*['’]", re.IGNORECASE)  # "depuis qu'elle…"
_NAMED_AFTER_SOMEONE = frozenset({"maladie", "syndrome"})
_OPEN_WHEN = TIME_WORDS | WEEK_DAYS  # "ouvert la nuit", "ouverte le dimanche"
_POSTAL_CODE = re.compile(r"\d{5}")
_AGE = re.compile(r"^(\d{1,3})(?:-(\d{1,3}))?$")
_PUNCTUATION = re.compile(r"[,.;:!?]")
_ELIDED_PRONOUN = re.compile(r"\b[smt]['’`]\s*$", re.IGNORECASE)  # "s'", "m'"
_OF_NEXT = re.compile(r"\s+(?:de\s|d['’`]|du\s)", re.IGNORECASE)


@dataclass(frozen=True)
class Alternative:
    """One way a concept may be written in the directory, and how faithful it is to the
    question (1 = as typed)."""

    words: Phrase
    quality: float


@dataclass(frozen=True)
class Concept:
    """One thing the question asks for: a word or an expression with its alternatives, or a
    public ("ado", "15 ans")."""

    text: str  # folded: what the log keeps
    alternatives: tuple[Alternative, ...] = ()
    publics: frozenset[str] = frozenset()
    known: bool = True  # False: the directory has no such word, even corrected
    corrected: str | None = None
    label: str = ""  # as typed, accents and all: what the answer quotes
    circumstance: bool = False  # said in a clause of when or why ("quand il a bu")
    clause: int = 0  # which clause of the question says it: commas and "et", "mais"… part them
    told: bool = False  # a need a story names in a clause after its first ("…, elle s'est perdue")


@dataclass(frozen=True)
class Query:
    question: str  # the question as received, cleaned
    concepts: tuple[Concept, ...] = ()
    place: Place | None = None
    unknown_place: str | None = None  # "à Nantes": a place this directory does not know
    outside: bool = False  # … and a commune of France outside the territory: nothing to find
    publics: frozenset[str] = frozenset()
    extra_places: tuple[Place, ...] = field(default=())
    label: str = ""  # the looked-for words as typed, for the answer to quote
    asked: int | None = None  # the clause that asks ("…, qui peut garder ma fille ?"), if any

    @property
    def area(self) -> frozenset[str]:
        communes = set(self.place.communes) if self.place else set()
        for place in self.extra_places:
            communes |= place.communes
        return frozenset(communes)

    @property
    def what(self) -> str:
        """The looked-for words, folded, phrasing dropped."""
        return " ".join(c.text for c in self.concepts)

    @property
    def shown(self) -> str:
        """The looked-for words as the answer quotes them."""
        return self.label or " ".join(c.label or c.text for c in self.concepts)

    @property
    def where(self) -> str | None:
        if self.place is None:
            return None
        return " ou ".join(p.label for p in (self.place, *self.extra_places))

    def normalised(self) -> str:
        """The question as the anonymous log keeps it, and as "more results" asks it again:
        folded words, phrasing dropped, the place after "à"."""
        text = self.what
        if self.place is not None:
            text += " à " + " ".join(p.label for p in (self.place, *self.extra_places))
        elif self.unknown_place:
            text += " à " + self.unknown_place
        return text.strip()


class Understanding:
    """Reads questions against one vocabulary (rebuilt when the directory changes)."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        self.places = PlaceFinder(vocabulary.territory, vocabulary.common_words, self._is_word)
        self._synonyms = vocabulary.synonyms
        self._phrases: set[Phrase] = set(self._synonyms.expansions) | set(vocabulary.public_phrases)
        self._longest = max((len(p) for p in self._phrases), default=1)
        self._by_first: dict[tuple[str, int], list[Phrase]] = {}
        for phrase in sorted(self._phrases):
            self._by_first.setdefault((phrase[0], len(phrase)), []).append(phrase)
        # "pas de papiers" says "sans papiers" where synonyms.yaml has such a key
        self._without = {p[1] for p in self._phrases if len(p) > 1 and p[0] == "sans"}
        self._without -= SOUGHT_AFTER_NEGATION
        # Expressions of synonyms.yaml made of grammar words only ("plus envie de rien",
        # "j'en peux plus"), longest first: read when a question says nothing else.
        self._grammar_phrases = sorted(
            (k for k in self._synonyms.expansions if all(w in STOP_WORDS for w in k)),
            key=len,
            reverse=True,
        )

    def _says(self, words: Phrase) -> bool:
        """The words are an expression of synonyms.yaml or a public, in any of their forms."""
        return words in self._phrases or self._synonyms.key(words) is not None

    def _one(self, words: Phrase) -> bool:
        """The words are one need: an expression, or a compound of the directory (what "sage
        femm" is read as, corrected: "sage-femme")."""
        compound = len(words) == 1 and "-" in words[0] and words[0] in self.vocabulary.df
        return compound or self._says(words)

    def read(self, question: str) -> Query:
        cleaned = clean_input(question, MAX_QUESTION_CHARS).replace("\n", " ")
        found = spans(cleaned)[:MAX_WORDS]
        words = _homographs([NUMBER_WORDS.get(w, w) for w in _reflexive(cleaned, found)])
        words = self._negations(words)
        flat = [part for word in words for part in word.split("-") if part]
        owner = [n for n, word in enumerate(words) for part in word.split("-") if part]
        named = self.places.find(flat, self._known_words(flat))
        consumed = {owner[i] for p in named for i in range(p.start, p.end)}
        places = _home_first(named, flat)  # the others are said, but not where to look
        rest = [n for n in range(len(words)) if n not in consumed]
        unknown_place = None
        outside = False
        if not places:
            rest, tail = self._unknown_place(words, rest)
            unknown_place = _label(cleaned, [found[n] for n in tail]) if tail else None
            outside = bool(tail) and _in_france([words[n] for n in tail])
        publics: set[str] = set()
        concepts: list[Concept] = []
        segments = self._segments(words, rest)
        in_segments = {n for segment in segments for n in segment}
        # "j'en peux plus", said in grammar words only, beside what else is said
        grammar = self._grammar_phrase(words, [n for n in rest if n not in in_segments])
        segments = sorted(segments + grammar)
        context = _circumstances(cleaned, found)
        clauses = _clauses(cleaned, found)
        for segment in segments:
            typed = tuple(words[n] for n in segment)
            spelled = self._spelled(typed)
            concept = self._concept(spelled)
            if spelled != typed:
                concept = replace(concept, corrected=" ".join(spelled))
            concept = replace(
                concept,
                label=_label(cleaned, [found[n] for n in segment]),
                circumstance=all(n in context for n in segment),
                clause=clauses[segment[0]],
            )
            publics |= concept.publics
            concepts.append(concept)
        used = [found[n] for segment in segments for n in segment]
        return Query(
            question=cleaned,
            concepts=tuple(concepts),
            place=places[0] if places else None,
            extra_places=tuple(places[1:]),
            unknown_place=unknown_place,
            outside=outside,
            publics=frozenset(publics),
            label=_span_label(cleaned, used, [found[n] for n in consumed]),
            asked=_asking_clause(found, clauses),
        )

    def _negations(self, words: list[str]) -> list[str]:
        """ "pas de X" read as "sans X" when synonyms.yaml names that need ("je n'ai pas de
        papiers": "sans papiers"); "ni" after "sans" as another "sans" ("sans mutuelle ni
        sécurité sociale")."""
        read = list(words)
        for n, word in enumerate(words):
            if word == "ni" and "sans" in read[:n]:
                read[n] = "sans"
            elif word == "pas" and words[n + 1 : n + 2] in (["de"], ["d"]) and n + 2 < len(words):
                read[n] = "sans" if words[n + 2] in self._without else word
        return read

    def _is_word(self, word: str) -> bool:
        vocabulary = self.vocabulary
        return word in STOP_WORDS or word in vocabulary.df or word in vocabulary.synonym_words

    def _known_words(self, words: list[str]) -> frozenset[str]:
        """Words that are words, never typos of a place: grammar, the directory's and those of
        synonyms.yaml ("a lâché le lycée" is not "à Lèches")."""
        return frozenset(w for w in words if self._is_word(w) or self._says((w,)))

    def _unknown_place(self, words: list[str], rest: list[int]) -> tuple[list[int], list[int]]:
        """ "… à Nantes": trailing words after a place marker that name no commune of the
        directory, nor anything else it lists, or a postal code of France the directory does
        not know; returns the other words and those."""
        for n in rest:
            if _POSTAL_CODE.fullmatch(words[n]) and self._names_a_place(words[n]):
                at = rest.index(n)
                before = rest[:at]
                if before and words[before[-1]] in LOCATION_MARKERS:
                    before = before[:-1]
                return before + rest[at + 1 :], [n]
        for at in range(max(0, len(rest) - 4), len(rest) - 1):
            marker = words[rest[at]]
            if marker not in LOCATION_MARKERS and marker not in _OF:
                continue
            if _names_someone(words, rest, at):
                continue
            tail = [n for n in rest[at + 1 :] if words[n] not in _PLACE_LINKS]
            if not tail or not all(self._names_a_place(words[n]) for n in tail):
                continue
            said = [words[n] for n in tail]
            if _article_not_its(words, tail):
                continue
            # "PMI de Metz": after "de", only a commune of France is a place ("maison de Léa");
            # after "dans", "sur" too ("mal partout dans les muscles")
            if (marker in LOCATION_MARKERS and marker not in INSIDE_MARKERS) or _in_france(said):
                return rest[:at], tail
        # "mission locale Lyon": a commune of France ending a short question, without a marker;
        # a story's last word is a word ("… quand on l'appelle", and Appelle is in the Tarn)
        if len(words) > MAX_UNMARKED_PLACE_WORDS:
            return rest, []
        for size in (3, 2, 1):
            tail = rest[-size:]
            said = [words[n] for n in tail]
            if len(rest) > size and _names_someone(words, rest, len(rest) - size - 1):
                continue
            if (
                len(rest) > size
                and all(self._names_a_place(w) for w in said)
                and _in_france(said)
                and not _article_not_its(words, tail)
            ):
                return rest[:-size], tail
        return rest, []

    def _names_a_place(self, word: str) -> bool:
        """Unknown to the directory, or only ever written there as a proper noun and never as
        what an entry is or does ("Nantes" in "maternités de Nantes"); or a postal code."""
        vocabulary = self.vocabulary
        if _POSTAL_CODE.fullmatch(word):
            return word in france.national_index().departements_of_postal_code
        if word in STOP_WORDS or word.isdigit() or word in vocabulary.synonym_words:
            return False  # "mal au dos", "mal au ventre": words of synonyms.yaml are no place
        if not vocabulary.knows(word):
            # "Brive" is a place, not a typo of a word of the directory ("brève")
            return vocabulary.correct(word) is None or _in_france([word])
        return word not in vocabulary.common_words and word not in vocabulary.strong_words

    def _segments(self, words: list[str], rest: list[int]) -> list[list[int]]:
        """Content words grouped into the longest known expressions; ages kept together."""
        content: list[list[int]] = []
        for n in rest:
            word = words[n]
            if not word:
                continue
            number = bool(content) and content[-1] == [n - 1] and bool(_AGE.match(words[n - 1]))
            if word in TIME_WORDS and _after_frequency(words, n):
                if number:  # "depuis 3 semaines": the number goes too
                    content.pop()
            elif word in MONTH_WORDS and number:
                if n >= 2 and words[n - 2] in MONTH_AGE_LINKS and not _ago(words, n - 1):
                    content[-1].append(n)
                else:  # "3 mois de loyer en retard": a duration
                    content.pop()
            elif word in AGE_WORDS and content and _AGE.match(words[content[-1][-1]]):
                if self._age(f"{words[content[-1][-1]]} {word}").publics:
                    content[-1].append(n)
                else:  # "il a fait 30 ans à l'usine": no public of the directory is that age
                    content.pop()
            elif word not in STOP_WORDS and not all(p in STOP_WORDS for p in word.split("-")):
                content.append([n])
        vocabulary = self.vocabulary
        content = [g for g in content if len(g) > 1 or not _bare_number(words[g[0]], vocabulary)]
        segments: list[list[int]] = []
        i = 0
        while i < len(content):
            for length in range(min(self._longest, MAX_PHRASE, len(content) - i), 1, -1):
                group = content[i : i + length]
                if all(len(g) == 1 for g in group) and self._one(
                    self._spelled(tuple(words[g[0]] for g in group))
                ):
                    segments.append([g[0] for g in group])
                    i += length
                    break
            else:
                segments.append(content[i])
                i += 1
        return [s for n, s in enumerate(segments) if not _frames(words, s, segments, n)]

    def _spelled(self, words: Phrase) -> Phrase:
        """An expression with its typos corrected, or two of its words joined by a hyphen, when
        that makes it one synonyms.yaml or a public names ("maison de retraitte", "centre
        médico psycologique"); the words as typed otherwise."""
        if len(words) < 2 or self._says(words):
            return words
        joined = [
            (*words[:at], f"{words[at]}-{words[at + 1]}", *words[at + 2 :])
            for at in range(len(words) - 1)
        ]
        for variant in (words, *joined):
            fixed = tuple(self._fixed(w) for w in variant)
            if fixed != words and (self._says(fixed) or (fixed != variant and self._one(fixed))):
                return fixed
        return self._near_expression(words) or words

    def _near_expression(self, words: Phrase) -> Phrase | None:
        """The expression these words say with a short word mistyped after the first one
        ("pharmacie de gade", "sage femm"): one a word alone would be too short to correct."""
        for key in self._by_first.get((words[0], len(words)), ()):
            if all(
                typed == said or (self._unknown(typed) and _mistyped(typed, said))
                for typed, said in zip(words[1:], key[1:], strict=True)
            ):
                return key
        return None

    def _unknown(self, word: str) -> bool:
        vocabulary = self.vocabulary
        return word not in vocabulary.df and word not in vocabulary.synonym_words

    def _fixed(self, word: str) -> str:
        if word in STOP_WORDS or not self._unknown(word):
            return word
        return self._correct(word) or word

    def _correct(self, word: str) -> str | None:
        """The directory's word a typo stands for (remembered by the vocabulary); none for the
        word of a trade, which is a word ("réparer" is no typo of "repérer")."""
        return None if word in EVERYDAY_WORDS else self.vocabulary.correct(word)

    def _grammar_phrase(self, words: list[str], rest: list[int]) -> list[list[int]]:
        """The longest expression of grammar words only that the question says, as its one
        segment ("j'ai plus envie de rien"); none otherwise."""
        said = [words[n] for n in rest]
        for key in self._grammar_phrases:
            for at in range(len(said) - len(key) + 1):
                if tuple(said[at : at + len(key)]) == key:
                    return [rest[at : at + len(key)]]
        return []

    def _concept(self, segment: tuple[str, ...]) -> Concept:
        text = " ".join(segment)
        if len(segment) == 2 and segment[1] in AGE_WORDS | MONTH_WORDS:
            return self._age(text, months=segment[1] in MONTH_WORDS)
        vocabulary = self.vocabulary
        publics = (
            {vocabulary.public_phrases[segment]} if segment in vocabulary.public_phrases else set()
        )
        alternatives = self._alternatives(segment, EXACT)
        known = any(self._reaches(a.words) for a in alternatives) or bool(publics)
        corrected = None
        if not known and len(segment) == 1 and self._synonyms.key(segment) is None:
            # a word of synonyms.yaml is a word, whatever the directory says: no typo
            corrected = self._correct(segment[0])
            if corrected is not None:
                alternatives = self._alternatives((corrected,), CORRECTED)
                if (corrected,) in vocabulary.public_phrases:
                    publics.add(vocabulary.public_phrases[(corrected,)])
                known = any(self._reaches(a.words) for a in alternatives) or bool(publics)
        return Concept(text, alternatives, frozenset(publics), known, corrected)

    def _alternatives(self, words: Phrase, quality: float) -> tuple[Alternative, ...]:
        found = [Alternative(words, quality)]
        key = self._synonyms.key(words)
        for rank, synonym in enumerate(self._synonyms.expansions.get(key, ()) if key else ()):
            faithful = SYNONYM * (1 - SYNONYM_STEP * min(rank, 9))
            found.append(Alternative(synonym, round(quality * faithful, 3)))
        return tuple(found)

    def _reaches(self, words: Phrase) -> bool:
        return all(self.vocabulary.knows(w) for w in words)

    def _age(self, text: str, months: bool = False) -> Concept:
        match = _AGE.match(text.split()[0])
        publics: set[str] = set()
        if match:
            per_year = 12 if months else 1
            low = int(match.group(1)) // per_year
            high = int(match.group(2) or match.group(1)) // per_year
            ages = range(low, min(high, 120) + 1)
            counts = Counter(p for age in ages for p in self.vocabulary.publics_for_age(age))
            # "16-25 ans" is the young adults', not the adolescents' who are 16 or 17 too
            publics = {p for p, n in counts.items() if 2 * n >= len(ages)}
        return Concept(text, (), frozenset(publics), known=bool(publics))


def _after_frequency(words: list[str], n: int) -> bool:
    """The word at n follows "tous les", "chaque", "depuis (3)", "plusieurs", "il y a (2)"…"""
    for k in range(n - 1, max(-1, n - 4), -1):
        if words[k] in FREQUENCY_MARKERS or _ago(words, k + 1):
            return True
        if words[k] not in STOP_WORDS and not words[k].isdigit():
            return False
    return False


def _ago(words: list[str], n: int) -> bool:
    """The word at n follows "il y a": "il y a 2 mois" is a time ago, not an age."""
    return n >= 2 and words[n - 1] == "a" and words[n - 2] == "y"


def _bare_number(word: str, vocabulary: Vocabulary) -> bool:
    """A number the directory does not use ("40 degrés"), said neither as an age nor as a
    service's number ("115", "3919")."""
    return word.isdigit() and not vocabulary.knows(word)


def _circumstances(text: str, found: list[Span]) -> set[int]:
    """The words said in a clause of when or why: after "quand", "depuis", "parce que"… up to a
    comma or a word opening another clause ("je bois trop depuis mon divorce, je voudrais
    arrêter": "divorce")."""
    inside = False
    words: set[int] = set()
    for n, span in enumerate(found):
        if n and _PUNCTUATION.search(text[found[n - 1].end : span.start]):
            inside = False
        if span.token in CLAUSE_BREAKS:
            inside = False
        elif span.token in CIRCUMSTANCE_MARKERS:
            inside = not (_a_duration(found, n) or _since_then(text, found, n))
        elif span.token in RECENT_PAST and _OF_NEXT.match(text, span.end):
            inside = True
        elif inside or (span.token in TIME_WORDS and n and found[n - 1].token in DEMONSTRATIVES):
            words.add(n)  # … and "ce week-end", "cette nuit": when, beside what is asked
        elif span.token in _OPEN_WHEN and _opened(found, n):
            words.add(n)  # "ouvert la nuit", "ouverte le dimanche": when, beside what is asked
    return words


def _since_then(text: str, found: list[Span], n: int) -> bool:
    """ "depuis j'ai de la fièvre": since then, not since something ("depuis qu'elle a…")."""
    return (
        found[n].token == "depuis"
        and n + 1 < len(found)
        and found[n + 1].token in SUBJECTS_AND_AUXILIARIES
        and not _THAT_NEXT.match(text, found[n].end)
    )


def _opened(found: list[Span], n: int) -> bool:
    before = [span.token for span in found[max(0, n - 2) : n]]
    while before and before[-1] in ARTICLES:
        before.pop()
    return bool(before) and before[-1] in OPEN_WORDS


def _clauses(text: str, found: list[Span]) -> list[int]:
    """Which clause each word is in, counted from 0: a comma or a word opening another clause
    ("et", "mais"…) starts the next."""
    clause = 0
    found_in: list[int] = []
    for n, span in enumerate(found):
        if n and _PUNCTUATION.search(text[found[n - 1].end : span.start]):
            clause += 1
        if span.token in CLAUSE_BREAKS:
            clause += 1
        found_in.append(clause)
    return found_in


def _asking_clause(found: list[Span], clauses: list[int]) -> int | None:
    """The first clause after the first that opens on a question word ("…, qui peut garder ma
    fille ?", "…, à qui s'adresser ?"); "qui" inside a clause ("le docteur qui me suivait")
    tells, it does not ask. Else one that lacks someone or something for something ("…, je
    n'ai personne pour garder mon bébé", "…, je n'ai plus rien pour manger")."""
    for n in range(1, len(found)):
        opens = clauses[n] != clauses[n - 1]
        led = n >= 2 and clauses[n - 2] != clauses[n - 1] and found[n - 1].token in QUESTION_LEADS
        if found[n].token in QUESTION_WORDS and (opens or led) and clauses[n] > 0:
            return clauses[n]
    for n in range(1, len(found) - 1):
        if found[n].token in LACKED_OR_SOUGHT and found[n + 1].token == "pour" and clauses[n] > 0:
            return clauses[n]
    return None


def _a_duration(found: list[Span], n: int) -> bool:
    """ "depuis hier soir", "depuis trois semaines": how long, not a clause of why."""
    for span in found[n + 1 : n + 4]:
        if span.token in TIME_WORDS or span.token in FREQUENCY_MARKERS:
            return True
        if not (span.token in STOP_WORDS or span.token.isdigit() or span.token in NUMBER_WORDS):
            return False
    return False


def _frames(words: list[str], segment: list[int], segments: list[list[int]], at: int) -> bool:
    """A word that frames the other needs said: "arrêter l'alcool" (what is given up is the
    need, the verb says the help sought), "services pour les jeunes", "peur d'avoir attrapé
    quelque chose" (what one fears is the need)."""
    if len(segment) != 1:
        return False
    word = words[segment[0]]
    return (
        (word in QUITTING_VERBS and at + 1 < len(segments))
        or (word in FORM_WORDS and len(segments) > 1)
        or (word in FEAR_WORDS and _before_an_infinitive(words, segment[0]))
    )


def _before_an_infinitive(words: list[str], n: int) -> bool:
    """ "peur de perdre…", "peur d'avoir…" (the elided "d'" is no word): a verb in the
    infinitive follows."""
    after = words[n + 2 : n + 3] if words[n + 1 : n + 2] == ["de"] else words[n + 1 : n + 2]
    return bool(after) and after[0].endswith(INFINITIVE_ENDINGS)


def _article_not_its(words: list[str], tail: list[int]) -> bool:
    """The words after an article name a commune of France whose name has no such article:
    the article is a noun's ("au bout du jardin": "du" is "de le", Jardin in Isère has none;
    "la salle des fêtes" is not Fête, in Haute-Marne)."""
    if not tail or tail[0] == 0:
        return False
    article = CONTRACTED_ARTICLES.get(words[tail[0] - 1])
    said = [words[n] for n in tail]
    return article is not None and _in_france(said) and not _in_france([article, *said])


def _in_france(words: list[str]) -> bool:
    """Whether these words name a commune or a postal code of France."""
    index = france.national_index()
    if len(words) == 1 and words[0] in index.departements_of_postal_code:
        return True
    return (
        " ".join(part for word in words for part in word.split("-")) in index.departements_of_name
    )


def _label(text: str, words: list[Span]) -> str:
    return " ".join(text[w.start : w.end] for w in words)


def _span_label(text: str, used: list[Span], place: list[Span]) -> str:
    """The question from its first looked-for word to its last, as typed ("aide aux aidants");
    the words alone when the place sits in between."""
    if not used:
        return ""
    start, end = min(w.start for w in used), max(w.end for w in used)
    if any(start < w.start < end for w in place):
        return _label(text, sorted(used, key=lambda w: w.start))
    return text[start:end]


def _mistyped(typed: str, word: str) -> bool:
    """A word of at least MIN_TYPO letters typed with one letter wrong, missing or added, or
    spelled as it sounds."""
    if len(typed) < MIN_TYPO or typed[0] != word[0]:
        return False
    near = DamerauLevenshtein.distance(typed, word, score_cutoff=1) <= 1
    return near or sound(typed) == sound(word)


def _names_someone(words: list[str], rest: list[int], at: int) -> bool:
    """The word at `at` of `rest` is the "de" of "maladie de Lyme", "syndrome de Down": what
    follows is someone's name, not a place."""
    return at > 0 and words[rest[at]] in _OF and words[rest[at - 1]] in _NAMED_AFTER_SOMEONE


def _home_first(places: list[Place], words: list[str]) -> list[Place]:
    """Of several places, the one said after "j'habite", "je vis": where one lives is where
    services are looked for, not where one goes."""

    home = [p for p in places if p.start and words[p.start - 1] in HOME_VERBS]  # "à" is in p
    return home if home and len(places) > 1 else places


def _homographs(words: list[str]) -> list[str]:
    """Words read by the word before them ("du bois", "je bois", "la paie tombe"), or by what
    the question said before ("enceinte, je ne veux pas le garder")."""
    read = list(words)
    for n, word in enumerate(words):
        if word in SAID_AFTER and not SAID_AFTER[word][0].isdisjoint(words[:n]):
            read[n] = SAID_AFTER[word][1]
        elif word in HOMOGRAPHS:
            leads, after_lead, otherwise = HOMOGRAPHS[word]
            if n and words[n - 1] in leads:
                read[n] = after_lead
            elif otherwise is not None:
                read[n] = otherwise
    return read


def _reflexive(text: str, found: list[Span]) -> list[str]:
    """The words, a verb said in its reflexive form read as what that form means ("s'est
    perdue", "elle se perd": disoriented)."""
    words = [span.token for span in found]
    read = list(words)
    for n, word in enumerate(words):
        meaning = REFLEXIVE_MEANINGS.get(word)
        if meaning is None or n == 0:
            continue
        at = n - 1 if words[n - 1] in REFLEXIVE_AUXILIARIES else n  # "s'est perdue"
        pronoun = at > 0 and words[at - 1] in REFLEXIVE_PRONOUNS  # "se perd"
        if pronoun or _ELIDED_PRONOUN.search(text, 0, found[at].start):
            read[n] = meaning
    return read
