"""`relay report`: the monthly report from the shell, as text, JSON or CSV, with its chart."""

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from relay.cli import common

if TYPE_CHECKING:
    from relay.reports.model import MonthlyReport, Span

MONTH_OR_YEAR = "un mois (--month) ou une année (--year), pas les deux"


class Format(StrEnum):
    TEXT = "text"
    JSON = "json"
    CSV = "csv"


def register(cli: typer.Typer) -> None:
    cli.command("report")(report)


def report(
    month: Annotated[
        str | None, typer.Option(help="mois AAAA-MM (par défaut : le mois dernier)")
    ] = None,
    year: Annotated[
        str | None,
        typer.Option(help="année AAAA : le bilan annuel, graphique mois par mois"),
    ] = None,
    output_format: Annotated[
        Format, typer.Option("--format", help="text, json ou csv")
    ] = Format.TEXT,
    output: Annotated[Path | None, typer.Option(help="écrire le rapport dans ce fichier")] = None,
    chart: Annotated[
        Path | None, typer.Option(help="écrire le graphique PNG dans ce fichier")
    ] = None,
) -> None:
    """Le rapport mensuel du relais (indicateurs du CLS), ou le bilan d'une année."""
    from relay import app as relay_app
    from relay.reports import formats as report_formats
    from relay.reports import monthly as reports
    from relay.reports.model import Month, ReportError, Year
    from relay.store.models import utcnow

    settings = common.settings()
    catalogue = common.catalogue(settings)
    now = utcnow()
    if month and year:
        raise typer.BadParameter(MONTH_OR_YEAR, param_hint="--year")
    chosen: Span
    try:
        if year:
            chosen = Year.parse(year)
        else:
            chosen = Month.parse(month) if month else reports.previous_month(now, settings.zone)
    except ReportError as error:
        raise typer.BadParameter(str(error), param_hint="--year" if year else "--month") from None

    async def build() -> tuple["MonthlyReport", bytes | None]:
        async with relay_app.opened(settings) as relay:
            data = await reports.build_report(relay.db, settings, catalogue, chosen, now)
            png = (
                await reports.build_chart(relay.db, settings, catalogue, chosen) if chart else None
            )
            return data, png

    data, png = common.run(build())
    if output_format is Format.JSON:
        rendered = report_formats.json_file(data)
    elif output_format is Format.CSV:
        rendered = report_formats.to_csv(data)
    else:
        rendered = report_formats.text(data, catalogue) + "\n"
    try:
        if output is not None:
            output.write_text(rendered, encoding="utf-8")
        if chart is not None and png is not None:
            chart.write_bytes(png)
    except OSError as error:
        common.fail(f"écriture impossible : {error.strerror} ({error.filename})")
    if output is None:
        typer.echo(rendered, nl=False)
    else:
        typer.echo(f"Rapport de {chosen} écrit dans {output}.", err=True)
    if chart is not None:
        typer.echo(f"Graphique écrit dans {chart}.", err=True)


__all__ = ["register"]
