"""config/synonyms.yaml: the words people type, the words directories use, and who is who."""

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from relay.directory.analysis import stem, tokens
from relay.directory.french import STOP_WORDS
from relay.yamlfile import parse_yaml

Phrase = tuple[str, ...]  # content tokens, stop words left out

# Endings of conjugated French verbs and their participles, longest first: "frappait",
# "frappent", "frappera" and "frapper" share the root "frapp"; "perdu" and "perdre" that of
# "perd". Only the keys of this file are read this way, never the directory's words.
_VERB_ENDINGS = (
    "eraient",
    "eaient",
    "aient",
    "erions",
    "eriez",
    "erait",
    "erais",
    "erons",
    "eront",
    "eait",
    "eais",
    "eons",
    "ions",
    "iez",
    "ait",
    "ais",
    "ent",
    "ons",
    "era",
    "ees",
    "ee",
    "es",
    "er",
    "ez",
    "re",
    "e",
    "u",
)
_MIN_ROOT = 4

log = logging.getLogger(__name__)


class SynonymsError(ValueError):
    """synonyms.yaml is malformed."""


def phrase(text: str) -> Phrase:
    """The content tokens of an expression: 'maison de retraite' -> ('maison', 'retraite')."""
    found = tokens(text)
    content = tuple(t for t in found if t not in STOP_WORDS)
    return content or tuple(found)


def stemmed(words: Phrase) -> Phrase:
    """An expression's words cut to their stems: ('frappee',) -> ('frapp',)."""
    return tuple(stem(w) for w in words)


def verb_root(word: str) -> str:
    """A word without its verb ending: "frappait" -> "frapp", "perdu" -> "perd"."""
    for ending in _VERB_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= _MIN_ROOT:
            return word[: -len(ending)]
    return word


def rooted(words: Phrase) -> Phrase:
    return tuple(verb_root(w) for w in words)


@dataclass(frozen=True)
class PublicGroup:
    """Who a service is for: a name, the words that say it, an age range in years."""

    name: str
    words: tuple[Phrase, ...]
    ages: tuple[int, int] | None = None

    @property
    def key(self) -> Phrase:
        return phrase(self.name)


@dataclass(frozen=True)
class Synonyms:
    expansions: dict[Phrase, tuple[Phrase, ...]] = field(default_factory=dict)
    publics: tuple[PublicGroup, ...] = ()
    _by_stem: dict[Phrase, Phrase] = field(default_factory=dict, repr=False, compare=False)
    _by_root: dict[Phrase, Phrase] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self._by_stem:  # read back with them (relay.directory.saved)
            return
        for key in self.expansions:  # the first key of a stem wins, in the file's order
            self._by_stem.setdefault(stemmed(key), key)
            self._by_root.setdefault(rooted(key), key)

    @property
    def forms(self) -> tuple[dict[Phrase, Phrase], dict[Phrase, Phrase]]:
        """Each key by its stems and by its verb roots (saved with a vocabulary, not computed
        again when it is read back)."""
        return self._by_stem, self._by_root

    def key(self, words: Phrase) -> Phrase | None:
        """The typed words as a key of the file: as written there, or another form of the same
        words ("frappée" for "frapper", "oubliées" for "oublié", "frappait" for "frappe")."""
        if words in self.expansions:
            return words
        return self._by_stem.get(stemmed(words)) or self._by_root.get(rooted(words))

    @classmethod
    def load(cls, path: Path) -> "Synonyms":
        """The synonyms file, or no synonyms at all when it does not exist."""
        if not path.is_file():
            return cls()
        try:
            data = parse_yaml(path.read_text(encoding="utf-8")) or {}
            synonyms = cls.parse(data)
        except (OSError, yaml.YAMLError, TypeError, ValueError, AttributeError) as exc:
            raise SynonymsError(f"{path}: fichier de synonymes illisible ({exc})") from exc
        for keys in read_alike(data.get("synonyms") or ()):
            # their lists are merged: one need, to write once
            log.warning("%s : ces clés se lisent de la même façon : %s", path, " / ".join(keys))
        return synonyms

    @classmethod
    def parse(cls, data: dict[str, object]) -> "Synonyms":
        expansions: dict[Phrase, list[Phrase]] = {}
        raw = data.get("synonyms") or {}
        if not isinstance(raw, dict):
            raise ValueError("'synonyms' doit être une table « mot: [synonymes] »")
        spelled_out: dict[Phrase, Phrase] = {}
        for typed, alternatives in raw.items():
            key = phrase(str(typed))
            if not key:
                continue
            items = alternatives if isinstance(alternatives, list) else [alternatives]
            known = expansions.setdefault(key, [])
            for item in items:
                alternative = phrase(str(item))
                if alternative and alternative != key and alternative not in known:
                    known.append(alternative)
            long = [a for a in known if len(a) > 1]
            if _is_acronym(str(typed)) and long:
                spelled_out.setdefault(long[0], key)
        # "service de soins infirmiers à domicile" is what "SSIAD" stands for: the words the
        # question spells out are read as one, the acronym as their synonym
        for name, acronym in spelled_out.items():
            expansions.setdefault(name, [acronym])
        groups = [_public_group(item) for item in _as_list(data.get("publics"))]
        return cls({k: tuple(v) for k, v in expansions.items()}, tuple(groups))


def read_alike(keys: Iterable[object]) -> list[list[str]]:
    """The keys that read as one once their grammar words are left out ("parler", "à qui
    parler"), or are written twice: each group as written, in the given order."""
    groups: dict[Phrase, list[str]] = {}
    for key in keys:
        read = phrase(str(key))
        if read:
            groups.setdefault(read, []).append(str(key))
    return [written for written in groups.values() if len(written) > 1]


def written_keys(text: str) -> list[str]:
    """The keys of `synonyms:` as the file writes them, a key written twice twice (parsing keeps
    only its last list)."""
    root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if not isinstance(root, yaml.MappingNode):
        return []
    section = next((v for k, v in root.value if k.value == "synonyms"), None)
    if not isinstance(section, yaml.MappingNode):
        return []
    return [str(key.value) for key, _ in section.value]


def _is_acronym(text: str) -> bool:
    return len(text) > 1 and text.isupper() and text.isalpha()


def _as_list(value: object) -> list[object]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValueError(f"une liste est attendue, pas {value!r}")
    return value


def _public_group(item: object) -> PublicGroup:
    if not isinstance(item, dict) or "name" not in item:
        raise ValueError(f"un public a un nom (name:), pas {item!r}")
    words = tuple(p for p in (phrase(str(w)) for w in _as_list(item.get("words"))) if p)
    ages = _as_list(item.get("ages"))
    if ages and len(ages) != 2:
        raise ValueError(f"ages: [min, max] attendu pour le public {item['name']!r}")
    age_range = (int(str(ages[0])), int(str(ages[1]))) if ages else None
    return PublicGroup(str(item["name"]), words, age_range)
