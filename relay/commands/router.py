"""The command router: one entry point from every channel, never raising."""

import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence

from rapidfuzz import process

from relay.attachments import file_hint
from relay.commands.base import Action, Command, Context, Feature, Handler, Role, Services
from relay.messages import ChatKind, Incoming, Outgoing, Reply, UserRef
from relay.textnorm import clean_input, fold

log = logging.getLogger(__name__)

# A broadcast may be long (a call for projects with its criteria); longer is refused, not cut.
MAX_INPUT_CHARS = 20_000

APOLOGY = "Désolé, une erreur inattendue s'est produite. Réessayez dans un instant."
REFUSED = "Désolé, cette commande est réservée aux coordinateurs du CLS."
UNKNOWN_COMMAND_TEXT = "Je ne connais pas la commande « /{name} »."
DID_YOU_MEAN_TEXT = " Vouliez-vous dire /{suggestion} ?"
SEE_HELP = " Tapez /aide pour la liste des commandes."
EMPTY_MESSAGE = "Je n'ai rien reçu. Tapez /aide pour voir ce que je sais faire."
TOO_LONG_TEXT = (
    "Votre message fait {length} caractères : c'est plus que les {limit} que je sais relayer. "
    "Raccourcissez-le ou mettez le détail dans un document joint ou un lien ; rien n'a été envoyé."
)
EXPIRED_BUTTON = "Ce bouton n'est plus valable. Tapez /aide pour recommencer."

FreeTextHandler = Callable[[Context], Awaitable[Sequence[Outgoing]]]


class Router:
    def __init__(
        self,
        services: Services,
        features: Iterable[Feature],
        free_text: FreeTextHandler,
    ) -> None:
        self.services = services
        self.commands: list[Command] = []
        self._by_word: dict[str, Command] = {}
        self._actions: list[Action] = []
        self._free_text = free_text
        for feature in features:
            for command in feature.commands:
                self.commands.append(command)
                for word in (command.name, *command.aliases):
                    self._by_word[fold(word)] = command
            self._actions.extend(feature.actions)

    def is_coordinator_user(self, user: UserRef) -> bool:
        return self.services.settings.is_coordinator(user)

    def commands_for(self, coordinator: bool) -> list[Command]:
        return [c for c in self.commands if coordinator or c.role is Role.EVERYONE]

    async def handle(self, incoming: Incoming) -> list[Outgoing]:
        """Answer one message or button press; an unexpected error becomes an apology."""
        try:
            return list(await self._dispatch(incoming))
        except Exception:
            log.exception("command failed (platform=%s)", incoming.chat.platform)
            return [Reply(APOLOGY)]

    async def _dispatch(self, incoming: Incoming) -> Sequence[Outgoing]:
        coordinator = self.is_coordinator_user(incoming.user)
        if incoming.action is not None:
            return await self._press(incoming, coordinator)
        private = incoming.chat.kind is ChatKind.PRIVATE
        if len(incoming.text) > MAX_INPUT_CHARS:
            too_long = TOO_LONG_TEXT.format(
                length=_thousands(len(incoming.text)), limit=_thousands(MAX_INPUT_CHARS)
            )
            return [Reply(too_long)] if private or incoming.addressed_to_bot else []
        text = clean_input(incoming.text, MAX_INPUT_CHARS)
        if not text:
            if not (private or incoming.addressed_to_bot):
                return []
            return [Reply(file_hint(incoming.chat.platform) if incoming.files else EMPTY_MESSAGE)]
        word, args = _first_word(text)
        if word.startswith("/"):
            name = fold(word[1:].split("@", 1)[0])
            command = self._by_word.get(name)
            if command is None:
                return [Reply(self._unknown(name))]
            return await self._run(
                command, Context(incoming, args.strip(), self.services, coordinator)
            )
        if not (private or incoming.addressed_to_bot):
            return []
        command = self._by_word.get(fold(word))
        if command is not None and args.strip() and not command.usage:
            command = None  # "aide aux aidants près de Machecoul" is a question, not /aide
        context = Context(incoming, args.strip() if command else text, self.services, coordinator)
        if command is not None:
            return await self._run(command, context)
        if incoming.files:
            return [Reply(file_hint(incoming.chat.platform))]
        return await self._free_text(context)

    async def _run(self, command: Command, context: Context) -> Sequence[Outgoing]:
        if command.role is Role.COORDINATOR and not context.is_coordinator:
            return [Reply(REFUSED)]
        if context.incoming.files and not command.takes_files:
            return [Reply(file_hint(context.incoming.chat.platform))]
        return await command.handler(context)

    async def _press(self, incoming: Incoming, coordinator: bool) -> Sequence[Outgoing]:
        action_text = incoming.action or ""
        for action in self._actions:
            if action_text.startswith(action.prefix):
                if action.role is Role.COORDINATOR and not coordinator:
                    return [Reply(REFUSED)]
                args = action_text.removeprefix(action.prefix)
                handler: Handler = action.handler
                return await handler(Context(incoming, args, self.services, coordinator))
        return [Reply(EXPIRED_BUTTON)]

    def _unknown(self, name: str) -> str:
        shown = name[:40]
        match = process.extractOne(name, list(self._by_word), score_cutoff=75)
        hint = (
            DID_YOU_MEAN_TEXT.format(suggestion=self._by_word[match[0]].name) if match else SEE_HELP
        )
        return UNKNOWN_COMMAND_TEXT.format(name=shown) + hint


def _first_word(text: str) -> tuple[str, str]:
    """The command word and the rest, whatever whitespace (a line break too) follows it."""
    parts = text.split(maxsplit=1)
    return parts[0], (parts[1] if len(parts) > 1 else "")


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", "\u202f")  # French groups digits with a thin space
