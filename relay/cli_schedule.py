"""`relay meeting …`, `relay feeds …` and `relay report`: scheduled work from the shell."""

import asyncio
import json
import sys
from collections.abc import Coroutine
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer

from relay import app as relay_app
from relay.french_dates import offset_label, short_datetime
from relay.jobs import report_formats, reports
from relay.jobs.feed_config import FeedConfigError, check_themes, check_url, parse_interval
from relay.jobs.feeds import FAILED, NEW, FeedPoller, PollOutcome
from relay.jobs.reminders import is_reminder
from relay.meetings import (
    KIND_LABELS,
    MeetingError,
    MeetingInfo,
    local_moment,
    parse_day,
    parse_time,
)
from relay.settings import Settings, SettingsError, load_settings
from relay.store import feeds as feed_store
from relay.store.models import utcnow
from relay.store.models_schedule import CANCELLED, PENDING, SENT, Feed
from relay.themes import ThemeCatalogue, ThemeCatalogueError

T = TypeVar("T")

meeting_cli = typer.Typer(
    help="Réunions du CLS : COPIL, groupes de travail, équipe projet.", no_args_is_help=True
)
feeds_cli = typer.Typer(help="Flux RSS/Atom relayés.", no_args_is_help=True)

ANSWERS = "réponses : {yes} oui, {maybe} peut-être, {no} non"
POLL_NEW = "✓ {feed} : {new} nouveau(x), {relayed} relayé(s) ou proposé(s)"
NO_FEED = "Aucun flux. Ajoutez-en dans config/feeds.yaml ou avec « relay feeds add URL »."
NOTICE_STATES = {SENT: "envoyé", PENDING: "prévu", "skipped": "sauté", "withdrawn": "retiré"}


class Kind(StrEnum):
    COPIL = "copil"
    GT = "gt"
    PROJECT_TEAM = "equipe-projet"


class Format(StrEnum):
    TEXT = "text"
    JSON = "json"
    CSV = "csv"


def register(cli: typer.Typer) -> None:
    cli.add_typer(meeting_cli, name="meeting")
    cli.add_typer(feeds_cli, name="feeds")
    cli.command("report")(report)


def _fail(message: str) -> NoReturn:
    """A mistake the user can fix, or a failure: one line on stderr, exit status 1."""
    print(f"relay : {message}", file=sys.stderr)
    raise typer.Exit(1)


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        _fail(f"configuration invalide : {exc}")


def _catalogue(settings: Settings) -> ThemeCatalogue:
    try:
        return ThemeCatalogue.load(settings.themes_file)
    except ThemeCatalogueError as exc:
        _fail(str(exc))


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    try:
        return asyncio.run(coroutine)
    except (MeetingError, reports.ReportError, FeedConfigError) as error:
        _fail(str(error))


def _themes(text: str | None, catalogue: ThemeCatalogue) -> tuple[str, ...]:
    try:
        return check_themes(text or "", catalogue)
    except FeedConfigError as error:
        raise typer.BadParameter(str(error), param_hint="--themes") from None


# ---- meetings ----


@meeting_cli.command("add")
def meeting_add(
    kind: Annotated[Kind, typer.Option(help="copil, gt (groupe de travail) ou equipe-projet")],
    title: Annotated[str, typer.Option(help="intitulé de la réunion")],
    at: Annotated[str, typer.Option("--at", help="date et heure, « AAAA-MM-JJ HH:MM »")],
    themes: Annotated[str | None, typer.Option(help="thèmes (invités : leurs abonnés)")] = None,
    where: Annotated[str, typer.Option("--where", help="lieu")] = "",
    no_invite: Annotated[
        bool, typer.Option("--sans-invitation", help="ne pas envoyer d'invitation maintenant")
    ] = False,
) -> None:
    """Programme une réunion : invitation aux abonnés de ses thèmes, puis rappels."""
    settings = _settings()
    slugs = _themes(themes, _catalogue(settings))
    starts_at = _moment(at, settings, "--at")

    async def add() -> MeetingInfo:
        async with relay_app.opened(settings) as relay:
            info = await relay.meetings.schedule(
                kind.value, starts_at, where, slugs, title, not no_invite
            )
            return await relay.meetings.info(info.id) or info

    info = _run(add())
    typer.echo(f"Réunion n°{info.id} programmée : {info.title}, {info.when(settings.zone)}.")
    if not no_invite:
        typer.echo("L'invitation est en file : « relay run » la diffuse.")
    typer.echo(_notices_line(info, settings))


def _moment(text: str, settings: Settings, hint: str) -> datetime:
    day_text, _, time_text = text.strip().partition(" ")
    day, at = parse_day(day_text), parse_time(time_text)
    if day is None or at is None:
        raise typer.BadParameter(
            f"« {text} » n'est pas de la forme AAAA-MM-JJ HH:MM", param_hint=hint
        )
    return local_moment(day, at, settings.zone)


def _notices_line(info: MeetingInfo, settings: Settings) -> str:
    parts = []
    for label, due, state in info.notices:
        if is_reminder(label):
            shown = NOTICE_STATES.get(state, state)
            when = f" le {short_datetime(due, settings.zone)}" if state == PENDING else ""
            parts.append(f"{offset_label(label)} {shown}{when}")
    return "Rappels : " + (", ".join(parts) or "aucun")


@meeting_cli.command("list")
def meeting_list(
    everything: Annotated[bool, typer.Option("--all", help="aussi les réunions passées")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="sortie JSON")] = False,
) -> None:
    """Les réunions (à venir et du mois écoulé), leurs réponses et leurs rappels."""
    settings = _settings()

    async def fetch() -> list[MeetingInfo]:
        async with relay_app.opened(settings) as relay:
            return await relay.meetings.listing(include_past=everything)

    infos = _run(fetch())
    if as_json:
        typer.echo(json.dumps([_as_json(i, settings) for i in infos], ensure_ascii=False, indent=2))
        return
    if not infos:
        typer.echo("Aucune réunion.")
        return
    for info in infos:
        state = " [annulée]" if info.status == CANCELLED else ""
        place = f" — {info.place}" if info.place else ""
        kind = KIND_LABELS.get(info.kind, info.kind)
        typer.echo(f"n°{info.id:<4} {kind:18} {info.when(settings.zone)}{state}")
        typer.echo(f"       {info.title}{place}")
        answers = ANSWERS.format(
            yes=info.rsvps["yes"], maybe=info.rsvps["maybe"], no=info.rsvps["no"]
        )
        if info.participants is not None:
            answers += f" · participants : {info.participants}"
        typer.echo(f"       {answers}")
        typer.echo(f"       {_notices_line(info, settings)}")


def _as_json(info: MeetingInfo, settings: Settings) -> dict[str, Any]:
    return {
        "id": info.id,
        "kind": info.kind,
        "title": info.title,
        "starts_at": info.starts_at.astimezone(settings.zone).isoformat(),
        "place": info.place,
        "themes": list(info.themes),
        "status": info.status,
        "participants": info.participants,
        "rsvps": {"yes": info.rsvps["yes"], "maybe": info.rsvps["maybe"], "no": info.rsvps["no"]},
        "reminders": [
            {"label": label, "due_at": due.astimezone(settings.zone).isoformat(), "state": state}
            for label, due, state in info.notices
            if is_reminder(label)
        ],
    }


@meeting_cli.command("change")
def meeting_change(
    number: Annotated[int, typer.Argument(help="numéro de la réunion")],
    at: Annotated[
        str | None, typer.Option("--at", help="nouvelle date, « AAAA-MM-JJ HH:MM »")
    ] = None,
    where: Annotated[str | None, typer.Option("--where", help="nouveau lieu")] = None,
) -> None:
    """Change la date ou le lieu d'une réunion ; les invités sont prévenus."""
    settings = _settings()
    starts_at = _moment(at, settings, "--at") if at else None

    async def change() -> MeetingInfo:
        async with relay_app.opened(settings) as relay:
            return await relay.meetings.reschedule(number, starts_at, where)

    info = _run(change())
    typer.echo(
        f"Réunion n°{info.id} modifiée : {info.when(settings.zone)}. Les invités sont prévenus."
    )


@meeting_cli.command("cancel")
def meeting_cancel(number: Annotated[int, typer.Argument(help="numéro de la réunion")]) -> None:
    """Annule une réunion ; les invités sont prévenus."""
    settings = _settings()

    async def cancel() -> MeetingInfo:
        async with relay_app.opened(settings) as relay:
            return await relay.meetings.cancel(number)

    info = _run(cancel())
    typer.echo(f"Réunion n°{info.id} annulée. Les invités sont prévenus.")


@meeting_cli.command("participants")
def meeting_participants(
    number: Annotated[int, typer.Argument(help="numéro de la réunion")],
    count: Annotated[int, typer.Argument(help="nombre de participants")],
) -> None:
    """Note le nombre de participants d'une réunion tenue."""
    settings = _settings()

    async def record() -> MeetingInfo:
        async with relay_app.opened(settings) as relay:
            return await relay.meetings.record_participants(number, count)

    info = _run(record())
    typer.echo(f"Réunion n°{info.id} : {count} participant(s) noté(s).")


# ---- feeds ----


@feeds_cli.command("add")
def feeds_add(
    url: Annotated[str, typer.Argument(help="adresse du flux RSS ou Atom")],
    themes: Annotated[str | None, typer.Option(help="thèmes par défaut de ses éléments")] = None,
    name: Annotated[str | None, typer.Option(help="nom affiché (par défaut : le site)")] = None,
    auto: Annotated[
        bool, typer.Option("--auto", help="relayer sans validation des coordinateurs")
    ] = False,
    interval: Annotated[str, typer.Option(help="intervalle : 60 (minutes), 30m, 2h…")] = "60",
) -> None:
    """Ajoute un flux (s'il est déjà déclaré dans feeds.yaml, c'est ce fichier qui compte)."""
    settings = _settings()
    slugs = _themes(themes, _catalogue(settings))
    try:
        address = check_url(url)
        every = parse_interval(int(interval) if interval.isdigit() else interval)
    except FeedConfigError as error:
        raise typer.BadParameter(str(error)) from None
    shown = (name or address.split("/")[2])[:200]

    async def add() -> bool:
        async with relay_app.opened(settings) as relay, relay.db.write() as session:
            if await feed_store.by_url(session, address) is not None:
                return False
            minutes = int(every.total_seconds() // 60)
            session.add(
                Feed(
                    name=shown,
                    url=address,
                    themes=",".join(slugs),
                    auto=auto,
                    interval_minutes=minutes,
                )
            )
            return True

    if not _run(add()):
        _fail(f"ce flux est déjà enregistré : {address}")
    mode = "relayés directement" if auto else "proposés aux coordinateurs"
    typer.echo(f"Flux « {shown} » ajouté ; ses nouveaux éléments seront {mode}.")


@feeds_cli.command("list")
def feeds_list(
    as_json: Annotated[bool, typer.Option("--json", help="sortie JSON")] = False,
) -> None:
    """Les flux, leur état et leurs échecs."""
    settings = _settings()

    async def fetch() -> list[Feed]:
        async with relay_app.opened(settings) as relay:
            poller = FeedPoller(relay.db, settings, relay.themes, relay.announcements)
            await poller.sync_config()
            async with relay.db.read() as session:
                return await feed_store.all_feeds(session)

    feeds = _run(fetch())
    if as_json:
        typer.echo(
            json.dumps([_feed_json(f, settings) for f in feeds], ensure_ascii=False, indent=2)
        )
        return
    if not feeds:
        typer.echo(NO_FEED)
        return
    for feed in feeds:
        state = "" if feed.enabled else " [retiré de feeds.yaml]"
        mode = "relais direct" if feed.auto else "proposés aux coordinateurs"
        typer.echo(f"n°{feed.id:<3} {feed.name}{state}")
        typer.echo(f"      {feed.url}")
        themes = ", ".join(feed.theme_slugs) or "selon le contenu"
        typer.echo(f"      thèmes : {themes} · {mode} · toutes les {feed.interval_minutes} min")
        last = (
            short_datetime(feed.last_success_at, settings.zone)
            if feed.last_success_at
            else "jamais"
        )
        line = f"      dernier succès : {last} · éléments relayés : {feed.items_relayed}"
        if feed.failures:
            line += f" · EN ÉCHEC ({feed.failures} fois de suite : {feed.last_error})"
            line += f" · prochain essai : {short_datetime(feed.next_poll_at, settings.zone)}"
        typer.echo(line)


def _feed_json(feed: Feed, settings: Settings) -> dict[str, Any]:
    def moment(value: datetime | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "id": feed.id,
        "name": feed.name,
        "url": feed.url,
        "themes": list(feed.theme_slugs),
        "auto": feed.auto,
        "interval_minutes": feed.interval_minutes,
        "origin": feed.origin,
        "enabled": feed.enabled,
        "last_success_at": moment(feed.last_success_at),
        "next_poll_at": moment(feed.next_poll_at),
        "failures": feed.failures,
        "error_count": feed.error_count,
        "last_error": feed.last_error,
        "items_relayed": feed.items_relayed,
    }


@feeds_cli.command("poll")
def feeds_poll() -> None:
    """Interroge tous les flux maintenant (un tour) et affiche l'avancement."""
    settings = _settings()

    def show(outcome: PollOutcome) -> None:
        if outcome.status == FAILED:
            typer.echo(f"✗ {outcome.feed} : {outcome.error} ({outcome.failures} échec(s) de suite)")
        elif outcome.status == NEW:
            typer.echo(
                POLL_NEW.format(feed=outcome.feed, new=outcome.new_items, relayed=outcome.relayed)
            )
        else:
            typer.echo(f"= {outcome.feed} : rien de nouveau")

    async def poll() -> list[PollOutcome]:
        async with relay_app.opened(settings) as relay:
            poller = FeedPoller(relay.db, settings, relay.themes, relay.announcements)
            channels = relay.platform_channels()  # coordinators hear of proposals where possible
            async with relay_app.delivering(relay, channels, receive=False):
                return await poller.poll(due_only=False, progress=show)

    outcomes = _run(poll())
    if not outcomes:
        typer.echo(NO_FEED)
        return
    failed = sum(1 for o in outcomes if o.status == FAILED)
    new = sum(o.new_items for o in outcomes)
    typer.echo(
        f"Tour terminé : {len(outcomes)} flux, {new} élément(s) nouveau(x), {failed} en échec."
    )


# ---- report ----


def report(
    month: Annotated[
        str | None, typer.Option(help="mois AAAA-MM (par défaut : le mois dernier)")
    ] = None,
    output_format: Annotated[
        Format, typer.Option("--format", help="text, json ou csv")
    ] = Format.TEXT,
    output: Annotated[Path | None, typer.Option(help="écrire le rapport dans ce fichier")] = None,
    chart: Annotated[
        Path | None, typer.Option(help="écrire le graphique PNG dans ce fichier")
    ] = None,
) -> None:
    """Le rapport mensuel du relais (indicateurs du CLS)."""
    settings = _settings()
    catalogue = _catalogue(settings)
    now = utcnow()
    try:
        chosen = reports.Month.parse(month) if month else reports.previous_month(now, settings.zone)
    except reports.ReportError as error:
        raise typer.BadParameter(str(error), param_hint="--month") from None

    async def build() -> tuple[dict[str, Any], bytes | None]:
        async with relay_app.opened(settings) as relay:
            data = await reports.build_report(relay.db, settings, catalogue, chosen, now)
            png = (
                await reports.build_chart(relay.db, settings, catalogue, chosen) if chart else None
            )
            return data, png

    data, png = _run(build())
    if output_format is Format.JSON:
        rendered = report_formats.to_json(data) + "\n"
    elif output_format is Format.CSV:
        rendered = report_formats.to_csv(data)
    else:
        rendered = report_formats.text(data, catalogue) + "\n"
    try:
        if output is not None:
            output.write_text(rendered, encoding="utf-8")
        if chart is not None and png is not None:
            chart.write_bytes(png)
    except OSError as error:
        _fail(f"écriture impossible : {error.strerror} ({error.filename})")
    if output is None:
        typer.echo(rendered, nl=False)
    else:
        typer.echo(f"Rapport de {chosen} écrit dans {output}.", err=True)
    if chart is not None:
        typer.echo(f"Graphique écrit dans {chart}.", err=True)


__all__ = ["register"]
