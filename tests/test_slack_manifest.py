"""The Slack app manifest is generated from the command declarations, and committed up to date."""

import subprocess
import sys
from pathlib import Path

import yaml

from relay.channels.slack_manifest import MAX_USAGE_HINT, manifest_yaml, usage_hint
from relay.cli.slack import declared_commands
from tests.conftest import CONFIG_DIR

COMMITTED = CONFIG_DIR / "slack-manifest.yaml"


def test_the_committed_manifest_is_the_generated_one() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == manifest_yaml(declared_commands()), (
        "config/slack-manifest.yaml is out of date: run relay slack-manifest"
    )


def test_the_manifest_declares_what_the_channel_uses() -> None:
    manifest = yaml.safe_load(COMMITTED.read_text(encoding="utf-8"))

    [command] = manifest["features"]["slash_commands"]
    assert command["command"] == "/cls"
    assert command["should_escape"] is False
    assert "abonner <thème…>" in command["usage_hint"]
    assert "diffuser" not in command["usage_hint"]  # coordinators' commands are in /cls aide
    assert set(manifest["oauth_config"]["scopes"]["bot"]) >= {
        "chat:write",
        "commands",
        "app_mentions:read",
        "im:history",
        "im:read",
        "im:write",
        "users:read",
        "channels:join",
        "channels:read",
        "groups:read",
    }
    settings = manifest["settings"]
    assert settings["event_subscriptions"]["bot_events"] == [
        "app_home_opened",
        "app_mention",
        "message.im",
    ]
    assert settings["interactivity"]["is_enabled"] and settings["socket_mode_enabled"]
    assert manifest["features"]["app_home"]["home_tab_enabled"]
    assert manifest["features"]["app_home"]["messages_tab_enabled"]


def test_every_declared_command_is_in_the_usage_hint() -> None:
    commands = declared_commands()
    hint = usage_hint(commands)

    assert len(hint) <= MAX_USAGE_HINT
    assert all(command.name in hint for command in commands)


def test_the_command_line_writes_and_checks(tmp_path: Path) -> None:
    output = tmp_path / "manifest.yaml"
    output.write_text("stale", encoding="utf-8")

    def manifest_command(*args: str) -> int:
        command = [sys.executable, "-m", "relay", "slack-manifest", "--output", str(output), *args]
        return subprocess.run(command, capture_output=True, check=False).returncode

    stale = manifest_command("--check")
    written = manifest_command()
    current = manifest_command("--check")

    assert (stale, written, current) == (1, 0, 0)
    assert output.read_text(encoding="utf-8") == COMMITTED.read_text(encoding="utf-8")
