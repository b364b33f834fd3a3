"""Meetings in chat: /reunion (coordinators, guided with buttons), /agenda, RSVP buttons."""

from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime, time, timedelta

from relay import wording
from relay.announcements import recipients_line
from relay.commands import meeting_move
from relay.commands.base import Action, Command, Context, Feature, Role, Services
from relay.commands.meeting_form import (
    FORM_ACTION,
    TO_BE_SET,
    VISIO,
    MeetingForm,
    decode,
    encode,
    parse_form,
)
from relay.commands.router import EXPIRED_BUTTON
from relay.french_dates import (
    WEEKDAYS,
    DateError,
    clock_time,
    local_moment,
    offset_label,
    read_when,
    short_datetime,
)
from relay.meetings.reminders import RSVP_ACTION, is_reminder
from relay.meetings.service import (
    KIND_LABELS,
    KINDS,
    DuplicateMeeting,
    MeetingError,
    MeetingInfo,
    Meetings,
)
from relay.messages import Button, ChatKind, Outgoing, Reply
from relay.states import MeetingKind, MeetingState, NoticeState, Rsvp
from relay.textnorm import fold

USAGE = (
    "Programmer une réunion :\n"
    "/reunion copil 14/01 14h Salle du conseil, Pornic\n"
    "/reunion gt #sante-mentale #jeunes jeudi 9h30 Mairie de Machecoul\n"
    "/reunion equipe-projet 3 février 2027 10h Visioconférence\n\n"
    "Et ensuite :\n"
    "/reunion <n> : voir une réunion et les réponses\n"
    "/reunion modifier <n> 15/01 10h [nouveau lieu] : changer la date ou le lieu\n"
    "/reunion annuler <n> : annuler (les invités sont prévenus)\n"
    "/reunion publique <n> : la montrer sur l'agenda public du site (/reunion privee <n> : "
    "l'en retirer)\n"
    "/reunion participants <n> <nombre> : noter le nombre de participants, après la réunion"
)
ASK_KIND = "Quel type de réunion voulez-vous programmer ?"
ASK_THEME = (
    "Sur quel thème porte ce groupe de travail ? Ses invités sont les abonnés de ce thème.\n"
    "(Pour plusieurs thèmes : /reunion gt #thème1 #thème2 14/01 14h lieu)"
)
ASK_DAY_TEXT = (
    "Quel jour ? Choisissez ci-dessous, ou tapez la commande avec la date, par exemple :\n{example}"
)
ASK_TIME_TEXT = "À quelle heure, le {day} ?"
ASK_PLACE_TEXT = (
    "Où ? Choisissez ci-dessous, ou tapez la commande complète avec le lieu :\n{example}"
)
TYPE_IT_TEXT = "Il manque la date ou l'heure. Tapez par exemple :\n{example}"
UNKNOWN_KIND = "Je ne connais pas ce type de réunion. Types : copil, gt, equipe-projet.\n\n"
UNKNOWN_THEMES_TEXT = "Thème inconnu : {tags}. Tapez /themes pour la liste."
BAD_NUMBER_TEXT = "« {text} » n'est pas un numéro de réunion. Tapez /agenda pour les voir."
PREVIEW_TEXT = (
    "Réunion n°{id}, prête à être programmée :\n\n{summary}\n\n{recipients}\n"
    "Ils recevront une invitation dès maintenant (avec les boutons de réponse et le fichier "
    "agenda), puis les rappels {reminders}."
)
CONFIRM, DISCARD = "Programmer et inviter", "Annuler"
CONFIRM_ANYWAY = "Programmer quand même"
ASK_ANYWAY = "Programmer celle-ci aussi, et inviter ?"
SCHEDULED_LEAD_TEXT = "C'est fait : la réunion n°{id} est programmée et l'invitation part."
SCHEDULED_TEXT = SCHEDULED_LEAD_TEXT + " Tapez /reunion {id} pour suivre les réponses."
DISCARDED_TEXT = "D'accord, la réunion n'est pas programmée."
ASK_CANCEL_TEXT = "Annuler la réunion n°{id} ?\n\n{summary}\n\nLes invités seront prévenus."
CANCEL_YES, CANCEL_NO = "Oui, annuler la réunion", "Non, la garder"
CANCELLED_TEXT = "La réunion n°{id} est annulée ; les invités sont prévenus."
KEPT_TEXT = "D'accord, la réunion n°{id} est maintenue."
CHANGE_USAGE = (
    "Usage : /reunion modifier <n> [jour] [heure] [nouveau lieu], "
    "par exemple /reunion modifier 3 15/01 10h Mairie de Pornic"
)
CHANGED_LEAD_TEXT = "La réunion n°{id} est modifiée ; les invités sont prévenus."
CHANGED_TEXT = CHANGED_LEAD_TEXT + "\n\n{summary}"
MOVE_ANYWAY, STAY = "Déplacer quand même", "Ne pas la déplacer"
ASK_MOVE_ANYWAY_TEXT = (
    "Déplacer quand même la réunion n°{id} à ce moment, et prévenir ses invités ?"
)
TYPE_MOVE_ANYWAY_TEXT = (
    "Pour la déplacer quand même, tapez : /reunion modifier {id} quand-meme {rest}"
)
NOT_MOVED_TEXT = "D'accord, la réunion n°{id} n'est pas déplacée."
ANYWAY_WORDS = (("quand-meme",), ("quand", "meme"))
PARTICIPANTS_USAGE = (
    "Usage : /reunion participants <n> <nombre>, par exemple /reunion participants 3 24"
)
PARTICIPANTS_TEXT = "C'est noté : {participants} à la réunion n°{id} « {title} »."
CANCEL_USAGE = "Usage : /reunion annuler <n>"
PUBLICITY_USAGE = "Usage : /reunion publique <n> ou /reunion privee <n>"
MADE_PUBLIC_TEXT = (
    "La réunion n°{id} « {title} » figure maintenant sur l'agenda public du site : {url}/agenda"
)
MADE_PRIVATE_TEXT = "La réunion n°{id} « {title} » n'est plus sur l'agenda public du site."
SUMMARY_PUBLIC = "Sur l'agenda public du site."
SUMMARY_WHEN_TEXT = "📅 {when}"
SUMMARY_WHERE_TEXT = "📍 {place}"
SUMMARY_THEMES_TEXT = "Invités : les abonnés de {themes}"
SUMMARY_ANSWERS_TEXT = "Réponses : {yes} oui, {maybe} peut-être, {no} non"
SUMMARY_PARTICIPANTS_TEXT = "Participants : {count}"
SUMMARY_CANCELLED = "Réunion annulée."
SUMMARY_NOTICES_TEXT = "Rappels : {notices}"
NOTICE_SENT, NOTICE_PLANNED, NOTICE_SKIPPED = "{label} envoyé", "{label} le {when}", "{label} sauté"
PLACE_VISIO, PLACE_TO_BE_SET = "Visioconférence", "Lieu à préciser"
RSVP_TEXTS: dict[str, str] = {
    Rsvp.YES: "C'est noté : vous venez à « {title} », le {when}. Merci !",
    Rsvp.MAYBE: "C'est noté : peut-être à « {title} », le {when}.",
    Rsvp.NO: "C'est noté : vous ne venez pas à « {title} ». Merci d'avoir prévenu.",
}
RSVP_CHANGED = "Réponse modifiée. "
AGENDA_MEETINGS = "Prochaines réunions du CLS :"
AGENDA_EVENTS = "Événements à venir :"
AGENDA_EMPTY = "Rien de prévu pour l'instant."
AGENDA_MEETING_TEXT = "• {when} — {title}{place}"
AGENDA_COUNTS_TEXT = "\n   n°{id} · réponses : {yes} oui, {maybe} peut-être, {no} non"
AGENDA_EVENT_TEXT = "• {day} — {title}"
AGENDA_HINT = "Coordinateurs : /reunion <n> pour le détail d'une réunion."

CONFIRM_ACTION, DISCARD_ACTION, FORCE_ACTION = "mtgok:", "mtgno:", "mtgforce:"
ASK_CANCEL_ACTION, CANCEL_ACTION, KEEP_ACTION = "mtgcancel:", "mtgstop:", "mtgkeep:"
STAY_ACTION = "mtgstay:"
TIMES = ("09:00", "10:00", "11:00", "14:00", "15:00", "16:00", "17:00", "18:00")
DAYS_OFFERED = 10
EXAMPLE_TIME = time(14)


def _meetings(ctx: Context) -> Meetings:
    return ctx.services.meetings


def _number(text: str) -> int | None:
    digits = text.strip().lstrip("#n°").strip()
    return int(digits) if digits.isdigit() and len(digits) < 10 else None


def _today(ctx: Context) -> date:
    return _meetings(ctx).clock().astimezone(ctx.services.settings.zone).date()


def summary(info: MeetingInfo, ctx: Context, details: bool = False) -> str:
    zone = ctx.services.settings.zone
    lines = [f"{info.kind_label} — {info.title}", SUMMARY_WHEN_TEXT.format(when=info.when(zone))]
    if info.place:
        lines.append(SUMMARY_WHERE_TEXT.format(place=info.place))
    labels = ", ".join(ctx.services.themes.label(t) for t in info.themes)
    lines.append(SUMMARY_THEMES_TEXT.format(themes=labels))
    if info.status == MeetingState.CANCELLED:
        lines.append(SUMMARY_CANCELLED)
    elif info.public:
        lines.append(SUMMARY_PUBLIC)
    if details:
        lines.append(SUMMARY_ANSWERS_TEXT.format(**_answers(info.rsvps)))
        if info.participants is not None:
            lines.append(SUMMARY_PARTICIPANTS_TEXT.format(count=info.participants))
        notices = [_notice_line(label, due, state, ctx) for label, due, state in info.notices]
        notices = [n for n in notices if n]
        if notices:
            lines.append(SUMMARY_NOTICES_TEXT.format(notices=", ".join(notices)))
    return "\n".join(lines)


def _answers(counts: Counter[str]) -> dict[str, int]:
    return {answer.value: counts[answer] for answer in Rsvp}


def _notice_line(label: str, due: datetime, state: str, ctx: Context) -> str:
    if not is_reminder(label):
        return ""
    name = offset_label(label)
    if state == NoticeState.SENT:
        return NOTICE_SENT.format(label=name)
    if state == NoticeState.PENDING:
        return NOTICE_PLANNED.format(
            label=name, when=short_datetime(due, ctx.services.settings.zone)
        )
    return NOTICE_SKIPPED.format(label=name)


def _example(ctx: Context, form: MeetingForm) -> str:
    kind = form.kind or MeetingKind.COPIL
    tags = " ".join(f"#{t}" for t in form.themes if kind == MeetingKind.WORKING_GROUP)
    day = form.day or _today(ctx) + timedelta(days=14)
    at = form.at or EXAMPLE_TIME
    typed_time = f"{at.hour}h{at.minute:02d}" if at.minute else f"{at.hour}h"
    parts = ["/reunion", kind, tags, f"{day:%d/%m}", typed_time, "Salle du conseil, Pornic"]
    return " ".join(p for p in parts if p)


async def meeting_command(ctx: Context) -> Sequence[Outgoing]:
    if not ctx.args:
        return [_ask_kind(ctx)]
    first, _, rest = ctx.args.partition(" ")
    word = fold(first)
    if word in ("annuler", "cancel"):
        return await _ask_cancel(ctx, rest)
    if word in ("modifier", "deplacer", "change"):
        return await _change(ctx, rest)
    if word == "participants":
        return await _participants(ctx, rest)
    if word in ("publique", "public", "privee", "prive", "private"):
        return await _publicity(ctx, rest, public=word.startswith("publi"))
    if _number(first) is not None and not rest:
        return await _show(ctx, _number(first) or 0)
    try:
        form = parse_form(ctx.args, ctx.services.themes, _today(ctx))
    except DateError as error:
        return [Reply(str(error))]
    if form is None:
        return [Reply(UNKNOWN_KIND + USAGE)]
    if form.unknown_themes:
        return [Reply(UNKNOWN_THEMES_TEXT.format(tags=", ".join(form.unknown_themes)))]
    return await _next_step(ctx, form)


def _ask_kind(ctx: Context) -> Reply:
    buttons = tuple(
        (Button(KIND_LABELS[kind], encode(MeetingForm(kind), ctx.services.themes) or ""),)
        for kind in KINDS
    )
    return Reply(ASK_KIND + "\n\n" + USAGE, buttons=buttons)


async def form_button(ctx: Context) -> Sequence[Outgoing]:
    form = decode(ctx.args, ctx.services.themes)
    if form is None:
        return [Reply(EXPIRED_BUTTON)]
    return await _next_step(ctx, form)


async def _next_step(ctx: Context, form: MeetingForm) -> Sequence[Outgoing]:
    catalogue = ctx.services.themes
    step = form.missing()
    if step is not None and form.place is not None and encode(form, catalogue) is None:
        return [Reply(TYPE_IT_TEXT.format(example=_example(ctx, form)))]
    if step == "kind":
        return [_ask_kind(ctx)]
    if step == "theme":
        rows = tuple(
            (Button(t.label, encode(form.with_code(themes=(t.slug,)), catalogue) or ""),)
            for t in catalogue
        )
        return [Reply(ASK_THEME, buttons=rows)]
    if step == "day":
        return [
            Reply(ASK_DAY_TEXT.format(example=_example(ctx, form)), buttons=_day_buttons(ctx, form))
        ]
    if step == "time":
        assert form.day is not None
        times = [time.fromisoformat(t) for t in TIMES]
        choices = [
            Button(clock_time(t), encode(form.with_code(at=t), catalogue) or "") for t in times
        ]
        time_rows = (tuple(choices[:4]), tuple(choices[4:]))
        return [Reply(ASK_TIME_TEXT.format(day=_day_label(form.day)), buttons=time_rows)]
    if step == "place":
        return [
            Reply(
                ASK_PLACE_TEXT.format(example=_example(ctx, form)),
                buttons=await _place_buttons(ctx, form),
            )
        ]
    return await _preview(ctx, form)


def _day_label(day: date) -> str:
    return f"{WEEKDAYS[day.weekday()][:3]}. {day.strftime('%d/%m')}"


def _day_buttons(ctx: Context, form: MeetingForm) -> tuple[tuple[Button, ...], ...]:
    day = _today(ctx)
    days: list[date] = []
    while len(days) < DAYS_OFFERED:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days.append(day)
    buttons = [
        Button(_day_label(d), encode(form.with_code(day=d), ctx.services.themes) or "")
        for d in days
    ]
    return tuple(tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2))


async def _place_buttons(ctx: Context, form: MeetingForm) -> tuple[tuple[Button, ...], ...]:
    catalogue = ctx.services.themes
    rows = [
        (Button(place[:60], encode(form.with_code(place=f"p{meeting_id}"), catalogue) or ""),)
        for meeting_id, place in await _meetings(ctx).recent_places()
    ]
    rows.append((Button(PLACE_VISIO, encode(form.with_code(place=VISIO), catalogue) or ""),))
    rows.append(
        (Button(PLACE_TO_BE_SET, encode(form.with_code(place=TO_BE_SET), catalogue) or ""),)
    )
    return tuple(rows)


async def _place_text(ctx: Context, code: str) -> str:
    if code == VISIO:
        return PLACE_VISIO
    if code == TO_BE_SET:
        return ""
    if code[:1] == "p" and code[1:].isdigit():
        info = await _meetings(ctx).info(int(code[1:]))
        return info.place if info else ""
    return code


async def _preview(ctx: Context, form: MeetingForm) -> Sequence[Outgoing]:
    assert form.kind and form.day and form.at and form.place is not None
    service = _meetings(ctx)
    place = await _place_text(ctx, form.place)
    try:
        starts_at = local_moment(form.day, form.at, ctx.services.settings.zone)
        info = await service.draft(form.kind, starts_at, place, form.themes)
    except (MeetingError, DateError) as error:
        return [Reply(str(error) + "\n\n" + _example(ctx, form))]
    counts = await service.invitee_counts(info.themes)
    reminders = ", ".join(offset_label(o.label) for o in service.policy.offsets) or "—"
    text = PREVIEW_TEXT.format(
        id=info.id,
        summary=summary(info, ctx),
        recipients=recipients_line(counts),
        reminders=reminders,
    )
    buttons = (
        (
            Button(CONFIRM, f"{CONFIRM_ACTION}{info.id}"),
            Button(DISCARD, f"{DISCARD_ACTION}{info.id}"),
        ),
    )
    return [Reply(text, buttons=buttons)]


async def _meeting_button(
    ctx: Context, act: Callable[[int], Awaitable[object]], done: str
) -> Sequence[Outgoing]:
    """A button acting on the meeting its action names; the question is replaced by the outcome."""
    number = _number(ctx.args)
    if number is None:
        return [Reply(EXPIRED_BUTTON)]
    try:
        await act(number)
    except MeetingError as error:
        return [Reply(str(error), edit_origin=True)]
    return [Reply(done.format(id=number), edit_origin=True)]


async def confirm_button(ctx: Context) -> Sequence[Outgoing]:
    number = _number(ctx.args)
    if number is None:
        return [Reply(EXPIRED_BUTTON)]
    try:
        await _meetings(ctx).confirm(number, ctx.incoming.user)
    except DuplicateMeeting as duplicate:
        buttons = (
            (
                Button(CONFIRM_ANYWAY, f"{FORCE_ACTION}{number}"),
                Button(DISCARD, f"{DISCARD_ACTION}{number}"),
            ),
        )
        return [Reply(f"{duplicate}\n{ASK_ANYWAY}", buttons=buttons, edit_origin=True)]
    except MeetingError as error:
        return [Reply(str(error), edit_origin=True)]
    return [Reply(SCHEDULED_TEXT.format(id=number), edit_origin=True)]


async def force_button(ctx: Context) -> Sequence[Outgoing]:
    """« Programmer quand même »: the coordinator confirmed a second meeting at that time."""

    async def confirm_anyway(number: int) -> MeetingInfo:
        return await _meetings(ctx).confirm(number, ctx.incoming.user, allow_duplicate=True)

    return await _meeting_button(ctx, confirm_anyway, SCHEDULED_TEXT)


async def discard_button(ctx: Context) -> Sequence[Outgoing]:
    return await _meeting_button(ctx, _meetings(ctx).discard, DISCARDED_TEXT)


async def _shown(ctx: Context, number: int) -> MeetingInfo | None:
    """A meeting people may see: scheduled or cancelled, not a draft."""
    info = await _meetings(ctx).info(number)
    return (
        info
        if info is not None and info.status in (MeetingState.CANCELLED, MeetingState.SCHEDULED)
        else None
    )


async def _show(ctx: Context, number: int) -> Sequence[Outgoing]:
    info = await _shown(ctx, number)
    if info is None:
        return [Reply(BAD_NUMBER_TEXT.format(text=number))]
    buttons: tuple[tuple[Button, ...], ...] = ()
    if info.status != MeetingState.CANCELLED and info.starts_at > _meetings(ctx).clock():
        buttons = ((Button(CANCEL_YES, f"{ASK_CANCEL_ACTION}{number}"),),)
    return [Reply(f"Réunion n°{number}\n" + summary(info, ctx, details=True), buttons=buttons)]


async def _ask_cancel(ctx: Context, rest: str) -> Sequence[Outgoing]:
    number = _number(rest)
    if number is None:
        return [Reply(CANCEL_USAGE)]
    return await _cancel_question(ctx, number)


async def ask_cancel_button(ctx: Context) -> Sequence[Outgoing]:
    number = _number(ctx.args)
    return await _cancel_question(ctx, number) if number else [Reply(EXPIRED_BUTTON)]


async def _cancel_question(ctx: Context, number: int) -> Sequence[Outgoing]:
    info = await _shown(ctx, number)
    if info is None:
        return [Reply(BAD_NUMBER_TEXT.format(text=number))]
    buttons = (
        (
            Button(CANCEL_YES, f"{CANCEL_ACTION}{number}"),
            Button(CANCEL_NO, f"{KEEP_ACTION}{number}"),
        ),
    )
    return [Reply(ASK_CANCEL_TEXT.format(id=number, summary=summary(info, ctx)), buttons=buttons)]


async def cancel_button(ctx: Context) -> Sequence[Outgoing]:
    async def cancel(number: int) -> MeetingInfo:
        return await _meetings(ctx).cancel(number, ctx.incoming.user)

    return await _meeting_button(ctx, cancel, CANCELLED_TEXT)


async def keep_button(ctx: Context) -> Sequence[Outgoing]:
    number = _number(ctx.args)
    return [Reply(KEPT_TEXT.format(id=number), edit_origin=True)]


def _insisting(words: Sequence[str]) -> int:
    """How many of the first words say « quand même » (0: none)."""
    folded = tuple(fold(word) for word in words[:2])
    return next((len(w) for w in ANYWAY_WORDS if folded[: len(w)] == w), 0)


async def _change(ctx: Context, rest: str) -> Sequence[Outgoing]:
    words = rest.split()
    number = _number(words[0]) if words else None
    anyway = _insisting(words[1:])
    words = words[1 + anyway :]
    if number is None or not words:
        return [Reply(CHANGE_USAGE)]
    try:
        when = read_when(words, _today(ctx))
    except DateError as error:
        return [Reply(str(error))]
    place = " ".join(words[when.used :]) or None
    service = _meetings(ctx)
    current = await service.info(number)
    if current is None:
        return [Reply(BAD_NUMBER_TEXT.format(text=number))]
    zone = ctx.services.settings.zone
    starts_at = None
    try:
        if when.day is not None or when.at is not None:
            local = current.starts_at.astimezone(zone)
            starts_at = local_moment(when.day or local.date(), when.at or local.time(), zone)
        info = await service.reschedule(
            number, starts_at, place, ctx.incoming.user, allow_duplicate=bool(anyway)
        )
    except DuplicateMeeting as duplicate:
        assert starts_at is not None
        move = meeting_move.Move(number, current.sequence, starts_at, place)
        return [_move_anyway_question(duplicate, move, " ".join(words))]
    except (MeetingError, DateError) as error:
        return [Reply(str(error))]
    return [Reply(CHANGED_TEXT.format(id=number, summary=summary(info, ctx)))]


def _move_anyway_question(
    duplicate: DuplicateMeeting, move: meeting_move.Move, typed: str
) -> Reply:
    """The move refused, with the button that insists; a move too long to travel in a button
    is insisted on by typing it again."""
    action = meeting_move.encode(move)
    if action is None:
        typing = TYPE_MOVE_ANYWAY_TEXT.format(id=move.meeting_id, rest=typed)
        return Reply(f"{duplicate}\n{typing}")
    question = ASK_MOVE_ANYWAY_TEXT.format(id=move.meeting_id)
    stay = f"{STAY_ACTION}{move.meeting_id}"
    buttons = ((Button(MOVE_ANYWAY, action), Button(STAY, stay)),)
    return Reply(f"{duplicate}\n{question}", buttons=buttons)


async def move_button(ctx: Context) -> Sequence[Outgoing]:
    """« Déplacer quand même »: the coordinator confirmed the move onto another meeting's time."""
    move = meeting_move.decode(ctx.args)
    if move is None:
        return [Reply(EXPIRED_BUTTON)]
    try:
        info = await _meetings(ctx).reschedule(
            move.meeting_id,
            move.starts_at,
            move.place,
            ctx.incoming.user,
            allow_duplicate=True,
            sequence=move.sequence,
        )
    except MeetingError as error:
        return [Reply(str(error), edit_origin=True)]
    text = CHANGED_TEXT.format(id=info.id, summary=summary(info, ctx))
    return [Reply(text, edit_origin=True)]


async def stay_button(ctx: Context) -> Sequence[Outgoing]:
    number = _number(ctx.args)
    if number is None:
        return [Reply(EXPIRED_BUTTON)]
    return [Reply(NOT_MOVED_TEXT.format(id=number), edit_origin=True)]


async def _participants(ctx: Context, rest: str) -> Sequence[Outgoing]:
    words = rest.split()
    if len(words) != 2 or _number(words[0]) is None or not words[1].isdigit():
        return [Reply(PARTICIPANTS_USAGE)]
    number, count = _number(words[0]) or 0, int(words[1][:6])
    try:
        info = await _meetings(ctx).record_participants(number, count)
    except MeetingError as error:
        return [Reply(str(error))]
    participants = wording.count(count, "participant")
    return [Reply(PARTICIPANTS_TEXT.format(participants=participants, id=number, title=info.title))]


async def rsvp_button(ctx: Context) -> Sequence[Outgoing]:
    number_text, _, answer = ctx.args.partition(":")
    number = _number(number_text)
    if number is None or answer not in RSVP_TEXTS:
        return [Reply(EXPIRED_BUTTON)]
    try:
        info, changed = await _meetings(ctx).answer(
            number, ctx.incoming.user, answer, ctx.incoming.chat
        )
    except MeetingError as error:
        return [Reply(str(error))]
    text = RSVP_TEXTS[answer].format(title=info.title, when=info.when(ctx.services.settings.zone))
    if changed:
        text = RSVP_CHANGED + text
    if ctx.incoming.chat.kind is not ChatKind.PRIVATE and ctx.incoming.display_name:
        text = f"{ctx.incoming.display_name} : {text}"
    return [Reply(text)]


async def _publicity(ctx: Context, text: str, public: bool) -> Sequence[Outgoing]:
    """Show a meeting on the public site's agenda, or take it off."""
    number = _number(text)
    if number is None:
        return [Reply(PUBLICITY_USAGE)]
    try:
        info = await _meetings(ctx).set_public(number, public)
    except MeetingError as error:
        return [Reply(str(error))]
    template = MADE_PUBLIC_TEXT if public else MADE_PRIVATE_TEXT
    url = ctx.services.settings.public_url
    return [Reply(template.format(id=info.id, title=info.title, url=url))]


async def agenda(ctx: Context) -> Sequence[Outgoing]:
    service = _meetings(ctx)
    zone = ctx.services.settings.zone
    meetings = await service.coming()
    events = await service.coming_events()
    parts = []
    if meetings:
        lines = [AGENDA_MEETINGS]
        for info in meetings:
            place = f" — {info.place}" if info.place else ""
            line = AGENDA_MEETING_TEXT.format(when=info.when(zone), title=info.title, place=place)
            if ctx.is_coordinator:
                line += AGENDA_COUNTS_TEXT.format(id=info.id, **_answers(info.rsvps))
            lines.append(line)
        parts.append("\n".join(lines))
    if events:
        lines = [AGENDA_EVENTS]
        for event in events:
            assert event.event_date is not None
            title = event.title or event.text.split("\n")[0]
            title = title if len(title) <= 80 else title[:79] + "…"
            lines.append(
                AGENDA_EVENT_TEXT.format(day=event.event_date.strftime("%d/%m/%Y"), title=title)
            )
        parts.append("\n".join(lines))
    if not parts:
        return [Reply(AGENDA_EMPTY)]
    if meetings and ctx.is_coordinator:
        parts.append(AGENDA_HINT)
    return [Reply("\n\n".join(parts))]


async def home_agenda(services: Services, limit: int = 5) -> tuple[str, ...]:
    """Coming meetings and events as short lines, for a home screen (Slack's App Home):
    `HomeSummary(agenda=await home_agenda(services))`."""
    zone = services.settings.zone
    lines = [
        f"{info.when(zone)} — {info.title}" + (f" — {info.place}" if info.place else "")
        for info in await services.meetings.coming(limit)
    ]
    for event in await services.meetings.coming_events(limit):
        assert event.event_date is not None
        title = event.title or event.text.split("\n")[0]
        lines.append(f"{event.event_date.strftime('%d/%m/%Y')} — {title[:80]}")
    return tuple(lines[:limit])


FEATURE = Feature(
    commands=[
        Command("agenda", "les prochaines réunions et les événements à venir", agenda),
        Command(
            "reunion",
            "programmer, modifier ou annuler une réunion (COPIL, groupe de travail…)",
            meeting_command,
            aliases=("meeting", "réunion"),
            role=Role.COORDINATOR,
            usage="[copil|gt|equipe-projet] [jour heure lieu]",
        ),
    ],
    actions=[
        Action(RSVP_ACTION, rsvp_button),
        Action(FORM_ACTION, form_button, Role.COORDINATOR),
        Action(CONFIRM_ACTION, confirm_button, Role.COORDINATOR),
        Action(FORCE_ACTION, force_button, Role.COORDINATOR),
        Action(DISCARD_ACTION, discard_button, Role.COORDINATOR),
        Action(ASK_CANCEL_ACTION, ask_cancel_button, Role.COORDINATOR),
        Action(CANCEL_ACTION, cancel_button, Role.COORDINATOR),
        Action(KEEP_ACTION, keep_button, Role.COORDINATOR),
        Action(meeting_move.MOVE_ACTION, move_button, Role.COORDINATOR),
        Action(STAY_ACTION, stay_button, Role.COORDINATOR),
    ],
)
