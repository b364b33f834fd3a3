"""Reading a directory file (.csv or .xlsx, contract §4) into entries, row by row.

A bad row is reported with its line number and left out; the good rows go on. CSV files may be
UTF-8 (with or without BOM), UTF-16 with BOM, or the Windows-1252 that French Excel writes, and
comma-, semicolon- or tab-separated.
"""

import codecs
import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from relay.directory.entries import COLUMNS, LIST_SEPARATOR, Entry
from relay.directory.workbook import UnreadableWorkbook, sheet_rows
from relay.textnorm import clean_input, fold
from relay.themes import ThemeCatalogue

CSV_SUFFIXES = (".csv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
MAX_REF = 64
# What a file may hold, whatever it claims: beyond, it is refused whole.
MAX_FILE_BYTES = 20 * 2**20
MAX_ROWS = 100_000
MAX_COLUMNS = 100
MAX_CELL = 32_767  # Excel's own limit for one cell
# What a spreadsheet reads as the start of a formula (OWASP, "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Column names as spreadsheets write them, folded, -> the contract's column.
_ALIASES = {
    "identifiant": "id",
    "ref": "id",
    "reference": "id",
    "name": "nom",
    "category": "categorie",
    "type": "categorie",
    "mots_cle": "mots_cles",
    "motscles": "mots_cles",
    "keywords": "mots_cles",
    "publics": "public",
    "theme": "themes",
    "address": "adresse",
    "cp": "code_postal",
    "codepostal": "code_postal",
    "postal_code": "code_postal",
    "ville": "commune",
    "tel": "telephone",
    "phone": "telephone",
    "mail": "email",
    "e_mail": "email",
    "courriel": "email",
    "site_web": "site",
    "site_internet": "site",
    "web": "site",
    "url": "site",
    "horaire": "horaires",
    "hours": "horaires",
    "lat": "latitude",
    "lon": "longitude",
    "lng": "longitude",
    "long": "longitude",
    "verifie": "verifie_le",
    "date_de_verification": "verifie_le",
    "derniere_verification": "verifie_le",
}
_SPACES = re.compile(r"\s+")
_LOST_ZERO = re.compile(r"^([1-9]\d{8})(?:[.,]0+)?$")
_FRENCH_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


PHONE_FIXED_TEXT = (
    "téléphone « {text} » lu comme un nombre par le tableur : zéro initial remis ({fixed})"
)


UNKNOWN_THEME_TEXT = (
    "thème « {theme} » inconnu du catalogue : gardé sur la fiche et cherchable "
    "(thèmes proches : {hint})"
)
TOO_BIG_TEXT = "{name} : le fichier dépasse {mb} Mo ; découpez-le en plusieurs fichiers"
TOO_LONG_TEXT = "{name} : le fichier a plus de {count} lignes ; découpez-le en plusieurs fichiers"
TOO_WIDE_TEXT = "{name} : le fichier a plus de {count} colonnes ; gardez celles de l'annuaire"
STRAY_QUOTE_TEXT = (
    'guillemet (") non refermé : les lignes {first} à {last} ont été lues comme une seule fiche ; '
    "ligne ignorée, corrigez le guillemet"
)


class DirectoryFileError(ValueError):
    """The whole file cannot be read: unknown format, unreadable encoding, no `nom` column."""


@dataclass(frozen=True)
class Problem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"ligne {self.line} : {self.message}"


@dataclass
class ParsedFile:
    entries: list[tuple[int, Entry]] = field(default_factory=list)  # line number, entry
    problems: list[Problem] = field(default_factory=list)  # rows left out
    warnings: list[Problem] = field(default_factory=list)  # rows loaded, something corrected
    present: frozenset[str] = frozenset(COLUMNS)  # the contract's columns the file has
    ignored_columns: list[str] = field(default_factory=list)
    encoding: str = "utf-8"
    rows: int = 0


Progress = Callable[[str, int, int], None]  # step, rows done, rows in all
READING, ANALYSING, WRITING = "lecture", "analyse", "enregistrement"  # steps, as shown


def read_file(path: Path, themes: ThemeCatalogue, progress: Progress | None = None) -> ParsedFile:
    """Every row of a directory file, validated; raises DirectoryFileError when the file as a
    whole cannot be used."""
    table = _table(path)
    table.header = [_one_line(_text(name)) for name in table.header]
    columns, ignored = _columns(table.header)
    if "nom" not in columns.values():
        names = ", ".join(table.header) or "vide"
        raise DirectoryFileError(f"{path.name} : pas de colonne « nom » dans l'en-tête ({names})")
    parsed = ParsedFile(
        problems=table.problems,
        ignored_columns=ignored,
        encoding=table.encoding,
        present=frozenset(columns.values()),
    )
    seen_refs: dict[str, int] = {}
    seen_identities: dict[str, int] = {}
    total = len(table.rows)
    for n, (line, values) in enumerate(table.rows, start=1):
        if progress is not None and (n % 500 == 0 or n == total):
            progress(READING, n, total)
        record = {columns[i]: v for i, v in enumerate(values) if i in columns}
        if not any(v.strip() for v in record.values()):
            continue
        parsed.rows += 1
        warnings: list[str] = []
        entry, messages = _entry(record, themes, warnings)
        parsed.warnings.extend(Problem(line, w) for w in warnings)
        duplicate = _duplicate(entry, line, seen_refs, seen_identities) if entry else None
        if duplicate:
            messages.append(duplicate)
        if messages or entry is None:
            parsed.problems.extend(Problem(line, m) for m in messages)
            continue
        parsed.entries.append((line, entry))
    parsed.problems.sort(key=lambda p: p.line)
    return parsed


# --- reading the two formats, within bounds ---


@dataclass
class _Table:
    header: list[str]
    rows: list[tuple[int, list[str]]]  # line number, cells
    encoding: str
    problems: list[Problem] = field(default_factory=list)  # rows that cannot be read


def _table(path: Path) -> _Table:
    suffix = path.suffix.lower()
    if suffix not in CSV_SUFFIXES + XLSX_SUFFIXES:
        raise DirectoryFileError(f"{path.name} : format non reconnu (attendu : .csv ou .xlsx)")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise DirectoryFileError(f"{path.name} : lecture impossible ({exc.strerror})") from None
    if size > MAX_FILE_BYTES:
        raise DirectoryFileError(TOO_BIG_TEXT.format(name=path.name, mb=MAX_FILE_BYTES // 2**20))
    table = _xlsx_table(path) if suffix in XLSX_SUFFIXES else _csv_table(path)
    if len([c for c in table.header if c.strip()]) > MAX_COLUMNS:
        raise DirectoryFileError(TOO_WIDE_TEXT.format(name=path.name, count=MAX_COLUMNS))
    return table


def _too_long(name: str) -> DirectoryFileError:
    return DirectoryFileError(
        TOO_LONG_TEXT.format(name=name, count=f"{MAX_ROWS:,}".replace(",", " "))
    )


def _csv_table(path: Path) -> _Table:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DirectoryFileError(f"{path.name} : lecture impossible ({exc.strerror})") from None
    content, encoding = _decode(raw, path.name)
    first_line = content.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
    try:
        header = next(reader, [])
        table = _Table(header, [], encoding)
        merged_from = max(2, (len(header) - 1) // 2)  # separators on a line inside one cell
        line = reader.line_num
        for values in reader:
            if len(table.rows) >= MAX_ROWS:
                raise _too_long(path.name)
            if _swallowed_rows(values, delimiter, merged_from):
                message = STRAY_QUOTE_TEXT.format(first=line + 1, last=reader.line_num)
                table.problems.append(Problem(line + 1, message))
            else:
                table.rows.append((line + 1, values))
            line = reader.line_num
    except csv.Error as exc:
        raise DirectoryFileError(
            f"{path.name}, ligne {reader.line_num} : CSV illisible ({exc})"
        ) from None
    return table


def _swallowed_rows(values: list[str], delimiter: str, separators: int) -> bool:
    """A quote never closed makes the following rows one cell: lines full of separators."""
    return any(
        line.count(delimiter) >= separators
        for value in values
        if "\n" in value
        for line in value.split("\n")[1:]
    )


def _decode(raw: bytes, name: str) -> tuple[str, str]:
    if raw.startswith(codecs.BOM_UTF8):
        return raw[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace"), "utf-8"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16"), "utf-16"
    if b"\x00" in raw[:4096]:
        raise DirectoryFileError(
            f"{name} : encodage non reconnu (enregistrez le fichier en CSV UTF-8)"
        )
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError:
        raise DirectoryFileError(
            f"{name} : encodage non reconnu (ni UTF-8 ni Windows-1252 ; "
            "enregistrez le fichier en CSV UTF-8)"
        ) from None


def _xlsx_table(path: Path) -> _Table:
    table = _Table([], [], "xlsx")
    try:
        for line, values in sheet_rows(path, MAX_COLUMNS + 1):
            cells = [_cell(v) for v in values]
            if not any(cells):
                continue
            if not table.header:
                table.header = cells
            elif line > MAX_ROWS + 1:
                raise _too_long(path.name)
            else:
                table.rows.append((line, cells))
    except UnreadableWorkbook as exc:
        raise DirectoryFileError(f"{path.name} : {exc}") from None
    return table


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _columns(header: list[str]) -> tuple[dict[int, str], list[str]]:
    columns: dict[int, str] = {}
    ignored: list[str] = []
    for i, name in enumerate(header):
        key = re.sub(r"[^a-z0-9]+", "_", fold(name)).strip("_")
        column = key if key in COLUMNS else _ALIASES.get(key) or _ALIASES.get(key.replace("_", ""))
        if column and column not in columns.values():
            columns[i] = column
        elif name.strip():
            ignored.append(name.strip())
    return columns, ignored


# --- one row ---


def _entry(
    record: dict[str, str], themes: ThemeCatalogue, warnings: list[str]
) -> tuple[Entry | None, list[str]]:
    messages: list[str] = []
    value = {c: _one_line(_text(record.get(c, ""))) for c in COLUMNS}
    description = _text(record.get("description", ""))
    name = value["nom"]
    if not name:
        messages.append("le nom (colonne « nom ») est vide")
    ref = value["id"]
    if len(ref) > MAX_REF:
        messages.append(f"l'id « {ref[:20]}… » dépasse {MAX_REF} caractères")
    latitude = _coordinate(value["latitude"], "latitude", 90, messages)
    longitude = _coordinate(value["longitude"], "longitude", 180, messages)
    if (latitude is None) != (longitude is None) and not messages:
        messages.append("latitude et longitude vont ensemble : remplissez les deux ou aucune")
    theme_slugs = _themes(value["themes"], themes, warnings)
    verified = _date(value["verifie_le"], messages)
    postal_code = value["code_postal"]
    if postal_code.isdigit() and len(postal_code) == 4:
        postal_code = "0" + postal_code  # a spreadsheet dropped the leading zero (01000)
    if messages:
        return None, messages
    entry = Entry(
        name=name,
        ref=ref,
        category=value["categorie"],
        description=description,
        keywords=_list(value["mots_cles"]),
        publics=_list(value["public"]),
        themes=theme_slugs,
        address=value["adresse"],
        postal_code=postal_code,
        commune=value["commune"],
        phone=_phone(value["telephone"], warnings),
        email=value["email"],
        website=value["site"],
        hours=value["horaires"],
        latitude=latitude,
        longitude=longitude,
        verified_on=verified,
    )
    return entry, messages


def _text(cell: str) -> str:
    """A cell as stored: no control character or escape sequence (they would reach terminals),
    and without the quote an export put before a formula-like text (see exporting)."""
    text = clean_input(cell, MAX_CELL)
    if text[:1] == "'" and text[1:2] in FORMULA_STARTS:
        return text[1:]
    return text


def _one_line(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _phone(text: str, warnings: list[str]) -> str:
    """A French number a spreadsheet turned into a number (240820000) gets its zero back."""
    match = _LOST_ZERO.match(text)
    if match is None:
        return text
    digits = "0" + match.group(1)
    fixed = " ".join(digits[i : i + 2] for i in range(0, len(digits), 2))
    warnings.append(PHONE_FIXED_TEXT.format(text=text, fixed=fixed))
    return fixed


def _list(text: str) -> tuple[str, ...]:
    items: list[str] = []
    for item in text.split(LIST_SEPARATOR):
        if item.strip() and item.strip() not in items:
            items.append(item.strip())
    return tuple(items)


def _coordinate(text: str, name: str, bound: float, messages: list[str]) -> float | None:
    if not text:
        return None
    try:
        number = float(text.replace(",", ".").replace(" ", ""))
    except ValueError:
        messages.append(f"{name} « {text[:30]} » n'est pas un nombre")
        return None
    if not -bound <= number <= bound:
        messages.append(f"{name} {text[:30]} hors des bornes (-{bound:g} à {bound:g})")
        return None
    return number


def _themes(text: str, catalogue: ThemeCatalogue, warnings: list[str]) -> tuple[str, ...]:
    """The catalogue's slugs for the file's themes; a theme naming none of ours stays as written
    (searchable, exported back), with a warning: an entry is never dropped for its themes."""
    slugs: list[str] = []
    for item in _list(text):
        found = [t.slug for t in catalogue.forgiving(item)]
        if not found:
            found = [item]
            hint = ", ".join(t.slug for t in catalogue.suggest(item)) or "voir config/themes.yaml"
            warnings.append(UNKNOWN_THEME_TEXT.format(theme=item[:40], hint=hint))
        slugs.extend(slug for slug in found if slug not in slugs)
    return tuple(slugs)


def _date(text: str, messages: list[str]) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        pass
    match = _FRENCH_DATE.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        try:
            return date(year, month, day)
        except ValueError:
            pass
    messages.append(f"verifie_le « {text[:30]} » n'est pas une date (AAAA-MM-JJ ou JJ/MM/AAAA)")
    return None


def _duplicate(
    entry: Entry, line: int, refs: dict[str, int], identities: dict[str, int]
) -> str | None:
    if entry.ref:
        first = refs.setdefault(entry.ref, line)
        if first != line:
            return f"doublon de la ligne {first} (même id « {entry.ref} ») : ligne ignorée"
        return None
    first = identities.setdefault(entry.identity, line)
    if first != line:
        return f"doublon de la ligne {first} (même nom, même commune) : ligne ignorée"
    return None
