"""/tableau (/dashboard): a coordinator's personal link to the coordinator pages of the site."""

from collections.abc import Sequence

from relay.commands.base import Command, Context, Feature, Role
from relay.messages import Outgoing, Reply
from relay.signin import LINK_LIFETIME

LINK_TEXT = (
    "Voici votre lien personnel vers les pages de coordination du site : il ouvre une session "
    "de 12 heures, s'utilise une seule fois et reste valable {minutes} minutes. Ne le "
    "transmettez pas.\n{url}"
)
PRIVATE_ONLY_TEXT = (
    "Ce lien est personnel : demandez-le-moi en conversation privée, en m'écrivant /tableau."
)


async def dashboard(ctx: Context) -> Sequence[Outgoing]:
    if not ctx.in_private_chat:
        return [Reply(PRIVATE_ONLY_TEXT)]
    url = await ctx.services.access.new_link(ctx.incoming.user)
    minutes = int(LINK_LIFETIME.total_seconds() // 60)
    return [Reply(LINK_TEXT.format(minutes=minutes, url=url))]


FEATURE = Feature(
    commands=[
        Command(
            "tableau",
            "un lien personnel vers les pages de coordination du site (diffusions, "
            "propositions, réunions, annuaire, rapport)",
            dashboard,
            aliases=("dashboard",),
            role=Role.COORDINATOR,
        )
    ]
)
