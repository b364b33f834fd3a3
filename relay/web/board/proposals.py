"""Propositions: the partners' proposals awaiting a decision, with *Valider* (choosing themes)
and *Refuser* (with a reason), and the latest decisions. The same service as the chat's
/valider and /refuser, and the same outcome messages."""

from collections.abc import Iterable
from typing import Any

from aiohttp import web

from relay.announcements import NEEDS_THEMES_TEXT, Announcements
from relay.proposals import Proposal
from relay.textnorm import clean_input
from relay.web.board.access import board_page, checked_form, visitor
from relay.web.board.outcome import Outcome, redirect, shown
from relay.web.site import Site

PAGE = "/tableau/propositions"
NUMBER = r"{n:\d{1,9}}"
THEME_FIELD = "theme-"  # one checkbox per theme: theme-<slug>
REASON_FIELD = "motif"
MAX_REASON = 500


def chosen_themes(form: dict[str, Any], known: Iterable[str]) -> list[str]:
    """The themes ticked in a form, known ones only, in the catalogue's order."""
    ticked = {name.removeprefix(THEME_FIELD) for name in form if name.startswith(THEME_FIELD)}
    return [slug for slug in known if slug in ticked]


class ProposalsPage:
    def __init__(self, site: Site) -> None:
        self.site = site
        self.announcements: Announcements = site.services.announcements

    async def page(self, request: web.Request) -> web.Response:
        return board_page(
            self.site,
            request,
            "tableau/propositions.html",
            section="propositions",
            title="Propositions des partenaires",
            waiting=await self.announcements.waiting_proposals(),
            decided=await self.announcements.decided_proposals(),
            themes=list(self.site.services.themes),
            outcome=shown(request),
        )

    async def approve(self, request: web.Request) -> web.Response:
        proposal = await self._proposal(request)
        form = await checked_form(request)
        themes = chosen_themes(form, (theme.slug for theme in self.site.services.themes))
        if proposal.pending and not themes:
            # No theme ticked is a choice on this page: the suggested ones are not used.
            text = NEEDS_THEMES_TEXT.format(id=proposal.id)
            raise redirect(request, PAGE, Outcome(text, error=True, about=f"p{proposal.id}"))
        reply = await self.announcements.approve(proposal.id, themes, visitor(request).coordinator)
        raise redirect(request, PAGE, Outcome(reply.text, error=not proposal.pending))

    async def reject(self, request: web.Request) -> web.Response:
        proposal = await self._proposal(request)
        form = await checked_form(request)
        reason = clean_input(str(form.get(REASON_FIELD, "")), MAX_REASON)
        reply = await self.announcements.reject(proposal.id, reason, visitor(request).coordinator)
        raise redirect(request, PAGE, Outcome(reply.text, error=not proposal.pending))

    async def _proposal(self, request: web.Request) -> Proposal:
        """The proposal the URL names (awaiting a decision or decided); any other number is
        not found."""
        found = await self.announcements.proposal(int(request.match_info["n"]))
        if found is None:
            raise web.HTTPNotFound()
        return found


def routes(site: Site) -> list[web.RouteDef]:
    proposals = ProposalsPage(site)
    return [
        web.get(PAGE, proposals.page),
        web.post(f"{PAGE}/{NUMBER}/valider", proposals.approve),
        web.post(f"{PAGE}/{NUMBER}/refuser", proposals.reject),
    ]
