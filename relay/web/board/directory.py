"""Annuaire: the entries to check again, the questions that found nothing, the export."""

import asyncio
import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from aiohttp import web

from relay.french_dates import long_date
from relay.web.board.access import board_page
from relay.web.site import Site

STALE_SHOWN = 100
UNMET_SHOWN = 50
DEFAULT_PERIOD = "3"
CSV_TYPE = "text/csv"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORTS = {".csv": CSV_TYPE, ".xlsx": XLSX_TYPE}


@dataclass(frozen=True)
class Period:
    """A choice of the unanswered questions' period: this month and the months before."""

    value: str  # the query parameter
    label: str
    months_before: int


PERIODS = (
    Period("1", "Ce mois-ci", 0),
    Period("3", "Les 3 derniers mois", 2),
    Period("12", "Les 12 derniers mois", 11),
)


def chosen_period(value: str) -> Period:
    """The period asked for; the default one for anything else."""
    by_value = {p.value: p for p in PERIODS}
    return by_value.get(value) or by_value[DEFAULT_PERIOD]


class DirectoryBoard:
    def __init__(self, site: Site) -> None:
        self.site = site
        self.directory = site.services.directory
        self.reports = site.services.reports
        self.zone = site.settings.zone

    def today(self) -> date:
        return datetime.now(self.zone).date()

    async def page(self, request: web.Request) -> web.Response:
        now = datetime.now(self.zone)
        period = chosen_period(self.site.param(request, "periode", 5))
        since = self.reports.current_month(now).shift(-period.months_before)
        stale = await self.directory.stale(now.date())
        unmet = await self.reports.unanswered(since, now, UNMET_SHOWN)
        return board_page(
            self.site,
            request,
            "tableau/annuaire.html",
            section="annuaire",
            title="Annuaire",
            stale=stale[:STALE_SHOWN],
            stale_total=len(stale),
            periods=PERIODS,
            period=period,
            since=long_date(date(since.year, since.month, 1)),
            unmet=unmet,
        )

    async def export(self, request: web.Request) -> web.Response:
        """The whole directory as a file of the import's format (formulas neutralised)."""
        suffix = "." + request.match_info["format"]
        with tempfile.TemporaryDirectory(prefix="relay-export-") as folder:
            path = Path(folder) / f"annuaire{suffix}"
            await self.directory.export_file(path)
            body = await asyncio.to_thread(path.read_bytes)
        name = f"annuaire-{self.today().isoformat()}{suffix}"
        return web.Response(
            body=body,
            content_type=EXPORTS[suffix],
            charset="utf-8" if suffix == ".csv" else None,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )


def routes(site: Site) -> list[web.RouteDef]:
    board = DirectoryBoard(site)
    return [
        web.get("/tableau/annuaire", board.page),
        web.get("/tableau/annuaire/export.{format:csv|xlsx}", board.export),
    ]
