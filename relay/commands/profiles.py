"""/profil (/profile): the kind of structure a person belongs to and, if they wish, their
commune; offered once after a first subscription in a private chat."""

from collections.abc import Sequence

from relay.commands.base import Action, Command, Context, Feature
from relay.directory.geography import place_key
from relay.messages import Button, Platform, Reply, UserRef
from relay.profiles import Typology
from relay.store import profiles
from relay.store.db import Database

OFFER_TEXT = (
    "Une question facultative, posée une seule fois : dans quel type de structure agissez-vous ? "
    "Cela aide le CLS à connaître ses partenaires ; rien d'autre n'est demandé (ni nom, ni "
    "adresse e-mail). Vous pourrez y revenir quand vous voudrez avec /profil."
)
BOARD_TEXT = (
    "Votre profil aide le CLS à connaître ses partenaires ; rien d'autre n'est demandé (ni nom, "
    "ni adresse e-mail). {how} le type de structure auquel vous appartenez.\n{current}"
)
CURRENT_TEXT = "Votre profil actuel : {kind}{commune}."
IN_COMMUNE_TEXT = ", à {commune}"
NO_PROFILE_TEXT = "Vous n'avez pas encore indiqué de profil."
KIND_SAVED_TEXT = (
    "C'est noté : {kind}. Voulez-vous aussi indiquer votre commune ? C'est facultatif ; elle "
    "aide le CLS à savoir où sont ses partenaires."
)
COMMUNES_TEXT = "{how} votre commune :"
COMMUNE_SAVED_TEXT = (
    "C'est noté : {kind}, à {commune}. Merci ! Modifiable à tout moment avec /profil."
)
NO_COMMUNE_TEXT = "Merci ! Votre profil : {kind}. Modifiable à tout moment avec /profil."
LATER_TEXT = "D'accord. Vous pourrez indiquer votre profil quand vous voudrez avec /profil."
PRIVATE_ONLY_TEXT = (
    "Votre profil se donne en conversation privée avec moi : écrivez-moi /profil en privé."
)
UNKNOWN_CHOICE_TEXT = "Ce choix n'existe plus. Tapez /profil pour recommencer."
WITH_COMMUNE = "Indiquer ma commune"
NO_THANKS = "Non merci"
WITHOUT_COMMUNE = "Ne pas l'indiquer"
LATER = "Plus tard"
MY_COMMUNE = "Ma commune…"
CHECK = "✅ "
PRESS = {
    Platform.TELEGRAM: "Touchez",
    Platform.SLACK: "Cliquez sur",
    Platform.CONSOLE: "Tapez le numéro de",
}
COMMUNES_PER_ROW = 2

ACTION = "profile:"
KIND = "kind:"
COMMUNES = "communes"
COMMUNE = "commune:"
NO_COMMUNE = "nocommune"
DONE = "done"
LATER_ACTION = "later"
SHOW = "show"


def _how(ctx: Context) -> str:
    return PRESS.get(ctx.incoming.chat.platform, PRESS[Platform.TELEGRAM])


def _kind_buttons(typology: Typology, current: str | None) -> list[tuple[Button, ...]]:
    return [
        (Button((CHECK if k.slug == current else "") + k.label, f"{ACTION}{KIND}{k.slug}"),)
        for k in typology
    ]


async def offer(ctx: Context) -> list[Reply]:
    """After a subscription in a private chat: the profile question, the first time only."""
    if not ctx.in_private_chat:
        return []
    async with ctx.services.db.write() as session:
        first_time = await profiles.mark_offered(session, ctx.incoming.user)
    if not first_time:
        return []
    rows = [*_kind_buttons(ctx.services.typology, None), (Button(LATER, ACTION + LATER_ACTION),)]
    return [Reply(OFFER_TEXT, buttons=tuple(rows))]


def _current(typology: Typology, kind: str | None, commune: str | None) -> str:
    described = typology.get(kind)
    if described is None:
        return NO_PROFILE_TEXT
    where = IN_COMMUNE_TEXT.format(commune=commune) if commune else ""
    return CURRENT_TEXT.format(kind=described.label, commune=where)


async def _board(ctx: Context, user: UserRef, edit: bool) -> Reply:
    async with ctx.services.db.read() as session:
        profile = await profiles.get(session, user)
    kind = profile.kind if profile else None
    commune = profile.commune if profile else None
    text = BOARD_TEXT.format(how=_how(ctx), current=_current(ctx.services.typology, kind, commune))
    rows = [
        *_kind_buttons(ctx.services.typology, kind),
        (Button(MY_COMMUNE, ACTION + COMMUNES), Button(LATER, ACTION + LATER_ACTION)),
    ]
    return Reply(text, buttons=tuple(rows), edit_origin=edit)


async def show(ctx: Context) -> Sequence[Reply]:
    if not ctx.in_private_chat:
        return [Reply(PRIVATE_ONLY_TEXT)]
    async with ctx.services.db.write() as session:
        await profiles.mark_offered(session, ctx.incoming.user)  # they know where it is now
    return [await _board(ctx, ctx.incoming.user, edit=False)]


async def press(ctx: Context) -> Sequence[Reply]:
    """`profile:kind:<slug>`, `profile:communes`, `profile:commune:<key>`, `profile:nocommune`,
    `profile:done`, `profile:later`, `profile:show`."""
    user, choice = ctx.incoming.user, ctx.args
    typology = ctx.services.typology
    if choice == SHOW:
        return [await _board(ctx, user, edit=False)]
    if choice == LATER_ACTION:
        return [Reply(LATER_TEXT, edit_origin=True)]
    if choice.startswith(KIND):
        kind = typology.get(choice.removeprefix(KIND))
        if kind is None:
            return [Reply(UNKNOWN_CHOICE_TEXT)]
        async with ctx.services.db.write() as session:
            await profiles.set_kind(session, user, kind.slug)
        rows = ((Button(WITH_COMMUNE, ACTION + COMMUNES), Button(NO_THANKS, ACTION + DONE)),)
        return [Reply(KIND_SAVED_TEXT.format(kind=kind.label), buttons=rows, edit_origin=True)]
    if choice == COMMUNES:
        return [await _communes(ctx)]
    commune = None
    if choice.startswith(COMMUNE):
        commune = await _commune(ctx, choice.removeprefix(COMMUNE))
        if commune is None:
            return [Reply(UNKNOWN_CHOICE_TEXT)]
    async with ctx.services.db.write() as session:
        if commune is not None:
            await profiles.set_commune(session, user, commune)
        elif choice == NO_COMMUNE:
            await profiles.set_commune(session, user, None)
        elif choice != DONE:
            return [Reply(UNKNOWN_CHOICE_TEXT)]
        profile = await profiles.get(session, user)
    kind_label = typology.label(profile.kind) if profile and profile.kind else NO_PROFILE_TEXT
    if profile is not None and profile.commune:
        text = COMMUNE_SAVED_TEXT.format(kind=kind_label, commune=profile.commune)
    else:
        text = NO_COMMUNE_TEXT.format(kind=kind_label)
    return [Reply(text, edit_origin=True)]


async def home_profile(
    db: Database, typology: Typology, user: UserRef
) -> tuple[str, tuple[tuple[Button, ...], ...]]:
    """The profile as a home screen shows it (Slack's App Home): what it says, and the kinds
    to choose from (a press answers in the private chat, as /profil's buttons)."""
    async with db.read() as session:
        profile = await profiles.get(session, user)
    kind = profile.kind if profile else None
    commune = profile.commune if profile else None
    kinds = tuple(button for row in _kind_buttons(typology, kind) for button in row)
    return _current(typology, kind, commune), (kinds, (Button(MY_COMMUNE, ACTION + COMMUNES),))


async def _communes(ctx: Context) -> Reply:
    names = await ctx.services.directory.main_communes()
    buttons = [Button(name, f"{ACTION}{COMMUNE}{place_key(name)}") for name in names]
    rows = [
        tuple(buttons[i : i + COMMUNES_PER_ROW]) for i in range(0, len(buttons), COMMUNES_PER_ROW)
    ]
    rows.append((Button(WITHOUT_COMMUNE, ACTION + NO_COMMUNE),))
    return Reply(COMMUNES_TEXT.format(how=_how(ctx)), buttons=tuple(rows), edit_origin=True)


async def _commune(ctx: Context, key: str) -> str | None:
    names = await ctx.services.directory.main_communes()
    return next((name for name in names if place_key(name) == key), None)


FEATURE = Feature(
    commands=[
        Command(
            "profil",
            "indiquer votre type de structure (et votre commune, si vous voulez)",
            show,
            aliases=("profile",),
        ),
    ],
    actions=[Action(ACTION, press)],
)
