"""Themes and subscriptions: /themes, /abonner, /desabonner, /abonnements, /oublier."""

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from relay.commands.base import Action, Command, Context, Feature
from relay.commands.profiles import offer as offer_profile
from relay.messages import Button, Mention, Platform, Reply
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
SUBSCRIBED_TEXT = "C'est noté ! {Chat} recevra les informations du CLS sur : {labels}."
ALREADY_SUBSCRIBED_TEXT = "{Chat} était déjà abonné{e} à : {labels}."
UNSUBSCRIBED_TEXT = "Désabonnement effectué pour : {labels}."
NOT_SUBSCRIBED_TEXT = "{Chat} n'était pas abonné{e} à : {labels}."
UNSUBSCRIBED_ALL_TEXT = (
    "{Chat} est désabonné{e} de tous les thèmes : plus aucune information du CLS n'y arrivera."
)
UNKNOWN_THEME_TEXT = "Je ne connais pas le thème « {word} »."
SUGGESTIONS_TEXT = " Vouliez-vous dire : {suggestions} ?"
SEE_THEMES = " Tapez /themes pour voir la liste."
ADMINS_ONLY_TEXT = (
    "Seuls les administrateurs de {chat} (ou les coordinateurs du CLS) "
    "peuvent modifier ses abonnements."
)
INVITE_FIRST_TEXT = (
    "Je ne peux pas entrer seul dans {chat} : invitez-moi d'abord en y tapant {invitation}, "
    "puis recommencez. Sans cela, aucune information du CLS ne pourrait y arriver."
)
NO_SUBSCRIPTION_TEXT = "{Chat} n'est abonné{e} à aucun thème. Tapez /themes pour en choisir."
SUBSCRIPTIONS_TEXT = "{Chat} est abonné{e} à :\n{lines}\n\nTapez /themes pour modifier."
ALL_LABEL = "Tous les thèmes"
ALL_LINE = "• Tous les thèmes (y compris ceux ajoutés plus tard)"
THEMES_HEADER_TEXT = "Les thèmes du CLS. {how} pour abonner ou désabonner {chat} (✅ = abonné) :"
# How a button is pressed where the user reads: the console shows numbered choices.
PRESS_A_THEME = {
    Platform.TELEGRAM: "Touchez un thème",
    Platform.SLACK: "Cliquez sur un thème",
    Platform.CONSOLE: "Tapez le numéro d'un thème",
}
# What the whole chat is told when any member may change its subscriptions; {who} comes first.
TOLD_SUBSCRIBED_TEXT = (
    "{who} a abonné {chat} aux informations du CLS sur : {labels}. Pour annuler : {undo}"
)
TOLD_SUBSCRIBED_ALL_TEXT = "{who} a abonné {chat} à tous les thèmes du CLS. Pour annuler : {undo}"
TOLD_UNSUBSCRIBED_TEXT = "{who} a désabonné {chat} de : {labels}. Pour revenir en arrière : {undo}"
TOLD_UNSUBSCRIBED_ALL_TEXT = (
    "{who} a désabonné {chat} de tous les thèmes : plus aucune information du CLS n'y "
    "arrivera. Pour revenir en arrière : {undo}"
)
UNDO_SUBSCRIBE_TEXT = "/desabonner {words}"
UNDO_UNSUBSCRIBE_TEXT = "/abonner {words}"
UNDO_ALL = "/desabonner tout"
UNDO_ALL_BACK_TO_TEXT = "/desabonner tout, puis /abonner {words}"
FORGET_QUESTION = (
    "Voulez-vous vraiment effacer tout ce que relay sait de vous "
    "(abonnements, profil, nom affiché) ? C'est définitif."
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


def _say(ctx: Context, template: str, **values: str) -> str:
    """A text naming this chat in its platform's terms ({chat}, {Chat}, {e})."""
    return template.format(**ctx.chat_name.words(), **values)


def _problems(match: ThemeMatch) -> list[str]:
    lines = []
    for word, suggestions in match.unknown:
        line = UNKNOWN_THEME_TEXT.format(word=word[:60])
        if suggestions:
            line += SUGGESTIONS_TEXT.format(suggestions=", ".join(t.label for t in suggestions))
        else:
            line += SEE_THEMES
        lines.append(line)
    return lines


async def _not_admitted(ctx: Context) -> list[Reply]:
    """Before a shared chat gets themes: the bot must be in it, or deliveries could not go."""
    if ctx.in_private_chat:
        return []
    admission = await ctx.services.admissions.admit(ctx.incoming.chat)
    if admission.admitted:
        return []
    return [Reply(_say(ctx, INVITE_FIRST_TEXT, invitation=admission.invitation))]


def _words(catalogue: ThemeCatalogue, slugs: set[str]) -> str:
    """Themes as a user would type them in a command."""
    if ALL_THEMES in slugs:
        return ALL_THEMES
    return ", ".join(_typed(catalogue, t) for t in catalogue if t.slug in slugs)


def _typed(catalogue: ThemeCatalogue, theme: Theme) -> str:
    """A theme's label as typed, if it reads back as that theme alone; else its slug."""
    word = theme.label.lower()
    match = catalogue.parse(word)
    exact = match.themes == (theme,) and not match.unknown and not match.everything
    return word if exact else theme.slug


def _told(ctx: Context, template: str, **values: str) -> list[Reply]:
    """The whole chat told who changed its subscriptions, where any member may change them."""
    if not ctx.tells_chat_of_changes:
        return []
    incoming = ctx.incoming
    who = incoming.display_name.strip() or incoming.user.user_id
    text = _say(ctx, template, who=who, **values)
    return [Reply(text, mention=Mention(incoming.user, who), to_everyone=True)]


def _told_added(ctx: Context, added: set[str], before: set[str]) -> list[Reply]:
    if not added or ALL_THEMES in before:
        return []
    catalogue = ctx.services.themes
    if ALL_THEMES in added:
        kept = _words(catalogue, before)
        undo = UNDO_ALL_BACK_TO_TEXT.format(words=kept) if kept else UNDO_ALL
        return _told(ctx, TOLD_SUBSCRIBED_ALL_TEXT, undo=undo)
    labels = _labels([t for t in catalogue if t.slug in added])
    undo = UNDO_SUBSCRIBE_TEXT.format(words=_words(catalogue, added))
    return _told(ctx, TOLD_SUBSCRIBED_TEXT, labels=labels, undo=undo)


def _told_removed(ctx: Context, removed: set[str], before: set[str]) -> list[Reply]:
    if not removed:
        return []
    catalogue = ctx.services.themes
    if ALL_THEMES in removed:
        undo = UNDO_UNSUBSCRIBE_TEXT.format(words=_words(catalogue, before))
        return _told(ctx, TOLD_UNSUBSCRIBED_ALL_TEXT, undo=undo)
    labels = _labels([t for t in catalogue if t.slug in removed])
    undo = UNDO_UNSUBSCRIBE_TEXT.format(words=_words(catalogue, removed))
    return _told(ctx, TOLD_UNSUBSCRIBED_TEXT, labels=labels, undo=undo)


async def subscribe(ctx: Context) -> Sequence[Reply]:
    if not ctx.args:
        return [Reply(SUBSCRIBE_USAGE)]
    if not ctx.may_manage_chat:
        return [Reply(_say(ctx, ADMINS_ONLY_TEXT))]
    match = ctx.services.themes.parse(ctx.args)
    done: list[str] = []
    told: list[Reply] = []
    wanted = [ALL_THEMES] if match.everything else [t.slug for t in match.themes]
    if wanted:
        refused = await _not_admitted(ctx)
        if refused:
            return refused
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
            done.append(_say(ctx, SUBSCRIBED_TEXT, labels=ALL_LABEL))
        elif new:
            done.append(_say(ctx, SUBSCRIBED_TEXT, labels=_labels(new)))
        if old and not match.everything:
            done.append(_say(ctx, ALREADY_SUBSCRIBED_TEXT, labels=_labels(old)))
        told = _told_added(ctx, set(wanted) - current, current)
        if set(wanted) - current:
            told += await offer_profile(ctx)
    return [Reply("\n".join(done + _problems(match)) or SUBSCRIBE_USAGE), *told]


async def unsubscribe(ctx: Context) -> Sequence[Reply]:
    if not ctx.args:
        return [Reply(UNSUBSCRIBE_USAGE)]
    if not ctx.may_manage_chat:
        return [Reply(_say(ctx, ADMINS_ONLY_TEXT))]
    catalogue = ctx.services.themes
    match = catalogue.parse(ctx.args)
    done: list[str] = []
    told: list[Reply] = []
    if match.everything or match.themes:
        async with ctx.services.db.write() as session:
            subscriber = await subscribers.find(session, ctx.incoming.chat)
            current = await subscribers.themes_of(session, ctx.incoming.chat)
            if match.everything:
                if subscriber is not None:
                    await subscribers.remove_themes(session, subscriber, current)
                done.append(_say(ctx, UNSUBSCRIBED_ALL_TEXT))
                told = _told_removed(ctx, {ALL_THEMES} if current else set(), current)
            else:
                gone = [t for t in match.themes if t.slug in current or ALL_THEMES in current]
                absent = [t for t in match.themes if t not in gone]
                if subscriber is not None and gone:
                    await _remove(session, subscriber, current, [t.slug for t in gone], catalogue)
                if gone:
                    done.append(UNSUBSCRIBED_TEXT.format(labels=_labels(gone)))
                if absent:
                    done.append(_say(ctx, NOT_SUBSCRIBED_TEXT, labels=_labels(absent)))
                told = _told_removed(ctx, {t.slug for t in gone}, current)
    return [Reply("\n".join(done + _problems(match)) or UNSUBSCRIBE_USAGE), *told]


async def _remove(
    session: AsyncSession,
    subscriber: Subscriber,
    current: set[str],
    slugs: list[str],
    catalogue: ThemeCatalogue,
) -> None:
    """Remove themes; leaving one theme out of 'tout' keeps every other theme, explicitly (added
    before 'tout' goes, so that the chat never stops being subscribed)."""
    if ALL_THEMES in current:
        await subscribers.add_themes(
            session, subscriber, [t.slug for t in catalogue if t.slug not in slugs]
        )
        await subscribers.remove_themes(session, subscriber, [ALL_THEMES])
    else:
        await subscribers.remove_themes(session, subscriber, slugs)


async def show_subscriptions(ctx: Context) -> Sequence[Reply]:
    async with ctx.services.db.read() as session:
        current = await subscribers.themes_of(session, ctx.incoming.chat)
    if not current:
        return [Reply(_say(ctx, NO_SUBSCRIPTION_TEXT))]
    if ALL_THEMES in current:
        return [Reply(_say(ctx, SUBSCRIPTIONS_TEXT, lines=ALL_LINE))]
    lines = "\n".join(f"• {t.label}" for t in ctx.services.themes if t.slug in current)
    return [Reply(_say(ctx, SUBSCRIPTIONS_TEXT, lines=lines))]


def _theme_board(ctx: Context, current: set[str], edit: bool) -> Reply:
    everything = ALL_THEMES in current
    rows = [
        (Button((CHECK if everything or t.slug in current else "") + t.label, TOGGLE + t.slug),)
        for t in ctx.services.themes
    ]
    rows.append((Button((CHECK if everything else "") + ALL_LABEL, TOGGLE + ALL_THEMES),))
    how = PRESS_A_THEME.get(ctx.incoming.chat.platform, PRESS_A_THEME[Platform.TELEGRAM])
    return Reply(_say(ctx, THEMES_HEADER_TEXT, how=how), buttons=tuple(rows), edit_origin=edit)


async def show_themes(ctx: Context) -> Sequence[Reply]:
    async with ctx.services.db.read() as session:
        current = await subscribers.themes_of(session, ctx.incoming.chat)
    return [_theme_board(ctx, current, edit=False)]


async def toggle_theme(ctx: Context) -> Sequence[Reply]:
    if not ctx.may_manage_chat:
        return [Reply(_say(ctx, ADMINS_ONLY_TEXT))]
    catalogue = ctx.services.themes
    slug = ctx.args
    if slug != ALL_THEMES and catalogue.get(slug) is None:
        return [Reply(UNKNOWN_THEME_TEXT.format(word=slug[:60]) + SEE_THEMES)]
    incoming = ctx.incoming
    async with ctx.services.db.read() as session:
        before = await subscribers.themes_of(session, incoming.chat)
    adding = slug not in before and ALL_THEMES not in before
    if adding and (refused := await _not_admitted(ctx)):
        return refused
    async with ctx.services.db.write() as session:
        current = await subscribers.themes_of(session, incoming.chat)
        subscriber = await subscribers.ensure(
            session, incoming.chat, incoming.user.user_id, incoming.display_name
        )
        if slug == ALL_THEMES and ALL_THEMES in current:
            await subscribers.remove_themes(session, subscriber, current)
        elif slug == ALL_THEMES:
            await subscribers.add_themes(session, subscriber, [ALL_THEMES])
        elif slug in current or ALL_THEMES in current:
            await _remove(session, subscriber, current, [slug], catalogue)
        else:
            await subscribers.add_themes(session, subscriber, [slug])
        after = await subscribers.themes_of(session, incoming.chat)
    told = _told_toggled(ctx, slug, current, after)
    if adding:
        told += await offer_profile(ctx)
    return [_theme_board(ctx, after, edit=True), *told]


def _told_toggled(ctx: Context, slug: str, before: set[str], after: set[str]) -> list[Reply]:
    if slug == ALL_THEMES:
        if ALL_THEMES in before:
            return _told_removed(ctx, {ALL_THEMES}, before)
        return _told_added(ctx, {ALL_THEMES} - before, before)
    if slug in after or ALL_THEMES in after:
        return _told_added(ctx, {slug} - before, before)
    return _told_removed(ctx, {slug}, before)


async def ask_forget(ctx: Context) -> Sequence[Reply]:
    buttons = ((Button(FORGET_YES, FORGET + "yes"), Button(FORGET_NO, FORGET + "no")),)
    return [Reply(FORGET_QUESTION, buttons=buttons)]


async def forget(ctx: Context) -> Sequence[Reply]:
    if ctx.args != "yes":
        return [Reply(NOT_FORGOTTEN, edit_origin=True)]
    incoming = ctx.incoming
    # Only who administers a shared chat forgets it with themselves; a member who may change
    # its subscriptions does so in the open (/desabonner), not by forgetting.
    chat_address = incoming.chat.address if ctx.administers_chat else None
    async with ctx.services.db.write() as session:
        await privacy.forget_user(session, incoming.user, chat_address)
    return [Reply(FORGOTTEN, edit_origin=True)]


FEATURE = Feature(
    commands=[
        Command("themes", "voir les thèmes et s'y (dés)abonner d'un geste", show_themes),
        Command(
            "abonner",
            "recevoir ici les informations de thèmes choisis (ou « tout »)",
            subscribe,
            aliases=("subscribe",),
            usage="<thème…>",
        ),
        Command(
            "desabonner",
            "ne plus recevoir ici certains thèmes (ou « tout »)",
            unsubscribe,
            aliases=("unsubscribe", "désabonner"),
            usage="<thème…|tout>",
        ),
        Command(
            "abonnements",
            "les thèmes reçus ici",
            show_subscriptions,
            aliases=("subscriptions",),
        ),
        Command(
            "oublier", "effacer tout ce que relay sait de vous", ask_forget, aliases=("forget",)
        ),
    ],
    actions=[Action(TOGGLE, toggle_theme), Action(FORGET, forget)],
)
