"""Nouvelle diffusion: a broadcast from a form, stored as a draft by the chat's service, then
its preview as partners will receive it with the chat's buttons (Envoyer, Envoyer plus tard,
Annuler) as forms; each answers with the chat's own outcome message."""

from datetime import UTC, date, datetime, time
from typing import Any

from aiohttp import web

from relay.announcements import Announcements, send_slots
from relay.broadcast_form import MAX_TEXT, FormFields, check_form, form_draft
from relay.french_dates import DateError, local_moment
from relay.messages import AnnouncementKind, AnnouncementView, ChatKind, ChatRef, Reply
from relay.states import AnnouncementSource, AnnouncementState
from relay.textnorm import clean_input
from relay.web.board.access import board_page, checked_form, visitor
from relay.web.board.broadcasts import LIST_PATH, announcement_number, detail_path
from relay.web.board.outcome import Outcome, redirect
from relay.web.site import Site

FORM_PATH = LIST_PATH + "/nouvelle"
FORM_TITLE = "Nouvelle diffusion"
MAX_TITLE_READ = 400
MAX_LINK_READ = 2100
NO_MOMENT = "Choisissez une date et une heure d'envoi, ou l'un des moments proposés."
BAD_MOMENT = "Cette date et cette heure ne sont pas valides."


def preview_path(number: int) -> str:
    return f"{detail_path(number)}/apercu"


class NewBroadcast:
    def __init__(self, site: Site) -> None:
        self.site = site
        self.service: Announcements = site.services.announcements

    def _now(self) -> datetime:
        return self.site.services.meetings.clock()

    def _today(self) -> date:
        return self._now().astimezone(self.site.settings.zone).date()

    async def form(self, request: web.Request) -> web.Response:
        return self._form_page(request, FormFields(), {})

    async def create(self, request: web.Request) -> web.Response:
        await checked_form(request)
        fields = await _read_fields(request)
        checked = check_form(fields, self.site.services.themes, self._today())
        if isinstance(checked, dict):
            return self._form_page(request, fields, checked, status=400)
        coordinator = visitor(request).coordinator
        number, _ = await self.service.create(
            form_draft(checked, self._today()),
            AnnouncementSource.COORDINATOR,
            AnnouncementState.DRAFT,
            coordinator,
            ChatRef(coordinator.platform, coordinator.user_id, ChatKind.PRIVATE),
        )
        raise web.HTTPSeeOther(preview_path(number))

    async def preview(self, request: web.Request) -> web.Response:
        number = announcement_number(request)
        await self._draft_or_leave(number)
        return await self._preview_page(request, number)

    async def send(self, request: web.Request) -> web.Response:
        number = announcement_number(request)
        await checked_form(request)
        await self._exists(number)
        reply = await self.service.send_draft(number, by=visitor(request).coordinator)
        return self._done(request, number, reply)

    async def later(self, request: web.Request) -> web.Response:
        number = announcement_number(request)
        form = await checked_form(request)
        await self._draft_or_leave(number)
        moment = self._moment(form)
        if isinstance(moment, str):
            return await self._preview_page(request, number, error=moment, status=400)
        by = visitor(request).coordinator
        reply = await self.service.schedule_draft(number, moment, self._now(), by)
        detail = await self.site.services.broadcasts.detail(number)
        if detail is not None and detail.row.status == AnnouncementState.DRAFT:
            return await self._preview_page(request, number, error=reply.text, status=400)
        return self._done(request, number, reply)

    async def cancel(self, request: web.Request) -> web.Response:
        number = announcement_number(request)
        await checked_form(request)
        await self._exists(number)
        return self._done(request, number, await self.service.cancel_draft(number))

    def _done(self, request: web.Request, number: int, reply: Reply) -> web.Response:
        raise redirect(request, detail_path(number), Outcome(reply.text))

    async def _exists(self, number: int) -> None:
        if await self.site.services.broadcasts.progress(number) is None:
            raise web.HTTPNotFound()

    async def _draft_or_leave(self, number: int) -> None:
        """A draft goes on; another announcement's page is its detail; no announcement, 404."""
        detail = await self.site.services.broadcasts.detail(number)
        if detail is None:
            raise web.HTTPNotFound()
        if detail.row.status != AnnouncementState.DRAFT:
            raise web.HTTPSeeOther(detail_path(number))

    def _moment(self, form: dict[str, Any]) -> datetime | str:
        """The moment chosen: one of the proposed slots, or a date and time typed."""
        slot = str(form.get("creneau", ""))
        if slot.isascii() and slot.isdigit() and len(slot) <= 10:
            return datetime.fromtimestamp(int(slot) * 60, UTC)
        typed = str(form.get("quand", "")).strip()
        if not typed:
            return NO_MOMENT
        try:
            wall = datetime.fromisoformat(typed[:30])
            return local_moment(wall.date(), time(wall.hour, wall.minute), self.site.settings.zone)
        except DateError as error:
            return str(error)
        except ValueError:
            return BAD_MOMENT

    def _form_page(
        self, request: web.Request, fields: FormFields, errors: dict[str, str], status: int = 200
    ) -> web.Response:
        return board_page(
            self.site,
            request,
            "tableau/nouvelle.html",
            status,
            section="diffusions",
            title=("Erreur : " if errors else "") + FORM_TITLE,
            fields=fields,
            errors=errors,
            themes=list(self.site.services.themes),
            kinds=list(AnnouncementKind),
            max_text=MAX_TEXT,
        )

    async def _preview_page(
        self, request: web.Request, number: int, error: str = "", status: int = 200
    ) -> web.Response:
        view, notice = await self.service.preview(number)
        assert isinstance(view, AnnouncementView) and isinstance(notice, Reply)
        zone = self.site.settings.zone
        return board_page(
            self.site,
            request,
            "tableau/apercu.html",
            status,
            section="diffusions",
            title=("Erreur : " if error else "") + f"Aperçu de la diffusion n°{number}",
            number=number,
            view=view,
            notice_lines=notice.text.split("\n"),
            slots=[(label, int(m.timestamp()) // 60) for label, m in send_slots(self._now(), zone)],
            error=error,
        )


async def _read_fields(request: web.Request) -> FormFields:
    """The form's fields, cleaned as the chat cleans a message (line breaks kept)."""
    posted = await request.post()  # read once by the guard: the same fields, every value
    return FormFields(
        kind=_text(posted.get("kind"), 40),
        title=_text(posted.get("title"), MAX_TITLE_READ).replace("\n", " "),
        text=_text(posted.get("text"), MAX_TEXT * 2),
        link=_text(posted.get("link"), MAX_LINK_READ).replace("\n", ""),
        date=_text(posted.get("date"), 20),
        themes=tuple(dict.fromkeys(_text(t, 80) for t in posted.getall("themes", []))),
    )


def _text(value: object, limit: int) -> str:
    return clean_input(value, limit) if isinstance(value, str) else ""


def routes(site: Site) -> list[web.RouteDef]:
    pages = NewBroadcast(site)
    number = LIST_PATH + "/{number}"
    return [
        web.get(FORM_PATH, pages.form),
        web.post(FORM_PATH, pages.create),
        web.get(number + "/apercu", pages.preview),
        web.post(number + "/envoyer", pages.send),
        web.post(number + "/programmer", pages.later),
        web.post(number + "/annuler", pages.cancel),
    ]
