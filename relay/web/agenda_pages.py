"""The agenda page, the agenda as a calendar to subscribe to, and the news as a feed; the last
two filtered with `?themes=a,b`."""

from urllib.parse import urlencode

from aiohttp import web

from relay.meetings.ical import Organizer
from relay.web.feeds import agenda_ics, news_atom
from relay.web.site import Site

UNKNOWN_THEME_TEXT = "Thème inconnu : « {word} ». Thèmes : {known}."
FEED_MAX_AGE = 300
MAX_THEMES_PARAM = 300


class AgendaPages:
    def __init__(self, site: Site) -> None:
        self.site = site
        self.agenda = site.services.agenda
        self.themes = site.services.themes

    async def page(self, request: web.Request) -> web.Response:
        chosen = self._themes(request)
        items = await self.agenda.coming(chosen)
        settings = self.site.settings
        query = "?" + urlencode({"themes": ",".join(chosen)}) if chosen else ""
        ics_url = f"{settings.public_url}/agenda.ics{query}"
        return self.site.page(
            "agenda.html",
            section="agenda",
            title="Agenda",
            items=items,
            chosen=chosen,
            all_themes=list(self.themes),
            themes_query=query,
            ics_url=ics_url,
            webcal="webcal://" + ics_url.split("://", 1)[1],
        )

    async def calendar(self, request: web.Request) -> web.Response:
        items = await self.agenda.coming(self._themes(request))
        settings = self.site.settings
        body = agenda_ics(
            items,
            f"Agenda — {settings.cls_name}",
            Organizer(settings.cls_name, settings.organizer_email),
            self.themes.label,
            self.agenda.clock(),
        )
        return _feed(body, "text/calendar", 'inline; filename="agenda.ics"')

    async def news(self, request: web.Request) -> web.Response:
        chosen = self._themes(request)
        items = await self.agenda.news(chosen)
        settings = self.site.settings
        query = "?" + urlencode({"themes": ",".join(chosen)}) if chosen else ""
        body = news_atom(
            items,
            f"Actualités — {settings.cls_name}",
            settings.public_url,
            f"{settings.public_url}/actualites.xml{query}",
            self.themes.label,
            self.agenda.clock(),
        )
        return _feed(body, "application/atom+xml", None)

    def _themes(self, request: web.Request) -> tuple[str, ...]:
        """The themes of `?themes=`, read like the chat reads them; an unknown one is refused."""
        text = request.query.get("themes", "")[:MAX_THEMES_PARAM]
        if not text.strip():
            return ()
        match = self.themes.parse(text)
        if match.unknown:
            known = ", ".join(t.slug for t in self.themes)
            word = match.unknown[0][0]
            text = UNKNOWN_THEME_TEXT.format(word=word, known=known)
            raise web.HTTPBadRequest(text=text, content_type="text/plain")
        return () if match.everything else tuple(t.slug for t in match.themes)


def _feed(body: bytes, content_type: str, disposition: str | None) -> web.Response:
    response = web.Response(body=body, content_type=content_type, charset="utf-8")
    response.headers["Cache-Control"] = f"public, max-age={FEED_MAX_AGE}"
    if disposition:
        response.headers["Content-Disposition"] = disposition
    return response


def routes(site: Site) -> list[web.RouteDef]:
    pages = AgendaPages(site)
    return [
        web.get("/agenda", pages.page),
        web.get("/agenda.ics", pages.calendar),
        web.get("/actualites.xml", pages.news),
    ]
