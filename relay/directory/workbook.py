"""The first sheet of an .xlsx, read within bounds whatever the file claims.

A workbook is a zip of XML parts. Before openpyxl sees it: the parts must unzip to at most
MAX_UNZIPPED_BYTES in all (a few kilobytes may otherwise inflate to gigabytes) and no part may
declare a DTD (entity expansion, external entities). The sheet is then read in read-only mode, one
row at a time, ignoring the `<dimension>` it claims: openpyxl would pad every row, and every row
missing in between, to the claimed width, or stop at the claimed height.
"""

import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

MAX_UNZIPPED_BYTES = 200 * 2**20
_CHUNK = 2**20
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_DTD_MARKERS = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)
_OVERLAP = max(len(m) for m in _DTD_MARKERS)

DAMAGED = "classeur illisible (fichier .xlsx abîmé, ou d'un autre format)"
TOO_BIG_TEXT = "classeur trop gros une fois décompressé (plus de {mb} Mo)"
DTD = "classeur refusé : il contient une déclaration DTD (<!DOCTYPE ou <!ENTITY)"
NO_SHEET = "classeur sans feuille de calcul"


class UnreadableWorkbook(ValueError):
    """The workbook cannot be read safely; the message is French, without the file's name."""


def sheet_rows(path: Path, max_columns: int) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(line number, cell values) of the first sheet's rows, the first `max_columns` cells of
    each; empty rows in between are given as empty tuples."""
    _check_archive(path)
    from openpyxl import load_workbook  # type: ignore[import-untyped]  # slow; .xlsx only

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise UnreadableWorkbook(DAMAGED) from None
    try:
        if not workbook.worksheets:
            raise UnreadableWorkbook(NO_SHEET)
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()
        rows = sheet.iter_rows(min_row=1, max_col=max_columns, values_only=True)
        yield from enumerate(rows, start=1)
    except UnreadableWorkbook:
        raise
    except Exception:  # a part that does not inflate, XML that does not parse…
        raise UnreadableWorkbook(DAMAGED) from None
    finally:
        workbook.close()


def _check_archive(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
            if sum(part.file_size for part in parts) > MAX_UNZIPPED_BYTES:
                raise UnreadableWorkbook(TOO_BIG_TEXT.format(mb=MAX_UNZIPPED_BYTES // 2**20))
            for part in parts:
                if part.filename.lower().endswith(_XML_SUFFIXES) and _declares_dtd(archive, part):
                    raise UnreadableWorkbook(DTD)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as exc:
        if isinstance(exc, UnreadableWorkbook):
            raise
        raise UnreadableWorkbook(DAMAGED) from None


def _declares_dtd(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> bool:
    """Whether an XML part holds a DTD, read in chunks (a marker may straddle two)."""
    tail = b""
    with archive.open(part) as stream:
        while chunk := stream.read(_CHUNK):
            window = tail + chunk
            if any(marker in window for marker in _DTD_MARKERS):
                return True
            tail = window[-_OVERLAP:]
    return False
