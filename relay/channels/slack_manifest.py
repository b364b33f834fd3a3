"""The Slack app manifest, generated from the command declarations: an admin creates the app by
pasting config/slack-manifest.yaml, and the /cls usage hint never lists commands by hand.
`relay slack-manifest` writes it (`--check`: exit 1 if the file is out of date)."""

from collections.abc import Sequence
from typing import Any

import yaml

from relay.channels.slack_blocks import COMMAND
from relay.contract import CommandInfo

MANIFEST_FILE = "slack-manifest.yaml"
HEADER = (
    "# The Slack app: paste this manifest at https://api.slack.com/apps (Create New App > From a\n"
    "# manifest), install the app, then set RELAY_SLACK_BOT_TOKEN (xoxb-…) and, for Socket Mode,\n"
    "# RELAY_SLACK_APP_TOKEN (an xapp-… app-level token with connections:write).\n"
    "# Generated from relay's command declarations: do not edit, run\n"
    "#   relay slack-manifest\n"
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
    "files:read",  # posters and forms shared with a broadcast in a direct message
    "files:write",  # meeting invitations, report charts, posters and forms
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
