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
        "ligne 7",
        "ligne 8",
        "ligne 9",
    ]
    messages = [p.message for p in parsed.problems]
    assert "nom" in messages[0]
    assert "n'est pas un nombre" in messages[1]
    assert "latitude et longitude" in messages[2]
    assert "thème inconnu « astrologie »" in messages[3]
    assert "n'est pas une date" in messages[4]
    assert "doublon de la ligne 2" in messages[5]
    assert (report.added, report.rejected) == (3, 6)
    entries = {e.name: e for e in await relay.directory.entries()}
    nurse = entries["Cabinet infirmier de l'Étang"]
    assert nurse.verified_on == date(2026, 3, 12)
    assert nurse.keywords == ("soins à domicile", "prise de sang")
    msp = entries["Maison de santé du Bourg"]
    assert (msp.latitude, msp.longitude, msp.themes) == (47.18, -1.87, ("sante-mentale",))
    assert entries["Pharmacie des Œillets"].postal_code == "04560"


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
