"""/trouver, /ou (/find), free-text questions and the "Plus de résultats" button."""

from collections.abc import Sequence
from dataclasses import replace

from relay.commands.base import Action, Command, Context, Feature
from relay.commands.router import EXPIRED_BUTTON
from relay.directory.answers import MORE_ACTION, reply
from relay.messages import Outgoing, Platform, Reply
from relay.profiles import asker
from relay.store import profiles

FIND_USAGE = (
    "Dites-moi ce que vous cherchez, par exemple :\n"
    "/trouver psychologue à Pornic\n"
    "/trouver aide aux aidants près de Machecoul\n"
    "Dans une conversation privée, vous pouvez aussi écrire votre question directement."
)


async def find(ctx: Context) -> Sequence[Outgoing]:
    """/trouver <question>: the three best entries, and a button for more."""
    directory = ctx.services.directory
    if not ctx.args.strip():
        return [Reply(FIND_USAGE)]
    platform = ctx.incoming.chat.platform
    async with ctx.services.db.read() as session:
        kind = await profiles.kind_of(session, ctx.incoming.user)
    answer = await directory.ask(ctx.args, platform.value, asker=asker(kind))
    if platform is not Platform.CONSOLE:
        # That the sample directory was just loaded concerns whoever runs relay (the console,
        # `relay ask`, the log), not a partner asking in Telegram or Slack.
        answer = replace(answer, notice=None)
    return [reply(answer)]


async def more(ctx: Context) -> Sequence[Outgoing]:
    """The "Plus de résultats" button: `more:<question number>:<offset>`."""
    directory = ctx.services.directory
    number, _, offset = ctx.args.partition(":")
    if not number.isdigit() or not offset.isdigit():
        return [Reply(EXPIRED_BUTTON)]
    answer = await directory.page(int(number), int(offset))
    if answer is None:
        return [Reply(EXPIRED_BUTTON)]
    return [reply(answer)]


FEATURE = Feature(
    commands=[
        Command(
            "trouver",
            "chercher dans l'annuaire des acteurs de santé du territoire",
            find,
            aliases=("ou", "où", "find"),
            usage="<question>",
        ),
    ],
    actions=[Action(MORE_ACTION, more)],
)
