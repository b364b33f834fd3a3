"""Importing and exporting the directory file (contract §4), on every backend."""

import csv
from datetime import date
from pathlib import Path

import pytest

from relay.app import Relay
from relay.directory.importing import DirectoryFileError, read_file
from relay.store import directory as store
from tests.directory_fixtures import CONFIG

SAMPLE = CONFIG / "annuaire.csv"
HEADER = SAMPLE.read_text(encoding="utf-8").split("\n", 1)[0]


def write(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


async def test_the_sample_loads_and_exports_back_identically(relay: Relay, tmp_path: Path) -> None:
    report = await relay.directory.import_file(SAMPLE)
    assert (report.added, report.updated, report.unchanged, report.rejected) == (325, 0, 0, 0)
    again = await relay.directory.import_file(SAMPLE)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 325)
    exported = tmp_path / "annuaire.csv"
    assert await relay.directory.export_file(exported) == 325
    assert exported.read_text(encoding="utf-8") == SAMPLE.read_text(encoding="utf-8")


async def test_xlsx_round_trip(relay: Relay, tmp_path: Path) -> None:
    await relay.directory.import_file(SAMPLE)
    workbook = tmp_path / "annuaire.xlsx"
    await relay.directory.export_file(workbook)
    parsed = read_file(workbook, relay.themes)
    assert parsed.problems == [] and len(parsed.entries) == 325
    report = await relay.directory.import_file(workbook)
    assert (report.added, report.updated, report.unchanged) == (0, 0, 325)


async def test_french_excel_csv_with_bad_rows(relay: Relay, tmp_path: Path) -> None:
    """Semicolons, Windows-1252, and rows to reject: each reported by line, the others loaded."""
    lines = [
        "Nom;Catégorie;Commune;Code postal;Thèmes;Latitude;Longitude;Vérifié le;Public;Mots clés",
        "Cabinet infirmier de l'Étang;Infirmier;Sainte-Pazanne;44680;acces-aux-soins;;;"
        '12/03/2026;tout public;"soins à domicile;prise de sang"',
        ";Sans nom;Pornic;44210;;;;;;",
        "Maison de santé du Bourg;MSP;Vue;44640;santé mentale;47,18;-1,87;2026-01-05;;",
        "Cabinet mal placé;Dentiste;Pornic;44210;;ninety;-2;;;",
        "Cabinet à moitié placé;Dentiste;Pornic;44210;;47.1;;;;",
        "Association inconnue;Association;Pornic;44210;astrologie;;;;;",
        "Date impossible;Association;Pornic;44210;;;;31/02/2026;;",
        "Cabinet infirmier de l'Étang;Infirmier;Sainte-Pazanne;44680;;;;;;",
        "",
        "Pharmacie des Œillets;Pharmacie;Paimbœuf;4560;;;;;;",
    ]
    path = write(tmp_path / "annuaire.csv", lines, "cp1252")
    report = await relay.directory.import_file(path)
    parsed = report.parsed
    assert parsed.encoding == "windows-1252"
    assert [str(p).split(" : ")[0] for p in parsed.problems] == [
        "ligne 3",
        "ligne 5",
        "ligne 6",
        "ligne 8",
        "ligne 9",
    ]
    messages = [p.message for p in parsed.problems]
    assert "nom" in messages[0]
    assert "n'est pas un nombre" in messages[1]
    assert "latitude et longitude" in messages[2]
    assert "n'est pas une date" in messages[3]
    assert "doublon de la ligne 2" in messages[4]
    assert [(w.line, "« astrologie »" in w.message) for w in parsed.warnings] == [(7, True)]
    assert (report.added, report.rejected) == (4, 5)
    entries = {e.name: e for e in await relay.directory.entries()}
    nurse = entries["Cabinet infirmier de l'Étang"]
    assert nurse.verified_on == date(2026, 3, 12)
    assert nurse.keywords == ("soins à domicile", "prise de sang")
    msp = entries["Maison de santé du Bourg"]
    assert (msp.latitude, msp.longitude, msp.themes) == (47.18, -1.87, ("sante-mentale",))
    assert entries["Pharmacie des Œillets"].postal_code == "04560"


async def test_no_entry_is_dropped_for_its_themes(relay: Relay, tmp_path: Path) -> None:
    """Another territory's themes: mapped to ours when they say the same, else kept on the entry
    (searchable, exported back) with a line-numbered warning."""
    lines = [
        "id;nom;categorie;themes",
        "t-1;Point conseil budget;Association;precarite-acces-aux-droits",
        "t-2;Lieu d'accueil enfants-parents;LAEP;Parentalité",
        "t-3;Forum des internes;Événement;attractivité des métiers",
        't-4;Plateforme solidaire;Association;"Mobilité;Santé mentale"',
        "t-5;Atelier numérique;Association;sante environnementale",
    ]
    report = await relay.directory.import_file(write(tmp_path / "autre.csv", lines))
    assert (report.added, report.rejected) == (5, 0)
    themes = {e.ref: e.themes for e in await relay.directory.entries()}
    assert themes["t-1"] == ("precarite",)
    assert themes["t-2"] == ("perinatalite",)
    assert themes["t-3"] == ("metiers-de-sante",)
    assert themes["t-4"] == ("Mobilité", "sante-mentale")
    assert themes["t-5"] == ("sante-environnement",)
    warnings = [(w.line, w.message) for w in report.parsed.warnings]
    assert [line for line, _ in warnings] == [5]
    assert "thème « Mobilité » inconnu" in warnings[0][1]
    _, found = await relay.directory.search("mobilité")
    assert [r.entry.ref for r in found] == ["t-4"]
    exported = tmp_path / "export.csv"
    await relay.directory.export_file(exported)
    assert "Mobilité;sante-mentale" in exported.read_text("utf-8")


async def test_upsert_by_id_else_by_name_and_commune(relay: Relay, tmp_path: Path) -> None:
    first = [
        "id,nom,commune,telephone",
        "x-1,Centre A,Pornic,02 61 91 00 01",
        ",Centre B,Pornic,02 61 91 00 02",
    ]
    await relay.directory.import_file(write(tmp_path / "a.csv", first))
    second = [
        "id,nom,commune,telephone",
        "x-1,Centre A renommé,Pornic,02 61 91 00 01",  # same id: the same entry, renamed
        ",centre b,PORNIC,02 61 91 00 09",  # no id: found by name and commune
        ",Centre C,Legé,",
    ]
    report = await relay.directory.import_file(write(tmp_path / "b.csv", second))
    assert (report.added, report.updated, report.unchanged) == (1, 2, 0)
    entries = {e.ref: e for e in await relay.directory.entries()}
    assert entries["x-1"].name == "Centre A renommé"
    assert len(entries) == 3
    b = next(e for e in entries.values() if e.name == "centre b")
    assert b.phone == "02 61 91 00 09" and b.ref == "centre-b-pornic"


async def test_replace_removes_what_the_file_no_longer_holds(relay: Relay, tmp_path: Path) -> None:
    await relay.directory.import_file(SAMPLE)
    smaller = tmp_path / "smaller.csv"
    smaller.write_text("\n".join(SAMPLE.read_text("utf-8").split("\n")[:11]) + "\n", "utf-8")
    report = await relay.directory.import_file(smaller, replace=True)
    assert (report.unchanged, report.removed) == (10, 315)
    assert len(await relay.directory.entries()) == 10


async def test_an_import_is_all_or_nothing(
    relay: Relay, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await relay.directory.import_file(SAMPLE)
    changed = SAMPLE.read_text("utf-8").replace("02 61 91 65 08", "02 61 91 00 00")
    path = tmp_path / "changed.csv"
    path.write_text(changed + "Nouvelle fiche,,,,,,,,,,,,,,,,\n", "utf-8")

    async def broken(*_: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "update_entries", broken)
    with pytest.raises(RuntimeError):
        await relay.directory.import_file(path)
    entries = await relay.directory.entries()
    assert len(entries) == 325
    assert not any(e.phone == "02 61 91 00 00" for e in entries)


async def test_the_full_text_index_follows_changes(relay: Relay, tmp_path: Path) -> None:
    await relay.directory.import_file(write(tmp_path / "a.csv", ["id,nom", "z-1,Ludothèque"]))
    assert [r.entry.ref for r in (await relay.directory.search("ludothèque"))[1]] == ["z-1"]
    await relay.directory.import_file(write(tmp_path / "b.csv", ["id,nom", "z-1,Bibliothèque"]))
    assert (await relay.directory.search("ludothèque"))[1] == []
    assert [r.entry.ref for r in (await relay.directory.search("bibliotheque"))[1]] == ["z-1"]
    await relay.directory.import_file(
        write(tmp_path / "c.csv", ["id,nom", "z-2,Autre"]), replace=True
    )
    assert (await relay.directory.search("bibliotheque"))[1] == []


def test_unreadable_files_are_refused_whole(relay: Relay, tmp_path: Path) -> None:
    themes = relay.themes
    with pytest.raises(DirectoryFileError, match="format non reconnu"):
        read_file(tmp_path / "annuaire.pdf", themes)
    with pytest.raises(DirectoryFileError, match="pas de colonne « nom »"):
        read_file(write(tmp_path / "a.csv", ["id,name_of_thing", "1,x"]), themes)
    with pytest.raises(DirectoryFileError, match="encodage"):
        (tmp_path / "b.csv").write_bytes(b"nom\n\x00\x01\x02binary")
        read_file(tmp_path / "b.csv", themes)
    with pytest.raises(DirectoryFileError, match="classeur illisible"):
        (tmp_path / "c.xlsx").write_bytes(b"not a workbook")
        read_file(tmp_path / "c.xlsx", themes)


def test_utf16_and_bom_files_are_read(relay: Relay, tmp_path: Path) -> None:
    for encoding in ("utf-16", "utf-8-sig"):
        path = write(tmp_path / f"{encoding}.csv", ["nom\tcommune", "Épicerie\tPaimbœuf"], encoding)
        parsed = read_file(path, relay.themes)
        assert [e.commune for _, e in parsed.entries] == ["Paimbœuf"], encoding


async def test_entries_not_verified_for_a_year(relay: Relay) -> None:
    await relay.directory.import_file(SAMPLE)
    stale = await relay.directory.stale(date(2026, 11, 23))
    with SAMPLE.open(encoding="utf-8") as f:
        expected = [r for r in csv.DictReader(f) if r["verifie_le"] < "2025-11-23"]
    assert len(stale) == len(expected) > 0
    days = [e.verified_on for e in stale]
    assert days == sorted(days, key=lambda d: d or date.min)


FULL = [
    "id,nom,categorie,description,commune,telephone,email,horaires,latitude,longitude",
    "p-1,Centre A,Association,Écoute et orientation,Pornic,02 61 91 00 01,a@x.example,"
    "lun 9h-12h,47.11,-2.1",
    ",Centre B,CCAS,Aides sociales,Legé,02 61 91 00 02,b@x.example,mar 9h-12h,,",
]


async def test_a_column_the_file_lacks_keeps_its_stored_value(relay: Relay, tmp_path: Path) -> None:
    """A coordinator's quick edit (name, phone, hours) changes those and nothing else; an
    empty cell of a column the file has clears that field."""
    await relay.directory.import_file(write(tmp_path / "full.csv", FULL))
    quick = [
        "nom,telephone,horaires",
        "Centre A,02 61 91 11 11,",  # hours emptied on purpose
        "Centre B,02 61 91 22 22,mer 14h-17h",
    ]
    report = await relay.directory.import_file(write(tmp_path / "quick.csv", quick))
    assert (report.added, report.updated, report.rejected) == (0, 2, 0)
    entries = {e.name: e for e in await relay.directory.entries()}
    a, b = entries["Centre A"], entries["Centre B"]
    assert (a.phone, a.hours) == ("02 61 91 11 11", "")
    assert (a.ref, a.category, a.description, a.commune, a.email) == (
        "p-1",
        "Association",
        "Écoute et orientation",
        "Pornic",
        "a@x.example",
    )
    assert (a.latitude, a.longitude) == (47.11, -2.1)
    assert (b.phone, b.hours, b.commune, b.category) == (
        "02 61 91 22 22",
        "mer 14h-17h",
        "Legé",
        "CCAS",
    )
    again = await relay.directory.import_file(write(tmp_path / "quick2.csv", quick))
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)


async def test_replace_with_fewer_columns_keeps_the_others_of_the_entries_kept(
    relay: Relay, tmp_path: Path
) -> None:
    await relay.directory.import_file(write(tmp_path / "full.csv", FULL))
    only_a = ["id,nom,telephone", "p-1,Centre A,02 61 91 33 33"]
    report = await relay.directory.import_file(write(tmp_path / "a.csv", only_a), replace=True)
    assert (report.updated, report.removed) == (1, 1)
    [a] = await relay.directory.entries()
    assert (a.name, a.phone, a.email, a.commune) == (
        "Centre A",
        "02 61 91 33 33",
        "a@x.example",
        "Pornic",
    )


async def test_a_name_alone_is_ambiguous_when_two_communes_share_it(
    relay: Relay, tmp_path: Path
) -> None:
    two = ["nom,commune,telephone", "CCAS,Pornic,02 61 91 00 01", "CCAS,Legé,02 61 91 00 02"]
    await relay.directory.import_file(write(tmp_path / "two.csv", two))
    quick = ["nom,telephone", "CCAS,02 61 91 99 99"]
    report = await relay.directory.import_file(write(tmp_path / "quick.csv", quick))
    assert [str(p) for p in report.parsed.problems] == [
        "ligne 2 : 2 fiches s'appellent « CCAS » (Legé, Pornic) : ajoutez la colonne commune "
        "ou id pour dire laquelle ; ligne ignorée"
    ]
    assert (report.added, report.updated, report.rejected) == (0, 0, 1)
    assert {e.phone for e in await relay.directory.entries()} == {
        "02 61 91 00 01",
        "02 61 91 00 02",
    }


async def test_a_phone_a_spreadsheet_made_a_number_gets_its_zero_back(
    relay: Relay, tmp_path: Path
) -> None:
    lines = [
        "nom,telephone",
        "Centre A,240820000",
        "Centre B,02 40 82 00 01",
        "Centre C,+33240820000",
    ]
    report = await relay.directory.import_file(write(tmp_path / "a.csv", lines))
    assert report.parsed.problems == []
    assert [str(w) for w in report.parsed.warnings] == [
        "ligne 2 : téléphone « 240820000 » lu comme un nombre par le tableur : "
        "zéro initial remis (02 40 82 00 00)"
    ]
    phones = {e.name: e.phone for e in await relay.directory.entries()}
    assert phones == {
        "Centre A": "02 40 82 00 00",
        "Centre B": "02 40 82 00 01",
        "Centre C": "+33240820000",
    }


def test_a_phone_stored_as_a_number_in_xlsx(relay: Relay, tmp_path: Path) -> None:
    from openpyxl import Workbook  # type: ignore[import-untyped]

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["nom", "telephone", "code_postal"])
    sheet.append(["Centre A", 240820000.0, 4560])
    sheet.append(["Centre B", 251000000, 44210])
    workbook.save(tmp_path / "a.xlsx")
    parsed = read_file(tmp_path / "a.xlsx", relay.themes)
    assert [(e.phone, e.postal_code) for _, e in parsed.entries] == [
        ("02 40 82 00 00", "04560"),
        ("02 51 00 00 00", "44210"),
    ]
    assert [w.line for w in parsed.warnings] == [2, 3]
