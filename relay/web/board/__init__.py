"""The coordinator pages of the site (`/tableau/…`), opened through a link from the chat."""

from aiohttp import web

from relay.web.board import journal, meetings, proposals
from relay.web.board.access import Access, private
from relay.web.board.access import routes as access_routes
from relay.web.site import Site

HOME = "/tableau/diffusions"


def routes(site: Site, access: Access) -> list[web.RouteDef]:
    async def home(_: web.Request) -> web.Response:
        raise web.HTTPSeeOther(HOME)

    return [
        *access_routes(access),
        web.get("/tableau", home),
        *journal.routes(site),
        *proposals.routes(site),
        *meetings.routes(site),
    ]


__all__ = ["Access", "private", "routes"]
