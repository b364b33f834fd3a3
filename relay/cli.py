"""The `relay` command line: parses arguments, calls the services, prints."""

import asyncio
import json
import logging
import sys
from collections.abc import Coroutine
from typing import Annotated, Any, TypeVar

import typer

from relay import app as relay_app
from relay.messages import UserRef
from relay.settings import Settings, SettingsError, load_settings
from relay.store import schema, subscribers
from relay.store.db import Database
from relay.themes import ThemeCatalogueError

T = TypeVar("T")

cli = typer.Typer(
    name="relay",
    help="relay : le relais d'information et le chatbot du Contrat Local de Santé.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_cli = typer.Typer(help="Base de données.", no_args_is_help=True)
subscribers_cli = typer.Typer(help="Abonnés.", no_args_is_help=True)
cli.add_typer(db_cli, name="db")
cli.add_typer(subscribers_cli, name="subscribers")


class UserError(Exception):
    """A mistake the user can fix; printed as one line, exit status 1."""


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        raise UserError(f"configuration invalide : {exc}") from None


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


@cli.command()
def run() -> None:
    """Lance le bot : canaux configurés, diffusions, tâches planifiées."""
    _run(relay_app.run(_settings()))


@cli.command()
def chat(
    as_user: Annotated[
        str | None,
        typer.Option("--as", help="parler comme cet utilisateur, par ex. telegram:12345"),
    ] = None,
) -> None:
    """Discute avec le bot dans le terminal (mêmes commandes que Telegram et Slack)."""
    user = relay_app.CONSOLE_USER
    if as_user:
        try:
            user = UserRef.parse(as_user)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--as") from None
    _run(relay_app.chat(_settings(), user))


@db_cli.command("upgrade")
def db_upgrade() -> None:
    """Crée ou met à jour le schéma de la base."""

    async def upgrade() -> tuple[str | None, str | None]:
        database = Database(_settings().database_url)
        try:
            return await schema.upgrade(database)
        finally:
            await database.close()

    before, after = _run(upgrade())
    if before == after:
        typer.echo(f"Schéma déjà à jour (révision {after}).")
    else:
        typer.echo(f"Schéma mis à jour : {before or 'base vide'} → {after}.")


@subscribers_cli.command("list")
def subscribers_list(
    as_json: Annotated[bool, typer.Option("--json", help="sortie JSON")] = False,
) -> None:
    """Qui est abonné à quoi."""

    async def fetch() -> list[subscribers.SubscriberView]:
        async with relay_app.opened(_settings()) as relay, relay.db.read() as session:
            return list(await subscribers.listing(session))

    views = _run(fetch())
    if as_json:
        typer.echo(json.dumps([view.__dict__ for view in views], ensure_ascii=False, indent=2))
        return
    if not views:
        typer.echo("Aucun abonné pour l'instant.")
        return
    for view in views:
        state = "" if view.active else f"  [inactif : {view.inactive_reason}]"
        themes = ", ".join(view.themes) or "aucun thème"
        name = view.display_name or view.address
        typer.echo(f"{view.platform:9} {view.chat_kind:8} {name} — {themes}{state}")
    typer.echo(f"\n{len(views)} chat(s).")


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        cli()
    except (UserError, ThemeCatalogueError) as exc:
        print(f"relay : {exc}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
