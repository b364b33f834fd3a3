"""The directory on the site: the home page, searches and listings, an entry, « signaler une
erreur », and the search another site embeds."""

import math
import re
from typing import Any
from weakref import WeakKeyDictionary

from aiohttp import web

from relay.announcements import Draft
from relay.directory.entries import Entry
from relay.directory.facets import Filters
from relay.directory.results import Found
from relay.messages import AnnouncementKind
from relay.pagecounts import ENTRY_VIEWS, SEARCHES
from relay.textnorm import clean_input
from relay.web.render import entry_path, respond
from relay.web.site import EMBED_PREFIX, Site

PAGE_SIZE = 10
MAX_PAGE = 1000
MAX_REF = 64
RENDERED_PER_SEARCH = 4
MESSAGE_MIN, MESSAGE_MAX = 5, 2000
REPORTED_BY = "un visiteur du site (« signaler une erreur »)"
REPORT_TEXT = "Erreur signalée sur la fiche « {name} » de l'annuaire ({url}) :\n\n{message}"
MESSAGE_TOO_SHORT = "Décrivez l'erreur en quelques mots (5 caractères au moins)."
_EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")
FRAME_SNIPPET = (
    '<iframe src="{url}/integrer/annuaire" title="Annuaire du {name}" '
    'width="100%" height="640" style="border:0"></iframe>'
)
FORM_SNIPPET = (
    '<form action="{url}/annuaire" method="get" role="search">\n'
    '  <label for="annuaire-cls">Chercher dans l\'annuaire du {name}</label>\n'
    '  <input type="search" id="annuaire-cls" name="q">\n'
    '  <button type="submit">Rechercher</button>\n'
    "</form>"
)


class DirectoryPages:
    def __init__(self, site: Site) -> None:
        self.site = site
        self.directory = site.services.directory
        self._rendered: WeakKeyDictionary[Found, dict[tuple[str, ...], str]] = WeakKeyDictionary()

    async def home(self, request: web.Request) -> web.Response:
        overview = await self.directory.overview()
        events = await self.site.services.agenda.coming(limit=5)
        return self.site.page("home.html", section="accueil", overview=overview, events=events)

    async def search(self, request: web.Request) -> web.Response:
        return await self._search(request, "search.html", "/annuaire")

    async def embed(self, request: web.Request) -> web.Response:
        return await self._search(request, "embed.html", EMBED_PREFIX)

    async def _search(self, request: web.Request, template: str, base: str) -> web.Response:
        site = self.site
        question = site.param(request, "q")
        current = {
            "theme": site.param(request, "theme", 64),
            "public": site.param(request, "public", 100),
            "commune": site.param(request, "commune", 100),
        }
        filters = Filters.of(**current)
        values: dict[str, Any] = {"question": question, "current": current, "base": base}
        values["found"] = None
        values["embedded"] = base == EMBED_PREFIX
        if not question and not filters:
            overview = await self.directory.overview()
            return site.page(template, section="annuaire", overview=overview, **values)
        if not site.limiter.allow(request):
            return site.too_many()
        page = _page(request)
        found = await self.directory.find(question, filters, (page - 1) * PAGE_SIZE, PAGE_SIZE)
        if page == 1 and request.method == "GET":
            site.services.counts.count(SEARCHES)
        # The same search is the same page until the directory changes (and `found` with it);
        # a few spellings of its filters are kept, not every one a visitor may type.
        rendered = self._rendered.setdefault(found, {})
        key = (template, *current.values())
        html = rendered.get(key)
        if html is None:
            values.update(found=found, page=page, pages=math.ceil(found.total / PAGE_SIZE))
            title = f"Résultats pour « {question} »" if question else "Annuaire"
            label = self._label(current)
            html = site.renderer.html(
                template, section="annuaire", title=title, found_label=label, **values
            )
            if len(rendered) < RENDERED_PER_SEARCH:
                rendered[key] = html
        return respond(html)

    def _label(self, current: dict[str, str]) -> str:
        """What a listing without a question is of: « Santé mentale, Pornic »."""
        theme = self.site.services.themes.label(current["theme"]) if current["theme"] else ""
        return ", ".join(c for c in (theme, current["public"], current["commune"]) if c)

    async def entry(self, request: web.Request) -> web.Response:
        entry = await self._entry(request)
        if request.method == "GET":
            self.site.services.counts.count(ENTRY_VIEWS)
        return self.site.page(
            "entry.html",
            section="annuaire",
            title=entry.name,
            entry=entry,
            themes=[self.site.services.themes.label(t) for t in entry.themes],
            email_ok=bool(_EMAIL.match(entry.email)),
            has_map=entry.latitude is not None and entry.longitude is not None,
        )

    async def report_form(self, request: web.Request) -> web.Response:
        entry = await self._entry(request)
        return self._report_page(entry)

    async def report(self, request: web.Request) -> web.Response:
        """A visitor's correction, to the coordinators as a partner's proposal is."""
        entry = await self._entry(request)
        if not self.site.limiter.allow(request):
            return self.site.too_many()
        form = await request.post()
        message = clean_input(str(form.get("message", "")), MESSAGE_MAX)
        if len(message) < MESSAGE_MIN:
            return self._report_page(entry, message, MESSAGE_TOO_SHORT, 400)
        url = self.site.settings.public_url + entry_path(entry.ref)
        text = REPORT_TEXT.format(name=entry.name, url=url, message=message)
        draft = Draft(text, (), (), AnnouncementKind.INFORMATION, "", url, None)
        await self.site.services.announcements.propose(draft, None, None, REPORTED_BY)
        return self.site.page("reported.html", section="annuaire", title="Merci", entry=entry)

    def _report_page(
        self, entry: Entry, message: str = "", error: str = "", status: int = 200
    ) -> web.Response:
        title = f"Erreur : {error}" if error else "Signaler une erreur"
        return self.site.page(
            "report.html", status, title=title, entry=entry, message=message, error=error
        )

    async def _entry(self, request: web.Request) -> Entry:
        ref = request.match_info["ref"]
        entry = await self.directory.entry(ref) if len(ref) <= MAX_REF else None
        if entry is None:
            raise web.HTTPNotFound()
        return entry

    async def integrate(self, request: web.Request) -> web.Response:
        settings = self.site.settings
        names = {"url": settings.public_url, "name": settings.cls_name}
        return self.site.page(
            "integrate.html",
            section="integrer",
            title="Intégrer l'annuaire",
            frame_snippet=FRAME_SNIPPET.format(**names),
            form_snippet=FORM_SNIPPET.format(**names),
        )


def _page(request: web.Request) -> int:
    text = request.query.get("page", "1")
    return min(MAX_PAGE, max(1, int(text))) if text.isdigit() and len(text) < 6 else 1


def routes(site: Site) -> list[web.RouteDef]:
    pages = DirectoryPages(site)
    return [
        web.get("/", pages.home),
        web.get("/annuaire", pages.search),
        # Before the entry itself: an entry's id may hold a slash.
        web.get("/annuaire/{ref:.+}/signaler", pages.report_form),
        web.post("/annuaire/{ref:.+}/signaler", pages.report),
        web.get("/annuaire/{ref:.+}", pages.entry),
        web.get("/integrer", pages.integrate),
        web.get(EMBED_PREFIX, pages.embed),
    ]
