"""`relay feeds add|list|poll`: the RSS/Atom sources from the shell."""

import json
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer

from relay.cli import common, french
from relay.cli.themes import theme_option
from relay.french_dates import short_datetime
from relay.settings import Settings
from relay.states import PollStatus
from relay.wording import count

if TYPE_CHECKING:
    from relay.feeds.poller import PollOutcome
    from relay.store.models_schedule import Feed

feeds_cli = french.App(help="Flux RSS/Atom relayés.", no_args_is_help=True)

POLL_NEW_TEXT = "✓ {feed} : {new}, {relayed}"
POLL_FAILED_TEXT = "✗ {feed} : {error} ({failures} de suite)"
POLL_DONE_TEXT = "Tour terminé : {feeds} flux, {new}, {failed} en échec."
NO_FEED = "Aucun flux. Ajoutez-en dans config/feeds.yaml ou avec « relay feeds add URL »."


def register(cli: typer.Typer) -> None:
    cli.add_typer(feeds_cli, name="feeds")


@feeds_cli.command("add")
def feeds_add(
    url: Annotated[str, typer.Argument(help="adresse du flux RSS ou Atom", metavar="URL")],
    themes: Annotated[str | None, typer.Option(help="thèmes par défaut de ses éléments")] = None,
    name: Annotated[str | None, typer.Option(help="nom affiché (par défaut : le site)")] = None,
    auto: Annotated[
        bool, typer.Option("--auto", help="relayer sans validation des coordinateurs")
    ] = False,
    interval: Annotated[str, typer.Option(help="intervalle : 60 (minutes), 30min, 2h, 1j…")] = "60",
) -> None:
    """Ajoute un flux (s'il est déjà déclaré dans feeds.yaml, c'est ce fichier qui compte)."""
    from relay import app as relay_app
    from relay.feeds.config import FeedConfigError, check_url, parse_interval
    from relay.store import feeds as feed_store
    from relay.store.models_schedule import Feed

    settings = common.settings()
    slugs = theme_option(themes, common.catalogue(settings))
    try:
        address = check_url(url, settings.feeds_allow_private)
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

    if not common.run(add()):
        common.fail(f"ce flux est déjà enregistré : {address}")
    mode = "relayés directement" if auto else "proposés aux coordinateurs"
    typer.echo(f"Flux « {shown} » ajouté ; ses nouveaux éléments seront {mode}.")


@feeds_cli.command("list")
def feeds_list(
    as_json: Annotated[bool, typer.Option("--json", help="sortie JSON")] = False,
) -> None:
    """Les flux, leur état et leurs échecs."""
    from relay import app as relay_app
    from relay.store import feeds as feed_store

    settings = common.settings()

    async def fetch() -> list["Feed"]:
        async with relay_app.opened(settings) as relay:
            poller = relay.work.feeds
            await poller.sync_config()
            async with relay.db.read() as session:
                return await feed_store.all_feeds(session)

    feeds = common.run(fetch())
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


def _feed_json(feed: "Feed", settings: Settings) -> dict[str, Any]:
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
    from relay import app as relay_app

    settings = common.settings()

    def show(outcome: "PollOutcome") -> None:
        if outcome.status == PollStatus.FAILED:
            failures = count(outcome.failures, "échec")
            typer.echo(
                POLL_FAILED_TEXT.format(feed=outcome.feed, error=outcome.error, failures=failures)
            )
        elif outcome.status == PollStatus.NEW:
            new = count(outcome.new_items, "nouveau", "nouveaux")
            relayed = count(outcome.relayed, "relayé ou proposé", "relayés ou proposés")
            typer.echo(POLL_NEW_TEXT.format(feed=outcome.feed, new=new, relayed=relayed))
        else:
            typer.echo(f"= {outcome.feed} : rien de nouveau")

    async def poll() -> list["PollOutcome"]:
        async with relay_app.opened(settings) as relay:
            poller = relay.work.feeds
            channels = relay.platform_channels()  # coordinators hear of proposals where possible
            async with relay_app.delivering(relay, channels, receive=False):
                return await poller.poll(due_only=False, progress=show)

    outcomes = common.run(poll())
    if not outcomes:
        typer.echo(NO_FEED)
        return
    failed = sum(1 for o in outcomes if o.status == PollStatus.FAILED)
    new = sum(o.new_items for o in outcomes)
    elements = count(new, "nouvel élément", "nouveaux éléments")
    typer.echo(POLL_DONE_TEXT.format(feeds=len(outcomes), new=elements, failed=failed))
