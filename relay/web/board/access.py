"""Signing in to the coordinator pages and guarding them: the one-time link opens a session
(an HttpOnly, SameSite=Lax cookie), every page checks that its session is a current
coordinator's, every state change is a POST carrying the session's CSRF token."""

import hmac
from typing import Any

from aiohttp import web

from relay.signin import SESSION_LIFETIME, LinkState, Visitor
from relay.web.site import Handler, Site

BOARD_PREFIX = "/tableau"
SIGN_IN_PREFIX = "/connexion/"
SIGN_OUT_PATH = "/deconnexion"
COOKIE = "relay_session"
CSRF_FIELD = "csrf"
MAX_TOKEN = 100  # characters of a link's token read; longer is no token of ours
VISITOR = web.RequestKey("visitor", Visitor)
FORM = web.RequestKey("form", dict[str, Any])  # a guarded POST's fields, CSRF checked

LINK_PROBLEMS = {
    LinkState.USED: (410, "Ce lien a déjà servi"),
    LinkState.EXPIRED: (410, "Ce lien a expiré"),
    LinkState.UNKNOWN: (404, "Ce lien n'est pas valable"),
}
NO_SESSION = "Session expirée ou absente"
BAD_FORM = "Formulaire expiré"


def visitor(request: web.Request) -> Visitor:
    """The coordinator of a guarded page (the guard put them there)."""
    return request[VISITOR]


def board_page(
    site: Site, request: web.Request, template: str, status: int = 200, **values: Any
) -> web.Response:
    """A coordinator page: the CSRF token for its forms and who is signed in come with it."""
    signed_in = visitor(request)
    values.setdefault("section", "")
    return site.page(
        template,
        status,
        csrf_token=signed_in.csrf_token,
        coordinator=signed_in.coordinator,
        **values,
    )


async def checked_form(request: web.Request) -> dict[str, Any]:
    """A guarded POST's fields (the guard already checked its CSRF token)."""
    form = request[FORM]
    return form


class Access:
    def __init__(self, site: Site) -> None:
        self.site = site
        self.access = site.services.access
        self.secure = site.settings.public_url.startswith("https://")

    async def link_page(self, request: web.Request) -> web.Response:
        """The link opened: a page whose form (sent at once by a script) uses it. A GET never
        uses the link, so a link preview or a mail scanner cannot spend it."""
        token = request.match_info["token"]
        state = await self.access.link_state(token) if len(token) <= MAX_TOKEN else None
        if state is not LinkState.VALID:
            return self._refused(LINK_PROBLEMS[state or LinkState.UNKNOWN])
        return self.site.page("tableau/connexion.html", title="Connexion", token=token)

    async def sign_in(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        signed_in = await self.access.sign_in(token) if len(token) <= MAX_TOKEN else None
        if signed_in is None:
            state = await self.access.link_state(token) if len(token) <= MAX_TOKEN else None
            unknown = LINK_PROBLEMS[LinkState.UNKNOWN]
            return self._refused(LINK_PROBLEMS.get(state or LinkState.UNKNOWN, unknown))
        response = web.HTTPSeeOther(BOARD_PREFIX)
        response.set_cookie(
            COOKIE,
            signed_in.token,
            max_age=int(SESSION_LIFETIME.total_seconds()),
            path="/",
            httponly=True,
            samesite="Lax",
            secure=self.secure,
        )
        raise response

    async def sign_out(self, request: web.Request) -> web.Response:
        await self.access.sign_out(visitor(request))
        response = self.site.page("tableau/deconnexion.html", title="Session terminée")
        response.del_cookie(COOKIE, path="/")
        return response

    def _refused(self, problem: tuple[int, str]) -> web.Response:
        status, title = problem
        return self.site.page("tableau/refus.html", status, title=title, problem=title)

    @web.middleware
    async def guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Coordinator pages for a live coordinator's session only; their POSTs with the
        session's CSRF token only. Nothing of them is cached or indexed."""
        path = request.path
        guarded = path == BOARD_PREFIX or path.startswith(BOARD_PREFIX + "/")
        guarded = guarded or path == SIGN_OUT_PATH
        if not guarded:
            return await handler(request)
        session_token = request.cookies.get(COOKIE, "")
        signed_in = await self.access.visitor(session_token) if session_token else None
        if signed_in is None:
            return self._refused((403, NO_SESSION))
        request[VISITOR] = signed_in
        if request.method == "POST":
            form = dict(await request.post())
            sent = str(form.get(CSRF_FIELD, ""))
            if not hmac.compare_digest(sent.encode(), signed_in.csrf_token.encode()):
                return self._refused((403, BAD_FORM))
            request[FORM] = form
        return await handler(request)


async def private(request: web.Request, response: web.StreamResponse) -> None:
    """Coordinator pages and sign-in pages are never cached nor indexed."""
    path = request.path
    if path.startswith((BOARD_PREFIX, SIGN_IN_PREFIX, SIGN_OUT_PATH)):
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Robots-Tag"] = "noindex, nofollow"


def routes(access: Access) -> list[web.RouteDef]:
    return [
        web.get(SIGN_IN_PREFIX + "{token}", access.link_page),
        web.post(SIGN_IN_PREFIX + "{token}", access.sign_in),
        web.post(SIGN_OUT_PATH, access.sign_out),
    ]
