"""Rapport: a month's (or a year's) report with the same numbers as `relay report`, its chart,
and the CSV and JSON that `relay report --format csv|json` prints."""

from datetime import UTC, datetime

from aiohttp import web

from relay.french_dates import month_label
from relay.reports import formats
from relay.reports.model import Month, ReportError, Span, Year
from relay.web.board.access import board_page
from relay.web.board.report_view import sections
from relay.web.site import Site

CHART_MONTHS = 12
BOTH = "Choisissez un mois ou une année, pas les deux."
CHART_ALT_TEXT = (
    "Diagramme en barres des informations relayées par thème, mois par mois, de {first} à "
    "{last} ; les cinq thèmes les plus fréquents sont nommés, les autres regroupés. Les "
    "nombres du rapport sont dans les tableaux de cette page."
)
DOWNLOADS = {
    "csv": ("text/csv", formats.to_csv),
    "json": ("application/json", formats.json_file),
}


class ReportBoard:
    def __init__(self, site: Site) -> None:
        self.site = site
        self.reports = site.services.reports

    def span(self, request: web.Request, now: datetime) -> Span:
        """The month (`mois=AAAA-MM`) or year (`annee=AAAA`) asked for; last month without
        either. Raises ReportError (French) for anything else."""
        month, year = self.site.param(request, "mois", 20), self.site.param(request, "annee", 20)
        if month and year:
            raise ReportError(BOTH)
        if year:
            return Year.parse(year)
        return Month.parse(month) if month else self.reports.previous_month(now)

    async def page(self, request: web.Request) -> web.Response:
        now = datetime.now(UTC)
        try:
            span = self.span(request, now)
            report = await self.reports.report(span, now)
        except ReportError as error:
            return self._problem(request, str(error))
        parameter = {"annee": str(span)} if isinstance(span, Year) else {"mois": str(span)}
        return board_page(
            self.site,
            request,
            "tableau/rapport.html",
            section="rapport",
            title=formats.title(span),
            span=span,
            month_value=str(span) if isinstance(span, Month) else "",
            year_value=str(span.year),
            parameter=parameter,
            sections=sections(report, self.site.services.themes),
            chart_alt=chart_alt(span),
        )

    async def chart(self, request: web.Request) -> web.Response:
        try:
            span = self.span(request, datetime.now(UTC))
        except ReportError as error:
            return self._problem(request, str(error))
        png = await self.reports.chart(span)
        return web.Response(body=png, content_type="image/png")

    async def download(self, request: web.Request) -> web.Response:
        kind = request.match_info["format"]
        now = datetime.now(UTC)
        try:
            span = self.span(request, now)
            report = await self.reports.report(span, now)
        except ReportError as error:
            return self._problem(request, str(error))
        content_type, render = DOWNLOADS[kind]
        return web.Response(
            text=render(report),
            content_type=content_type,
            charset="utf-8",
            headers={"Content-Disposition": f'attachment; filename="rapport-{span}.{kind}"'},
        )

    def _problem(self, request: web.Request, message: str) -> web.Response:
        return board_page(
            self.site,
            request,
            "tableau/rapport_erreur.html",
            400,
            section="rapport",
            title="Rapport introuvable",
            problem=message,
        )


def chart_alt(span: Span) -> str:
    """What the chart shows, for who cannot see it: the twelve months ending with the span's."""
    last = span.last
    first = last.shift(1 - CHART_MONTHS)
    return CHART_ALT_TEXT.format(
        first=month_label(first.year, first.month), last=month_label(last.year, last.month)
    )


def routes(site: Site) -> list[web.RouteDef]:
    board = ReportBoard(site)
    return [
        web.get("/tableau/rapport", board.page),
        web.get("/tableau/rapport/graphique.png", board.chart),
        web.get("/tableau/rapport.{format:csv|json}", board.download),
    ]
