"""Coordinators undo a broadcast's mistakes: /retirer (after a confirmation) and /corriger."""

from collections.abc import Sequence
from datetime import datetime

from relay.commands.base import Action, Command, Context, Feature, Role
from relay.commands.router import EXPIRED_BUTTON
from relay.messages import ChatRef, Outgoing, Reply
from relay.revisions import CORRECT_USAGE, KEEP_ACTION, WITHDRAW_ACTION, Revisions

WITHDRAW_USAGE = (
    "/retirer retire votre dernière diffusion ; /retirer 12 retire la diffusion n°12 "
    "(son numéro est dans l'aperçu et dans le bilan)."
)
BAD_NUMBER_TEXT = "« {text} » n'est pas un numéro de diffusion. "


def _revisions(ctx: Context) -> Revisions:
    return ctx.services.revisions


def _privately(ctx: Context) -> ChatRef:
    """Where the coordinator hears how it went: alone if the platform allows."""
    return ctx.incoming.private_chat or ctx.incoming.chat


def _number(text: str) -> int | None:
    digits = text.removeprefix("n°").removeprefix("#").strip()
    return int(digits) if digits.isdigit() and len(digits) < 10 else None


async def withdraw(ctx: Context) -> Sequence[Outgoing]:
    """/retirer [n]: the question, with « Oui, la retirer » and « Non »."""
    number = None
    if ctx.args:
        number = _number(ctx.args)
        if number is None:
            return [Reply(BAD_NUMBER_TEXT.format(text=ctx.args[:20]) + WITHDRAW_USAGE)]
    return [await _revisions(ctx).ask_withdrawal(ctx.incoming.user, number)]


async def confirm_withdrawal(ctx: Context) -> Sequence[Outgoing]:
    number = _number(ctx.args)
    if number is None:
        return [Reply(EXPIRED_BUTTON)]
    return [await _revisions(ctx).withdraw(ctx.incoming.user, number, _privately(ctx))]


async def keep(ctx: Context) -> Sequence[Outgoing]:
    number = _number(ctx.args)
    return [Revisions.keep(number) if number is not None else Reply(EXPIRED_BUTTON)]


async def correct(ctx: Context) -> Sequence[Outgoing]:
    """/corriger [n] <texte>: a first word that is a number names the broadcast."""
    first, *rest = ctx.args.split(maxsplit=1) or [""]
    number = _number(first)
    text = (rest[0] if rest else "") if number is not None else ctx.args
    if not text.strip():
        return [Reply(CORRECT_USAGE)]
    today = datetime.now(ctx.services.settings.zone).date()
    service = _revisions(ctx)
    return await service.correct(ctx.incoming.user, number, text, _privately(ctx), today)


FEATURE = Feature(
    commands=[
        Command(
            "retirer",
            "retirer une diffusion de tous les chats qui l'ont reçue",
            withdraw,
            aliases=("withdraw",),
            role=Role.COORDINATOR,
            usage="[n]",
        ),
        Command(
            "corriger",
            "remplacer le texte d'une diffusion dans tous les chats qui l'ont reçue",
            correct,
            aliases=("edit",),
            role=Role.COORDINATOR,
            usage="[n] <texte>",
        ),
    ],
    actions=[
        Action(WITHDRAW_ACTION, confirm_withdrawal, Role.COORDINATOR),
        Action(KEEP_ACTION, keep, Role.COORDINATOR),
    ],
)
