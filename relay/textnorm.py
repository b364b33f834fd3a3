"""French-friendly text folding shared by theme matching and directory search."""

import re
import unicodedata

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
_NON_WORD = re.compile(r"[\W_]+")
_CONTROL_CATEGORIES = {"Cc", "Cf", "Co", "Cs"}
_KEPT = {"\n", "\u200d"}  # line breaks, and the joiner inside emoji sequences
_BLANK_RUNS = re.compile(r"\n{3,}")


def fold(text: str) -> str:
    """Lowercase, expand ligatures, strip accents: 'Santé Œuvre' -> 'sante oeuvre'."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def words(text: str) -> list[str]:
    """The folded alphanumeric words of a text, punctuation dropped."""
    return [w for w in _NON_WORD.split(fold(text)) if w]


def singular(word: str) -> str:
    """Drop a French plural 's' or 'x' from a word long enough to carry one."""
    if len(word) > 3 and word[-1] in "sx" and not word.endswith("ss"):
        return word[:-1]
    return word


def key(text: str) -> str:
    """A matching key: folded words, each singular, joined by single spaces."""
    return " ".join(singular(w) for w in words(text))


def clean_input(text: str, limit: int) -> str:
    """User text made safe to process: control characters dropped, spaces collapsed, cut to limit.

    Line breaks are kept (at most one blank line in a row): announcements have paragraphs.
    """
    visible = "".join(
        " " if unicodedata.category(c) in _CONTROL_CATEGORIES and c not in _KEPT else c
        for c in text
    )
    lines = [" ".join(line.split()) for line in visible.split("\n")]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip()[:limit]
