"""Diffusions: every announcement with its reach per platform, and one announcement with the
chats it failed to reach and why; a send in progress updates itself (diffusion.js reads
`/tableau/diffusions/<n>/etat`)."""

from typing import Any

from aiohttp import web

from relay.broadcasts import BroadcastLog, Reach
from relay.states import AnnouncementState
from relay.web.board.access import board_page
from relay.web.board.outcome import shown
from relay.web.site import Site

LIST_PATH = "/tableau/diffusions"
MAX_NUMBER_DIGITS = 9  # an announcement's number fits a 32-bit column
MAX_PAGE_DIGITS = 6


def announcement_number(request: web.Request) -> int:
    """The number in the path, or a 404 for anything that cannot be one of ours."""
    text = request.match_info["number"]
    if not (text.isascii() and text.isdigit() and len(text) <= MAX_NUMBER_DIGITS):
        raise web.HTTPNotFound()
    number = int(text)
    if number < 1:
        raise web.HTTPNotFound()
    return number


def detail_path(number: int) -> str:
    return f"{LIST_PATH}/{number}"


def reach_json(number: int, reach: Reach) -> dict[str, Any]:
    return {
        "number": number,
        "done": reach.done,
        "duration": reach.duration,
        "recipients": reach.recipients,
        "platforms": [
            {
                "platform": p.platform,
                "label": p.label,
                "sent": p.sent,
                "failed": p.failed,
                "gone": p.gone,
                "pending": p.pending,
            }
            for p in reach.platforms
        ],
    }


class BroadcastPages:
    def __init__(self, site: Site) -> None:
        self.site = site
        self.log: BroadcastLog = site.services.broadcasts

    async def list(self, request: web.Request) -> web.Response:
        page_text = self.site.param(request, "page", MAX_PAGE_DIGITS + 1) or "1"
        if not (page_text.isascii() and page_text.isdigit() and len(page_text) <= 6):
            raise web.HTTPNotFound()
        found = await self.log.page(int(page_text))
        if found.page > found.pages:
            raise web.HTTPNotFound()
        return board_page(
            self.site,
            request,
            "tableau/diffusions.html",
            section="diffusions",
            title="Diffusions",
            found=found,
            message=_message(request),
        )

    async def detail(self, request: web.Request) -> web.Response:
        number = announcement_number(request)
        detail = await self.log.detail(number)
        if detail is None:
            raise web.HTTPNotFound()
        return board_page(
            self.site,
            request,
            "tableau/diffusion.html",
            section="diffusions",
            title=f"Diffusion n°{number}",
            detail=detail,
            row=detail.row,
            live=detail.row.status == AnnouncementState.QUEUED and not detail.row.reach.done,
            message=_message(request),
        )

    async def state(self, request: web.Request) -> web.Response:
        number = announcement_number(request)
        reach = await self.log.progress(number)
        if reach is None:
            raise web.HTTPNotFound()
        return web.json_response(reach_json(number, reach))


def _message(request: web.Request) -> str | None:
    """The outcome of the form that led here (« C'est parti… »), if this session sent it."""
    outcome = shown(request)
    return outcome.text if outcome else None


def routes(site: Site) -> list[web.RouteDef]:
    pages = BroadcastPages(site)
    return [
        web.get(LIST_PATH, pages.list),
        web.get(LIST_PATH + "/{number}", pages.detail),
        web.get(LIST_PATH + "/{number}/etat", pages.state),
    ]
