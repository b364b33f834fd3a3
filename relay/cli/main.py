"""The `relay` command line: parses arguments, calls the services, prints."""

import json
import logging
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from relay.cli import common, directory, feeds, french, meetings, reports, slack
from relay.malloc import limit_arenas
from relay.messages import AnnouncementKind, UserRef
from relay.themes import ALL_THEMES, ThemeCatalogue
from relay.wording import count

if TYPE_CHECKING:
    from relay.messages import Attachment
    from relay.store import subscribers

# Each command imports the services it calls when it runs: `relay ask` loads the directory, not
# the web site, the scheduler or the platforms.

T = TypeVar("T")

PAST_TEXT = "ce moment est déjà passé : choisissez une date et une heure à venir"
POST_PATIENCE_SECONDS = 60.0  # `relay post --deliver`: nothing delivered for this long, it stops

cli = french.App(
    name="relay",
    help="relay : le relais d'information et le chatbot du Contrat Local de Santé.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_cli = french.App(help="Base de données.", no_args_is_help=True)
subscribers_cli = french.App(help="Abonnés.", no_args_is_help=True)
cli.add_typer(db_cli, name="db")
cli.add_typer(subscribers_cli, name="subscribers")


@cli.command()
def run() -> None:
    """Lance le bot : canaux configurés, diffusions, tâches planifiées."""
    from relay import app as relay_app

    common.run(relay_app.run(common.settings()))


@cli.command()
def chat(
    as_user: Annotated[
        str | None,
        typer.Option("--as", help="parler comme cet utilisateur, par ex. telegram:12345"),
    ] = None,
) -> None:
    """Discute avec le bot dans le terminal (mêmes commandes que Telegram et Slack)."""
    from relay import app as relay_app

    user = relay_app.CONSOLE_USER
    if as_user:
        try:
            user = UserRef.parse(as_user)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--as") from None
    common.run(relay_app.chat(common.settings(), user))


@cli.command()
def post(
    text: Annotated[str, typer.Argument(help="le message", metavar="TEXTE")],
    themes: Annotated[str, typer.Option(help="thèmes séparés par des virgules (ou « tout »)")],
    kind: Annotated[
        AnnouncementKind, typer.Option(help="nature de l'annonce")
    ] = AnnouncementKind.INFORMATION,
    title: Annotated[str, typer.Option(help="titre")] = "",
    link: Annotated[str | None, typer.Option(help="lien (https://…)")] = None,
    when: Annotated[
        str | None, typer.Option("--date", help="date de l'événement ou date limite, AAAA-MM-JJ")
    ] = None,
    attach: Annotated[
        Path | None,
        typer.Option("--attach", help="une affiche ou un formulaire à joindre : PNG, JPEG ou PDF"),
    ] = None,
    deliver: Annotated[
        bool, typer.Option("--deliver", help="diffuser tout de suite depuis cette commande")
    ] = False,
    at: Annotated[
        str | None,
        typer.Option("--at", help="envoyer à ce moment, « AAAA-MM-JJ HH:MM » (RELAY_TIMEZONE)"),
    ] = None,
    wait: Annotated[
        float,
        typer.Option(
            "--wait",
            min=1,
            help="avec --deliver : abandonner après ce nombre de secondes sans envoi",
        ),
    ] = POST_PATIENCE_SECONDS,
) -> None:
    """Publie une annonce du coordinateur : mise en file, diffusée par « relay run »."""
    from relay import app as relay_app
    from relay.announcements import Draft, recipients_line
    from relay.french_dates import long_datetime
    from relay.states import DeliveryState
    from relay.textnorm import clean_input

    settings = common.settings()
    catalogue = ThemeCatalogue.load(settings.themes_file)
    slugs = _theme_slugs(catalogue, themes)
    event_date = _parse_date(when)
    if link is not None and not link.startswith(("http://", "https://")):
        raise typer.BadParameter(
            "le lien doit commencer par http:// ou https://", param_hint="--link"
        )
    body = clean_input(text, 20_000)
    if not body:
        raise typer.BadParameter("le message est vide", param_hint="TEXTE")
    attachment = _attachment(attach) if attach is not None else None
    draft = Draft(
        body, slugs, (), kind, clean_input(title, 300), link, event_date, attachment=attachment
    )

    def show_progress(done: int, total: int) -> None:
        typer.echo(f"… {done}/{total} envois terminés", err=True)

    send_at = common.moment_option(at, settings, "--at") if at else None
    if send_at is not None and deliver:
        raise typer.BadParameter("--at et --deliver s'excluent", param_hint="--at")
    if send_at is not None and send_at <= datetime.now(UTC):
        raise typer.BadParameter(PAST_TEXT, param_hint="--at")
    result = common.run(relay_app.post(settings, draft, deliver, show_progress, wait, send_at))
    typer.echo(f"Annonce n°{result.number} enregistrée. {recipients_line(result.recipients)}")
    if send_at is not None:
        when = long_datetime(send_at, settings.zone)
        typer.echo(f"Elle partira le {when}, par le processus « relay run » en cours.")
        return
    if result.delivered is None:
        typer.echo("Elle sera diffusée par le processus « relay run » en cours.")
        return
    for platform, counts in sorted(result.delivered.items()):
        waiting = counts[DeliveryState.PENDING] + counts[DeliveryState.SENDING]
        typer.echo(
            f"{platform} : {counts[DeliveryState.SENT]} remis, "
            f"{counts[DeliveryState.FAILED]} en échec, "
            f"{count(counts[DeliveryState.GONE], 'injoignable')}, {waiting} en attente"
        )


def _theme_slugs(catalogue: ThemeCatalogue, text: str) -> tuple[str, ...]:
    match = catalogue.parse(text)
    if match.unknown:
        word, suggestions = match.unknown[0]
        hint = ", ".join(t.slug for t in suggestions) or ", ".join(t.slug for t in catalogue)
        raise typer.BadParameter(
            f"thème inconnu « {word} » (essayez : {hint})", param_hint="--themes"
        )
    if match.everything:
        return (ALL_THEMES,)
    if not match.themes:
        raise typer.BadParameter("au moins un thème est nécessaire", param_hint="--themes")
    return tuple(t.slug for t in match.themes)


def _attachment(path: Path) -> "Attachment":
    """The file to attach, checked as a file sent in chat is (its size before reading it)."""
    from relay.attachments import AttachmentRefused, accept, check_size

    try:
        if not path.is_file():
            raise typer.BadParameter(f"fichier introuvable : {path}", param_hint="--attach")
        check_size(path.name, path.stat().st_size)
        return accept(path.name, path.read_bytes())
    except AttachmentRefused as refused:
        raise typer.BadParameter(refused.message, param_hint="--attach") from None
    except OSError as error:
        raise typer.BadParameter(
            f"lecture impossible de {path} : {error.strerror}", param_hint="--attach"
        ) from None


def _parse_date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(
            f"« {text} » n'est pas une date AAAA-MM-JJ", param_hint="--date"
        ) from None


@db_cli.command("upgrade")
def db_upgrade() -> None:
    """Crée ou met à jour le schéma de la base."""
    from relay.store import schema
    from relay.store.db import Database

    async def upgrade() -> tuple[str | None, str | None]:
        database = Database(common.settings().database_url)
        try:
            return await schema.upgrade(database)
        finally:
            await database.close()

    before, after = common.run(upgrade())
    if before == after:
        typer.echo(f"Schéma déjà à jour (révision {after}).")
    else:
        typer.echo(f"Schéma mis à jour : {before or 'base vide'} → {after}.")


@subscribers_cli.command("list")
def subscribers_list(
    as_json: Annotated[bool, typer.Option("--json", help="sortie JSON")] = False,
) -> None:
    """Qui est abonné à quoi."""
    from relay import app as relay_app
    from relay.store import subscribers
    from relay.wording import count

    async def fetch() -> list["subscribers.SubscriberView"]:
        async with relay_app.opened(common.settings()) as relay, relay.db.read() as session:
            return list(await subscribers.listing(session))

    views = common.run(fetch())
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
    typer.echo(f"\n{count(len(views), 'chat')}.")


for register in (
    meetings.register,
    feeds.register,
    reports.register,
    directory.register,
    slack.register,
):
    register(cli)


def main() -> None:
    limit_arenas()
    common.end_at_once()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        cli(prog_name="relay")
    except Exception as error:
        if not common.is_failure(error):
            raise
        common.report_and_exit(error)
    except KeyboardInterrupt:
        sys.exit(130)
