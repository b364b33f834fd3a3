"""The coordinator pages of the site (`/tableau/…`), opened through a link from the chat."""

from aiohttp import web

from relay.web.board import (
    broadcasts,
    directory,
    imports,
    journal,
    meetings,
    new_broadcast,
    proposals,
    report,
)
from relay.web.board.access import Access, private
from relay.web.board.access import routes as access_routes
from relay.web.board.imports import upload_limit
from relay.web.board.uploads import Uploads
from relay.web.site import Site

HOME = "/tableau/diffusions"


def routes(site: Site, access: Access, uploads: Uploads) -> list[web.RouteDef]:
    async def home(_: web.Request) -> web.Response:
        raise web.HTTPSeeOther(HOME)

    return [
        *access_routes(access),
        web.get("/tableau", home),
        *new_broadcast.routes(site),  # /nouvelle before /<number>
        *broadcasts.routes(site),
        *directory.routes(site),
        *imports.routes(site, uploads),
        *report.routes(site),
        *journal.routes(site),
        *proposals.routes(site),
        *meetings.routes(site),
    ]


__all__ = ["Access", "Uploads", "private", "routes", "upload_limit"]
