"""Writing the directory back in the format it is imported from: .csv (UTF-8, comma) or .xlsx."""

import csv
from collections.abc import Sequence
from pathlib import Path

from relay.directory.entries import COLUMNS, Entry
from relay.directory.importing import CSV_SUFFIXES, XLSX_SUFFIXES, DirectoryFileError


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
        writer.writerows(entry.row() for entry in entries)


def _write_xlsx(path: Path, entries: Sequence[Entry]) -> None:
    from openpyxl import Workbook  # type: ignore[import-untyped]  # slow; .xlsx only

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("annuaire")
    sheet.append(list(COLUMNS))
    for entry in entries:
        sheet.append([entry.row()[c] for c in COLUMNS])
    workbook.save(path)
