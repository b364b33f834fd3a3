"""Turning French text into the tokens the directory index and the questions share.

A token is a folded (lower case, no accents, œ → oe) singular word. Hyphenated words stay whole
("chirurgien-dentiste", "week-end"): the full-text engines split them on the hyphen anyway, and the
scorer knows that a word found only inside a compound is a weaker match.
"""

import re
import unicodedata
from dataclasses import dataclass

from relay.textnorm import singular

_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
_NOT_TOKEN = re.compile(r"[^a-z0-9-]+")
_FOLDED_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})


def fold(text: str) -> str:
    """relay.textnorm.fold for tokens: ligatures expanded, accents dropped, lower case, and
    whatever is not ASCII dropped too (tokens are ASCII) — several times faster on long text."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return decomposed.encode("ascii", "ignore").decode("ascii").lower()


_ELIDED = frozenset({"l", "d", "j", "n", "m", "t", "s", "c", "qu", "jusqu", "lorsqu", "puisqu"})
_APOSTROPHES = ("'", "’", "`")

# Light French stemming: enough to meet "vacciner" and "vaccination", "gratuitement" and
# "gratuit", "harcelé" and "harcèlement". Longest suffixes first; the stem keeps four letters.
_SUFFIXES = (
    "issements",
    "issement",
    "ements",
    "ement",
    "ations",
    "ation",
    "atrice",
    "ateur",
    "iques",
    "ique",
    "euses",
    "euse",
    "ments",
    "ment",
    "ives",
    "ive",
    "ifs",
    "if",
    "ees",
    "ee",
    "es",
    "er",
    "ez",
    "e",
)
_MIN_STEM = 4


@dataclass(frozen=True, slots=True)
class Span:
    """A token and where its word is in the text it comes from."""

    token: str
    start: int
    end: int


def spans(text: str) -> list[Span]:
    """The tokens of a text with their places: words folded, singular, elisions dropped (l',
    d', qu'…), hyphenated words kept whole."""
    found = []
    for match in _WORD.finditer(text):
        word = fold(match.group())
        if word in _ELIDED and text[match.end() : match.end() + 1] in _APOSTROPHES:
            continue
        token = _NOT_TOKEN.sub("", word).strip("-")
        if token:
            found.append(Span(_singular_compound(token), match.start(), match.end()))
    return found


def tokens(text: str) -> list[str]:
    """The tokens of a text, in order: the same as spans() gives, faster (the text is folded
    at once, as directory entries are)."""
    folded = fold(text)
    found = []
    for match in _FOLDED_WORD.finditer(folded):
        word = match.group()
        if word in _ELIDED and folded[match.end() : match.end() + 1] in _APOSTROPHES:
            continue
        found.append(_singular_compound(word) if "-" in word else singular(word))
    return found


def _singular_compound(token: str) -> str:
    if "-" not in token:
        return singular(token)
    return "-".join(singular(part) for part in token.split("-"))


def analyze(*texts: str) -> str:
    """Texts as stored for searching: their tokens joined by spaces."""
    return " ".join(tokens(" ; ".join(texts)))


def parts(token: str) -> list[str]:
    """The words of a token: a compound's parts, or the word itself."""
    return token.split("-")


def stem(word: str) -> str:
    """A light French stem of a folded singular word ("vaccination" -> "vaccin")."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            return word[: -len(suffix)]
    return word


# How French spells one sound several ways, in the order they are applied to a folded word.
_SPELLINGS = tuple(
    (re.compile(pattern), sound)
    for pattern, sound in (
        (r"ph", "f"),
        (r"(?<=[rt])h|^h", ""),  # "rhumatologue", "thérapie", "hôpital"
        (r"eau|au", "o"),
        (r"ai|ei", "e"),
        (r"qu|c(?=[aou])|ck", "k"),
        (r"y", "i"),
        (r"e(?=[nm][^aeiou])", "a"),  # "dentiste" and "dantiste"
        (r"([a-z])\1", r"\1"),
        (r"[dstx]$", ""),  # silent: "retraites", "rapport"
        (r"e$", ""),
    )
)


def sound(word: str) -> str:
    """A folded word as it sounds, roughly: two spellings of one French pronunciation
    ("retrète" and "retraite", "oftalmo" and "ophtalmo") sound the same."""
    for pattern, replacement in _SPELLINGS:
        word = pattern.sub(replacement, word)
    return word
