"""French-friendly text folding shared by theme matching and directory search."""

import re
import unicodedata

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
_NON_WORD = re.compile(r"[\W_]+")
_CONTROL_CATEGORIES = {"Cc", "Cf", "Co", "Cs"}
_KEPT = {"\n", "\u200d"}  # line breaks, and the joiner inside emoji sequences
_BLANK_RUNS = re.compile(r"\n{3,}")
# Terminal escape sequences, removed whole: CSI (ESC [ or its C1 form) up to its final byte;
# OSC, DCS, SOS, PM, APC strings up to their terminator (BEL, ESC \\ or ST); other ESC sequences.
_ESCAPE_SEQUENCES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"
)


def fold(text: str) -> str:
    """Lowercase, expand ligatures, strip accents: 'Santé Œuvre' -> 'sante oeuvre'."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def words(text: str) -> list[str]:
    """The folded alphanumeric words of a text, punctuation dropped."""
    return [w for w in _NON_WORD.split(fold(text)) if w]


# Words whose final 's' is no plural: "fin de mois" is not "fin de moi", "temps" not "temp".
_INVARIABLE = frozenset(
    {"mois", "fois", "temps", "corps", "pays", "bras", "repas", "souris", "avis", "prix", "poids"}
    | {"jus", "gens", "sans", "dans", "vers", "sous", "alors", "depuis", "puis", "plus", "moins"}
    | {"jamais", "toujours", "parfois", "ailleurs", "dessus", "dessous", "tres", "apres", "pres"}
)


def singular(word: str) -> str:
    """Drop a French plural 's' or 'x' from a word long enough to carry one."""
    if len(word) > 3 and word[-1] in "sx" and not word.endswith("ss") and word not in _INVARIABLE:
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
        for c in _ESCAPE_SEQUENCES.sub("", text)
    )
    lines = [" ".join(line.split()) for line in visible.split("\n")]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip()[:limit]


def visible(text: str) -> str:
    """Text safe to print in a terminal: escape sequences and control characters dropped (line
    breaks kept, tabs made spaces), whatever the text came from."""
    return "".join(
        " " if c == "\t" else c
        for c in _ESCAPE_SEQUENCES.sub("", text)
        if c in _KEPT or c == "\t" or unicodedata.category(c) not in _CONTROL_CATEGORIES
    )
