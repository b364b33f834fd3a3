"""Communes, their intercommunalities and distances: what "à Pornic" and "près de Machecoul" mean.

The communes are those of the loaded directory, completed by config/communes.csv when it exists
(postal codes, intercommunality, coordinates). "Nearby" is by distance when both places have
coordinates, by intercommunality otherwise.
"""

import csv
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from relay.directory.analysis import tokens

NEAR_KM = 20.0  # beyond this, a commune is not "nearby"
SAME_EPCI = 0.6  # how near a commune of the same intercommunality is, without coordinates
TERRITORY_WIDE = 0.5  # how near a service without address (it covers the whole territory) is


def place_key(name: str) -> str:
    """The matching key of a place name: 'Saint-Brevin-les-Pins' -> 'saint brevin les pin'."""
    return " ".join(part for t in tokens(name) for part in t.split("-"))


@dataclass(frozen=True)
class Commune:
    name: str
    postal_codes: tuple[str, ...] = ()
    epci: str | None = None
    latitude: float | None = None
    longitude: float | None = None

    @property
    def key(self) -> str:
        return place_key(self.name)

    @property
    def located(self) -> bool:
        return self.latitude is not None and self.longitude is not None


@dataclass(frozen=True)
class EntryPlace:
    """Where an entry is, as the directory says it."""

    commune: str
    postal_code: str = ""
    latitude: float | None = None
    longitude: float | None = None


@dataclass
class Territory:
    """Every known commune by key, and the intercommunalities they belong to."""

    communes: dict[str, Commune] = field(default_factory=dict)

    @classmethod
    def build(cls, reference: Iterable[Commune], places: Iterable[EntryPlace]) -> "Territory":
        """The reference communes (communes.csv) completed by the directory's own places."""
        communes = {c.key: c for c in reference}
        located: dict[str, list[tuple[float, float]]] = {}
        codes: dict[str, set[str]] = {}
        for place in places:
            key = place_key(place.commune)
            if not key:
                continue
            if key not in communes:
                communes[key] = Commune(place.commune.strip())
            if place.postal_code:
                codes.setdefault(key, set()).add(place.postal_code)
            if place.latitude is not None and place.longitude is not None:
                located.setdefault(key, []).append((place.latitude, place.longitude))
        for key, commune in list(communes.items()):
            extra = tuple(sorted(codes.get(key, set()) - set(commune.postal_codes)))
            points = located.get(key)
            if not commune.located and points:
                lat = sum(p[0] for p in points) / len(points)
                lon = sum(p[1] for p in points) / len(points)
                commune = replace(commune, latitude=lat, longitude=lon)
            communes[key] = replace(commune, postal_codes=commune.postal_codes + extra)
        return cls(communes)

    def epci_members(self, epci: str) -> set[str]:
        return {key for key, c in self.communes.items() if c.epci == epci}

    def epcis(self) -> set[str]:
        return {c.epci for c in self.communes.values() if c.epci}

    def by_postal_code(self) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for key, commune in self.communes.items():
            for code in commune.postal_codes:
                found.setdefault(code, set()).add(key)
        return found

    def proximity(self, area: frozenset[str]) -> "Proximity":
        return Proximity(self, area)


class Proximity:
    """How near each place is to the asked area (a set of commune keys): 1 inside, 0 far away."""

    def __init__(self, territory: Territory, area: frozenset[str]) -> None:
        self._territory = territory
        self.area = area
        members = [territory.communes[k] for k in area if k in territory.communes]
        self._points = [
            (c.latitude, c.longitude)
            for c in members
            if c.latitude is not None and c.longitude is not None
        ]
        self._epcis = {c.epci for c in members if c.epci}
        self._cache: dict[str, float] = {}

    def of(self, commune_key: str, latitude: float | None, longitude: float | None) -> float:
        if not self.area:
            return 0.0
        if not commune_key:
            return TERRITORY_WIDE
        if commune_key in self.area:
            return 1.0
        if latitude is not None and longitude is not None and self._points:
            return _by_distance(self._distance((latitude, longitude)))
        cached = self._cache.get(commune_key)
        if cached is None:
            cached = self._commune(commune_key)
            self._cache[commune_key] = cached
        return cached

    def _commune(self, key: str) -> float:
        commune = self._territory.communes.get(key)
        if commune is None:
            return 0.0
        if commune.located and self._points:
            point = (commune.latitude or 0.0, commune.longitude or 0.0)
            return _by_distance(self._distance(point))
        return SAME_EPCI if commune.epci and commune.epci in self._epcis else 0.0

    def _distance(self, point: tuple[float, float]) -> float:
        return min(distance_km(point, other) for other in self._points)


def _by_distance(km: float) -> float:
    return max(0.0, 0.9 * (1 - km / NEAR_KM))


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def load_communes(path: Path) -> list[Commune]:
    """config/communes.csv (insee, commune, code_postal, epci_siren, epci, latitude, longitude);
    an absent file is no reference at all."""
    if not path.is_file():
        return []
    with path.open(encoding="utf-8-sig", newline="") as f:
        return [_commune(row) for row in csv.DictReader(f) if (row.get("commune") or "").strip()]


def _commune(row: Mapping[str, str | None]) -> Commune:
    codes = tuple(c.strip() for c in (row.get("code_postal") or "").split(";") if c.strip())
    return Commune(
        name=(row.get("commune") or "").strip(),
        postal_codes=codes,
        epci=(row.get("epci") or row.get("epci_siren") or "").strip() or None,
        latitude=_number(row.get("latitude")),
        longitude=_number(row.get("longitude")),
    )


def _number(text: str | None) -> float | None:
    try:
        return float((text or "").replace(",", ".")) if (text or "").strip() else None
    except ValueError:
        return None
