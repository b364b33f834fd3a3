"""Themes and subscriptions: /themes, /abonner, /desabonner, /abonnements, /oublier."""

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from relay.commands.base import Action, Command, Context, Feature
from relay.messages import Button, Platform, Reply
from relay.store import privacy, subscribers
from relay.store.models import Subscriber
from relay.themes import ALL_THEMES, Theme, ThemeCatalogue, ThemeMatch

SUBSCRIBE_USAGE = (
    "Indiquez un ou plusieurs thèmes, par exemple : /abonner santé mentale, addictions\n"
    "Tapez /themes pour voir la liste, ou /abonner tout pour tout recevoir."
)
UNSUBSCRIBE_USAGE = (
    "Indiquez les thèmes à retirer, par exemple : /desabonner addictions\n"
    "ou /desabonner tout pour ne plus rien recevoir."
)
SUBSCRIBED = "C'est noté ! Ce chat recevra les informations du CLS sur : {labels}."
ALREADY_SUBSCRIBED = "Ce chat était déjà abonné à : {labels}."
UNSUBSCRIBED = "Désabonnement effectué pour : {labels}."
NOT_SUBSCRIBED = "Ce chat n'était pas abonné à : {labels}."
UNSUBSCRIBED_ALL = (
    "Ce chat est désabonné de tous les thèmes. Il ne recevra plus d'information du CLS."
)
UNKNOWN_THEME = "Je ne connais pas le thème « {word} »."
SUGGESTIONS = " Vouliez-vous dire : {suggestions} ?"
SEE_THEMES = " Tapez /themes pour voir la liste."
ADMINS_ONLY = (
    "Seuls les administrateurs de ce groupe (ou les coordinateurs du CLS) "
    "peuvent modifier ses abonnements."
)
NO_SUBSCRIPTION = "Ce chat n'est abonné à aucun thème. Tapez /themes pour en choisir."
SUBSCRIPTIONS = "Ce chat est abonné à :\n{lines}\n\nTapez /themes pour modifier."
ALL_LABEL = "Tous les thèmes"
ALL_LINE = "• Tous les thèmes (y compris ceux ajoutés plus tard)"
THEMES_HEADER = "Les thèmes du CLS. {how} pour abonner ou désabonner ce chat (✅ = abonné) :"
# How a button is pressed where the user reads: the console shows numbered choices.
PRESS_A_THEME = {
    Platform.TELEGRAM: "Touchez un thème",
    Platform.SLACK: "Cliquez sur un thème",
    Platform.CONSOLE: "Tapez le numéro d'un thème",
}
FORGET_QUESTION = (
    "Voulez-vous vraiment effacer tout ce que relay sait de vous "
    "(abonnements, nom affiché) ? C'est définitif."
)
FORGET_YES = "Oui, tout effacer"
FORGET_NO = "Annuler"
FORGOTTEN = (
    "C'est fait : vos données ont été effacées et vous ne recevrez plus rien. "
    "Vous pouvez revenir quand vous voulez avec /abonner."
)
NOT_FORGOTTEN = "D'accord, rien n'a été effacé."
CHECK = "✅ "

TOGGLE = "theme:"
FORGET = "forget:"


def _labels(themes: Sequence[Theme]) -> str:
    return ", ".join(t.label for t in themes)


def _problems(match: ThemeMatch) -> list[str]:
    lines = []
    for word, suggestions in match.unknown:
        line = UNKNOWN_THEME.format(word=word[:60])
        if suggestions:
            line += SUGGESTIONS.format(suggestions=", ".join(t.label for t in suggestions))
        else:
            line += SEE_THEMES
        lines.append(line)
    return lines


async def subscribe(ctx: Context) -> Sequence[Reply]:
    if not ctx.args:
        return [Reply(SUBSCRIBE_USAGE)]
    if not ctx.may_manage_chat:
        return [Reply(ADMINS_ONLY)]
    match = ctx.services.themes.parse(ctx.args)
    done: list[str] = []
    wanted = [ALL_THEMES] if match.everything else [t.slug for t in match.themes]
    if wanted:
        incoming = ctx.incoming
        async with ctx.services.db.write() as session:
            current = await subscribers.themes_of(session, incoming.chat)
            subscriber = await subscribers.ensure(
                session, incoming.chat, incoming.user.user_id, incoming.display_name
            )
            await subscribers.add_themes(session, subscriber, wanted)
        new = [t for t in match.themes if t.slug not in current]
        old = [t for t in match.themes if t.slug in current]
        if match.everything:
            done.append(SUBSCRIBED.format(labels=ALL_LABEL))
        elif new:
            done.append(SUBSCRIBED.format(labels=_labels(new)))
        if old and not match.everything:
            done.append(ALREADY_SUBSCRIBED.format(labels=_labels(old)))
    return [Reply("\n".join(done + _problems(match)) or SUBSCRIBE_USAGE)]


async def unsubscribe(ctx: Context) -> Sequence[Reply]:
    if not ctx.args:
        return [Reply(UNSUBSCRIBE_USAGE)]
    if not ctx.may_manage_chat:
        return [Reply(ADMINS_ONLY)]
    catalogue = ctx.services.themes
    match = catalogue.parse(ctx.args)
    done: list[str] = []
    if match.everything or match.themes:
        async with ctx.services.db.write() as session:
            subscriber = await subscribers.find(session, ctx.incoming.chat)
            current = await subscribers.themes_of(session, ctx.incoming.chat)
            if match.everything:
                if subscriber is not None:
                    await subscribers.remove_themes(session, subscriber, current)
                done.append(UNSUBSCRIBED_ALL)
            else:
                gone = [t for t in match.themes if t.slug in current or ALL_THEMES in current]
                absent = [t for t in match.themes if t not in gone]
                if subscriber is not None and gone:
                    await _remove(session, subscriber, current, [t.slug for t in gone], catalogue)
                if gone:
                    done.append(UNSUBSCRIBED.format(labels=_labels(gone)))
                if absent:
                    done.append(NOT_SUBSCRIBED.format(labels=_labels(absent)))
    return [Reply("\n".join(done + _problems(match)) or UNSUBSCRIBE_USAGE)]


async def _remove(
    session: AsyncSession,
    subscriber: Subscriber,
    current: set[str],
    slugs: list[str],
    catalogue: ThemeCatalogue,
) -> None:
    """Remove themes; leaving one theme out of 'tout' keeps every other theme, explicitly."""
    if ALL_THEMES in current:
        await subscribers.remove_themes(session, subscriber, [ALL_THEMES])
        await subscribers.add_themes(
            session, subscriber, [t.slug for t in catalogue if t.slug not in slugs]
        )
    else:
        await subscribers.remove_themes(session, subscriber, slugs)


async def show_subscriptions(ctx: Context) -> Sequence[Reply]:
    async with ctx.services.db.read() as session:
        current = await subscribers.themes_of(session, ctx.incoming.chat)
    if not current:
        return [Reply(NO_SUBSCRIPTION)]
    if ALL_THEMES in current:
        return [Reply(SUBSCRIPTIONS.format(lines=ALL_LINE))]
    lines = "\n".join(f"• {t.label}" for t in ctx.services.themes if t.slug in current)
    return [Reply(SUBSCRIPTIONS.format(lines=lines))]


def _theme_board(ctx: Context, current: set[str], edit: bool) -> Reply:
    catalogue = ctx.services.themes
    everything = ALL_THEMES in current
    rows = [
        (Button((CHECK if everything or t.slug in current else "") + t.label, TOGGLE + t.slug),)
        for t in catalogue
    ]
    rows.append((Button((CHECK if everything else "") + ALL_LABEL, TOGGLE + ALL_THEMES),))
    how = PRESS_A_THEME.get(ctx.incoming.chat.platform, PRESS_A_THEME[Platform.TELEGRAM])
    return Reply(THEMES_HEADER.format(how=how), buttons=tuple(rows), edit_origin=edit)


async def show_themes(ctx: Context) -> Sequence[Reply]:
    async with ctx.services.db.read() as session:
        current = await subscribers.themes_of(session, ctx.incoming.chat)
    return [_theme_board(ctx, current, edit=False)]


async def toggle_theme(ctx: Context) -> Sequence[Reply]:
    if not ctx.may_manage_chat:
        return [Reply(ADMINS_ONLY)]
    catalogue = ctx.services.themes
    slug = ctx.args
    if slug != ALL_THEMES and catalogue.get(slug) is None:
        return [Reply(UNKNOWN_THEME.format(word=slug[:60]) + SEE_THEMES)]
    incoming = ctx.incoming
    async with ctx.services.db.write() as session:
        current = await subscribers.themes_of(session, incoming.chat)
        subscriber = await subscribers.ensure(
            session, incoming.chat, incoming.user.user_id, incoming.display_name
        )
        if slug == ALL_THEMES:
            if ALL_THEMES in current:
                await subscribers.remove_themes(session, subscriber, current)
            else:
                await subscribers.add_themes(session, subscriber, [ALL_THEMES])
        elif slug in current or ALL_THEMES in current:
            await _remove(session, subscriber, current, [slug], catalogue)
        else:
            await subscribers.add_themes(session, subscriber, [slug])
        current = await subscribers.themes_of(session, incoming.chat)
    return [_theme_board(ctx, current, edit=True)]


async def ask_forget(ctx: Context) -> Sequence[Reply]:
    buttons = ((Button(FORGET_YES, FORGET + "yes"), Button(FORGET_NO, FORGET + "no")),)
    return [Reply(FORGET_QUESTION, buttons=buttons)]


async def forget(ctx: Context) -> Sequence[Reply]:
    if ctx.args != "yes":
        return [Reply(NOT_FORGOTTEN, edit_origin=True)]
    incoming = ctx.incoming
    chat_address = incoming.chat.address if ctx.may_manage_chat else None
    async with ctx.services.db.write() as session:
        await privacy.forget_user(session, incoming.user, chat_address)
    return [Reply(FORGOTTEN, edit_origin=True)]


FEATURE = Feature(
    commands=[
        Command("themes", "voir les thèmes et (dés)abonner ce chat d'un geste", show_themes),
        Command(
            "abonner",
            "abonner ce chat à des thèmes (ou « tout »)",
            subscribe,
            aliases=("subscribe",),
            usage="<thème…>",
        ),
        Command(
            "desabonner",
            "désabonner ce chat de thèmes (ou « tout »)",
            unsubscribe,
            aliases=("unsubscribe", "désabonner"),
            usage="<thème…|tout>",
        ),
        Command(
            "abonnements",
            "les thèmes auxquels ce chat est abonné",
            show_subscriptions,
            aliases=("subscriptions",),
        ),
        Command(
            "oublier", "effacer tout ce que relay sait de vous", ask_forget, aliases=("forget",)
        ),
    ],
    actions=[Action(TOGGLE, toggle_theme), Action(FORGET, forget)],
)
