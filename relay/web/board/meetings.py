"""Réunions: the coming and past meetings with their answers and participants; scheduling,
changing, cancelling, the public agenda and attendance, through the chat's service and with
its rules and messages (a date in the past, the same meeting twice, a meeting already held).
The same meeting twice, scheduled or moved there, is done once the coordinator insists: the
form comes back with a « … quand même » button (`quand_meme`)."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from relay import wording
from relay.commands.meetings import (
    ASK_ANYWAY,
    ASK_MOVE_ANYWAY_TEXT,
    CANCELLED_TEXT,
    CHANGED_LEAD_TEXT,
    CONFIRM_ANYWAY,
    MADE_PRIVATE_TEXT,
    MADE_PUBLIC_TEXT,
    MOVE_ANYWAY,
    PARTICIPANTS_TEXT,
    SCHEDULED_LEAD_TEXT,
)
from relay.meetings.service import (
    KIND_LABELS,
    KINDS,
    DuplicateMeeting,
    MeetingError,
    MeetingInfo,
    Meetings,
)
from relay.states import MeetingState
from relay.web.board import meeting_fields as fields
from relay.web.board.access import board_page, checked_form, visitor
from relay.web.board.outcome import Outcome, redirect, shown
from relay.web.site import Site

PAGE = "/tableau/reunions"
NUMBER = r"{n:\d{1,9}}"
PAST_SHOWN = 20
CONFIRM_FIELD = "confirmation"


@dataclass(frozen=True)
class Problem:
    """Why a form was refused: its message, the form (`programmer`, `modifier`…) and the field."""

    form: str
    text: str
    field_name: str = ""
    values: dict[str, Any] = field(default_factory=dict)  # what was typed, shown again
    duplicate: bool = False


def _path(number: int) -> str:
    return f"{PAGE}/{number}"


class MeetingsPage:
    def __init__(self, site: Site) -> None:
        self.site = site
        self.meetings: Meetings = site.services.meetings
        self.zone = site.settings.zone

    # The list and the scheduling form

    async def page(self, request: web.Request) -> web.Response:
        return await self._list(request)

    async def _list(self, request: web.Request, problem: Problem | None = None) -> web.Response:
        now = self.meetings.clock()
        listed = await self.meetings.listing(include_past=True)
        coming = [m for m in listed if m.starts_at > now]
        past = [m for m in reversed(listed) if m.starts_at <= now][:PAST_SHOWN]
        return board_page(
            self.site,
            request,
            "tableau/reunions.html",
            status=400 if problem else 200,
            section="reunions",
            title="Réunions",
            coming=coming,
            past=past,
            past_shown=PAST_SHOWN,
            kinds=[(kind, KIND_LABELS[kind]) for kind in KINDS],
            themes=list(self.site.services.themes),
            outcome=shown(request),
            problem=problem,
            values=problem.values if problem else {},
            anyway=CONFIRM_ANYWAY,
            zone_name=str(self.zone),
        )

    async def schedule(self, request: web.Request) -> web.Response:
        form = await checked_form(request)
        slugs = [theme.slug for theme in self.site.services.themes]
        try:
            wanted = fields.new_meeting(form, slugs, self.zone)
            info = await self.meetings.schedule(
                wanted.kind,
                wanted.starts_at,
                place=wanted.place,
                themes=wanted.themes,
                title=wanted.title,
                allow_duplicate=fields.ticked(form, "quand_meme"),
                public=wanted.public,
                by=visitor(request).coordinator,
            )
        except DuplicateMeeting as duplicate:
            text = f"{duplicate}\n{ASK_ANYWAY}"
            problem = Problem("programmer", text, "date", form, duplicate=True)
            return await self._list(request, problem)
        except (MeetingError, fields.FieldError) as error:
            problem = Problem("programmer", str(error), _field_of(error), form)
            return await self._list(request, problem)
        raise redirect(request, _path(info.id), Outcome(SCHEDULED_LEAD_TEXT.format(id=info.id)))

    # One meeting: its details and what can be done with it

    async def meeting(self, request: web.Request) -> web.Response:
        return self._detail(request, await self._meeting(request))

    def _detail(
        self, request: web.Request, info: MeetingInfo, problem: Problem | None = None
    ) -> web.Response:
        local = info.starts_at.astimezone(self.zone)
        current = {"date": local.date().isoformat(), "heure": local.strftime("%H:%M")}
        current["lieu"] = info.place
        values = {**current, **problem.values} if problem else current
        return board_page(
            self.site,
            request,
            "tableau/reunion.html",
            status=400 if problem else 200,
            section="reunions",
            title=f"Réunion n°{info.id}",
            meeting=info,
            held=info.starts_at <= self.meetings.clock(),
            cancelled=info.status == MeetingState.CANCELLED,
            outcome=shown(request),
            problem=problem,
            values=values,
            move_anyway=MOVE_ANYWAY,
        )

    async def change(self, request: web.Request) -> web.Response:
        async def act(info: MeetingInfo, form: dict[str, Any]) -> str:
            starts_at, place = fields.changes(form, info, self.zone)
            await self.meetings.reschedule(
                info.id,
                starts_at,
                place,
                visitor(request).coordinator,
                allow_duplicate=fields.ticked(form, "quand_meme"),
            )
            return CHANGED_LEAD_TEXT.format(id=info.id)

        return await self._act(request, "modifier", act)

    async def cancel(self, request: web.Request) -> web.Response:
        async def act(info: MeetingInfo, form: dict[str, Any]) -> str:
            if not fields.ticked(form, CONFIRM_FIELD):
                raise fields.FieldError(
                    fields.CONFIRM_CANCEL_TEXT.format(id=info.id), CONFIRM_FIELD
                )
            await self.meetings.cancel(info.id, visitor(request).coordinator)
            return CANCELLED_TEXT.format(id=info.id)

        return await self._act(request, "annuler", act)

    async def publicity(self, request: web.Request) -> web.Response:
        async def act(info: MeetingInfo, form: dict[str, Any]) -> str:
            public = form.get("publique") == "1"
            await self.meetings.set_public(info.id, public)
            template = MADE_PUBLIC_TEXT if public else MADE_PRIVATE_TEXT
            url = self.site.settings.public_url
            return template.format(id=info.id, title=info.title, url=url)

        return await self._act(request, "publique", act)

    async def attendance(self, request: web.Request) -> web.Response:
        async def act(info: MeetingInfo, form: dict[str, Any]) -> str:
            count = fields.participants(form)
            await self.meetings.record_participants(info.id, count)
            people = wording.count(count, "participant")
            return PARTICIPANTS_TEXT.format(participants=people, id=info.id, title=info.title)

        return await self._act(request, "participants", act)

    async def _act(
        self,
        request: web.Request,
        form_name: str,
        act: Callable[[MeetingInfo, dict[str, Any]], Awaitable[str]],
    ) -> web.Response:
        """Do what a meeting's form asks; its outcome on the meeting's page, or the form
        again with the reason it was refused."""
        info = await self._meeting(request)
        form = await checked_form(request)
        try:
            done = await act(info, form)
        except DuplicateMeeting as duplicate:  # a move onto another meeting's time
            text = f"{duplicate}\n" + ASK_MOVE_ANYWAY_TEXT.format(id=info.id)
            problem = Problem(form_name, text, "date", form, duplicate=True)
            return self._detail(request, await self._meeting(request), problem)
        except (MeetingError, fields.FieldError) as error:
            problem = Problem(form_name, str(error), _field_of(error), form)
            return self._detail(request, await self._meeting(request), problem)
        raise redirect(request, _path(info.id), Outcome(done))

    async def _meeting(self, request: web.Request) -> MeetingInfo:
        """The meeting the URL names; a draft or any other number is not found."""
        info = await self.meetings.info(int(request.match_info["n"]))
        if info is None or info.status not in (MeetingState.SCHEDULED, MeetingState.CANCELLED):
            raise web.HTTPNotFound()
        return info


def _field_of(error: Exception) -> str:
    return error.field if isinstance(error, fields.FieldError) else ""


def routes(site: Site) -> list[web.RouteDef]:
    meetings = MeetingsPage(site)
    one = f"{PAGE}/{NUMBER}"
    return [
        web.get(PAGE, meetings.page),
        web.post(PAGE, meetings.schedule),
        web.get(one, meetings.meeting),
        web.post(f"{one}/modifier", meetings.change),
        web.post(f"{one}/annuler", meetings.cancel),
        web.post(f"{one}/publique", meetings.publicity),
        web.post(f"{one}/participants", meetings.attendance),
    ]
