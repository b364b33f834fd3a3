"""Announcements as the core sees them: composing, previewing, moderating, queueing, summarising."""

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, tzinfo

from sqlalchemy.ext.asyncio import AsyncSession

from relay import audit, proposals
from relay.attachments import ATTACHED_TEXT, describe
from relay.delivery.notices import Notices
from relay.french_dates import as_utc, clock_time, find_date, long_datetime, mentions_date
from relay.links import URL, clean_link, clean_links
from relay.messages import (
    AnnouncementKind,
    AnnouncementView,
    Attachment,
    Button,
    ChatKind,
    ChatRef,
    Platform,
    Reply,
    UserRef,
)
from relay.proposals import PARTNER, Proposal
from relay.settings import Settings
from relay.states import AnnouncementSource, AnnouncementState, AuditAction, DeliveryState
from relay.store import announcements as store
from relay.store import attachments as attachment_store
from relay.store import notices as notice_store
from relay.store import outbox
from relay.store.db import Database
from relay.store.models import Announcement
from relay.textnorm import fold
from relay.themes import ALL_THEMES, ThemeCatalogue
from relay.wording import count

PLATFORM_LABELS = {"telegram": "Telegram", "slack": "Slack", "console": "console"}
ALL_THEMES_LABEL = "tous les thèmes"
PREVIEW_TEXT = "Aperçu de la diffusion n°{id}, telle que les partenaires la recevront ci-dessus."
RECIPIENTS_TEXT = "Destinataires : {chats} ({detail})."
NO_RECIPIENT_TEXT = (
    "Aucun chat n'est abonné à ces thèmes pour l'instant : personne ne la recevrait."
)
IN_PARTS_TEXT = "Sur {platform}, le texte est long : il partira en {parts} messages, dans l'ordre."
SEND, CANCEL, LATER = "Envoyer", "Annuler", "Envoyer plus tard"
WHEN_TEXT = (
    "Quand faut-il envoyer la diffusion n°{id} ? Choisissez ci-dessous, ou tapez par exemple :\n"
    "/programmer {id} lundi 9h"
)
SCHEDULED_TEXT = (
    "C'est programmé : la diffusion n°{id} partira le {when} vers {chats}. "
    "Tapez /programmees pour la voir ou l'annuler."
)
PAST_TIME_TEXT = "Ce moment est déjà passé : choisissez une date et une heure à venir."
TOO_FAR_TEXT = "C'est dans plus d'un an : vérifiez la date."
NONE_SCHEDULED_TEXT = "Aucune diffusion n'attend son heure."
SCHEDULED_HEADER_TEXT = "{count} :"
SCHEDULED_ITEM_TEXT = "n°{id} — {when} — {title}"
UNSCHEDULE = "Annuler l'envoi"
UNSCHEDULED_TEXT = "L'envoi programmé de la diffusion n°{id} est annulé : rien n'a été envoyé."
NOT_SCHEDULED_TEXT = "La diffusion n°{id} n'attend plus son heure (déjà partie ou annulée)."
MAX_AHEAD = timedelta(days=366)
RECIPIENTS_AUDIT_TEXT = "{title}, vers {chats}"
SCHEDULED_AUDIT_TEXT = "{title}, programmée le {when}"
QUEUED_TEXT = "C'est parti : la diffusion n°{id} part vers {chats}. Je vous enverrai le bilan."
QUEUED_NOBODY_TEXT = "Diffusion n°{id} enregistrée, mais aucun chat n'est abonné à ces thèmes."
CANCELLED_TEXT = "Diffusion n°{id} annulée : rien n'a été envoyé."
NOT_A_DRAFT_TEXT = "La diffusion n°{id} n'est plus en attente d'envoi."
SUMMARY_TEXT = "Bilan de la diffusion n°{id} « {title} » : {sent} remis, {failed} en échec, {gone}."
SUMMARY_LINE_TEXT = "• {platform} : {sent} remis, {failed} en échec, {gone}"
PROPOSED_TEXT = (
    "Merci ! Votre proposition n°{id} a été transmise aux coordinateurs du CLS. "
    "Je vous dirai si elle est relayée."
)
TO_COORDINATORS_TEXT = "Proposition n°{id} d'un partenaire ({who}) :"
PROPOSAL_BODY_TEXT = "{text}\n\nThèmes : {themes}"
PENDING_LEAD_TEXT = "Proposition n°{id} ({source}, le {day}) :"
PENDING_SHOWN = 10
NO_PENDING_TEXT = "Aucune proposition n'attend de décision."
PENDING_HEADER_TEXT = "{count} en attente de décision, la plus ancienne d'abord."
PENDING_MORE_TEXT = "Voici les {shown} premières ; décidez-en pour voir les suivantes."
MODERATION_HELP_TEXT = "Valider : /valider {id} #thème…   Refuser : /refuser {id} motif"
NO_THEME_FOUND_TEXT = "aucun détecté (précisez-les avec /valider {id} #thème)"
APPROVE, REJECT = "Valider", "Refuser"
APPROVED_TEXT = "Proposition n°{id} validée : elle part vers {chats}."
REJECTED_TEXT = "Proposition n°{id} refusée. Le partenaire en est informé."
APPROVED_FOR_PARTNER_TEXT = (
    "Bonne nouvelle : votre proposition n°{id} a été validée et relayée par le CLS. Merci !"
)
REJECTED_FOR_PARTNER_TEXT = (
    "Votre proposition n°{id} n'a pas été retenue par les coordinateurs du CLS."
)
REASON_TEXT = " Motif : {reason}"
NOT_PENDING_TEXT = "Je ne trouve pas de proposition n°{id} en attente de décision."
NEEDS_THEMES_TEXT = "Précisez au moins un thème pour la proposition n°{id} : /valider {id} #thème"
DATE_LABELS = {
    AnnouncementKind.CALL_FOR_PROJECTS: "Date limite : {date}",
    AnnouncementKind.EVENT: "Date : {date}",
    AnnouncementKind.INFORMATION: "Date : {date}",
}
SOURCE_LABELS: dict[str, str] = {
    AnnouncementSource.PROPOSAL: "Proposé par un partenaire du CLS",
    AnnouncementSource.FEED: "Source : {name}",
}

SEND_ACTION, CANCEL_ACTION = "send:", "cancel:"
LATER_ACTION, AT_ACTION, UNSCHEDULE_ACTION = "later:", "at:", "unsched:"
APPROVE_ACTION, REJECT_ACTION = "approve:", "reject:"

_LEADING_TAGS = re.compile(r"\s*(?:#\S+\s*)+")
MAX_TITLE_CHARS = 120
_CALL_WORDS = ("appel a projet", "appel a candidature", "appel a manifestation", "aap ", "ami ")
_EVENT_WORDS = ("forum", "journee", "conference", "atelier", "webinaire", "reunion", "colloque")


@dataclass(frozen=True)
class Draft:
    """What a coordinator or partner wrote, understood."""

    text: str
    themes: tuple[str, ...]
    unknown_themes: tuple[str, ...]
    kind: AnnouncementKind
    title: str
    link: str | None
    event_date: date | None
    attachment: Attachment | None = None  # a poster or a form, checked (relay.attachments)


def understand(
    text: str, catalogue: ThemeCatalogue, today: date, leading_tags_only: bool = True
) -> Draft:
    """Read `#theme #theme message…`: themes from the leading hashtags, then title, kind, link,
    date. The message keeps its paragraphs, line breaks and lists as typed."""
    leading = _LEADING_TAGS.match(text)
    tags = leading.group(0).split() if leading else []
    body = text[leading.end() :] if leading and leading_tags_only else text
    themes: list[str] = []
    unknown: list[str] = []
    for tag in tags:
        match = catalogue.parse(tag)
        if match.everything:
            themes.append(ALL_THEMES)
        themes.extend(t.slug for t in match.themes)
        unknown.extend(word for word, _ in match.unknown)
    link_match = URL.search(body)
    title, rest = split_title(body)
    return Draft(
        text=rest.strip(),
        themes=tuple(dict.fromkeys(themes)),
        unknown_themes=tuple(unknown),
        kind=guess_kind(body),
        title=title.strip()[:300],
        link=link_match.group(0) if link_match else None,
        event_date=find_date(body, today),
    )


def without_tracking(draft: Draft) -> Draft:
    """The draft with its links, in the text too, cleaned of tracking parameters."""
    return replace(
        draft,
        title=clean_links(draft.title),
        text=clean_links(draft.text),
        link=clean_link(draft.link) if draft.link else None,
    )


def split_title(text: str) -> tuple[str, str]:
    """A short first line followed by a blank line is the title; otherwise there is none."""
    first, blank, rest = text.strip().partition("\n\n")
    if blank and rest.strip() and "\n" not in first and len(first) <= MAX_TITLE_CHARS:
        return first.strip(), rest.strip()
    return "", text.strip()


def guess_kind(text: str) -> AnnouncementKind:
    folded = fold(text) + " "
    if any(word in folded for word in _CALL_WORDS):
        return AnnouncementKind.CALL_FOR_PROJECTS
    if any(word in folded for word in _EVENT_WORDS) or mentions_date(text):
        return AnnouncementKind.EVENT
    return AnnouncementKind.INFORMATION


def themes_in_text(text: str, catalogue: ThemeCatalogue) -> tuple[str, ...]:
    """Themes a free text talks about, through the catalogue's names and aliases."""
    folded = f" {' '.join(fold(text).split())} "
    found = []
    for theme in catalogue:
        names = (theme.label, theme.slug.replace("-", " "), *theme.aliases)
        if any(f" {' '.join(fold(name).split())} " in folded for name in names):
            found.append(theme.slug)
    return tuple(found)


def recipients_line(counts: Counter[str]) -> str:
    total = sum(counts.values())
    if not total:
        return NO_RECIPIENT_TEXT
    detail = ", ".join(f"{PLATFORM_LABELS.get(p, p)} : {n}" for p, n in sorted(counts.items()))
    return RECIPIENTS_TEXT.format(chats=count(total, "chat"), detail=detail)


def theme_labels(themes: Sequence[str], catalogue: ThemeCatalogue) -> tuple[str, ...]:
    """Labels in catalogue order, whatever order the themes were given in."""
    if ALL_THEMES in themes:
        return (ALL_THEMES_LABEL,)
    order = {theme.slug: n for n, theme in enumerate(catalogue)}
    ordered = sorted(themes, key=lambda slug: order.get(slug, len(order)))
    return tuple(catalogue.label(t) for t in ordered)


class AnnouncementViews:
    """Announcements as partners read them: the delivery engine's view source, and previews."""

    def __init__(self, db: Database, catalogue: ThemeCatalogue) -> None:
        self._db = db
        self._catalogue = catalogue

    def view(
        self,
        announcement: Announcement,
        themes: Sequence[str],
        attachment: Attachment | None = None,
    ) -> AnnouncementView:
        kind = AnnouncementKind(announcement.kind)
        date_label = None
        if announcement.event_date:
            shown = announcement.event_date.strftime("%d/%m/%Y")
            date_label = DATE_LABELS[kind].format(date=shown)
        source_label = SOURCE_LABELS.get(announcement.source)
        if source_label:
            source_label = source_label.format(name=announcement.source_name or "flux")
        return AnnouncementView(
            kind=kind,
            text=announcement.text,
            title=announcement.title,
            link=announcement.link,
            date_label=date_label,
            theme_labels=theme_labels(themes, self._catalogue),
            source_label=source_label,
            attachment=attachment,
        )

    async def __call__(self, ids: Sequence[int]) -> dict[int, AnnouncementView]:
        async with self._db.read() as session:
            found = await store.get_many(session, ids)
            files = await attachment_store.get_many(
                session, (a.attachment_id for a in found.values())
            )
            return {
                i: self.view(a, await store.themes_of(session, i), files.get(a.attachment_id or 0))
                for i, a in found.items()
            }


class Announcements:
    """The announcement service: drafts, previews, moderation, queueing."""

    def __init__(
        self,
        db: Database,
        catalogue: ThemeCatalogue,
        settings: Settings,
        notices: Notices,
        views: AnnouncementViews,
    ) -> None:
        self.db = db
        self.catalogue = catalogue
        self.settings = settings
        self.notices = notices
        self.views = views

    async def create(
        self,
        draft: Draft,
        source: str,
        status: str,
        author: UserRef | None,
        origin: ChatRef | None,
        source_name: str | None = None,
        send_at: datetime | None = None,
    ) -> tuple[int, Counter[str]]:
        """Store a new announcement; returns its number and its recipients per platform. A
        queued one with `send_at` waits for that moment (UTC) instead."""
        draft = without_tracking(draft)
        announcement = _new_announcement(draft, source, status, author, origin, source_name)
        async with self.db.write() as session:
            announcement.attachment_id = await _stored_file(session, draft)
            announcement_id = await store.add(session, announcement, draft.themes)
            if status == AnnouncementState.QUEUED and send_at is not None:
                await store.schedule(session, announcement, as_utc(send_at))
            elif status == AnnouncementState.QUEUED:
                await store.queue(session, announcement)
            counts = await outbox.count_recipients(session, draft.themes)
            if source == AnnouncementSource.COORDINATOR and status == AnnouncementState.QUEUED:
                await _audit_broadcast(session, author, announcement, sum(counts.values()))
        if status == AnnouncementState.QUEUED and send_at is None:
            self._wake()
        return announcement_id, counts

    async def preview(self, announcement_id: int) -> list[AnnouncementView | Reply]:
        async with self.db.read() as session:
            announcement = await store.get(session, announcement_id)
            assert announcement is not None
            themes = await store.themes_of(session, announcement_id)
            counts = await outbox.count_recipients(session, themes)
            attachment = await attachment_store.get(session, announcement.attachment_id)
        buttons = (
            (
                Button(SEND, f"{SEND_ACTION}{announcement_id}"),
                Button(LATER, f"{LATER_ACTION}{announcement_id}"),
                Button(CANCEL, f"{CANCEL_ACTION}{announcement_id}"),
            ),
        )
        view = self.views.view(announcement, themes, attachment)
        text = PREVIEW_TEXT.format(id=announcement_id) + "\n" + recipients_line(counts)
        if attachment is not None:
            text += "\n" + ATTACHED_TEXT.format(file=describe(attachment))
        parts = self.notices.parts(replace(view, attachment=None))  # the text's messages
        for platform in sorted(counts):
            if counts[platform] and parts.get(platform, 1) > 1:
                label = PLATFORM_LABELS.get(platform, platform)
                text += "\n" + IN_PARTS_TEXT.format(platform=label, parts=parts[platform])
        return [view, Reply(text, buttons=buttons)]

    async def send_draft(self, announcement_id: int, by: UserRef | None) -> Reply:
        async with self.db.write() as session:
            announcement = await store.get(session, announcement_id)
            if announcement is None or announcement.status != AnnouncementState.DRAFT:
                return Reply(NOT_A_DRAFT_TEXT.format(id=announcement_id), edit_origin=True)
            total = await store.queue(session, announcement)
            await _audit_broadcast(session, by, announcement, total)
        self._wake()
        template = QUEUED_TEXT if total else QUEUED_NOBODY_TEXT
        text = template.format(id=announcement_id, chats=count(total, "chat"))
        return Reply(text, edit_origin=True)

    def when_to_send(self, announcement_id: int, now: datetime) -> Reply:
        """« Envoyer plus tard »: a few moments to choose from, or a typed one."""
        slots = [
            Button(label, f"{AT_ACTION}{announcement_id}:{int(moment.timestamp()) // 60}")
            for label, moment in send_slots(now, self.settings.zone)
        ]
        return Reply(WHEN_TEXT.format(id=announcement_id), buttons=(tuple(slots),))

    async def schedule_draft(
        self, announcement_id: int, send_at: datetime, now: datetime, by: UserRef | None
    ) -> Reply:
        """Hold a coordinator's draft until `send_at`; it leaves within a minute of that time."""
        problem = _check_send_time(send_at, now)
        if problem:
            return Reply(problem)
        async with self.db.write() as session:
            announcement = await store.get(session, announcement_id)
            if announcement is None or announcement.status != AnnouncementState.DRAFT:
                return Reply(NOT_A_DRAFT_TEXT.format(id=announcement_id), edit_origin=True)
            await store.schedule(session, announcement, as_utc(send_at))
            themes = await store.themes_of(session, announcement_id)
            total = sum((await outbox.count_recipients(session, themes)).values())
            when = long_datetime(send_at, self.settings.zone)
            detail = SCHEDULED_AUDIT_TEXT.format(title=_audit_title(announcement), when=when)
            await audit.record(session, by, AuditAction.BROADCAST, detail)
        text = SCHEDULED_TEXT.format(id=announcement_id, when=when, chats=count(total, "chat"))
        return Reply(text, edit_origin=True)

    async def send_scheduled(self, now: datetime) -> list[int]:
        """Queue the scheduled announcements whose time has come (each once, whichever process
        runs this); returns their numbers."""
        async with self.db.write() as session:
            due = list(await store.due_scheduled(session, now))
            for announcement in due:
                await store.queue(session, announcement)
        if due:
            self._wake()
        return [a.id for a in due if a.id is not None]

    async def scheduled(self) -> list[Reply]:
        """/programmees: what waits for its time, each with a button to cancel it."""
        async with self.db.read() as session:
            waiting = list(await store.scheduled(session))
        if not waiting:
            return [Reply(NONE_SCHEDULED_TEXT)]
        scheduled = count(len(waiting), "diffusion programmée", "diffusions programmées")
        replies = [Reply(SCHEDULED_HEADER_TEXT.format(count=scheduled))]
        for announcement in waiting:
            assert announcement.id is not None and announcement.send_at is not None
            item = SCHEDULED_ITEM_TEXT.format(
                id=announcement.id,
                when=long_datetime(announcement.send_at, self.settings.zone),
                title=short_title(announcement),
            )
            button = Button(UNSCHEDULE, f"{UNSCHEDULE_ACTION}{announcement.id}")
            replies.append(Reply(item, buttons=((button,),)))
        return replies

    async def unschedule(self, announcement_id: int) -> Reply:
        async with self.db.write() as session:
            announcement = await store.get(session, announcement_id)
            if announcement is None or announcement.status != AnnouncementState.SCHEDULED:
                return Reply(NOT_SCHEDULED_TEXT.format(id=announcement_id), edit_origin=True)
            announcement.status = AnnouncementState.CANCELLED
        return Reply(UNSCHEDULED_TEXT.format(id=announcement_id), edit_origin=True)

    async def cancel_draft(self, announcement_id: int) -> Reply:
        async with self.db.write() as session:
            announcement = await store.get(session, announcement_id)
            if announcement is None or announcement.status != AnnouncementState.DRAFT:
                return Reply(NOT_A_DRAFT_TEXT.format(id=announcement_id), edit_origin=True)
            announcement.status = AnnouncementState.CANCELLED
        return Reply(CANCELLED_TEXT.format(id=announcement_id), edit_origin=True)

    async def propose(
        self, draft: Draft, author: UserRef | None, origin: ChatRef | None, who: str
    ) -> Reply:
        """A partner's proposal (or a visitor's correction, from the site: no author, nobody to
        tell the outcome), to the coordinators with their buttons."""
        suggested = draft.themes or themes_in_text(draft.text, self.catalogue)
        draft = without_tracking(Draft(**{**draft.__dict__, "themes": suggested}))
        announcement = _new_announcement(
            draft, AnnouncementSource.PROPOSAL, AnnouncementState.PROPOSED, author, origin
        )
        async with self.db.write() as session:  # the proposal and its requests, or neither
            announcement.attachment_id = await _stored_file(session, draft)
            announcement_id = await store.add(session, announcement, draft.themes)
            for chat, request in self._moderation_requests(announcement_id, draft, who):
                key = store.moderation_key(announcement_id, f"{chat.platform}:{chat.address}")
                await notice_store.queue(session, chat, request, key)
        self._wake()
        return Reply(PROPOSED_TEXT.format(id=announcement_id))

    def _moderation_requests(
        self, announcement_id: int, draft: Draft, who: str
    ) -> list[tuple[ChatRef, Reply]]:
        """What each coordinator receives about a partner's proposal."""
        lead = TO_COORDINATORS_TEXT.format(id=announcement_id, who=who)
        request = self._request(announcement_id, lead, draft.text, draft.themes, draft.attachment)
        return [
            (ChatRef(coordinator.platform, coordinator.user_id, ChatKind.PRIVATE), request)
            for coordinator in sorted(self.settings.coordinators)
        ]

    def _request(
        self,
        announcement_id: int,
        lead: str,
        text: str,
        themes: Sequence[str],
        attachment: Attachment | None = None,
    ) -> Reply:
        """A proposal as coordinators decide on it: its text, its themes, its file, the
        buttons."""
        labels = ", ".join(theme_labels(themes, self.catalogue))
        body = PROPOSAL_BODY_TEXT.format(
            text=text, themes=labels or NO_THEME_FOUND_TEXT.format(id=announcement_id)
        )
        body += "\n\n" + MODERATION_HELP_TEXT.format(id=announcement_id)
        row = [Button(REJECT, f"{REJECT_ACTION}{announcement_id}")]
        if themes:
            row.insert(0, Button(APPROVE, f"{APPROVE_ACTION}{announcement_id}"))
        if attachment is not None:
            body += "\n" + ATTACHED_TEXT.format(file=describe(attachment))
        return Reply(f"{lead}\n\n{body}", buttons=(tuple(row),), attachment=attachment)

    async def pending(self, limit: int = PENDING_SHOWN) -> list[Reply]:
        """The proposals awaiting a decision, oldest first, each with its buttons."""
        async with self.db.read() as session:
            waiting = list(await store.pending_proposals(session))
            replies = []
            for announcement in waiting[:limit]:
                assert announcement.id is not None
                themes = await store.themes_of(session, announcement.id)
                lead = PENDING_LEAD_TEXT.format(
                    id=announcement.id,
                    source=announcement.source_name or PARTNER,
                    day=announcement.created_at.astimezone(self.settings.zone).strftime("%d/%m"),
                )
                attachment = await attachment_store.get(session, announcement.attachment_id)
                replies.append(
                    self._request(announcement.id, lead, announcement.text, themes, attachment)
                )
        if not waiting:
            return [Reply(NO_PENDING_TEXT)]
        header = PENDING_HEADER_TEXT.format(count=count(len(waiting), "proposition"))
        if len(waiting) > limit:
            header += " " + PENDING_MORE_TEXT.format(shown=limit)
        return [Reply(header), *replies]

    async def waiting_proposals(self) -> list[Proposal]:
        """The proposals awaiting a decision, oldest first, as the coordinator pages list them."""
        return await proposals.waiting(self.db)

    async def decided_proposals(self, limit: int = proposals.DECIDED_SHOWN) -> list[Proposal]:
        return await proposals.decided(self.db, limit)

    async def proposal(self, announcement_id: int) -> Proposal | None:
        return await proposals.find(self.db, announcement_id)

    async def approve(
        self, announcement_id: int, themes: Sequence[str], by: UserRef | None
    ) -> Reply:
        async with self.db.write() as session:
            announcement = await store.get(session, announcement_id)
            if announcement is None or announcement.status != AnnouncementState.PROPOSED:
                return Reply(NOT_PENDING_TEXT.format(id=announcement_id), edit_origin=True)
            if themes:
                await store.set_themes(session, announcement_id, themes)
            elif not await store.themes_of(session, announcement_id):
                return Reply(NEEDS_THEMES_TEXT.format(id=announcement_id))
            total = await store.queue(session, announcement)
            detail = RECIPIENTS_AUDIT_TEXT.format(
                title=_audit_title(announcement), chats=count(total, "chat")
            )
            await audit.record(session, by, AuditAction.APPROVE, detail)
            origin = _origin(announcement)
            if origin:
                outcome = Reply(APPROVED_FOR_PARTNER_TEXT.format(id=announcement_id))
                await notice_store.queue(session, origin, outcome)
        self._wake()
        approved = APPROVED_TEXT.format(id=announcement_id, chats=count(total, "chat"))
        return Reply(approved, edit_origin=True)

    async def reject(self, announcement_id: int, reason: str, by: UserRef | None) -> Reply:
        async with self.db.write() as session:
            announcement = await store.get(session, announcement_id)
            if announcement is None or announcement.status != AnnouncementState.PROPOSED:
                return Reply(NOT_PENDING_TEXT.format(id=announcement_id), edit_origin=True)
            announcement.status = AnnouncementState.REJECTED
            announcement.decision_reason = reason[:500] or None
            detail = _audit_title(announcement) + (f" : {reason}" if reason else "")
            await audit.record(session, by, AuditAction.REFUSE, detail)
            origin = _origin(announcement)
            if origin:
                text = REJECTED_FOR_PARTNER_TEXT.format(id=announcement_id)
                if reason:
                    text += REASON_TEXT.format(reason=reason)
                await notice_store.queue(session, origin, Reply(text))
        self._wake()
        return Reply(REJECTED_TEXT.format(id=announcement_id), edit_origin=True)

    def _wake(self) -> None:
        self.notices.wake()


def send_slots(now: datetime, zone: tzinfo) -> list[tuple[str, datetime]]:
    """Moments a coordinator often sends at: in an hour, tomorrow morning, next Monday
    morning (labels in French, times in `zone`)."""
    local = now.astimezone(zone)
    in_an_hour = (local + timedelta(hours=1)).replace(second=0, microsecond=0)
    tomorrow = datetime.combine(local.date() + timedelta(days=1), time(9), zone)
    monday = datetime.combine(local.date() + timedelta(days=7 - local.weekday()), time(9), zone)
    slots = [
        (f"Dans une heure ({clock_time(in_an_hour)})", in_an_hour),
        ("Demain à 9 h", tomorrow),
    ]
    if monday.date() != tomorrow.date():
        slots.append((f"Lundi {monday.strftime('%d/%m')} à 9 h", monday))
    return slots


def _check_send_time(send_at: datetime, now: datetime) -> str | None:
    if as_utc(send_at) <= now:
        return PAST_TIME_TEXT
    if as_utc(send_at) - now > MAX_AHEAD:
        return TOO_FAR_TEXT
    return None


def short_title(announcement: Announcement) -> str:
    title = announcement.title or announcement.text.split("\n")[0]
    return title if len(title) <= 60 else title[:59] + "…"


def _audit_title(announcement: Announcement) -> str:
    return f"n°{announcement.id} « {short_title(announcement)} »"


async def _audit_broadcast(
    session: AsyncSession, by: UserRef | None, announcement: Announcement, total: int
) -> None:
    detail = RECIPIENTS_AUDIT_TEXT.format(
        title=_audit_title(announcement), chats=count(total, "chat")
    )
    await audit.record(session, by, AuditAction.BROADCAST, detail)


async def _stored_file(session: AsyncSession, draft: Draft) -> int | None:
    if draft.attachment is None:
        return None
    return await attachment_store.save(session, draft.attachment)


def _new_announcement(
    draft: Draft,
    source: str,
    status: str,
    author: UserRef | None,
    origin: ChatRef | None,
    source_name: str | None = None,
) -> Announcement:
    return Announcement(
        kind=draft.kind.value,
        title=draft.title,
        text=draft.text,
        link=draft.link,
        event_date=draft.event_date,
        source=source,
        source_name=source_name,
        status=status,
        author=str(author) if author else None,
        origin_platform=origin.platform.value if origin else None,
        origin_address=origin.address if origin else None,
    )


def summary_notice(
    announcement: Announcement, progress: dict[str, Counter[str]]
) -> tuple[ChatRef, Reply] | None:
    """What the author hears when the delivery engine has finished an announcement, and where."""
    origin = _origin(announcement)
    if origin is None or announcement.source == AnnouncementSource.PROPOSAL:
        return None
    return origin, Reply(summary_text(announcement, progress))


def summary_text(announcement: Announcement, progress: dict[str, Counter[str]]) -> str:
    totals: Counter[str] = Counter()
    for counts in progress.values():
        totals.update(counts)
    title = short_title(announcement)
    lines = [
        SUMMARY_TEXT.format(
            id=announcement.id,
            title=title,
            sent=totals[DeliveryState.SENT],
            failed=totals[DeliveryState.FAILED],
            gone=count(totals[DeliveryState.GONE], "injoignable"),
        )
    ]
    if len(progress) > 1:
        for platform, counts in sorted(progress.items()):
            lines.append(
                SUMMARY_LINE_TEXT.format(
                    platform=PLATFORM_LABELS.get(platform, platform),
                    sent=counts[DeliveryState.SENT],
                    failed=counts[DeliveryState.FAILED],
                    gone=count(counts[DeliveryState.GONE], "injoignable"),
                )
            )
    return "\n".join(lines)


def _origin(announcement: Announcement) -> ChatRef | None:
    if not (announcement.origin_platform and announcement.origin_address):
        return None
    return ChatRef(Platform(announcement.origin_platform), announcement.origin_address)
