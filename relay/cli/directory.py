"""`relay ask` and `relay directory import|export|stale`: the directory from the shell."""

import json
import sys
from collections.abc import Callable, Coroutine
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from relay.cli import common, french
from relay.directory.entries import STALE_DAYS
from relay.directory.importing import CSV_SUFFIXES, XLSX_SUFFIXES
from relay.textnorm import clean_input, visible
from relay.wording import count

if TYPE_CHECKING:
    from relay.directory import Answer, DirectoryService, ImportReport
    from relay.directory.entries import Entry

T = TypeVar("T")

directory_cli = french.App(
    help="Annuaire des acteurs et services du territoire.", no_args_is_help=True
)

ASK_PLATFORM = "cli"
PROGRESS_FROM_ROWS = 1000
EMPTY_QUESTION = 'la question est vide : relay ask "psychologue à Pornic"'
BAD_SUFFIX_TEXT = "{name} : format non reconnu (attendu : .csv ou .xlsx)"
NO_FILE_TEXT = "{path} : fichier introuvable"
MORE_HINT_TEXT = "({others} : relay ask --limit {limit} « {question} »)"
EXPORTED_TEXT = "{entries} dans {path}."
STALE_HEADER_TEXT = "{entries} depuis plus de {days} jours (la plus ancienne d'abord) :"
STALE_NONE_TEXT = "Toutes les fiches ont été vérifiées depuis moins de {days} jours."
NEVER = "jamais vérifiée"


def register(cli: typer.Typer) -> None:
    cli.command()(ask)
    cli.add_typer(directory_cli, name="directory")


def _with_directory(work: Callable[["DirectoryService"], Coroutine[Any, Any, T]]) -> T:
    """Run `work` on the directory alone (not the rest of relay: a shorter start)."""
    from relay.standalone import opened_directory

    settings = common.settings()

    async def run() -> T:
        async with opened_directory(settings) as directory:
            return await work(directory)

    return common.run(run())


def ask(
    question: Annotated[
        str,
        typer.Argument(
            help="la question, par exemple « psychologue à Pornic »", metavar="QUESTION"
        ),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="sortie JSON")] = False,
    limit: Annotated[int, typer.Option(min=1, max=30, help="nombre de résultats")] = 3,
) -> None:
    """Répond à une question sur l'annuaire (« où trouver … »)."""
    from relay.directory.answers import answer_text
    from relay.directory.jsonview import answer_json

    if not clean_input(question, 10).strip():
        common.fail(EMPTY_QUESTION, 2)

    async def work(directory: "DirectoryService") -> "Answer":
        return await directory.ask(question, ASK_PLATFORM, limit=limit, log_query=False)

    answer = _with_directory(work)
    if answer.notice:
        print(answer.notice, file=sys.stderr)
    if as_json:
        typer.echo(terminal_json(answer_json(question, answer.query, answer.total, answer.results)))
    else:
        typer.echo(visible(answer_text(replace(answer, notice=None))))
        if answer.remaining:
            others = count(answer.remaining, "autre résultat", "autres résultats")
            hint = MORE_HINT_TEXT.format(others=others, limit=answer.total, question=question)
            typer.echo("\n" + visible(hint))
    common.done()


def terminal_json(data: object) -> str:
    """JSON whose control characters are all escaped (`json` leaves C1 ones and format
    characters as they are): the data stays whole, the terminal receives none of them."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return "".join(json.dumps(c)[1:-1] if visible(c) != c and c != "\n" else c for c in text)


def _check_suffix(path: Path) -> None:
    if path.suffix.lower() not in CSV_SUFFIXES + XLSX_SUFFIXES:
        common.fail(BAD_SUFFIX_TEXT.format(name=path.name), 2)


@directory_cli.command("import")
def import_file(
    file: Annotated[
        Path,
        typer.Argument(help="fichier .csv ou .xlsx (colonnes du contrat §4)", metavar="FICHIER"),
    ],
    replace_all: Annotated[
        bool, typer.Option("--replace", help="supprimer les fiches absentes du fichier")
    ] = False,
) -> None:
    """Charge un fichier d'annuaire : ajoute ou met à jour les fiches (id, sinon nom+commune)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from relay.directory import summary

    _check_suffix(file)
    if not file.is_file():
        common.fail(NO_FILE_TEXT.format(path=file), 2)
    console = Console(stderr=True)
    bar = Progress(
        TextColumn("{task.description:15}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
        transient=True,
    )
    task = bar.add_task("", total=None)
    shown: list[bool] = []

    def progress(step: str, done: int, total: int) -> None:
        # A bar in a terminal, for files that take a while.
        if console.is_terminal and total >= PROGRESS_FROM_ROWS:
            if not shown:
                bar.start()
                shown.append(True)
            bar.update(task, description=step, completed=done, total=total)

    async def work(directory: "DirectoryService") -> "ImportReport":
        return await directory.import_file(file, progress, replace=replace_all)

    try:
        report = _with_directory(work)
    finally:
        if shown:
            bar.stop()
    parsed = report.parsed
    if parsed.ignored_columns:
        print("relay : " + summary.ignored_columns(parsed), file=sys.stderr)
    for problem in summary.by_line(parsed):
        print(visible(f"relay : {file.name}, {problem}"), file=sys.stderr)
    typer.echo(summary.numbers(report))
    if replace_all:
        typer.echo(summary.removed(report, "--replace"))
    if parsed.problems:
        raise typer.Exit(1)


@directory_cli.command("export")
def export_file(
    file: Annotated[Path, typer.Argument(help="fichier .csv ou .xlsx à écrire", metavar="FICHIER")],
) -> None:
    """Écrit l'annuaire dans un fichier, au format de l'import."""
    _check_suffix(file)

    async def work(directory: "DirectoryService") -> int:
        return await directory.export_file(file)

    written = _with_directory(work)
    typer.echo(
        EXPORTED_TEXT.format(entries=count(written, "fiche écrite", "fiches écrites"), path=file)
    )


@directory_cli.command("stale")
def stale(
    days: Annotated[
        int, typer.Option(min=1, help="ancienneté de la vérification, en jours")
    ] = STALE_DAYS,
    as_json: Annotated[bool, typer.Option("--json", help="sortie JSON")] = False,
) -> None:
    """Les fiches à vérifier : non vérifiées (verifie_le) depuis plus d'un an."""
    from relay.directory.jsonview import entry_json

    async def work(directory: "DirectoryService") -> list["Entry"]:
        return await directory.stale(date.today(), days)

    entries = _with_directory(work)
    if as_json:
        rows = [
            {"id": e.ref, "name": e.name, "commune": e.commune, **entry_json(e)} for e in entries
        ]
        typer.echo(terminal_json(rows))
        return
    if not entries:
        typer.echo(STALE_NONE_TEXT.format(days=days))
        return
    stale = count(len(entries), "fiche non vérifiée", "fiches non vérifiées")
    typer.echo(STALE_HEADER_TEXT.format(entries=stale, days=days))
    for entry in entries:
        when = entry.verified_on.isoformat() if entry.verified_on else NEVER
        contact = entry.phone or entry.email or entry.website
        where = f" ({entry.commune})" if entry.commune else ""
        typer.echo(visible(f"{when}  {entry.ref}  {entry.name}{where}  {contact}".rstrip()))
