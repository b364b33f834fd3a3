"""`relay chat` as a user runs it: a scripted conversation piped into the real command."""

import os
import signal
import subprocess
import sys
from pathlib import Path

CONVERSATION = """\
/aide
/themes
8
/abonner psy, addictions
/abonner santé mentale
/abonner jeunnes
/abonnements
"""


def chat(database_url: str, script: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "relay", "chat", *args],
        input=script,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "RELAY_DATABASE_URL": database_url},
    )


def test_scripted_conversation_and_a_second_run_remembers(database_url: str) -> None:
    first = chat(database_url, CONVERSATION)
    assert first.returncode == 0, first.stderr
    out = first.stdout
    assert "Traceback" not in out + first.stderr
    assert "/abonner <thème…>" in out  # help
    assert "1. Prévention et promotion de la santé" in out  # theme buttons as numbered choices
    assert "✅ Santé mentale" in out  # choice 8 pressed: the board shows it subscribed
    assert "Addictions" in out
    assert "déjà abonnée à : Santé mentale" in out
    assert "Vouliez-vous dire : Santé des jeunes" in out
    assert "• Santé mentale\n" in out.replace("        ", "")

    second = chat(database_url, "/abonnements\n")
    assert second.returncode == 0, second.stderr
    assert "Santé mentale" in second.stdout and "Addictions" in second.stdout


def test_as_another_user_and_bad_identity(database_url: str, tmp_path: Path) -> None:
    partner = chat(database_url, "/abonner jeunes\n", "--as", "telegram:555")
    assert partner.returncode == 0, partner.stderr
    listing = subprocess.run(
        [sys.executable, "-m", "relay", "subscribers", "list", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "RELAY_DATABASE_URL": database_url},
    )
    assert '"platform": "telegram"' in listing.stdout and '"jeunes"' in listing.stdout
    bad = chat(database_url, "", "--as", "fax:1")
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr


def test_bad_setting_is_one_clear_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "relay", "subscribers", "list"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={
            **os.environ,
            "RELAY_TELEGRAM_RATE": "vite",
            "RELAY_DATABASE_URL": "sqlite+aiosqlite:///" + str(tmp_path / "x.db"),
        },
    )
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0
    assert "RELAY_TELEGRAM_RATE" in result.stderr


def test_run_without_tokens_serves_the_console_and_stops_on_sigterm(database_url: str) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "relay", "run"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "RELAY_DATABASE_URL": database_url},
    )
    assert process.stdin and process.stdout
    notice = process.stdout.readline()
    assert "Aucun jeton Telegram ni Slack" in notice
    process.stdin.write("/abonner jeunes\n")
    process.stdin.flush()
    answer = process.stdout.readline()
    assert "Santé des jeunes" in answer
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=20) == 0
    assert "Traceback" not in (process.stderr.read() if process.stderr else "")
