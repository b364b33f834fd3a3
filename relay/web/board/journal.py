"""Journal: the coordinators' actions (who, what, when), newest first."""

from aiohttp import web

from relay.web.board.access import board_page
from relay.web.site import Site

SHOWN = 200


class Journal:
    def __init__(self, site: Site) -> None:
        self.site = site

    async def page(self, request: web.Request) -> web.Response:
        lines = await self.site.services.audit.latest(SHOWN)
        return board_page(
            self.site,
            request,
            "tableau/journal.html",
            section="journal",
            title="Journal des actions",
            lines=lines,
            shown=SHOWN,
        )


def routes(site: Site) -> list[web.RouteDef]:
    journal = Journal(site)
    return [web.get("/tableau/journal", journal.page)]
