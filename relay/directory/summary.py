"""An import's outcome in French, as `relay directory import` prints it and the coordinator
pages show it: the numbers, the columns left aside, the lines' problems and warnings."""

from relay.directory.importing import ParsedFile, Problem
from relay.directory.service import ImportReport
from relay.wording import count

IMPORTED_TEXT = "{rows} ({encoding}) : {added}, {updated}, {unchanged}, {rejected}."
REMOVED_TEXT = "Fiches supprimées car absentes du fichier ({how}) : {count}."
IGNORED_COLUMNS_TEXT = "{columns} : {names}"


def numbers(report: ImportReport) -> str:
    """« 12 lignes lues (utf-8) : 3 ajoutées, 1 mise à jour, 7 inchangées, 1 rejetée. »"""
    parsed = report.parsed
    return IMPORTED_TEXT.format(
        rows=count(parsed.rows, "ligne lue", "lignes lues"),
        encoding=parsed.encoding,
        added=count(report.added, "ajoutée"),
        updated=count(report.updated, "mise à jour", "mises à jour"),
        unchanged=count(report.unchanged, "inchangée"),
        rejected=count(report.rejected, "rejetée"),
    )


def removed(report: ImportReport, how: str) -> str:
    """How many entries a replacing import removed; `how` names the choice that asked for it."""
    return REMOVED_TEXT.format(how=how, count=report.removed)


def ignored_columns(parsed: ParsedFile) -> str:
    """The columns the file has that the directory does not read ("" when none)."""
    if not parsed.ignored_columns:
        return ""
    return IGNORED_COLUMNS_TEXT.format(
        columns=count(len(parsed.ignored_columns), "colonne ignorée"),
        names=", ".join(parsed.ignored_columns),
    )


def by_line(parsed: ParsedFile) -> list[Problem]:
    """Problems (lines left out) and warnings (lines loaded, something corrected), in line
    order."""
    return sorted(parsed.problems + parsed.warnings, key=lambda p: p.line)
