"""`/api/annuaire`: the directory's answers as JSON (the shape of `relay ask --json`), readable
from any site; and `/sante`, for a load balancer."""

import json
import logging
from typing import Any

from aiohttp import web

from relay.directory.facets import Filters
from relay.directory.jsonview import answer_json
from relay.pagecounts import SEARCHES
from relay.web.site import Site

log = logging.getLogger(__name__)

MAX_LIMIT = 30
DEFAULT_LIMIT = 10
MAX_OFFSET = 10_000
NO_QUESTION_TEXT = "paramètre q manquant : par exemple /api/annuaire?q=psychologue+à+Pornic"
TOO_MANY_TEXT = "trop de recherches en peu de temps : réessayez dans une minute"
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, OPTIONS",
    "Access-Control-Max-Age": "86400",
}


class Api:
    def __init__(self, site: Site) -> None:
        self.site = site

    async def directory(self, request: web.Request) -> web.Response:
        site = self.site
        question = site.param(request, "q")
        filters = Filters.of(
            site.param(request, "theme", 64),
            site.param(request, "public", 100),
            site.param(request, "commune", 100),
        )
        if not question and not filters:
            return _json({"error": NO_QUESTION_TEXT}, 400)
        if not site.limiter.allow(request):
            response = _json({"error": TOO_MANY_TEXT}, 429)
            response.headers["Retry-After"] = str(site.limiter.retry_after())
            return response
        limit = _number(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
        offset = _number(request, "offset", 0, 0, MAX_OFFSET)
        found = await site.services.directory.find(question, filters, offset, limit)
        if offset == 0 and request.method == "GET":
            site.services.counts.count(SEARCHES)
        return _json(answer_json(question, found.query, found.total, found.results))

    async def preflight(self, request: web.Request) -> web.Response:
        return web.Response(status=204, headers=CORS)

    async def health(self, request: web.Request) -> web.Response:
        """200 `ok` when the database answers, 503 otherwise."""
        try:
            await self.site.services.ping()
        except Exception as error:
            log.warning("health check: the database does not answer (%s)", type(error).__name__)
            return web.Response(text="base de données injoignable\n", status=503, charset="utf-8")
        response = web.Response(text="ok\n", charset="utf-8")
        response.headers["Cache-Control"] = "no-store"
        return response


def _number(request: web.Request, name: str, default: int, low: int, high: int) -> int:
    text = request.query.get(name, "")
    return min(high, max(low, int(text))) if text.isdigit() and len(text) < 7 else default


def _json(data: dict[str, Any], status: int = 200) -> web.Response:
    return web.Response(
        text=json.dumps(data, ensure_ascii=False),
        status=status,
        content_type="application/json",
        charset="utf-8",
        headers=CORS,
    )


def routes(site: Site) -> list[web.RouteDef]:
    api = Api(site)
    return [
        web.get("/api/annuaire", api.directory),
        web.options("/api/annuaire", api.preflight),
        web.get("/sante", api.health),
    ]
