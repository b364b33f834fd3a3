"""`relay meeting …`: COPIL, working groups and project team meetings from the shell."""

import json
from typing import TYPE_CHECKING, Annotated, Any

import typer

from relay import wording
from relay.cli import common, french
from relay.cli.themes import theme_option
from relay.french_dates import (
    offset_label,
    short_datetime,
)
from relay.settings import Settings
from relay.states import MeetingKind, MeetingState, NoticeState, Rsvp

if TYPE_CHECKING:
    from relay.meetings.service import MeetingInfo

meeting_cli = french.App(
    help="Réunions du CLS : COPIL, groupes de travail, équipe projet.", no_args_is_help=True
)

AT_HELP = "date et heure : « 14/01 14h », « jeudi 9h30 » ou « AAAA-MM-JJ HH:MM »"
ANYWAY_HINT = "Ajoutez --quand-meme pour la programmer malgré tout."
MOVE_ANYWAY_HINT = "Ajoutez --quand-meme pour la déplacer malgré tout."
ANSWERS_TEXT = "réponses : {yes} oui, {maybe} peut-être, {no} non"
NOTICE_STATES: dict[str, str] = {
    NoticeState.SENT: "envoyé",
    NoticeState.PENDING: "prévu",
    NoticeState.SKIPPED: "sauté",
    NoticeState.WITHDRAWN: "retiré",
}


def register(cli: typer.Typer) -> None:
    cli.add_typer(meeting_cli, name="meeting")


@meeting_cli.command("add")
def meeting_add(
    kind: Annotated[
        MeetingKind, typer.Option(help="copil, gt (groupe de travail) ou equipe-projet")
    ],
    title: Annotated[str, typer.Option(help="intitulé de la réunion")],
    at: Annotated[str, typer.Option("--at", help=AT_HELP)],
    themes: Annotated[str | None, typer.Option(help="thèmes (invités : leurs abonnés)")] = None,
    where: Annotated[str, typer.Option("--where", help="lieu")] = "",
    no_invite: Annotated[
        bool, typer.Option("--sans-invitation", help="ne pas envoyer d'invitation maintenant")
    ] = False,
    anyway: Annotated[
        bool,
        typer.Option(
            "--quand-meme", help="programmer même si une réunion du même type est à cette heure"
        ),
    ] = False,
    public: Annotated[
        bool, typer.Option("--public", help="la montrer sur l'agenda public du site")
    ] = False,
) -> None:
    """Programme une réunion : invitation aux abonnés de ses thèmes, puis rappels."""
    from relay import app as relay_app
    from relay.meetings.service import DuplicateMeeting

    settings = common.settings()
    slugs = theme_option(themes, common.catalogue(settings))
    starts_at = common.moment_option(at, settings, "--at")

    async def add() -> "MeetingInfo":
        async with relay_app.opened(settings) as relay:
            try:
                info = await relay.meetings.schedule(
                    kind.value, starts_at, where, slugs, title, not no_invite, anyway, public
                )
            except DuplicateMeeting as duplicate:
                common.fail(f"{duplicate} {ANYWAY_HINT}")
            return await relay.meetings.info(info.id) or info

    info = common.run(add())
    typer.echo(f"Réunion n°{info.id} programmée : {info.title}, {info.when(settings.zone)}.")
    if not no_invite:
        typer.echo("L'invitation est en file : « relay run » la diffuse.")
    if public:
        typer.echo(f"Elle figure sur l'agenda public du site : {settings.public_url}/agenda")
    typer.echo(_notices_line(info, settings))


def _notices_line(info: "MeetingInfo", settings: Settings) -> str:
    from relay.meetings.reminders import is_reminder

    parts = []
    for label, due, state in info.notices:
        if is_reminder(label):
            shown = NOTICE_STATES.get(state, state)
            when = (
                f" le {short_datetime(due, settings.zone)}" if state == NoticeState.PENDING else ""
            )
            parts.append(f"{offset_label(label)} {shown}{when}")
    return "Rappels : " + (", ".join(parts) or "aucun")


@meeting_cli.command("list")
def meeting_list(
    everything: Annotated[bool, typer.Option("--all", help="aussi les réunions passées")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="sortie JSON")] = False,
) -> None:
    """Les réunions (à venir et du mois écoulé), leurs réponses et leurs rappels."""
    from relay import app as relay_app
    from relay.meetings.service import KIND_LABELS

    settings = common.settings()

    async def fetch() -> list["MeetingInfo"]:
        async with relay_app.opened(settings) as relay:
            return await relay.meetings.listing(include_past=everything)

    infos = common.run(fetch())
    if as_json:
        typer.echo(json.dumps([_as_json(i, settings) for i in infos], ensure_ascii=False, indent=2))
        return
    if not infos:
        typer.echo("Aucune réunion.")
        return
    for info in infos:
        state = " [annulée]" if info.status == MeetingState.CANCELLED else ""
        state += " [publique]" if info.public else ""
        place = f" — {info.place}" if info.place else ""
        kind = KIND_LABELS.get(info.kind, info.kind)
        typer.echo(f"n°{info.id:<4} {kind:18} {info.when(settings.zone)}{state}")
        typer.echo(f"       {info.title}{place}")
        answers = ANSWERS_TEXT.format(
            yes=info.rsvps[Rsvp.YES], maybe=info.rsvps[Rsvp.MAYBE], no=info.rsvps[Rsvp.NO]
        )
        if info.participants is not None:
            answers += f" · participants : {info.participants}"
        typer.echo(f"       {answers}")
        typer.echo(f"       {_notices_line(info, settings)}")


def _as_json(info: "MeetingInfo", settings: Settings) -> dict[str, Any]:
    from relay.meetings.reminders import is_reminder

    return {
        "id": info.id,
        "kind": info.kind,
        "title": info.title,
        "starts_at": info.starts_at.astimezone(settings.zone).isoformat(),
        "place": info.place,
        "themes": list(info.themes),
        "status": info.status,
        "public": info.public,
        "participants": info.participants,
        "rsvps": {answer.value: info.rsvps[answer] for answer in Rsvp},
        "reminders": [
            {"label": label, "due_at": due.astimezone(settings.zone).isoformat(), "state": state}
            for label, due, state in info.notices
            if is_reminder(label)
        ],
    }


@meeting_cli.command("change")
def meeting_change(
    number: Annotated[int, typer.Argument(help="numéro de la réunion", metavar="NUMÉRO")],
    at: Annotated[str | None, typer.Option("--at", help="nouvelle " + AT_HELP)] = None,
    where: Annotated[str | None, typer.Option("--where", help="nouveau lieu")] = None,
    anyway: Annotated[
        bool,
        typer.Option(
            "--quand-meme", help="la déplacer même si une réunion du même type est à cette heure"
        ),
    ] = False,
) -> None:
    """Change la date ou le lieu d'une réunion ; les invités sont prévenus."""
    settings = common.settings()
    starts_at = common.moment_option(at, settings, "--at") if at else None

    from relay import app as relay_app
    from relay.meetings.service import DuplicateMeeting

    async def change() -> "MeetingInfo":
        async with relay_app.opened(settings) as relay:
            try:
                return await relay.meetings.reschedule(
                    number, starts_at, where, None, allow_duplicate=anyway
                )
            except DuplicateMeeting as duplicate:
                common.fail(f"{duplicate} {MOVE_ANYWAY_HINT}")

    info = common.run(change())
    typer.echo(
        f"Réunion n°{info.id} modifiée : {info.when(settings.zone)}. Les invités sont prévenus."
    )


@meeting_cli.command("public")
def meeting_public(
    number: Annotated[int, typer.Argument(help="numéro de la réunion")],
    remove: Annotated[
        bool, typer.Option("--retirer", help="la retirer de l'agenda public")
    ] = False,
) -> None:
    """Montre une réunion sur l'agenda public du site (ou l'en retire avec --retirer)."""
    settings = common.settings()

    from relay import app as relay_app

    async def mark() -> "MeetingInfo":
        async with relay_app.opened(settings) as relay:
            return await relay.meetings.set_public(number, not remove)

    info = common.run(mark())
    if remove:
        typer.echo(f"Réunion n°{info.id} retirée de l'agenda public du site.")
    else:
        typer.echo(
            f"Réunion n°{info.id} sur l'agenda public du site : {settings.public_url}/agenda"
        )


@meeting_cli.command("cancel")
def meeting_cancel(
    number: Annotated[int, typer.Argument(help="numéro de la réunion", metavar="NUMÉRO")],
) -> None:
    """Annule une réunion ; les invités sont prévenus."""
    settings = common.settings()

    from relay import app as relay_app

    async def cancel() -> "MeetingInfo":
        async with relay_app.opened(settings) as relay:
            return await relay.meetings.cancel(number, None)

    info = common.run(cancel())
    typer.echo(f"Réunion n°{info.id} annulée. Les invités sont prévenus.")


@meeting_cli.command("participants")
def meeting_participants(
    number: Annotated[int, typer.Argument(help="numéro de la réunion", metavar="NUMÉRO")],
    count: Annotated[int, typer.Argument(help="nombre de participants", metavar="NOMBRE")],
) -> None:
    """Note le nombre de participants d'une réunion tenue."""
    settings = common.settings()

    from relay import app as relay_app

    async def record() -> "MeetingInfo":
        async with relay_app.opened(settings) as relay:
            return await relay.meetings.record_participants(number, count)

    info = common.run(record())
    noted = wording.count(count, "participant noté", "participants notés")
    typer.echo(f"Réunion n°{info.id} : {noted}.")
