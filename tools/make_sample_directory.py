"""Write config/annuaire.csv, the sample directory of local health actors, from config/communes.csv
and the catalogue in tools/sample_directory/.

Every entry is invented: plausible structures of a French *Contrat Local de Santé* territory placed
in its real communes, with telephone numbers only from ARCEP's ranges reserved for fiction
(02 61 91 xx xx, 01 99 00 xx xx) and e-mails and websites only under example.org.

The catalogue is data, beside this script:

- ``sample_directory/templates.yaml``: the kinds of services, with their descriptions, keywords,
  publics, themes and hours;
- ``sample_directory/placements.yaml``: where each territorial structure is (``network``) and how
  many practices of each kind each commune has (``offer``);
- ``sample_directory/geography.yaml``: the street and place names used for addresses and names.

The output is deterministic: each entry draws its details from its own seeded random generator, so
editing one part of the catalogue does not reshuffle the rest. Run from the project root:

    .venv/bin/python tools/make_sample_directory.py

Entries are numbered in placement order (``ann-0001`` …): ``tests/data/directory_eval.yaml`` refers
to those ids, so append new placements at the end of a list rather than in the middle, and re-check
the evaluation set (``pytest tests/test_directory_eval_data.py``) after any change.
"""

from __future__ import annotations

import csv
import math
import random
import re
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from relay.directory.entries import COLUMNS

REPO_DIR = Path(__file__).resolve().parent.parent
CONFIG_DIR = REPO_DIR / "config"
COMMUNES_CSV = CONFIG_DIR / "communes.csv"
THEMES_YAML = CONFIG_DIR / "themes.yaml"
ANNUAIRE_CSV = CONFIG_DIR / "annuaire.csv"
DATA_DIR = Path(__file__).resolve().parent / "sample_directory"

SEED = "relay-cls-pays-de-retz-2026"
FIELDS = list(COLUMNS)  # the directory file format (contract §4), declared once

# verifie_le: dates between OLDEST and NEWEST, STALE_SHARE of them before STALE_BEFORE (one year
# before the sample was made), so that the "not verified for a year" list is not empty.
OLDEST = date(2024, 6, 3)
STALE_BEFORE = date(2025, 11, 23)
NEWEST = date(2026, 11, 20)
STALE_SHARE = 0.15

MAX_OFFSET_KM = 1.5
FICTION_PHONE_SHARE_01 = 0.06  # the rest is 02 61 91 xx xx, the Grand Ouest fiction range

# ---------------------------------------------------------------------------------------------
# Reading the data files
# ---------------------------------------------------------------------------------------------


def read_yaml(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as f:
        return mapping(yaml.safe_load(f), path.name)


def mapping(value: object, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"{where}: expected a mapping, got {value!r}")
    return value


def texts(value: object, where: str) -> tuple[str, ...]:
    """A YAML list of strings, as a tuple."""
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"{where}: expected a list of strings, got {value!r}")
    return tuple(value)


def counts(value: object, where: str) -> tuple[int, ...]:
    if not isinstance(value, list) or not all(
        isinstance(item, int) and not isinstance(item, bool) and item >= 0 for item in value
    ):
        raise ValueError(f"{where}: expected a list of counts, got {value!r}")
    return tuple(value)


def pair(value: object, where: str) -> tuple[str, str]:
    items = texts(value, where)
    if len(items) != 2:
        raise ValueError(f"{where}: expected a pair of strings, got {value!r}")
    return items[0], items[1]


def load_themes(path: Path) -> frozenset[str]:
    """The theme slugs of config/themes.yaml."""
    return frozenset(mapping(theme, path.name)["slug"] for theme in read_yaml(path)["themes"])


# ---------------------------------------------------------------------------------------------
# Geography
# ---------------------------------------------------------------------------------------------

AREAS = ("coastal", "estuary", "lakeside")  # a commune's area is the first one that lists it


@dataclass(frozen=True)
class Commune:
    insee: str
    nom: str
    codes_postaux: tuple[str, ...]
    epci_siren: str
    epci: str
    latitude: float | None
    longitude: float | None


def load_communes(path: Path) -> dict[str, Commune]:
    communes: dict[str, Commune] = {}
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            lat, lon = row["latitude"].strip(), row["longitude"].strip()
            communes[row["commune"]] = Commune(
                insee=row["insee"],
                nom=row["commune"],
                codes_postaux=tuple(row["code_postal"].split(";")),
                epci_siren=row["epci_siren"],
                epci=row["epci"],
                latitude=float(lat) if lat else None,
                longitude=float(lon) if lon else None,
            )
    return communes


@dataclass(frozen=True)
class Geography:
    """The street and place names of geography.yaml."""

    areas: dict[str, frozenset[str]]  # area -> its communes
    streets: dict[str, tuple[str, ...]]  # "common" and each area -> street names
    lieux: dict[str, tuple[str, ...]]  # "common" and each area -> place names ("du Port")
    landmarks: dict[str, tuple[str, str]]  # commune -> (street, lieu) found there only

    @classmethod
    def load(cls, path: Path) -> Geography:
        data = read_yaml(path)
        areas, streets, lieux, landmarks = (
            mapping(data[key], f"{path.name}: {key}")
            for key in ("areas", "streets", "lieux", "landmarks")
        )
        names = ("common", *AREAS)
        return cls(
            areas={
                area: frozenset(texts(areas[area], f"{path.name}: areas.{area}")) for area in AREAS
            },
            streets={name: texts(streets[name], f"{path.name}: streets.{name}") for name in names},
            lieux={name: texts(lieux[name], f"{path.name}: lieux.{name}") for name in names},
            landmarks={
                commune: pair(
                    [landmark["street"], landmark["lieu"]], f"{path.name}: landmarks.{commune}"
                )
                for commune, landmark in landmarks.items()
            },
        )

    def area(self, commune: str) -> str:
        return next((area for area in AREAS if commune in self.areas[area]), "")

    def streets_for(self, commune: str) -> tuple[str, ...]:
        area = self.area(commune)
        extra = self.streets[area] if area else ()
        if commune in self.landmarks:
            extra += (self.landmarks[commune][0],)
        return self.streets["common"] + extra + extra  # local flavour twice as likely

    def lieux_for(self, commune: str) -> tuple[str, ...]:
        common = self.lieux["common"]
        match self.area(commune):
            case "coastal":
                return self.lieux["coastal"] + common[:6]
            case "estuary":
                return self.lieux["estuary"] + common
            case "lakeside":
                landmark = self.landmarks[commune][1:] if commune in self.landmarks else ()
                return self.lieux["lakeside"] + landmark + common
        return common


def slugify(text: str) -> str:
    text = text.replace("œ", "oe").replace("Œ", "oe").replace("'", " ")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def de_commune(nom: str) -> str:
    """French "de" before a commune name: de Pornic, du Bignon, des Moutiers-en-Retz."""
    if nom.startswith("Le "):
        return "du " + nom[3:]
    if nom.startswith("Les "):
        return "des " + nom[4:]
    if nom[0] in "AEIOUÉ":
        return "d'" + nom
    return "de " + nom


def lieu_slug(lieu: str) -> str:
    """ "du Port" -> "port", "de l'Église" -> "eglise": the short form used in host names."""
    return re.sub(r"^(de-la|de-l|des|du|de)-", "", slugify(lieu))


# ---------------------------------------------------------------------------------------------
# The catalogue
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Variant:
    """One way of describing a service, with the keywords that go with that wording."""

    text: str
    mots_cles: tuple[str, ...] = ()

    @classmethod
    def from_yaml(cls, value: object, where: str) -> Variant:
        data = mapping(value, where)
        return cls(data["text"], texts(data.get("mots_cles", []), f"{where}.mots_cles"))


# The fields of Template that are lists in templates.yaml.
LIST_FIELDS = (
    "mots_cles",
    "public",
    "themes",
    "horaires",
    "proper_names",
    "email_users",
    "streets",
)


@dataclass(frozen=True)
class Template:
    """A kind of service (its fields are described at the top of templates.yaml).

    ``nom`` is formatted with commune, de_commune, lieu (a place name such as "du Port", unique for
    the kind and commune), proper (drawn from ``proper_names``) and named (the name given in
    placements.yaml for this kind and commune). ``slug`` is formatted with c (commune), l (lieu)
    and s (the slug given in placements.yaml, else the slug of the whole name).
    """

    nom: str
    categorie: str
    variants: tuple[Variant, ...]
    mots_cles: tuple[str, ...]
    public: tuple[str, ...]
    themes: tuple[str, ...]
    horaires: tuple[str, ...]
    proper_names: tuple[str, ...] = ()  # pool for {proper}; each name is used once if possible
    slug: str = ""  # host name before .example.org; "" = no e-mail, no website
    email_users: tuple[str, ...] = ("contact",)
    site_share: float = 1.0  # share of entries of this kind that have a website
    email_share: float = 1.0  # share of entries of this kind that have an e-mail
    hours_share: float = 1.0  # share of entries of this kind whose opening hours are known
    streets: tuple[str, ...] = ()  # fixed street pool, else the commune's
    has_phone: bool = True
    territory_wide: bool = False  # no address: the service covers the whole CLS territory

    @classmethod
    def from_yaml(cls, value: object, where: str) -> Template:
        """A template as written in templates.yaml, where lists stand for tuples."""
        fields = mapping(value, where).copy()
        if "variants" in fields:
            fields["variants"] = tuple(
                Variant.from_yaml(variant, f"{where}.variants[{index}]")
                for index, variant in enumerate(fields["variants"])
            )
        for name in LIST_FIELDS:
            if name in fields:
                fields[name] = texts(fields[name], f"{where}.{name}")
        try:
            return cls(**fields)
        except TypeError as error:  # a missing or unknown field
            raise ValueError(f"{where}: {error}") from None


@dataclass(frozen=True)
class Catalogue:
    """The data files of tools/sample_directory/."""

    publics: frozenset[str]  # the vocabulary of the public field
    templates: dict[str, Template]
    named: dict[tuple[str, str], tuple[str, str]]  # (template, commune) -> (name, host slug)
    network: tuple[tuple[str, str], ...]  # (template, commune), in id order; "" = no commune
    offer_kinds: tuple[str, ...]
    offer: dict[str, tuple[int, ...]]  # commune -> counts in the order of offer_kinds
    geography: Geography

    @classmethod
    def load(cls, directory: Path) -> Catalogue:
        templates = read_yaml(directory / "templates.yaml")
        placements = read_yaml(directory / "placements.yaml")
        named = mapping(placements["named"], "placements.yaml: named")
        return cls(
            publics=frozenset(texts(templates["publics"], "templates.yaml: publics")),
            templates={
                key: Template.from_yaml(value, f"templates.yaml: {key}")
                for key, value in mapping(templates["templates"], "templates.yaml").items()
            },
            named={
                (key, commune): pair([name["nom"], name["slug"]], f"placements.yaml: {key}")
                for key, communes in named.items()
                for commune, name in mapping(communes, f"placements.yaml: {key}").items()
            },
            network=tuple(pair(item, "placements.yaml: network") for item in placements["network"]),
            offer_kinds=texts(placements["offer_kinds"], "placements.yaml: offer_kinds"),
            offer={
                commune: counts(value, f"placements.yaml: offer.{commune}")
                for commune, value in mapping(placements["offer"], "placements.yaml").items()
            },
            geography=Geography.load(directory / "geography.yaml"),
        )

    def placements(self) -> Iterator[tuple[str, str]]:
        """(template, commune) of every entry, in id order: the network, then the offer."""
        yield from self.network
        for commune, numbers in self.offer.items():
            for kind, count in zip(self.offer_kinds, numbers, strict=True):
                for _ in range(count):
                    yield kind, commune


# ---------------------------------------------------------------------------------------------
# Generation
# ---------------------------------------------------------------------------------------------


@dataclass
class Generator:
    catalogue: Catalogue
    communes: dict[str, Commune]
    used_phones: set[str] = field(default_factory=set)
    used_names: set[tuple[str, str]] = field(default_factory=set)
    used_lieux: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    used_proper: set[str] = field(default_factory=set)
    kind_count: dict[str, int] = field(default_factory=dict)

    def phone(self, rng: random.Random) -> str:
        while True:
            if rng.random() < FICTION_PHONE_SHARE_01:
                number = f"01 99 00 {rng.randrange(100):02d} {rng.randrange(100):02d}"
            else:
                number = f"02 61 91 {rng.randrange(100):02d} {rng.randrange(100):02d}"
            if number not in self.used_phones:
                self.used_phones.add(number)
                return number

    def lieu(self, rng: random.Random, kind: str, commune: str) -> str:
        used = self.used_lieux.setdefault((kind, commune), set())
        lieux = self.catalogue.geography.lieux_for(commune)
        choice = rng.choice([lieu for lieu in lieux if lieu not in used])
        used.add(choice)
        return choice

    def proper(self, rng: random.Random, pool: tuple[str, ...]) -> str:
        """A name from the pool, one not used yet while there are some left."""
        unused = [name for name in pool if name not in self.used_proper]
        choice = rng.choice(unused or list(pool))
        self.used_proper.add(choice)
        return choice

    def coordinates(self, rng: random.Random, commune: Commune | None) -> tuple[str, str]:
        if commune is None or commune.latitude is None or commune.longitude is None:
            return "", ""
        distance_km = rng.uniform(0.05, MAX_OFFSET_KM)
        bearing = rng.uniform(0, 2 * math.pi)
        dlat = distance_km * math.cos(bearing) / 111.32
        dlon = distance_km * math.sin(bearing) / (111.32 * math.cos(math.radians(commune.latitude)))
        return f"{commune.latitude + dlat:.5f}", f"{commune.longitude + dlon:.5f}"

    def entry(self, number: int, key: str, commune_name: str) -> dict[str, str]:
        template = self.catalogue.templates[key]
        rng = random.Random(f"{SEED}:{key}:{commune_name}:{number}")
        commune = self.communes[commune_name] if commune_name else None  # KeyError: unknown commune
        if template.territory_wide == bool(commune_name):
            raise ValueError(f"{key}: territory-wide services, and only they, have no commune")

        lieu = self.lieu(rng, key, commune_name) if "{lieu}" in template.nom else ""
        proper = self.proper(rng, template.proper_names) if template.proper_names else ""
        named, named_slug = self.catalogue.named.get((key, commune_name), ("", ""))
        if "{named}" in template.nom and not named:
            raise ValueError(f"no name in placements.yaml (named) for {key} in {commune_name}")
        nom = template.nom.format(
            commune=commune_name,
            de_commune=de_commune(commune_name) if commune_name else "",
            lieu=lieu,
            proper=proper,
            named=named,
        )
        if (nom, commune_name) in self.used_names:
            raise ValueError(f"duplicate name {nom!r} in {commune_name}")
        self.used_names.add((nom, commune_name))

        # Variants in turn, so that the cabinets of one town are not all described alike.
        seen = self.kind_count.get(key, 0)
        self.kind_count[key] = seen + 1
        variant = template.variants[seen % len(template.variants)]
        mots_cles = list(dict.fromkeys(template.mots_cles + variant.mots_cles))
        if commune_name:
            mots_cles.append(commune_name)

        email = site = ""
        if template.slug:
            host_slug = template.slug.format(
                c=slugify(commune_name), l=lieu_slug(lieu), s=named_slug or slugify(nom)
            )
            host = f"{host_slug}.example.org"
            if rng.random() < template.email_share:
                email = f"{rng.choice(template.email_users)}@{host}"
            if rng.random() < template.site_share:
                site = f"https://{host}"

        adresse = code_postal = ""
        if commune is not None:
            streets = template.streets or self.catalogue.geography.streets_for(commune_name)
            street = rng.choice(streets)
            adresse = f"{rng.randint(1, 48)} {street}"
            code_postal = rng.choice(commune.codes_postaux)
        latitude, longitude = self.coordinates(rng, commune)
        telephone = self.phone(rng) if template.has_phone else ""
        horaires = rng.choice(template.horaires) if rng.random() < template.hours_share else ""

        return {
            "id": f"ann-{number:04d}",
            "nom": nom,
            "categorie": template.categorie,
            "description": variant.text,
            "mots_cles": ";".join(mots_cles),
            "public": ";".join(template.public),
            "themes": ";".join(template.themes),
            "adresse": adresse,
            "code_postal": code_postal,
            "commune": commune_name,
            "telephone": telephone,
            "email": email,
            "site": site,
            "horaires": horaires,
            "latitude": latitude,
            "longitude": longitude,
            "verifie_le": "",
        }


def assign_dates(rows: list[dict[str, str]]) -> None:
    rng = random.Random(f"{SEED}:verifie_le")
    stale = set(rng.sample(range(len(rows)), round(len(rows) * STALE_SHARE)))
    for index, row in enumerate(rows):
        if index in stale:
            low, high = OLDEST, STALE_BEFORE - timedelta(days=1)
        else:
            low, high = STALE_BEFORE, NEWEST
        row["verifie_le"] = (low + timedelta(days=rng.randint(0, (high - low).days))).isoformat()


def validate(rows: list[dict[str, str]], themes: frozenset[str], publics: frozenset[str]) -> None:
    """The rules of config/README.md; tests/test_directory_eval_data.py checks them again."""
    phone = re.compile(r"^(02 61 91|01 99 00) \d\d \d\d$")
    for row in rows:
        problems = []
        if not row["nom"]:
            problems.append("no name")
        if not set(row["themes"].split(";")) <= themes:
            problems.append("unknown theme")
        if not set(row["public"].split(";")) <= publics:
            problems.append("unknown public")
        if row["telephone"] and not phone.match(row["telephone"]):
            problems.append("telephone outside the fiction ranges")
        if row["email"] and not row["email"].endswith(".example.org"):
            problems.append("e-mail outside example.org")
        if row["site"] and not re.fullmatch(r"https://[a-z0-9.-]+\.example\.org", row["site"]):
            problems.append("website outside example.org")
        if problems:
            raise ValueError(f"{row['id']}: {', '.join(problems)}")


def generate(catalogue: Catalogue, communes: dict[str, Commune]) -> list[dict[str, str]]:
    generator = Generator(catalogue, communes)
    rows = [
        generator.entry(number, key, commune)
        for number, (key, commune) in enumerate(catalogue.placements(), start=1)
    ]
    assign_dates(rows)
    validate(rows, load_themes(THEMES_YAML), catalogue.publics)
    return rows


def write(rows: list[dict[str, str]], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main() -> int:
    rows = generate(Catalogue.load(DATA_DIR), load_communes(COMMUNES_CSV))
    write(rows, ANNUAIRE_CSV)
    covered = len({row["commune"] for row in rows if row["commune"]})
    print(f"{len(rows)} entries in {covered} communes written to {ANNUAIRE_CSV}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
