"""The CLS's public web site as one aiohttp application: its pages, feeds and API, its static
files, the routes the channels mount on it, and what every response carries (security
headers, French error pages, no cookie)."""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from relay.agenda import PublicAgenda
from relay.announcements import Announcements
from relay.audit import AuditLog
from relay.broadcasts import BroadcastLog
from relay.directory import DirectoryService
from relay.meetings.service import Meetings
from relay.pagecounts import PageCounts
from relay.reports.service import Reports
from relay.settings import Settings
from relay.signin import CoordinatorAccess
from relay.textnorm import clean_input
from relay.themes import ThemeCatalogue
from relay.web.ratelimit import RateLimiter
from relay.web.render import Renderer

log = logging.getLogger(__name__)

EMBED_PREFIX = "/integrer/annuaire"  # the only pages another site may show in a frame
MAX_QUERY = 200  # characters of a search kept
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class SiteServices:
    """What the site calls: the same services as the chat."""

    settings: Settings
    themes: ThemeCatalogue
    directory: DirectoryService
    agenda: PublicAgenda
    announcements: Announcements
    counts: PageCounts
    ping: Callable[[], Awaitable[None]]  # raises when the database does not answer
    access: CoordinatorAccess  # sign-in links and sessions of the coordinator pages
    audit: AuditLog
    meetings: Meetings
    reports: Reports  # the monthly report, its chart, the unanswered questions
    broadcasts: BroadcastLog  # the Diffusions pages' log of announcements and their reach


class Site:
    """What the handlers share."""

    def __init__(self, services: SiteServices) -> None:
        settings = services.settings
        self.services = services
        self.settings = settings
        self.renderer = Renderer(
            {
                "cls_name": settings.cls_name,
                "public_url": settings.public_url,
                "tiles_url": settings.web_tiles_url,
                "tiles_attribution": settings.web_tiles_attribution,
            },
            settings.zone,
            services.themes.label,
        )
        self.limiter = RateLimiter(settings.web_search_limit)
        self._policy = content_security_policy(settings.web_tiles_url)

    def page(self, template: str, status: int = 200, **values: Any) -> web.Response:
        return self.renderer.page(template, status, **values)

    def param(self, request: web.Request, name: str, limit: int = MAX_QUERY) -> str:
        """A query parameter, cleaned and cut to `limit` characters."""
        return clean_input(request.query.get(name, ""), limit).replace("\n", " ")

    def too_many(self) -> web.Response:
        response = self.page("429.html", 429, title="Trop de demandes")
        response.headers["Retry-After"] = str(self.limiter.retry_after())
        return response

    @web.middleware
    async def errors(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """French pages for a missing page and for a failure, never a trace."""
        try:
            return await handler(request)
        except web.HTTPNotFound:
            return self.page("404.html", 404, title="Page introuvable")
        except web.HTTPRequestEntityTooLarge:
            return self.page("413.html", 413, title="Envoi trop volumineux")
        except web.HTTPMethodNotAllowed as error:
            response = self.page("405.html", 405, title="Méthode non permise")
            response.headers["Allow"] = ", ".join(sorted(error.allowed_methods))
            return response
        except (web.HTTPException, asyncio.CancelledError):
            raise
        except Exception:
            log.exception("web page %s failed", request.path)
            return self.page("500.html", 500, title="Erreur")

    async def secure(self, request: web.Request, response: web.StreamResponse) -> None:
        """The headers of every response."""
        headers = response.headers
        framable = request.path.startswith(EMBED_PREFIX)
        headers.setdefault("Content-Security-Policy", self._policy(framable))
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        headers["Server"] = "relay"  # not the versions of Python and aiohttp
        if not framable:
            headers.setdefault("X-Frame-Options", "DENY")


def content_security_policy(tiles_url: str) -> Callable[[bool], str]:
    """Scripts, styles and fonts from the site only (no inline script or style); images from
    the site and the map's tile server."""
    images = "'self' data:"
    if tiles_url:
        parts = urlsplit(tiles_url.replace("{s}.", "*."))
        images += f" {parts.scheme}://{parts.netloc}"
    base = (
        "default-src 'none'; script-src 'self'; style-src 'self'; "
        f"img-src {images}; connect-src 'self'; font-src 'self'; "
        "form-action 'self'; base-uri 'none'; "
    )
    framed, alone = base + "frame-ancestors *", base + "frame-ancestors 'none'"
    return lambda framable: framed if framable else alone
