"""The theme catalogue (config/themes.yaml) and forgiving theme matching."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process

from relay.textnorm import key
from relay.yamlfile import parse_yaml

ALL_THEMES = "tout"
SUGGESTION_CUTOFF = 60
SUGGESTION_SPREAD = 12
FORGIVING_CUTOFF = 90  # a name this close to one theme's (and to no other's) means it
_ALL_WORDS = {"tout", "tous", "toute", "toutes", "all", "everything"}


class ThemeCatalogueError(ValueError):
    """themes.yaml is missing or malformed."""


@dataclass(frozen=True)
class Theme:
    slug: str
    label: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ThemeMatch:
    """The outcome of reading theme words: what was recognised and what was not."""

    themes: tuple[Theme, ...] = ()
    everything: bool = False
    unknown: tuple[tuple[str, tuple[Theme, ...]], ...] = field(default=())  # word, suggestions


class ThemeCatalogue:
    def __init__(self, themes: Iterable[Theme]) -> None:
        self._themes = list(themes)
        self._by_slug = {t.slug: t for t in self._themes}
        self._by_key: dict[str, Theme] = {}
        for theme in self._themes:
            for name in (theme.slug, theme.label, *theme.aliases):
                self._by_key.setdefault(key(name), theme)

    @classmethod
    def load(cls, path: Path) -> "ThemeCatalogue":
        try:
            data = parse_yaml(path.read_text(encoding="utf-8"))
            entries = data["themes"]
            themes = [
                Theme(str(e["slug"]), str(e["label"]), tuple(str(a) for a in e.get("aliases", [])))
                for e in entries
            ]
        except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
            raise ThemeCatalogueError(f"{path}: catalogue de thèmes illisible ({exc})") from exc
        if not themes:
            raise ThemeCatalogueError(f"{path}: aucun thème défini")
        return cls(themes)

    def __iter__(self) -> Iterator[Theme]:
        return iter(self._themes)

    def __len__(self) -> int:
        return len(self._themes)

    def get(self, slug: str) -> Theme | None:
        return self._by_slug.get(slug)

    def label(self, slug: str) -> str:
        theme = self._by_slug.get(slug)
        return theme.label if theme else slug

    def find(self, name: str) -> Theme | None:
        """The theme a user means by one name (slug, label or alias), or None."""
        return self._by_key.get(key(name.lstrip("#")))

    def suggest(self, name: str, limit: int = 3) -> tuple[Theme, ...]:
        """The closest valid themes for a name that matched none: the best, and near ties."""
        found = process.extract(key(name), list(self._by_key), scorer=fuzz.WRatio, limit=limit * 4)
        if not found:
            return ()
        floor = max(SUGGESTION_CUTOFF, found[0][1] - SUGGESTION_SPREAD)
        suggestions: list[Theme] = []
        for choice, score, _ in found:
            theme = self._by_key[choice]
            if score >= floor and theme not in suggestions:
                suggestions.append(theme)
        return tuple(suggestions[:limit])

    def forgiving(self, name: str) -> tuple[Theme, ...]:
        """The themes another file means by its own name for them: the theme names it holds
        ("precarite-acces-aux-droits", "attractivité des métiers"), else the one theme it is very
        close to ("santé environnementale"); none when it names no theme of ours ("Mobilité")."""
        exact = self.find(name)
        if exact is not None:
            return (exact,)
        words = name.replace("-", " ").replace("/", " ").replace("_", " ")
        found = self.parse(words)
        if found.themes:
            return found.themes
        scored = process.extract(key(name), list(self._by_key), scorer=fuzz.WRatio, limit=4)
        close = {self._by_key[choice] for choice, score, _ in scored if score >= FORGIVING_CUTOFF}
        return tuple(close) if len(close) == 1 else ()

    def parse(self, text: str) -> ThemeMatch:
        """Read theme names from free text.

        Names are separated by commas, semicolons or '#'; inside a chunk, the longest run of words
        naming a theme wins, so 'santé mentale jeunes' gives two themes.
        """
        themes: list[Theme] = []
        unknown: list[tuple[str, tuple[Theme, ...]]] = []
        everything = False
        for chunk in _chunks(text):
            words = chunk.split()
            pending: list[str] = []
            start = 0
            while start < len(words):
                for end in range(len(words), start, -1):
                    candidate = " ".join(words[start:end])
                    if key(candidate) in _ALL_WORDS:
                        everything = True
                        break
                    theme = self.find(candidate)
                    if theme:
                        if theme not in themes:
                            themes.append(theme)
                        break
                else:
                    end = start + 1
                    if key(words[start]) not in _FILLER:
                        pending.append(words[start])
                    start = end
                    continue
                unknown.extend(self._unknown(pending))
                pending = []
                start = end
            unknown.extend(self._unknown(pending))
        return ThemeMatch(tuple(themes), everything, tuple(unknown))

    def _unknown(self, words: list[str]) -> list[tuple[str, tuple[Theme, ...]]]:
        if not words:
            return []
        phrase = " ".join(words)
        return [(phrase, self.suggest(phrase))]


_FILLER = {"", "et", "le", "la", "les", "de", "du", "des", "a", "au", "aux", "and", "the"}


def _chunks(text: str) -> list[str]:
    separators = text.replace("#", ",").replace(";", ",")
    return [c.strip() for c in separators.split(",") if c.strip()]
