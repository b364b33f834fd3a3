"""Coordinators broadcast (/diffuser); partners propose (/proposer); coordinators moderate."""

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime

from relay.announcements import (
    APPROVE_ACTION,
    AT_ACTION,
    CANCEL_ACTION,
    LATER_ACTION,
    REJECT_ACTION,
    SEND_ACTION,
    UNSCHEDULE_ACTION,
    Announcements,
    Draft,
    understand,
)
from relay.attachments import AttachmentRefused, receive
from relay.commands.base import Action, Command, Context, Feature, Role
from relay.commands.router import EXPIRED_BUTTON
from relay.french_dates import DateError, parse_moment
from relay.messages import ChatRef, Outgoing, Reply
from relay.states import AnnouncementSource, AnnouncementState
from relay.themes import ALL_THEMES

BROADCAST_USAGE = (
    "Écrivez les thèmes (avec #) puis le message, par exemple :\n"
    "/diffuser #sante-mentale #jeunes Forum santé mentale des jeunes le 12/12 à Pornic "
    "https://exemple.fr\n#tout l'envoie à tous les abonnés."
)
BROADCAST_NO_THEME = (
    "Indiquez au moins un thème avec #, avant le message : /diffuser #addictions Votre message…"
)
BROADCAST_NO_TEXT = "Le message est vide. " + BROADCAST_USAGE
UNKNOWN_TAG_TEXT = "Thème inconnu : {tags}. Tapez /themes pour la liste."
PROPOSE_USAGE = (
    "Décrivez l'information à relayer, par exemple :\n"
    "/proposer Appel à projets ARS prévention 2027, dépôt avant le 15/01 https://exemple.fr"
)
APPROVE_USAGE = "Usage : /valider <numéro> [#thème…], par exemple : /valider 12 #prevention"
REJECT_USAGE = "Usage : /refuser <numéro> [motif], par exemple : /refuser 12 hors territoire"
SCHEDULE_USAGE = (
    "Usage : /programmer <numéro de la diffusion> <quand>, par exemple : /programmer 12 lundi 9h"
)
BAD_NUMBER_TEXT = "« {text} » n'est pas un numéro de proposition."


def _announcements(ctx: Context) -> Announcements:
    return ctx.services.announcements


def _today(ctx: Context) -> date:
    """Today in RELAY_TIMEZONE, by the clock the rest of relay reads."""
    return _now(ctx).astimezone(ctx.services.settings.zone).date()


def _now(ctx: Context) -> datetime:
    return ctx.services.meetings.clock()


async def broadcast(ctx: Context) -> Sequence[Outgoing]:
    if not ctx.args:
        return [Reply(BROADCAST_USAGE)]
    draft = understand(ctx.args, ctx.services.themes, _today(ctx))
    if draft.unknown_themes:
        return [Reply(UNKNOWN_TAG_TEXT.format(tags=", ".join(draft.unknown_themes)))]
    if not draft.themes:
        return [Reply(BROADCAST_NO_THEME)]
    if not draft.text:
        return [Reply(BROADCAST_NO_TEXT)]
    with_file = await _with_file(ctx, draft)
    if isinstance(with_file, Reply):
        return [with_file]
    service = _announcements(ctx)
    announcement_id, _ = await service.create(
        with_file,
        AnnouncementSource.COORDINATOR,
        AnnouncementState.DRAFT,
        ctx.incoming.user,
        _privately(ctx),
    )
    return await service.preview(announcement_id)


async def proposals(ctx: Context) -> Sequence[Outgoing]:
    """/propositions: what partners proposed and nobody decided yet, with the buttons."""
    return await _announcements(ctx).pending()


async def send_later(ctx: Context) -> Sequence[Outgoing]:
    number = _number(ctx.args)
    if number is None:
        return [Reply(EXPIRED_BUTTON)]
    return [_announcements(ctx).when_to_send(number, _now(ctx))]


async def send_at_slot(ctx: Context) -> Sequence[Outgoing]:
    """A proposed moment pressed: `at:<number>:<minutes since the epoch>`."""
    number_text, _, minutes = ctx.args.partition(":")
    number = _number(number_text)
    if number is None or not minutes.isdigit():
        return [Reply(EXPIRED_BUTTON)]
    send_at = datetime.fromtimestamp(int(minutes) * 60, UTC)
    return [await _announcements(ctx).schedule_draft(number, send_at, _now(ctx), ctx.incoming.user)]


async def schedule(ctx: Context) -> Sequence[Outgoing]:
    """/programmer <n> <quand>: a draft sent at a typed moment."""
    number_text, _, when = ctx.args.partition(" ")
    number = _number(number_text)
    if number is None or not when.strip():
        return [Reply(SCHEDULE_USAGE)]
    try:
        moment = parse_moment(when, _now(ctx), ctx.services.settings.zone)
    except DateError as error:
        return [Reply(f"{error}\n{SCHEDULE_USAGE}")]
    return [await _announcements(ctx).schedule_draft(number, moment, _now(ctx), ctx.incoming.user)]


async def scheduled(ctx: Context) -> Sequence[Outgoing]:
    """/programmees: the broadcasts waiting for their time, each with a button to cancel it."""
    return await _announcements(ctx).scheduled()


async def unschedule(ctx: Context) -> Sequence[Outgoing]:
    number = _number(ctx.args)
    return [await _announcements(ctx).unschedule(number) if number else Reply(EXPIRED_BUTTON)]


async def send_draft(ctx: Context) -> Sequence[Outgoing]:
    number = _number(ctx.args)
    return [
        await _announcements(ctx).send_draft(number, ctx.incoming.user)
        if number
        else Reply(EXPIRED_BUTTON)
    ]


async def cancel_draft(ctx: Context) -> Sequence[Outgoing]:
    number = _number(ctx.args)
    return [await _announcements(ctx).cancel_draft(number) if number else Reply(EXPIRED_BUTTON)]


async def propose(ctx: Context) -> Sequence[Outgoing]:
    if not ctx.args:
        return [Reply(PROPOSE_USAGE)]
    draft = understand(ctx.args, ctx.services.themes, _today(ctx))
    with_file = await _with_file(ctx, draft)
    if isinstance(with_file, Reply):
        return [with_file]
    who = ctx.incoming.display_name or str(ctx.incoming.user)
    service = _announcements(ctx)
    return [await service.propose(with_file, ctx.incoming.user, _privately(ctx), who)]


async def _with_file(ctx: Context, draft: Draft) -> Draft | Reply:
    """The draft with the poster or form sent with the command, or why the file is refused."""
    try:
        attachment = await receive(ctx.incoming.files)
    except AttachmentRefused as refused:
        return Reply(refused.message)
    return replace(draft, attachment=attachment)


def _privately(ctx: Context) -> ChatRef:
    """Where the author hears back (the summary, the outcome): alone if the platform allows."""
    return ctx.incoming.private_chat or ctx.incoming.chat


def _number(text: str) -> int | None:
    digits = text.lstrip("#n°").strip()
    return int(digits) if digits.isdigit() and len(digits) < 10 else None


def _numbered(args: str, usage: str) -> tuple[int, str] | Reply:
    """`<n> rest…` read from a moderation command, or the reply explaining what is wrong."""
    first, _, rest = args.partition(" ")
    if not first:
        return Reply(usage)
    number = _number(first)
    if number is None:
        return Reply(BAD_NUMBER_TEXT.format(text=first[:20]) + "\n" + usage)
    return number, rest.strip()


async def approve(ctx: Context) -> Sequence[Outgoing]:
    parsed = _numbered(ctx.args, APPROVE_USAGE)
    if isinstance(parsed, Reply):
        return [parsed]
    number, rest = parsed
    themes: list[str] = []
    if rest:
        match = ctx.services.themes.parse(rest)
        if match.unknown:
            tags = ", ".join(word for word, _ in match.unknown)
            return [Reply(UNKNOWN_TAG_TEXT.format(tags=tags))]
        themes = [ALL_THEMES] if match.everything else [t.slug for t in match.themes]
    return [await _announcements(ctx).approve(number, themes, ctx.incoming.user)]


async def reject(ctx: Context) -> Sequence[Outgoing]:
    parsed = _numbered(ctx.args, REJECT_USAGE)
    if isinstance(parsed, Reply):
        return [parsed]
    number, reason = parsed
    return [await _announcements(ctx).reject(number, reason, ctx.incoming.user)]


async def approve_button(ctx: Context) -> Sequence[Outgoing]:
    number = _number(ctx.args)
    return [
        await _announcements(ctx).approve(number, [], ctx.incoming.user)
        if number
        else Reply(EXPIRED_BUTTON)
    ]


async def reject_button(ctx: Context) -> Sequence[Outgoing]:
    number = _number(ctx.args)
    return [
        await _announcements(ctx).reject(number, "", ctx.incoming.user)
        if number
        else Reply(EXPIRED_BUTTON)
    ]


FEATURE = Feature(
    commands=[
        Command(
            "proposer",
            "proposer une information à relayer par le CLS",
            propose,
            aliases=("propose",),
            usage="<texte>",
            takes_files=True,
        ),
        Command(
            "diffuser",
            "diffuser un message aux abonnés de ces thèmes",
            broadcast,
            aliases=("broadcast",),
            role=Role.COORDINATOR,
            usage="#thème… <texte>",
            takes_files=True,
        ),
        Command(
            "propositions",
            "les propositions de partenaires qui attendent une décision",
            proposals,
            aliases=("proposals",),
            role=Role.COORDINATOR,
        ),
        Command(
            "programmees",
            "les diffusions qui attendent leur heure, pour les voir ou les annuler",
            scheduled,
            aliases=("programmées", "scheduled"),
            role=Role.COORDINATOR,
        ),
        Command(
            "programmer",
            "envoyer plus tard une diffusion en attente",
            schedule,
            aliases=("schedule",),
            role=Role.COORDINATOR,
            usage="<n> <jour> <heure>",
            in_menu=False,
        ),
        Command(
            "valider",
            "relayer une proposition de partenaire",
            approve,
            aliases=("approve",),
            role=Role.COORDINATOR,
            usage="<n> [#thème…]",
        ),
        Command(
            "refuser",
            "refuser une proposition de partenaire",
            reject,
            aliases=("reject",),
            role=Role.COORDINATOR,
            usage="<n> [motif]",
        ),
    ],
    actions=[
        Action(SEND_ACTION, send_draft, Role.COORDINATOR),
        Action(CANCEL_ACTION, cancel_draft, Role.COORDINATOR),
        Action(LATER_ACTION, send_later, Role.COORDINATOR),
        Action(AT_ACTION, send_at_slot, Role.COORDINATOR),
        Action(UNSCHEDULE_ACTION, unschedule, Role.COORDINATOR),
        Action(APPROVE_ACTION, approve_button, Role.COORDINATOR),
        Action(REJECT_ACTION, reject_button, Role.COORDINATOR),
    ],
)
