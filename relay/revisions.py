"""Undoing a broadcast's mistakes: withdrawing it from every chat it reached (after a
confirmation), or correcting its text there.

Each withdrawal or correction is a revision of the announcement, delivered through the outbox
like its send (one row per chat the send reached, within the platforms' limits, retried,
never lost); the coordinator who asked for it hears how it went once every row is final.

Who may: a coordinator withdraws and corrects the broadcasts they wrote, and any coordinator
those the CLS relayed without one of them as author (partners' proposals, feed items,
`relay post`); the person at the server's console (`relay chat`), who could change the
database anyway, any of them.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from relay import audit
from relay.announcements import (
    PLATFORM_LABELS,
    AnnouncementViews,
    Draft,
    understand,
    without_tracking,
)
from relay.delivery.notices import Notices
from relay.french_dates import find_date
from relay.links import URL
from relay.messages import Button, ChatRef, Outgoing, Platform, Reply, UserRef
from relay.states import (
    AnnouncementSource,
    AnnouncementState,
    AuditAction,
    DeliveryOperation,
    DeliveryState,
)
from relay.store import announcements as announcement_store
from relay.store import revisions as store
from relay.store.db import Database
from relay.store.models import Announcement, utcnow
from relay.store.models_revisions import AnnouncementChange
from relay.themes import ThemeCatalogue
from relay.wording import count

WITHDRAW_ACTION, KEEP_ACTION = "withdraw:", "withdrawno:"
WITHDRAW_YES, WITHDRAW_NO = "Oui, la retirer", "Non"

UNKNOWN_TEXT = "Je ne trouve pas de diffusion n°{id}."
AUDIT_TEXT = "n°{id} « {title} », dans {chats}"
NO_LATEST_TEXT = {
    DeliveryOperation.DELETE: (
        "Vous n'avez aucune diffusion en place à retirer. "
        "Pour une autre, donnez son numéro : /retirer 12"
    ),
    DeliveryOperation.EDIT: (
        "Vous n'avez aucune diffusion en place à corriger. "
        "Pour une autre, donnez son numéro : /corriger 12 <texte corrigé>"
    ),
}
NOT_YOURS_TEXT = {
    DeliveryOperation.DELETE: (
        "La diffusion n°{id} a été envoyée par un autre coordinateur : seul son auteur peut la "
        "retirer."
    ),
    DeliveryOperation.EDIT: (
        "La diffusion n°{id} a été envoyée par un autre coordinateur : seul son auteur peut la "
        "corriger."
    ),
}
MEETING_TEXT = (
    "Le message n°{id} est une invitation ou un rappel de réunion : pour déplacer ou annuler "
    "la réunion, utilisez /reunion modifier ou /reunion annuler."
)
DRAFT_TEXT = (
    "La diffusion n°{id} n'est pas partie : ce n'est qu'un aperçu. Pour l'abandonner, "
    "choisissez « Annuler » sous l'aperçu ; pour en changer le texte, diffusez le texte corrigé."
)
PROPOSED_TEXT = (
    "La proposition n°{id} attend une décision : elle n'a pas été diffusée. "
    "Pour l'écarter : /refuser {id}"
)
NOT_SENT_TEXT = "La diffusion n°{id} n'a jamais été envoyée : il n'y a rien à {verb}."
WITHDRAWN_TEXT = "La diffusion n°{id} a déjà été retirée."
VERBS = {DeliveryOperation.DELETE: "retirer", DeliveryOperation.EDIT: "corriger"}

ASK_TEXT = "Retirer la diffusion n°{id} « {title} » {where} ?"
ASK_WHERE = {1: "du chat qui l'a reçue", 2: "des {n} chats qui l'ont reçue"}
ASK_WAITING = {
    1: " Le chat qui ne l'a pas encore reçue ne la recevra pas.",
    2: " Les {n} chats qui ne l'ont pas encore reçue ne la recevront pas.",
}
ASK_NOWHERE_TEXT = "Retirer la diffusion n°{id} « {title} » ? Elle n'a encore atteint aucun chat."
WITHDRAWING_TEXT = "C'est parti : je retire la diffusion n°{id} {where}. Je vous enverrai le bilan."
WITHDRAWN_NOWHERE_TEXT = (
    "Diffusion n°{id} retirée : elle n'avait atteint aucun chat, et rien ne partira plus."
)
KEPT_TEXT = "D'accord : la diffusion n°{id} reste en place."

CORRECT_USAGE = (
    "Écrivez le numéro de la diffusion puis le texte corrigé, par exemple :\n"
    "/corriger 12 Forum santé mentale des jeunes le 14/12 à Pornic\n"
    "Sans numéro, c'est votre dernière diffusion qui est corrigée. Une première ligne courte "
    "suivie d'une ligne vide remplace aussi le titre."
)
THEMES_FIXED_TEXT = (
    "Les thèmes d'une diffusion ne changent plus une fois envoyée : écrivez le texte corrigé "
    "sans #thème. Pour d'autres destinataires, retirez-la (/retirer {id}) puis diffusez-la "
    "de nouveau."
)
SAME_TEXT = "C'est déjà le texte de la diffusion n°{id} : rien à corriger."
LONGER_TEXT = (
    "Le texte corrigé ne tient pas dans les messages déjà envoyés : sur {platform}, il en "
    "faudrait {new} au lieu de {old}, et je ne peux pas ajouter de message à une diffusion "
    "déjà reçue. Raccourcissez-le (un lien peut porter le détail), ou retirez la diffusion "
    "(/retirer {id}) et diffusez le nouveau texte. Rien n'a été modifié."
)
CORRECTING_TEXT = (
    "Diffusion n°{id} corrigée : le nouveau texte (ci-dessus) remplace l'ancien {where}. "
    "Je vous enverrai le bilan."
)
CORRECT_WHERE = {1: "dans le chat qui l'a reçue", 2: "dans les {n} chats qui l'ont reçue"}
CORRECT_WAITING = {
    1: " Le chat qui ne l'a pas encore reçue recevra directement le texte corrigé.",
    2: " Les {n} chats qui ne l'ont pas encore reçue recevront directement le texte corrigé.",
}
CORRECTED_NOWHERE_TEXT = "Diffusion n°{id} corrigée (ci-dessus) : elle n'avait atteint aucun chat."

# The summary, once every chat's withdrawal or correction is done (or given up).
DONE_TEXT = {
    DeliveryOperation.DELETE: "Diffusion n°{id} « {title} » retirée {where}",
    DeliveryOperation.EDIT: "Diffusion n°{id} « {title} » corrigée {where}",
}
DONE_EVERYWHERE = {
    DeliveryOperation.DELETE: {
        1: "du chat qui l'avait reçue",
        2: "des {n} chats qui l'avaient reçue",
    },
    DeliveryOperation.EDIT: {
        1: "dans le chat qui l'avait reçue",
        2: "dans les {n} chats qui l'avaient reçue",
    },
}
DONE_SOMEWHERE = {
    DeliveryOperation.DELETE: {1: "d'un chat", 2: "de {n} chats"},
    DeliveryOperation.EDIT: {1: "dans un chat", 2: "dans {n} chats"},
}
KEPT = {
    DeliveryOperation.DELETE: {1: "{n} l'a gardée", 2: "{n} l'ont gardée"},
    DeliveryOperation.EDIT: {1: "{n} garde l'ancien texte", 2: "{n} gardent l'ancien texte"},
}
NOWHERE_TEXT = {
    DeliveryOperation.DELETE: "Diffusion n°{id} « {title} » : je n'ai pu la retirer d'aucun chat",
    DeliveryOperation.EDIT: "Diffusion n°{id} « {title} » : je n'ai pu la corriger dans aucun chat",
}
KEPT_ALL = {
    DeliveryOperation.DELETE: {
        1: "le chat qui l'avait reçue l'a gardée",
        2: "les {n} chats qui l'avaient reçue l'ont gardée",
    },
    DeliveryOperation.EDIT: {
        1: "le chat qui l'avait reçue garde l'ancien texte",
        2: "les {n} chats qui l'avaient reçue gardent l'ancien texte",
    },
}
NOTHING_THERE_TEXT = {
    DeliveryOperation.DELETE: (
        "Diffusion n°{id} « {title} » retirée : elle n'avait atteint aucun chat."
    ),
    DeliveryOperation.EDIT: (
        "Diffusion n°{id} « {title} » corrigée : elle n'avait atteint aucun chat."
    ),
}
TOO_LATE_REASONS = {
    DeliveryOperation.DELETE: {
        "telegram": "Telegram ne permet plus de retirer un message de plus de 48 h",
        "": "{platform} ne permet plus de retirer ce message",
    },
    DeliveryOperation.EDIT: {"": "{platform} ne permet plus de modifier ce message"},
}
FAILED_REASON_TEXT = "échec sur {platform}"
GONE_REASON = {1: "chat devenu injoignable", 2: "chats devenus injoignables"}


def _plural(forms: dict[int, str], n: int) -> str:
    return forms[1 if n == 1 else 2].format(n=n)


def short_title(announcement: Announcement) -> str:
    title = announcement.title or announcement.text.split("\n")[0]
    return title if len(title) <= 60 else title[:59] + "…"


@dataclass(frozen=True)
class Correction:
    """What a correction changes: the text, and what the text carried (title, link, date)."""

    title: str
    text: str
    link: str | None
    event_date: date | None

    @classmethod
    def of(cls, announcement: Announcement) -> "Correction":
        return cls(
            announcement.title, announcement.text, announcement.link, announcement.event_date
        )

    @classmethod
    def read(cls, announcement: Announcement, draft: Draft, today: date) -> "Correction":
        """A title line replaces the title (none keeps it); a link or a date the old text
        carried follows the new text, while one given apart (the Slack form, `relay post
        --link`) stays unless the new text gives another."""
        old = f"{announcement.title}\n\n{announcement.text}"
        link = draft.link if draft.link or URL.search(old) else announcement.link
        when = draft.event_date
        if when is None and find_date(old, today) is None:
            when = announcement.event_date
        return cls(draft.title or announcement.title, draft.text, link, when)

    def applied_to(self, announcement: Announcement) -> Announcement:
        announcement.title, announcement.text = self.title, self.text
        announcement.link, announcement.event_date = self.link, self.event_date
        return announcement

    def on_copy_of(self, announcement: Announcement) -> Announcement:
        copy = Announcement(
            kind=announcement.kind,
            text="",
            source=announcement.source,
            source_name=announcement.source_name,
            status=announcement.status,
        )
        return self.applied_to(copy)


class Revisions:
    """The service behind /retirer and /corriger."""

    def __init__(
        self,
        db: Database,
        catalogue: ThemeCatalogue,
        notices: Notices,
        views: AnnouncementViews,
    ) -> None:
        self.db = db
        self.catalogue = catalogue
        self.notices = notices
        self.views = views

    async def ask_withdrawal(self, user: UserRef, number: int | None) -> Reply:
        """The question before a withdrawal, with its buttons; or why there is none."""
        async with self.db.read() as session:
            found = await self._broadcast(session, user, number, DeliveryOperation.DELETE)
            if isinstance(found, str):
                return Reply(found)
            assert found.id is not None
            reach = await store.reach(session, found.id)
        title = short_title(found)
        if reach.total:
            where = _plural(ASK_WHERE, reach.total)
            text = ASK_TEXT.format(id=found.id, title=title, where=where)
            if reach.waiting:
                text += _plural(ASK_WAITING, reach.waiting)
        else:
            text = ASK_NOWHERE_TEXT.format(id=found.id, title=title)
        buttons = (
            (
                Button(WITHDRAW_YES, f"{WITHDRAW_ACTION}{found.id}"),
                Button(WITHDRAW_NO, f"{KEEP_ACTION}{found.id}"),
            ),
        )
        return Reply(text, buttons=buttons)

    async def withdraw(self, user: UserRef, number: int, origin: ChatRef) -> Reply:
        """« Oui, la retirer »: the withdrawal is queued for every chat the send reached, and
        what has not left yet never will."""
        change = _change(DeliveryOperation.DELETE, user, origin)
        async with self.db.write() as session:
            found = await self._broadcast(session, user, number, DeliveryOperation.DELETE)
            if isinstance(found, str):
                return Reply(found, edit_origin=True)
            assert found.id is not None
            found.withdrawn_at = utcnow()
            # Its send's summary, if not sent yet, is the withdrawal's now.
            found.summarised_at = found.summarised_at or found.withdrawn_at
            queued = await store.add_change(session, found, change)
            await store.cancel_unsent(session, found.id)
            detail = AUDIT_TEXT.format(
                id=found.id, title=short_title(found), chats=count(queued, "chat")
            )
            await audit.record(session, user, AuditAction.WITHDRAW, detail)
        self.notices.wake()
        if not queued:
            return Reply(WITHDRAWN_NOWHERE_TEXT.format(id=number), edit_origin=True)
        text = WITHDRAWING_TEXT.format(id=number, where=_plural(ASK_WHERE, queued))
        return Reply(text, edit_origin=True)

    @staticmethod
    def keep(number: int) -> Reply:
        return Reply(KEPT_TEXT.format(id=number), edit_origin=True)

    async def correct(
        self, user: UserRef, number: int | None, text: str, origin: ChatRef, today: date
    ) -> list[Outgoing]:
        """Replace a broadcast's text everywhere it went, or say why not (nothing changes)."""
        draft = understand(text, self.catalogue, today)
        if not draft.text:
            return [Reply(CORRECT_USAGE)]
        change = _change(DeliveryOperation.EDIT, user, origin)
        async with self.db.write() as session:
            found = await self._broadcast(session, user, number, DeliveryOperation.EDIT)
            if isinstance(found, str):
                return [Reply(found)]
            assert found.id is not None
            if draft.themes or draft.unknown_themes:
                return [Reply(THEMES_FIXED_TEXT.format(id=found.id))]
            correction = Correction.read(found, without_tracking(draft), today)
            if correction == Correction.of(found):
                return [Reply(SAME_TEXT.format(id=found.id))]
            themes = await announcement_store.themes_of(session, found.id)
            reach = await store.reach(session, found.id)
            refusal = self._longer(found, correction, themes, reach.reached)
            if refusal is not None:
                return [refusal]
            correction.applied_to(found)
            queued = await store.add_change(session, found, change)
            detail = AUDIT_TEXT.format(
                id=found.id, title=short_title(found), chats=count(queued, "chat")
            )
            await audit.record(session, user, AuditAction.CORRECT, detail)
            view = self.views.view(found, themes)
        self.notices.wake()
        return [view, Reply(_corrected_text(found.id, queued, reach.waiting))]

    def _longer(
        self,
        announcement: Announcement,
        correction: Correction,
        themes: list[str],
        reached: Counter[str],
    ) -> Reply | None:
        """The refusal of a correction that needs more messages than a chat shows on one of the
        platforms the send reached."""
        before = self.notices.parts(self.views.view(announcement, themes))
        after = self.notices.parts(self.views.view(correction.on_copy_of(announcement), themes))
        for platform in sorted(reached):
            if after.get(platform, 1) > before.get(platform, 1):
                return Reply(
                    LONGER_TEXT.format(
                        platform=PLATFORM_LABELS.get(platform, platform),
                        new=after[platform],
                        old=before.get(platform, 1),
                        id=announcement.id,
                    )
                )
        return None

    async def _broadcast(
        self,
        session: AsyncSession,
        user: UserRef,
        number: int | None,
        operation: DeliveryOperation,
    ) -> Announcement | str:
        """The broadcast `number` (the user's latest without one), or why it cannot be changed."""
        if number is None:
            latest = await store.latest_broadcast(session, str(user))
            return latest if latest is not None else NO_LATEST_TEXT[operation]
        announcement = await announcement_store.get(session, number)
        if announcement is None:
            return UNKNOWN_TEXT.format(id=number)
        return _refusal(announcement, user, operation) or announcement


def _refusal(announcement: Announcement, user: UserRef, operation: DeliveryOperation) -> str | None:
    number = announcement.id
    if announcement.source == AnnouncementSource.MEETING:
        return MEETING_TEXT.format(id=number)
    if not _may_change(announcement, user):
        return NOT_YOURS_TEXT[operation].format(id=number)
    if announcement.status == AnnouncementState.DRAFT:
        return DRAFT_TEXT.format(id=number)
    if announcement.status == AnnouncementState.PROPOSED:
        return PROPOSED_TEXT.format(id=number)
    if announcement.status != AnnouncementState.QUEUED:
        return NOT_SENT_TEXT.format(id=number, verb=VERBS[operation])
    if announcement.withdrawn_at is not None:
        return WITHDRAWN_TEXT.format(id=number)
    return None


def _may_change(announcement: Announcement, user: UserRef) -> bool:
    written_by_a_coordinator = (
        announcement.source == AnnouncementSource.COORDINATOR and announcement.author is not None
    )
    return (
        not written_by_a_coordinator
        or announcement.author == str(user)
        or user.platform is Platform.CONSOLE
    )


def _change(operation: DeliveryOperation, user: UserRef, origin: ChatRef) -> AnnouncementChange:
    return AnnouncementChange(
        announcement_id=0,
        revision=0,
        operation=operation,
        author=str(user),
        origin_platform=origin.platform.value,
        origin_address=origin.address,
    )


def _corrected_text(number: int | None, queued: int, waiting: int) -> str:
    if queued:
        text = CORRECTING_TEXT.format(id=number, where=_plural(CORRECT_WHERE, queued))
    else:
        text = CORRECTED_NOWHERE_TEXT.format(id=number)
    if waiting:
        text += _plural(CORRECT_WAITING, waiting)
    return text


def change_summary_notice(
    announcement: Announcement, change: AnnouncementChange, progress: dict[str, Counter[str]]
) -> tuple[ChatRef, Reply] | None:
    """What the coordinator who withdrew or corrected a broadcast hears once it is done in
    every chat, and where."""
    if not (change.origin_platform and change.origin_address):
        return None
    origin = ChatRef(Platform(change.origin_platform), change.origin_address)
    return origin, Reply(change_summary_text(announcement, change, progress))


def change_summary_text(
    announcement: Announcement, change: AnnouncementChange, progress: dict[str, Counter[str]]
) -> str:
    operation = DeliveryOperation(change.operation)
    reasons = _reasons(operation, progress)
    done = sum(counts[DeliveryState.SENT] for counts in progress.values())
    kept = sum(n for n, _ in reasons)
    fields = {"id": announcement.id, "title": short_title(announcement)}
    if not (done or kept):  # the sends it was waiting for failed after all
        return NOTHING_THERE_TEXT[operation].format(**fields)
    if not kept:
        where = _plural(DONE_EVERYWHERE[operation], done)
        return DONE_TEXT[operation].format(**fields, where=where) + "."
    why = reasons[0][1] if len(reasons) == 1 else " ; ".join(f"{n} : {r}" for n, r in reasons)
    if not done:
        lead, kept_text = NOWHERE_TEXT[operation], _plural(KEPT_ALL[operation], kept)
    else:
        lead = DONE_TEXT[operation].replace("{where}", _plural(DONE_SOMEWHERE[operation], done))
        kept_text = _plural(KEPT[operation], kept)
    return f"{lead.format(**fields)} ; {kept_text} ({why})."


def _reasons(
    operation: DeliveryOperation, progress: dict[str, Counter[str]]
) -> list[tuple[int, str]]:
    """Why chats kept the old message, with how many: the platforms' refusals, the most
    frequent first, then the chats that became unreachable."""
    reasons = []
    for platform, counts in sorted(progress.items()):
        label = PLATFORM_LABELS.get(platform, platform)
        if counts[DeliveryState.EXPIRED]:
            late = TOO_LATE_REASONS[operation]
            reason = late.get(platform, late[""]).format(platform=label)
            reasons.append((counts[DeliveryState.EXPIRED], reason))
        if counts[DeliveryState.FAILED]:
            reasons.append(
                (counts[DeliveryState.FAILED], FAILED_REASON_TEXT.format(platform=label))
            )
    reasons.sort(key=lambda reason: -reason[0])
    gone = sum(counts[DeliveryState.GONE] for counts in progress.values())
    if gone:
        reasons.append((gone, _plural(GONE_REASON, gone)))
    return reasons
