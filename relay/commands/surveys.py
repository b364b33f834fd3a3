"""/sondage (/survey): the CLS survey, previewed then sent by a coordinator; partners answer with
the buttons of each question."""

from collections.abc import Sequence

from relay.commands.base import Action, Command, Context, Feature, Role
from relay.messages import Reply
from relay.surveys.texts import ADMIN_ACTION, ANSWER_ACTION, CANCEL, SEND
from relay.textnorm import fold

USAGE = (
    "Usage : /sondage pour voir le questionnaire du CLS avant de l'envoyer, /sondage resultats "
    "pour les réponses du dernier envoyé."
)
RESULTS_WORDS = ("resultats", "resultat", "results")


async def survey(ctx: Context) -> Sequence[Reply]:
    word = fold(ctx.args.strip())
    service = ctx.services.surveys
    if not word:
        return [await service.preview(ctx.incoming.user)]
    if word in RESULTS_WORDS:
        return [await service.results()]
    return [Reply(USAGE)]


async def manage(ctx: Context) -> Sequence[Reply]:
    """`survey:send:<n>` and `survey:cancel:<n>`, under a preview."""
    service = ctx.services.surveys
    for prefix, act in ((SEND, service.send), (CANCEL, service.cancel)):
        number = ctx.args.removeprefix(prefix)
        if ctx.args.startswith(prefix) and number.isdigit() and len(number) < 10:
            return [await act(int(number))]
    return [Reply(USAGE)]


async def answer(ctx: Context) -> Sequence[Reply]:
    return [await ctx.services.surveys.answer(ctx.incoming.user, ctx.args)]


FEATURE = Feature(
    commands=[
        Command(
            "sondage",
            "envoyer le questionnaire du CLS aux abonnés, ou en voir les résultats",
            survey,
            aliases=("survey",),
            role=Role.COORDINATOR,
            usage="[resultats]",
        ),
    ],
    actions=[
        Action(ANSWER_ACTION, answer),
        Action(ADMIN_ACTION, manage, role=Role.COORDINATOR),
    ],
)
