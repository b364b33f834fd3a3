"""France's communes, as shipped with relay (data/communes-france.csv.gz, see data/SOURCES.md).

A CLS's territory takes from it the communes of its départements (named by the setting
`territory`, or else those where the directory's entries are) and, across a border, the communes
near its services; every other commune is only a name, so that "psychologue à Brest" is known to
be outside the territory rather than a word the directory lacks.
"""

import csv
import functools
import gzip
import io
import math
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from relay.directory.french import PLACE_ARTICLES
from relay.directory.geography import (
    KM_PER_DEGREE,
    NEAR_KM,
    Commune,
    EntryPlace,
    distance_km,
    place_key,
)

DATA = Path(__file__).resolve().parent / "data" / "communes-france.csv.gz"
MINOR_SHARE = 20
_GRID = 0.05  # degrees


class TerritoryError(ValueError):
    """A territory code names no département nor intercommunality."""


@dataclass(frozen=True)
class NationalIndex:
    """Where each name, postal code and intercommunality is: département codes, space-separated
    when several."""

    departements_of_name: dict[str, str]
    departements_of_postal_code: dict[str, str]
    departements_of_epci: dict[str, str]
    departements: frozenset[str]

    def departements_of(self, place: EntryPlace) -> set[str]:
        """The départements a directory entry's place may be in: its postal code's, else (no
        postal code) those of its commune's name."""
        code = place.postal_code.strip()
        if code:
            return set(self.departements_of_postal_code.get(code, "").split())
        return set(self.departements_of_name.get(place_key(place.commune), "").split())

    def scope(self, codes: Iterable[str]) -> frozenset[str]:
        """The départements of territory codes (département codes or EPCI SIRENs)."""
        found: set[str] = set()
        for code in codes:
            if code in self.departements:
                found.add(code)
            elif code in self.departements_of_epci:
                found.update(self.departements_of_epci[code].split())
            else:
                raise TerritoryError(code)
        return frozenset(found)


@functools.cache
def national_index() -> NationalIndex:
    names: dict[str, str] = {}
    postal: dict[str, str] = {}
    epcis: dict[str, str] = {}
    departements: set[str] = set()
    for row in _rows():
        department = sys.intern(row.departement)  # one string each, not one a commune
        departements.add(department)
        for key in _keys(row.commune, place_key.__wrapped__):
            _add(names, key, department)
        for code in row.code_postal.split(";"):
            _add(postal, code, department)
        if row.epci_siren:
            _add(epcis, row.epci_siren, department)
    return NationalIndex(names, postal, epcis, frozenset(departements))


@functools.cache
def _territory_codes() -> frozenset[str]:
    return frozenset(c for row in _rows() for c in (row.departement, row.epci_siren) if c)


# France's départements, as communes-france.csv.gz names them (a test checks it): a territory
# set by département is checked without reading the file.
DEPARTEMENTS = frozenset(
    [f"{n:02d}" for n in range(1, 96) if n != 20]
    + ["2A", "2B", "971", "972", "973", "974", "975", "976", "977", "978"]
    + ["984", "986", "987", "988", "989"]
)


def check_territory(codes: Iterable[str]) -> None:
    """Raise TerritoryError for the first code naming no département nor intercommunality:
    the setting checked at start without building `national_index` (a quarter of a second),
    which a question may never need."""
    for code in codes:
        if code not in DEPARTEMENTS and code not in _territory_codes():
            raise TerritoryError(code)


def _add(found: dict[str, str], key: str, department: str) -> None:
    known = found.get(key)
    if known is None:
        found[key] = department
    elif department not in known.split():
        found[key] = known + " " + department


def departements_of_directory(places: Iterable[EntryPlace]) -> frozenset[str]:
    """The départements where a directory's entries are: each holding at least a twentieth as
    many as the main one (a national helpline's address does not bring its département)."""
    index = national_index()
    counts: Counter[str] = Counter()
    for place in places:
        found = index.departements_of(place)
        if len(found) == 1:
            counts.update(found)
    if not counts:
        return frozenset()
    most = counts.most_common(1)[0][1]
    return frozenset(d for d, n in counts.items() if n * MINOR_SHARE >= most)


def local_communes(departements: frozenset[str], places: Sequence[EntryPlace]) -> list[Commune]:
    """The communes of these départements, and those of others within NEAR_KM of the directory's
    places (services across a border): located there, or members of an intercommunality that
    is."""
    inside: list[Commune] = []
    located_outside: list[Commune] = []
    unlocated_outside: list[Commune] = []
    current: dict[str, str] = {}  # INSEE code -> name of the commune as it is now
    for row in _rows():
        if not row.chef_lieu:
            current[row.insee] = row.commune
        if row.departement in departements:
            inside.append(_commune(row, current))
        elif row.latitude:
            located_outside.append(_commune(row, current))
        elif row.epci:
            unlocated_outside.append(_commune(row, current))
    points = _places_points(places, inside)
    box = _box(points)
    near = [c for c in located_outside if _near(c, box, points)]
    # A small commune has no position: it is near when its intercommunality is ("près
    # d'Orçay", in the next département, whose neighbour Theillay is 10 km away)
    reaching = {c.epci for c in near if c.epci}
    beside = [c for c in unlocated_outside if c.epci in reaching]
    return inside + near + beside


def _places_points(
    places: Sequence[EntryPlace], communes: list[Commune]
) -> list[tuple[float, float]]:
    """Where the directory's entries are, about 5 km apart at most (enough to tell "near")."""
    positions = {c.key: (c.latitude, c.longitude) for c in communes if c.located}
    points: set[tuple[float, float]] = set()
    for place in places:
        if place.latitude is not None and place.longitude is not None:
            point: tuple[float | None, float | None] = (place.latitude, place.longitude)
        else:
            point = positions.get(place_key(place.commune), (None, None))
        if point[0] is not None and point[1] is not None:
            points.add((round(point[0] / _GRID) * _GRID, round(point[1] / _GRID) * _GRID))
    return sorted(points)


def _commune(row: "_Row", current: dict[str, str]) -> Commune:
    parent = current.get(row.chef_lieu) if row.chef_lieu else None
    return Commune(
        name=row.commune,
        postal_codes=tuple(row.code_postal.split(";")) if row.code_postal else (),
        epci=row.epci or None,
        latitude=float(row.latitude) if row.latitude else None,
        longitude=float(row.longitude) if row.longitude else None,
        departement=row.departement,
        part_of=place_key(parent) if parent and parent != row.commune else "",
        approximate=True,
    )


def _box(points: list[tuple[float, float]]) -> tuple[float, float, float, float] | None:
    if not points:
        return None
    margin_lat = NEAR_KM / KM_PER_DEGREE
    margin_lon = margin_lat / max(0.2, math.cos(math.radians(points[0][0])))
    return (
        min(p[0] for p in points) - margin_lat,
        max(p[0] for p in points) + margin_lat,
        min(p[1] for p in points) - margin_lon,
        max(p[1] for p in points) + margin_lon,
    )


def _near(
    commune: Commune,
    box: tuple[float, float, float, float] | None,
    points: list[tuple[float, float]],
) -> bool:
    if box is None or commune.latitude is None or commune.longitude is None:
        return False
    lat, lon = commune.latitude, commune.longitude
    if not (box[0] <= lat <= box[1] and box[2] <= lon <= box[3]):
        return False
    return any(distance_km((lat, lon), p) <= NEAR_KM for p in points)


def _keys(name: str, keyed: Callable[[str], str] = place_key) -> set[str]:
    """A commune's name as matched: whole, and without its article ("Le Bonhomme", "Bonhomme").
    France's 35,000 names are keyed without place_key's cache: it is for a directory's few."""
    key = keyed(name)
    words = key.split()
    keys = {key}
    if len(words) > 1 and words[0] in PLACE_ARTICLES:
        keys.add(" ".join(words[1:]))
    return keys


class _Row(NamedTuple):
    """A line of communes-france.csv.gz, in its column order."""

    insee: str
    commune: str
    code_postal: str
    epci_siren: str
    epci: str
    departement: str
    latitude: str
    longitude: str
    chef_lieu: str


def _rows() -> Iterator[_Row]:
    with gzip.open(DATA, "rb") as raw:
        lines = csv.reader(io.TextIOWrapper(raw, encoding="utf-8", newline=""))
        if tuple(next(lines)) != _Row._fields:
            raise ValueError(f"{DATA.name} : colonnes inattendues")
        for line in lines:
            yield _Row(*line)
