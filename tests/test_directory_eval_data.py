"""Consistency of the sample directory (config/annuaire.csv, config/communes.csv) and of the
labelled evaluation questions (tests/data/directory_eval.yaml) that refer to its entries."""

import csv
import re
import unicodedata
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


# The fourth territory (tests/data/fourth_territory): a held-out set, checked here for its format
# only; it is never searched by the tests.
FOURTH = REPO / "tests" / "data" / "fourth_territory"
FOURTH_CATEGORIES = {
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


@pytest.fixture(scope="module")
def fourth_entries() -> list[dict[str, str]]:
    with (FOURTH / "annuaire.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))
    assert rows[0] == HEADER
    assert all(len(row) == len(HEADER) for row in rows), "a line without 17 columns"
    return [dict(zip(HEADER, row, strict=True)) for row in rows[1:]]


@pytest.fixture(scope="module")
def fourth_questions() -> list[dict[str, Any]]:
    data = yaml.safe_load((FOURTH / "questions.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, list)
    return data


def test_fourth_directory_format(fourth_entries: list[dict[str, str]]) -> None:
    assert [row["id"] for row in fourth_entries] == [f"so-{i:03d}" for i in range(1, 151)]
    for row in fourth_entries:
        assert row["nom"].strip() and row["themes"].strip(), row["id"]
        assert all(word.strip() for word in row["mots_cles"].split(";")), row["id"]
        assert date(2025, 1, 1) <= date.fromisoformat(row["verifie_le"]) <= date(2026, 12, 31)
        assert bool(row["commune"]) == bool(row["code_postal"]), row["id"]
        postal_code = row["code_postal"]
        assert not postal_code or re.fullmatch(r"(62|59)\d{3}", postal_code), row["id"]
        assert bool(row["latitude"]) == bool(row["longitude"]), row["id"]
        if row["latitude"]:  # Pas-de-Calais and the Nord next door
            assert 50.2 < float(row["latitude"]) < 50.9, row["id"]
            assert 1.5 < float(row["longitude"]) < 2.9, row["id"]
    placed = sum(bool(row["latitude"]) for row in fourth_entries)
    assert 0.75 * len(fourth_entries) <= placed <= 0.85 * len(fourth_entries)


def test_fourth_questions_format(
    fourth_questions: list[dict[str, Any]], fourth_entries: list[dict[str, str]]
) -> None:
    ids = {row["id"] for row in fourth_entries}
    counts = {name: 0 for name in FOURTH_CATEGORIES}
    texts = [item["q"] for item in fourth_questions]
    assert len(texts) == len(set(texts)), "duplicate question"
    for item in fourth_questions:
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
    assert counts == FOURTH_CATEGORIES


# The fifth territory (tests/data/fifth_territory, Épinal and the Vosges): held out as well, checked
# here for its format only; it is never searched by the tests.
FIFTH = REPO / "tests" / "data" / "fifth_territory"


@pytest.fixture(scope="module")
def fifth_entries() -> list[dict[str, str]]:
    with (FIFTH / "annuaire.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))
    assert rows[0] == HEADER
    assert all(len(row) == len(HEADER) for row in rows), "a line without 17 columns"
    return [dict(zip(HEADER, row, strict=True)) for row in rows[1:]]


@pytest.fixture(scope="module")
def fifth_questions() -> list[dict[str, Any]]:
    data = yaml.safe_load((FIFTH / "questions.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, list)
    return data


def test_fifth_directory_format(fifth_entries: list[dict[str, str]]) -> None:
    assert [row["id"] for row in fifth_entries] == [f"vo-{i:03d}" for i in range(1, 151)]
    for row in fifth_entries:
        assert row["nom"].strip() and row["themes"].strip(), row["id"]
        assert all(word.strip() for word in row["mots_cles"].split(";")), row["id"]
        assert date(2025, 1, 1) <= date.fromisoformat(row["verifie_le"]) <= date(2026, 12, 31)
        assert bool(row["commune"]) == bool(row["code_postal"]), row["id"]
        postal_code = row["code_postal"]
        assert not postal_code or re.fullmatch(r"88\d{3}", postal_code), row["id"]
        assert bool(row["latitude"]) == bool(row["longitude"]), row["id"]
        if row["latitude"]:  # the Vosges
            assert 47.8 < float(row["latitude"]) < 48.5, row["id"]
            assert 5.9 < float(row["longitude"]) < 7.1, row["id"]
    placed = sum(bool(row["latitude"]) for row in fifth_entries)
    assert 0.75 * len(fifth_entries) <= placed <= 0.85 * len(fifth_entries)


def test_fifth_questions_format(
    fifth_questions: list[dict[str, Any]], fifth_entries: list[dict[str, str]]
) -> None:
    ids = {row["id"] for row in fifth_entries}
    counts = {name: 0 for name in FOURTH_CATEGORIES}
    texts = [item["q"] for item in fifth_questions]
    assert len(texts) == len(set(texts)), "duplicate question"
    for item in fifth_questions:
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
    assert counts == FOURTH_CATEGORIES
