"""The Slack app manifest, generated from the command declarations: an admin creates the app by
pasting config/slack-manifest.yaml, and the /cls usage hint never lists commands by hand.

    python -m relay.channels.slack_manifest            # rewrites config/slack-manifest.yaml
    python -m relay.channels.slack_manifest --check    # exit 1 if the file is out of date
"""

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from relay.channels.base import CommandInfo
from relay.channels.slack_blocks import COMMAND

MANIFEST_FILE = "slack-manifest.yaml"
HEADER = (
    "# The Slack app: paste this manifest at https://api.slack.com/apps (Create New App > From a\n"
    "# manifest), install the app, then set RELAY_SLACK_BOT_TOKEN (xoxb-…) and, for Socket Mode,\n"
    "# RELAY_SLACK_APP_TOKEN (an xapp-… app-level token with connections:write).\n"
    "# Generated from relay's command declarations: do not edit, run\n"
    "#   python -m relay.channels.slack_manifest\n"
)
NAME = "relay"
DESCRIPTION = "Le relais d'information du Contrat Local de Santé"
COMMAND_DESCRIPTION = "Abonnements, questions et diffusions du CLS"
MAX_USAGE_HINT = 1000
BOT_SCOPES = (
    "app_mentions:read",  # mentions in channels
    "channels:join",  # join a public channel to deliver there
    "channels:read",
    "chat:write",
    "commands",  # /cls
    "files:write",  # meeting invitations, report charts
    "groups:read",
    "im:history",  # direct messages
    "im:read",
    "im:write",  # open a direct message with a user
    "users:read",  # names, and who administers the workspace
)
BOT_EVENTS = ("app_home_opened", "app_mention", "message.im")


def usage_hint(commands: Sequence[CommandInfo]) -> str:
    """The commands with their arguments; names alone if that is too long for Slack."""
    full = " | ".join(f"{c.name} {c.usage}".strip() for c in commands)
    return full if len(full) <= MAX_USAGE_HINT else " | ".join(c.name for c in commands)


def build_manifest(commands: Sequence[CommandInfo]) -> dict[str, Any]:
    return {
        "_metadata": {"major_version": 1, "minor_version": 1},
        "display_information": {"name": NAME, "description": DESCRIPTION},
        "features": {
            "app_home": {
                "home_tab_enabled": True,
                "messages_tab_enabled": True,
                "messages_tab_read_only_enabled": False,
            },
            "bot_user": {"display_name": NAME, "always_online": True},
            "slash_commands": [
                {
                    "command": COMMAND,
                    "description": COMMAND_DESCRIPTION,
                    "usage_hint": usage_hint(commands),
                    "should_escape": False,
                }
            ],
        },
        "oauth_config": {"scopes": {"bot": list(BOT_SCOPES)}},
        "settings": {
            "event_subscriptions": {"bot_events": list(BOT_EVENTS)},
            "interactivity": {"is_enabled": True},
            "org_deploy_enabled": False,
            "socket_mode_enabled": True,
            "token_rotation_enabled": False,
        },
    }


def manifest_yaml(commands: Sequence[CommandInfo]) -> str:
    body = yaml.safe_dump(build_manifest(commands), allow_unicode=True, sort_keys=False, width=100)
    return HEADER + body


def declared_commands() -> list[CommandInfo]:
    """The commands everyone may use, as relay's core declares them (the hint is shown to
    every member of the workspace; coordinators find theirs in `/cls aide`)."""
    from relay.app import Relay  # the composition root: the only place that knows every command
    from relay.settings import load_settings

    # An in-memory database that is never opened: only the command declarations are read.
    relay = Relay(load_settings(database_url="sqlite+aiosqlite:///:memory:"))
    return relay.core.commands(coordinator=False)


def default_path() -> Path:
    from relay.settings import load_settings

    return load_settings().config_dir / MANIFEST_FILE


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m relay.channels.slack_manifest", description="Write the Slack app manifest."
    )
    parser.add_argument("--output", type=Path, help="default: config/slack-manifest.yaml")
    parser.add_argument("--check", action="store_true", help="only check the file is current")
    options = parser.parse_args(argv)
    path: Path = options.output or default_path()
    generated = manifest_yaml(declared_commands())
    if options.check:
        current = path.read_text(encoding="utf-8") if path.is_file() else ""
        if current != generated:
            print(f"{path} is out of date: run python -m relay.channels.slack_manifest")
            return 1
        return 0
    path.write_text(generated, encoding="utf-8")
    print(f"{path} written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
