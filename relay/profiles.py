"""Who the partners are: the kinds of structure of config/typologie.yaml, and what a person's
profile says of them when the report counts who asks the directory."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from relay.states import Asker
from relay.wording import agree
from relay.yamlfile import UnreadableYaml, read_yaml_file

# The contract's slugs (§3), in the order the report lists them; the file gives their labels.
KINDS = (
    "medical",
    "paramedical",
    "medico-social",
    "social",
    "prevention",
    "education",
    "culture-loisirs",
    "collectivite",
    "habitant",
    "autre",
)
INHABITANT = "habitant"
OTHER = "autre"
MAX_LABEL = 60  # a button's label, readable on a phone

UNREADABLE_TEXT = "{path} : fichier illisible ({problem})"
NO_LIST_TEXT = "{path} : la liste « types » manque"
BAD_ENTRY_TEXT = "{path} : l'entrée n°{number} doit avoir un « slug » et un « label »"
UNKNOWN_KIND_TEXT = "{path} : type « {slug} » inconnu (attendus : {expected})"
TWICE_TEXT = "{path} : le type « {slug} » figure deux fois"
MISSING_TEXT = "{path} : il manque {types} {slugs}"
TOO_LONG_TEXT = "{path} : le libellé de « {slug} » dépasse {limit} caractères"


class TypologyError(ValueError):
    """typologie.yaml is missing or malformed; the message is one French line naming it."""


@dataclass(frozen=True)
class Kind:
    slug: str
    label: str


class Typology:
    """The kinds of structure, in the file's order, each with its French label."""

    def __init__(self, kinds: list[Kind]) -> None:
        self._kinds = kinds
        self._by_slug = {k.slug: k for k in kinds}

    @classmethod
    def load(cls, path: Path) -> "Typology":
        try:
            data = read_yaml_file(path)
        except UnreadableYaml as exc:
            raise TypologyError(UNREADABLE_TEXT.format(path=path, problem=exc.problem)) from None
        entries = data.get("types") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            raise TypologyError(NO_LIST_TEXT.format(path=path))
        kinds: list[Kind] = []
        for number, entry in enumerate(entries, start=1):
            kinds.append(_kind(path, number, entry, {k.slug for k in kinds}))
        missing = [slug for slug in KINDS if slug not in {k.slug for k in kinds}]
        if missing:
            types = agree(len(missing), "le type", "les types")
            raise TypologyError(
                MISSING_TEXT.format(path=path, types=types, slugs=", ".join(missing))
            )
        return cls(kinds)

    def __iter__(self) -> Iterator[Kind]:
        return iter(self._kinds)

    def get(self, slug: str | None) -> Kind | None:
        return self._by_slug.get(slug or "")

    def label(self, slug: str) -> str:
        kind = self._by_slug.get(slug)
        return kind.label if kind else slug


def _kind(path: Path, number: int, entry: object, seen: set[str]) -> Kind:
    if not isinstance(entry, dict) or not entry.get("slug") or not entry.get("label"):
        raise TypologyError(BAD_ENTRY_TEXT.format(path=path, number=number))
    slug, label = str(entry["slug"]).strip(), str(entry["label"]).strip()
    if slug not in KINDS:
        expected = ", ".join(KINDS)
        raise TypologyError(UNKNOWN_KIND_TEXT.format(path=path, slug=slug, expected=expected))
    if slug in seen:
        raise TypologyError(TWICE_TEXT.format(path=path, slug=slug))
    if len(label) > MAX_LABEL:
        raise TypologyError(TOO_LONG_TEXT.format(path=path, slug=slug, limit=MAX_LABEL))
    return Kind(slug, label)


def asker(kind: str | None) -> Asker:
    """What a profile's kind says of who asks: an inhabitant, a professional (every kind but
    `habitant` and `autre`), or unknown (no profile, `autre`)."""
    if kind == INHABITANT:
        return Asker.INHABITANT
    if kind is None or kind == OTHER or kind not in KINDS:
        return Asker.UNKNOWN
    return Asker.PROFESSIONAL
