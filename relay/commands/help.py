"""/start and /aide: what relay does and the commands this user may use."""

from collections.abc import Callable, Sequence

from relay.commands.base import Command, Context, Feature, Role
from relay.messages import Reply

WELCOME_TEXT = (
    "Bonjour ! Je suis relay, le relais d'information du Contrat Local de Santé.\n"
    "Abonnez {chat} aux thèmes qui vous intéressent : je vous transmettrai les appels à projets, "
    "les événements et les informations du CLS sur ces thèmes."
)
COMMANDS_HEADER = "Les commandes :"
COORDINATOR_HEADER = "Réservé aux coordinateurs :"
FIRST_STEP = "Pour commencer : /themes"


def help_feature(commands_for: Callable[[bool], list[Command]]) -> Feature:
    def describe(command: Command) -> str:
        usage = f" {command.usage}" if command.usage else ""
        return f"/{command.name}{usage} — {command.help}"

    async def show_help(ctx: Context) -> Sequence[Reply]:
        visible = [c for c in commands_for(ctx.is_coordinator) if c.in_menu]
        everyone = [describe(c) for c in visible if c.role == Role.EVERYONE]
        coordinators = [describe(c) for c in visible if c.role == Role.COORDINATOR]
        parts = [
            WELCOME_TEXT.format(**ctx.chat_name.words()),
            COMMANDS_HEADER + "\n" + "\n".join(everyone),
        ]
        if coordinators:
            parts.append(COORDINATOR_HEADER + "\n" + "\n".join(coordinators))
        parts.append(FIRST_STEP)
        return [Reply("\n\n".join(parts))]

    return Feature(
        commands=[
            Command("start", "présentation de relay", show_help, in_menu=False),
            Command("aide", "ce message d'aide", show_help, aliases=("help",)),
        ]
    )
