"""`relay slack-manifest`: writes the Slack app manifest from the command declarations."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from relay.cli import common

if TYPE_CHECKING:
    from relay.contract import CommandInfo

OUT_OF_DATE_TEXT = "{path} n'est pas à jour : lancez « relay slack-manifest »"


def register(cli: typer.Typer) -> None:
    cli.command("slack-manifest")(slack_manifest)


def declared_commands() -> list["CommandInfo"]:
    """The commands everyone may use, as relay's core declares them (the hint is shown to
    every member of the workspace; coordinators find theirs in `/cls aide`)."""
    from relay.app import Relay

    settings = common.settings().model_copy(update={"database_url": "sqlite+aiosqlite:///:memory:"})
    # The database is never opened: only the command declarations are read.
    return Relay(settings).core.commands(coordinator=False)


def slack_manifest(
    output: Annotated[
        Path | None, typer.Option(help="fichier à écrire (par défaut : config/slack-manifest.yaml)")
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="vérifier seulement que le fichier est à jour")
    ] = False,
) -> None:
    """Écrit le manifeste de l'application Slack (commandes déclarées dans relay)."""
    from relay.channels.slack_manifest import MANIFEST_FILE, manifest_yaml

    path = output or common.settings().config_dir / MANIFEST_FILE
    generated = manifest_yaml(declared_commands())
    if check:
        current = path.read_text(encoding="utf-8") if path.is_file() else ""
        if current != generated:
            common.fail(OUT_OF_DATE_TEXT.format(path=path))
        return
    path.write_text(generated, encoding="utf-8")
    typer.echo(f"{path} écrit.")
