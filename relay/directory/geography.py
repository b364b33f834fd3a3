"""Communes, their intercommunalities and distances: what "à Pornic" and "près de Machecoul" mean.

The communes are those of the loaded directory, completed by France's communes around it
(relay/directory/france.py) and by config/communes.csv when it exists (postal codes,
intercommunality, coordinates). "Nearby" goes from the same commune to the same
intercommunality, then the neighbouring ones, then the département; by distance instead when both
places have a position.
"""

import csv
import functools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from relay.directory.analysis import tokens

NEAR_KM = 20.0  # beyond this, a commune is not "nearby" by distance
KM_PER_DEGREE = 111.2  # of latitude
FAR_TAIL = 0.1  # how near a place just beyond NEAR_KM still is (below a neighbouring EPCI)
SAME_EPCI = 0.7  # how near a commune of the same intercommunality is, without coordinates
NEIGHBOUR_EPCI = 0.1  # … of a neighbouring one: before the rest when the text is as good
SAME_DEPARTEMENT = 0.03  # … of the same département: before another département
CENTRES_SPREAD = 0.15  # in each of these, how much a far town centre loses to a near one
TERRITORY_WIDE = 0.5  # how near a service without address (it covers the whole territory) is
# Two intercommunalities are neighbours when a commune of one is this close to a commune of the
# other, or their middles this close (positions are known for the larger communes only).
NEIGHBOUR_COMMUNES_KM = 10.0
NEIGHBOUR_MIDDLES_KM = 25.0


@functools.lru_cache(maxsize=65536)  # a directory names the same few hundred communes
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
    departement: str = ""
    part_of: str = ""  # a former commune: the key of the commune it now belongs to
    # A town centre from France's communes, not the coordinator's: it finds the neighbouring
    # intercommunalities, and measures distances only to entries that have coordinates.
    approximate: bool = False

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
    listed: frozenset[str] = frozenset()  # the communes where the directory has entries
    _neighbours: dict[str, frozenset[str]] = field(default_factory=dict, repr=False, compare=False)
    _formers: dict[str, set[str]] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def build(
        cls,
        reference: Iterable[Commune],
        places: Iterable[EntryPlace],
        national: Iterable[Commune] = (),
    ) -> "Territory":
        """France's communes around the directory, completed by the reference (config/
        communes.csv: what it says wins) and by the directory's own places. Of two communes of
        France with one name, the one whose postal code a directory entry gives wins."""
        places = list(places)
        codes: dict[str, set[str]] = {}
        located: dict[str, list[tuple[float, float]]] = {}
        for place in places:
            key = place_key(place.commune)
            if place.postal_code:
                codes.setdefault(key, set()).add(place.postal_code)
            if key and place.latitude is not None and place.longitude is not None:
                located.setdefault(key, []).append((place.latitude, place.longitude))
        communes: dict[str, Commune] = {}
        for commune in national:
            known = communes.get(commune.key)
            if known is None or (
                _named_by(commune, codes.get(commune.key, set()))
                and not _named_by(known, codes.get(commune.key, set()))
            ):
                communes[commune.key] = commune
        for commune in reference:
            known = communes.get(commune.key)
            communes[commune.key] = commune if known is None else _completed(commune, known)
        for place in places:
            key = place_key(place.commune)
            if key and key not in communes:
                communes[key] = Commune(place.commune.strip())
        for key, commune in list(communes.items()):
            extra = tuple(sorted(codes.get(key, set()) - set(commune.postal_codes)))
            points = located.get(key)
            if (not commune.located or commune.approximate) and points:
                lat = sum(p[0] for p in points) / len(points)
                lon = sum(p[1] for p in points) / len(points)
                commune = replace(commune, latitude=lat, longitude=lon, approximate=False)
            communes[key] = replace(commune, postal_codes=commune.postal_codes + extra)
        listed = {place_key(p.commune) for p in places} - {""}
        return cls(communes, frozenset(listed))

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

    def same_town(self, key: str) -> frozenset[str]:
        """A commune and what it is now or was before a merger: "Kaysersberg" and
        "Kaysersberg Vignoble"."""
        commune = self.communes.get(key)
        if commune is None:
            return frozenset({key})
        if not self._formers:
            for other, c in self.communes.items():
                if c.part_of:
                    self._formers.setdefault(c.part_of, set()).add(other)
        town = commune.part_of or key
        return frozenset({key, town, *self._formers.get(town, ())})

    def neighbours(self, epci: str) -> frozenset[str]:
        """The intercommunalities next to this one (itself excluded)."""
        found = self._neighbours.get(epci)
        if found is None:
            found = self._find_neighbours(epci)
            self._neighbours[epci] = found
        return found

    def _find_neighbours(self, epci: str) -> frozenset[str]:
        points: dict[str, list[tuple[float, float]]] = {}
        for commune in self.communes.values():
            if commune.epci and commune.latitude is not None and commune.longitude is not None:
                points.setdefault(commune.epci, []).append((commune.latitude, commune.longitude))
        own = points.get(epci, [])
        if not own:
            return frozenset()
        middle = _middle(own)
        found = set()
        for other, theirs in points.items():
            if other == epci:
                continue
            if distance_km(middle, _middle(theirs)) <= NEIGHBOUR_MIDDLES_KM or any(
                abs(a[0] - b[0]) * KM_PER_DEGREE <= NEIGHBOUR_COMMUNES_KM
                and distance_km(a, b) <= NEIGHBOUR_COMMUNES_KM
                for a in own
                for b in theirs
            ):
                found.add(other)
        return frozenset(found)

    def proximity(self, area: frozenset[str]) -> "Proximity":
        return Proximity(self, area)


def _completed(commune: Commune, other: Commune) -> Commune:
    """What a commune's file says, completed by what France's communes know of it."""
    located = commune.located
    return replace(
        commune,
        approximate=commune.approximate if located else other.approximate,
        postal_codes=commune.postal_codes or other.postal_codes,
        epci=commune.epci or other.epci,
        latitude=commune.latitude if located else other.latitude,
        longitude=commune.longitude if located else other.longitude,
        departement=commune.departement or other.departement,
        part_of=commune.part_of or other.part_of,
    )


def _named_by(commune: Commune, postal_codes: set[str]) -> bool:
    return bool(postal_codes & set(commune.postal_codes))


def _middle(points: list[tuple[float, float]]) -> tuple[float, float]:
    return (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))


class Proximity:
    """How near each place is to the asked area (a set of commune keys): 1 inside, 0 far away."""

    def __init__(self, territory: Territory, area: frozenset[str]) -> None:
        self._territory = territory
        self.area = area
        members = [territory.communes[k] for k in area if k in territory.communes]
        located = [c for c in members if c.latitude is not None and c.longitude is not None]
        self._points = [(c.latitude or 0.0, c.longitude or 0.0) for c in located]
        exact = [point for c, point in zip(located, self._points, strict=True) if not c.approximate]
        # Where the asked place is for entries without coordinates of their own: only a
        # position the coordinator gave (town centres would rank a commune of another
        # intercommunality before one of the same).
        self._exact_points = exact
        self._epcis = {c.epci for c in members if c.epci}
        self._neighbour_epcis = {n for e in self._epcis for n in territory.neighbours(e)}
        self._departements = {c.departement for c in members if c.departement}
        self._cache: dict[str, float] = {}

    def of(self, commune_key: str, latitude: float | None, longitude: float | None) -> float:
        if not self.area:
            return 0.0
        if not commune_key:
            return TERRITORY_WIDE
        if commune_key in self.area:
            return 1.0
        if latitude is not None and longitude is not None and self._points:
            return _by_distance(self._distance((latitude, longitude), self._points))
        cached = self._cache.get(commune_key)
        if cached is None:
            cached = self._commune(commune_key)
            self._cache[commune_key] = cached
        return cached

    def _commune(self, key: str) -> float:
        """By distance when both places have a position, else by intercommunality."""
        commune = self._territory.communes.get(key)
        if commune is None:
            return 0.0
        if commune.located and not commune.approximate and self._exact_points:
            point = (commune.latitude or 0.0, commune.longitude or 0.0)
            return _by_distance(self._distance(point, self._exact_points))
        if commune.epci and commune.epci in self._epcis:
            tier = SAME_EPCI
        elif commune.epci and commune.epci in self._neighbour_epcis:
            tier = NEIGHBOUR_EPCI
        elif commune.departement and commune.departement in self._departements:
            tier = SAME_DEPARTEMENT
        else:
            return 0.0
        if not (commune.located and self._points):
            return tier
        # Within a tier (a metropolis is one intercommunality), the nearer town centre first
        point = (commune.latitude or 0.0, commune.longitude or 0.0)
        far = min(1.0, self._distance(point, self._points) / (2 * NEAR_KM))
        return tier * (1 - CENTRES_SPREAD * far)

    @staticmethod
    def _distance(point: tuple[float, float], others: list[tuple[float, float]]) -> float:
        """The distance to the nearest of `others`: exact within NEAR_KM (the others told
        apart by latitude alone, most of them), flat-earth beyond, where a few km matter less."""
        within = [o for o in others if abs(o[0] - point[0]) * KM_PER_DEGREE <= NEAR_KM]
        near = min((distance_km(point, other) for other in within), default=math.inf)
        if near <= NEAR_KM:
            return near
        across = math.cos(math.radians(point[0]))
        return KM_PER_DEGREE * min(
            math.hypot(o[0] - point[0], (o[1] - point[1]) * across) for o in others
        )


def _by_distance(km: float) -> float:
    """Near within NEAR_KM; beyond, a little still, less and less: where the nearest service
    is 50 km away (up a river, across a causse), it comes before one 200 km away."""
    return max(0.9 * (1 - km / NEAR_KM), FAR_TAIL * NEAR_KM / (NEAR_KM + km))


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def load_communes(path: Path) -> list[Commune]:
    """config/communes.csv (insee, commune, code_postal, epci_siren, epci, latitude, longitude,
    and optionally departement); an absent file is no reference at all."""
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
        departement=(row.get("departement") or "").strip(),
    )


def _number(text: str | None) -> float | None:
    try:
        return float((text or "").replace(",", ".")) if (text or "").strip() else None
    except ValueError:
        return None
