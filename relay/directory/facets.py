"""Narrowing a list of entries by theme, public and commune, and how many entries each choice
keeps: what the web site shows beside a search or a listing. Built once per state of the
directory, from a few columns of every entry."""

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from relay.directory.geography import place_key
from relay.textnorm import fold, key
from relay.themes import ThemeCatalogue

SHOWN = 12  # choices shown per facet, the most frequent first (and the chosen one)


@dataclass(frozen=True)
class Filters:
    """What a visitor narrowed the list to, as keys: a theme slug (or a theme word an imported
    file kept), a folded public, a commune key."""

    theme: str = ""
    public: str = ""
    commune: str = ""

    @classmethod
    def of(cls, theme: str = "", public: str = "", commune: str = "") -> "Filters":
        return cls(theme.strip(), public_key(public), place_key(commune))

    def __bool__(self) -> bool:
        return bool(self.theme or self.public or self.commune)


@dataclass(frozen=True)
class Choice:
    key: str
    label: str
    count: int  # entries kept when this choice is made, the other facets as they are
    selected: bool


@dataclass(frozen=True)
class Facets:
    themes: tuple[Choice, ...] = ()
    publics: tuple[Choice, ...] = ()
    communes: tuple[Choice, ...] = ()


@dataclass(frozen=True)
class _Row:
    themes: frozenset[str]
    publics: frozenset[str]
    commune: str


def public_key(text: str) -> str:
    return key(text)


class Catalogue:
    """Every entry's themes, publics and commune, and the entries in name order."""

    def __init__(self, rows: Iterable[tuple[int, str, str, str, str]]) -> None:
        """`rows`: id, name, themes and publics (;-separated, as stored), commune."""
        self._rows: dict[int, _Row] = {}
        public_labels: dict[str, Counter[str]] = {}
        commune_labels: dict[str, Counter[str]] = {}
        names: list[tuple[str, int]] = []
        for entry_id, name, themes, publics, commune in rows:
            keys = []
            for public in (p.strip() for p in publics.split(";")):
                if public:
                    keys.append(public_key(public))
                    public_labels.setdefault(keys[-1], Counter())[public] += 1
            where = place_key(commune)
            if where:
                commune_labels.setdefault(where, Counter())[commune.strip()] += 1
            themes_set = frozenset(t.strip() for t in themes.split(";") if t.strip())
            self._rows[entry_id] = _Row(themes_set, frozenset(keys), where)
            names.append((fold(name), entry_id))
        self.by_name = tuple(entry_id for _, entry_id in sorted(names))
        self.public_labels = {k: c.most_common(1)[0][0] for k, c in public_labels.items()}
        self.commune_labels = {k: c.most_common(1)[0][0] for k, c in commune_labels.items()}

    def __len__(self) -> int:
        return len(self._rows)

    def keep(self, ids: Sequence[int], filters: Filters, but: str = "") -> list[int]:
        """The ids (in their order) that pass every filter except the facet named `but`."""
        theme = "" if but == "theme" else filters.theme
        public = "" if but == "public" else filters.public
        commune = "" if but == "commune" else filters.commune
        kept = []
        for entry_id in ids:
            row = self._rows.get(entry_id)
            if row is None:
                continue
            if theme and theme not in row.themes:
                continue
            if public and public not in row.publics:
                continue
            if commune and commune != row.commune:
                continue
            kept.append(entry_id)
        return kept

    def facets(self, ids: Sequence[int], filters: Filters, themes: ThemeCatalogue) -> Facets:
        """For each facet, the choices among `ids` and how many each keeps with the other
        facets' filters applied."""
        counts: dict[str, Counter[str]] = {"theme": Counter(), "public": Counter()}
        counts["commune"] = Counter()
        for facet in counts:
            for entry_id in self.keep(ids, filters, but=facet):
                row = self._rows[entry_id]
                if facet == "theme":
                    counts[facet].update(row.themes)
                elif facet == "public":
                    counts[facet].update(row.publics)
                elif row.commune:
                    counts[facet][row.commune] += 1
        return Facets(
            themes=_choices(counts["theme"], filters.theme, themes.label),
            publics=_choices(counts["public"], filters.public, self.public_label),
            communes=_choices(counts["commune"], filters.commune, self.commune_label),
        )

    def public_label(self, public: str) -> str:
        return self.public_labels.get(public, public)

    def commune_label(self, commune: str) -> str:
        return self.commune_labels.get(commune, commune)

    def overview(self, themes: ThemeCatalogue) -> Facets:
        """Every theme of the catalogue with its number of entries (those without any too),
        and the most frequent publics: what the home page offers to browse."""
        every = self.by_name
        found = self.facets(every, Filters(), themes)
        by_theme = {c.key: c.count for c in found.themes}
        listed = tuple(Choice(t.slug, t.label, by_theme.get(t.slug, 0), False) for t in themes)
        return Facets(themes=listed, publics=found.publics, communes=found.communes)


def _choices(
    counts: Counter[str], selected: str, label: Callable[[str], str]
) -> tuple[Choice, ...]:
    top = [k for k, _ in sorted(counts.items(), key=lambda kv: (-kv[1], label(kv[0])))[:SHOWN]]
    if selected and selected not in top:
        top.append(selected)
    return tuple(
        Choice(k, label(k), counts[k], k == selected)
        for k in sorted(top, key=lambda k: fold(label(k)))
    )
