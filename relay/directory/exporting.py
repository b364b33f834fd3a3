"""Writing the directory back in the format it is imported from: .csv (UTF-8, comma) or .xlsx.

No cell becomes a formula in the coordinator's spreadsheet (OWASP, "CSV injection"): in a .csv, a
text starting like a formula gets a leading quote (the import takes it off again); in an .xlsx,
every cell is written as text. Every value is first cleaned as an import cleans it (control
characters and escape sequences dropped), for an entry an older version stored unclean: a carriage
return left in a .csv cell would end its line there and start the next with what follows it, and
an .xlsx cannot hold control characters at all.
"""

import csv
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from relay.directory.entries import COLUMNS, Entry
from relay.directory.importing import (
    CSV_SUFFIXES,
    FORMULA_STARTS,
    XLSX_SUFFIXES,
    DirectoryFileError,
)
from relay.textnorm import clean_input

# A phone or a coordinate ("+33 2 40 82 00 00", "-1.87"): no letter, so no function to call.
_PLAIN_NUMBER = re.compile(r"^[+-][\d\s().,/+-]*$")


def write_file(path: Path, entries: Sequence[Entry]) -> None:
    suffix = path.suffix.lower()
    if suffix not in CSV_SUFFIXES + XLSX_SUFFIXES:
        raise DirectoryFileError(f"{path.name} : format non reconnu (attendu : .csv ou .xlsx)")
    try:
        if suffix in XLSX_SUFFIXES:
            _write_xlsx(path, entries)
        else:
            _write_csv(path, entries)
    except OSError as exc:
        raise DirectoryFileError(f"{path} : écriture impossible ({exc.strerror})") from None


def _write_csv(path: Path, entries: Sequence[Entry]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(
            {c: neutral(_clean(v)) for c, v in entry.row().items()} for entry in entries
        )


def _write_xlsx(path: Path, entries: Sequence[Entry]) -> None:
    from openpyxl import Workbook  # type: ignore[import-untyped]  # slow; .xlsx only

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("annuaire")
    sheet.append(list(COLUMNS))
    for entry in entries:
        row = entry.row()
        sheet.append([_text_cell(sheet, _clean(row[c])) for c in COLUMNS])
    workbook.save(path)


def _clean(text: str) -> str:
    """The value as an import would have stored it."""
    return clean_input(text, len(text))


def neutral(text: str) -> str:
    """A .csv cell no spreadsheet reads as a formula."""
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def _text_cell(sheet: Any, text: str) -> Any:
    from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]

    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # openpyxl makes a formula of any text starting with "="
    return cell
