"""Consistency of the sample directory (config/annuaire.csv, config/communes.csv) and of the
labelled evaluation questions (tests/data/directory_eval.yaml) that refer to its entries."""

import csv
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
ANNUAIRE = REPO / "config" / "annuaire.csv"
COMMUNES = REPO / "config" / "communes.csv"
THEMES = REPO / "config" / "themes.yaml"
EVAL = REPO / "tests" / "data" / "directory_eval.yaml"

HEADER = [
    "id",
    "nom",
    "categorie",
    "description",
    "mots_cles",
    "public",
    "themes",
    "adresse",
    "code_postal",
    "commune",
    "telephone",
    "email",
    "site",
    "horaires",
    "latitude",
    "longitude",
    "verifie_le",
]
COMMUNES_HEADER = ["insee", "commune", "code_postal", "epci_siren", "epci", "latitude", "longitude"]
PUBLICS = {
    "tout public",
    "jeunes",
    "adolescents",
    "enfants",
    "parents",
    "familles",
    "personnes âgées",
    "aidants",
    "personnes en situation de handicap",
    "personnes en précarité",
    "femmes enceintes",
    "professionnels",
}
# ARCEP numbers reserved for fiction: never a real line.
FICTION_PHONE = re.compile(r"^(02 61 91|01 99 00) \d\d \d\d$")
EMAIL = re.compile(r"^[a-z0-9.-]+@([a-z0-9-]+\.)*example\.org$")
SITE = re.compile(r"^https://([a-z0-9-]+\.)*example\.org(/.*)?$")
SAMPLE_DAY = date(2026, 11, 23)  # the day the sample was made
A_YEAR_BEFORE = date(2025, 11, 23)

# Words of the expect_none questions that must appear nowhere in the directory (accents and case
# ignored, whole words): if one does, the question is no longer out of the directory.
ABSENT_WORDS = (
    "veterinaire",
    "esthetique",
    "notaire",
    "piscine",
    "avocat",
    "dermatologue",
    "osteopathe",
    "auto-ecole",
    "immobiliere",
    "dechetterie",
    "velos",
    "foot",
    "garagiste",
)


def fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def entries() -> list[dict[str, str]]:
    return read_csv(ANNUAIRE)


@pytest.fixture(scope="module")
def communes() -> list[dict[str, str]]:
    return read_csv(COMMUNES)


@pytest.fixture(scope="module")
def questions() -> list[dict[str, Any]]:
    data = yaml.safe_load(EVAL.read_text(encoding="utf-8"))
    assert isinstance(data, list)
    return data


def test_annuaire_header_is_the_contract_one() -> None:
    with ANNUAIRE.open(encoding="utf-8", newline="") as f:
        assert next(csv.reader(f)) == HEADER


def test_annuaire_ids_are_unique(entries: list[dict[str, str]]) -> None:
    ids = [row["id"] for row in entries]
    assert all(re.fullmatch(r"ann-\d{4}", i) for i in ids)
    assert len(ids) == len(set(ids))
    assert len(entries) >= 250


def test_every_entry_has_a_name_and_valid_lists(entries: list[dict[str, str]]) -> None:
    slugs = {theme["slug"] for theme in yaml.safe_load(THEMES.read_text("utf-8"))["themes"]}
    for row in entries:
        assert row["nom"].strip(), row["id"]
        themes = row["themes"].split(";")
        assert themes and set(themes) <= slugs, (row["id"], themes)
        assert set(row["public"].split(";")) <= PUBLICS, (row["id"], row["public"])
        assert all(word.strip() for word in row["mots_cles"].split(";")), row["id"]


def test_contacts_are_fictional(entries: list[dict[str, str]]) -> None:
    for row in entries:
        assert not row["telephone"] or FICTION_PHONE.match(row["telephone"]), row["id"]
        assert not row["email"] or EMAIL.match(row["email"]), row["id"]
        assert not row["site"] or SITE.match(row["site"]), row["id"]
    assert sum(bool(row["telephone"]) for row in entries) > 0.9 * len(entries)


def test_entries_are_in_the_territory(
    entries: list[dict[str, str]], communes: list[dict[str, str]]
) -> None:
    postal_codes = {c["commune"]: set(c["code_postal"].split(";")) for c in communes}
    for row in entries:
        if not row["commune"]:  # a service for the whole territory, without an address
            assert not row["adresse"] and not row["code_postal"], row["id"]
            continue
        assert row["commune"] in postal_codes, row["id"]
        assert row["code_postal"] in postal_codes[row["commune"]], row["id"]
        assert bool(row["latitude"]) == bool(row["longitude"]), row["id"]


def test_verification_dates(entries: list[dict[str, str]]) -> None:
    days = [date.fromisoformat(row["verifie_le"]) for row in entries]
    assert all(date(2024, 6, 1) <= day <= SAMPLE_DAY for day in days)
    stale = sum(day < A_YEAR_BEFORE for day in days)
    assert 0.05 * len(days) <= stale <= 0.3 * len(days)


def test_communes_file(communes: list[dict[str, str]]) -> None:
    assert [*communes[0]] == COMMUNES_HEADER
    assert len({c["epci_siren"] for c in communes}) == 4
    for c in communes:
        assert re.fullmatch(r"44\d{3}", c["insee"]), c
        assert re.fullmatch(r"\d{9}", c["epci_siren"]), c
        assert all(re.fullmatch(r"44\d{3}", cp) for cp in c["code_postal"].split(";")), c


def test_questions_are_well_formed(questions: list[dict[str, Any]]) -> None:
    assert len(questions) >= 90
    assert sum(item.get("expect_none") is True for item in questions) >= 10
    texts = [item["q"] for item in questions]
    assert len(texts) == len(set(texts)), "duplicate question"
    for item in questions:
        assert isinstance(item["q"], str) and item["q"].strip(), item
        assert isinstance(item.get("note"), str) and item["note"].strip(), item
        assert set(item) <= {"q", "expect_any", "expect_none", "note"}, item
        if "expect_none" in item:
            assert item["expect_none"] is True and "expect_any" not in item, item
        else:
            expected = item["expect_any"]
            assert isinstance(expected, list) and expected, item
            assert len(expected) == len(set(expected)), item


def test_expected_ids_exist(questions: list[dict[str, Any]], entries: list[dict[str, str]]) -> None:
    ids = {row["id"] for row in entries}
    for item in questions:
        missing = set(item.get("expect_any", [])) - ids
        assert not missing, (item["q"], missing)


def test_out_of_directory_questions_stay_out(
    questions: list[dict[str, Any]], entries: list[dict[str, str]]
) -> None:
    words = [re.compile(rf"\b{re.escape(word)}\b") for word in ABSENT_WORDS]
    for item in questions:
        if item.get("expect_none"):
            assert any(w.search(fold(item["q"])) for w in words), (
                f"add the key word of {item['q']!r} to ABSENT_WORDS"
            )
    for row in entries:
        text = fold(" ".join((row["nom"], row["categorie"], row["description"], row["mots_cles"])))
        for word in words:
            assert not word.search(text), (row["id"], word.pattern)


# The fourth to twenty-second territories (tests/data/fourth_territory, the Pays de Saint-Omer;
# tests/data/fifth_territory, Épinal and the Vosges; tests/data/sixth_territory, Bergerac and its
# surroundings; tests/data/seventh_territory, Aurillac and its surroundings;
# tests/data/eighth_territory, Lannion and the Trégor; tests/data/ninth_territory, Saumur and the
# Saumurois; tests/data/tenth_territory, Millau and the Grands Causses;
# tests/data/eleventh_territory, Lisieux and the Pays d'Auge; tests/data/twelfth_territory,
# Manosque and the Pays de Forcalquier; tests/data/thirteenth_territory, Pontarlier and the
# Haut-Doubs; tests/data/fourteenth_territory, Vierzon and its surroundings;
# tests/data/fifteenth_territory, Auch and the Gers; tests/data/sixteenth_territory, Guéret and
# the Creuse; tests/data/seventeenth_territory, Bobigny, Pantin and Est Ensemble;
# tests/data/eighteenth_territory, Corte and the Centre Corse; tests/data/nineteenth_territory,
# Saint-Laurent-du-Maroni and the Ouest guyanais; tests/data/twentieth_territory, Maubeuge and the
# Sambre-Avesnois; tests/data/twentyfirst_territory, Colmar and the Vallées de Kaysersberg and de
# Munster; tests/data/twentysecond_territory, Saint-Pierre and the south of La Réunion): held-out
# sets, checked here for their format only; they are never searched by the tests.
HELD_OUT_CATEGORIES = {
    "plain": 18,
    "abbreviation": 12,
    "commune": 14,
    "typo": 14,
    "everyday": 30,
    "public": 14,
    "neighbour": 10,
    "no_accent": 14,
    "no_answer": 14,
}


@dataclass(frozen=True)
class HeldOut:
    folder: str
    prefix: str  # of its ids: so-001…
    postal_codes: str  # a pattern
    latitudes: tuple[float, float]
    longitudes: tuple[float, float]


HELD_OUT = [
    HeldOut("fourth_territory", "so", r"(62|59)\d{3}", (50.2, 50.9), (1.5, 2.9)),
    HeldOut("fifth_territory", "vo", r"88\d{3}", (47.8, 48.5), (5.9, 7.1)),
    HeldOut("sixth_territory", "bg", r"24\d{3}", (44.6, 45.1), (0.1, 1.0)),
    HeldOut("seventh_territory", "au", r"15\d{3}", (44.6, 45.3), (2.0, 3.2)),
    HeldOut("eighth_territory", "lt", r"(22|29)\d{3}", (48.4, 48.9), (-3.9, -2.9)),
    HeldOut("ninth_territory", "sa", r"(49|37|79)\d{3}", (46.9, 47.6), (-0.5, 0.3)),
    HeldOut("tenth_territory", "mi", r"12\d{3}", (43.8, 44.4), (2.7, 3.5)),
    HeldOut("eleventh_territory", "pa", r"(14|27|61)\d{3}", (48.8, 49.5), (-0.2, 0.6)),
    HeldOut("twelfth_territory", "ma", r"(04|83)\d{3}", (43.6, 44.2), (5.4, 6.2)),
    HeldOut("thirteenth_territory", "hd", r"25\d{3}", (46.6, 47.2), (6.0, 6.8)),
    HeldOut("fourteenth_territory", "vz", r"(18|41)\d{3}", (47.0, 47.5), (1.7, 2.4)),
    HeldOut("fifteenth_territory", "ag", r"32\d{3}", (43.2, 44.0), (0.1, 1.2)),
    HeldOut("sixteenth_territory", "gu", r"23\d{3}", (45.9, 46.5), (1.4, 2.6)),
    HeldOut("seventeenth_territory", "ee", r"93\d{3}", (48.80, 49.00), (2.30, 2.60)),
    HeldOut("eighteenth_territory", "co", r"20\d{3}", (41.9, 42.75), (8.9, 9.6)),
    HeldOut("nineteenth_territory", "sl", r"973\d{2}", (3.5, 5.9), (-54.7, -52.2)),
    HeldOut("twentieth_territory", "sb", r"59\d{3}", (49.9, 50.4), (3.6, 4.3)),
    HeldOut("twentyfirst_territory", "cm", r"68\d{3}", (47.8, 48.3), (7.0, 7.6)),
    HeldOut("twentysecond_territory", "rs", r"974\d{2}", (-21.45, -20.85), (55.2, 55.85)),
]


def held_out_entries(folder: str) -> list[dict[str, str]]:
    path = REPO / "tests" / "data" / folder / "annuaire.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))
    assert rows[0] == HEADER
    assert all(len(row) == len(HEADER) for row in rows), "a line without 17 columns"
    return [dict(zip(HEADER, row, strict=True)) for row in rows[1:]]


@pytest.mark.parametrize("held_out", HELD_OUT, ids=lambda h: h.folder)
def test_held_out_directory_format(held_out: HeldOut) -> None:
    entries = held_out_entries(held_out.folder)
    assert [row["id"] for row in entries] == [f"{held_out.prefix}-{i:03d}" for i in range(1, 151)]
    for row in entries:
        assert row["nom"].strip() and row["themes"].strip(), row["id"]
        assert all(word.strip() for word in row["mots_cles"].split(";")), row["id"]
        assert date(2025, 1, 1) <= date.fromisoformat(row["verifie_le"]) <= date(2026, 12, 31)
        assert bool(row["commune"]) == bool(row["code_postal"]), row["id"]
        postal_code = row["code_postal"]
        assert not postal_code or re.fullmatch(held_out.postal_codes, postal_code), row["id"]
        assert bool(row["latitude"]) == bool(row["longitude"]), row["id"]
        if row["latitude"]:
            south, north = held_out.latitudes
            west, east = held_out.longitudes
            assert south < float(row["latitude"]) < north, row["id"]
            assert west < float(row["longitude"]) < east, row["id"]
    placed = sum(bool(row["latitude"]) for row in entries)
    assert 0.75 * len(entries) <= placed <= 0.85 * len(entries)


@pytest.mark.parametrize("held_out", HELD_OUT, ids=lambda h: h.folder)
def test_held_out_questions_format(held_out: HeldOut) -> None:
    ids = {row["id"] for row in held_out_entries(held_out.folder)}
    path = REPO / "tests" / "data" / held_out.folder / "questions.yaml"
    questions = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(questions, list)
    counts = {name: 0 for name in HELD_OUT_CATEGORIES}
    texts = [item["q"] for item in questions]
    assert len(texts) == len(set(texts)), "duplicate question"
    for item in questions:
        answer = "expect_none" if item.get("category") == "no_answer" else "expect_any"
        assert set(item) == {"q", answer, "category", "note"}, item
        assert item["q"].strip() and item["note"].strip(), item
        counts[item["category"]] += 1
        if item["category"] == "no_answer":
            assert item["expect_none"] is True, item
        else:
            expected = item["expect_any"]
            assert expected and len(expected) == len(set(expected)), item
            assert set(expected) <= ids, (item["q"], set(expected) - ids)
    assert counts == HELD_OUT_CATEGORIES


def test_the_everyday_needs_probe_is_well_formed() -> None:
    """tests/data/everyday_needs.yaml (python -m bench.needs): situations told without the
    service's name, in eighteen domains, each with an expression of the services that answer."""
    items = yaml.safe_load((REPO / "tests" / "data" / "everyday_needs.yaml").read_text("utf-8"))
    assert len(items) == 260
    assert len({item["q"] for item in items}) == len(items), "duplicate situation"
    assert len({item["domain"] for item in items}) == 18
    for item in items:
        assert set(item) == {"q", "domain", "accept"}, item
        accepted = re.compile(item["accept"])
        assert not accepted.search(""), item  # an expression that accepts anything
        assert item["accept"] == item["accept"].lower(), item
