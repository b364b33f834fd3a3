"""The site as one aiohttp application, with the routes the channels mount beside it."""

from collections.abc import Sequence
from pathlib import Path

from aiohttp import web

from relay.web import agenda_pages, api, board, directory_pages
from relay.web.site import Site, SiteServices

STATIC = Path(__file__).parent / "static"
STATIC_MAX_AGE = 3600


def build_app(services: SiteServices, mounted: Sequence[web.RouteDef] = ()) -> web.Application:
    """The site, with the channels' routes (`mounted`) beside it."""
    site = Site(services)
    access = board.Access(site)
    uploads = board.Uploads()
    app = web.Application(middlewares=[site.errors, board.upload_limit, access.guard])
    app.router.add_routes(directory_pages.routes(site))
    app.router.add_routes(agenda_pages.routes(site))
    app.router.add_routes(api.routes(site))
    app.router.add_routes(board.routes(site, access, uploads))
    app.router.add_routes(mounted)
    app.router.add_static("/static", STATIC, append_version=False)
    app.on_response_prepare.append(site.secure)
    app.on_response_prepare.append(_cache_static)
    app.on_response_prepare.append(board.private)

    async def start_counting(_: web.Application) -> None:
        services.counts.start()

    async def stop_counting(_: web.Application) -> None:
        await services.counts.stop()
        uploads.close()

    app.on_startup.append(start_counting)
    app.on_cleanup.append(stop_counting)
    return app


async def _cache_static(request: web.Request, response: web.StreamResponse) -> None:
    if request.path.startswith("/static/"):
        response.headers.setdefault("Cache-Control", f"public, max-age={STATIC_MAX_AGE}")
