"""The command line speaks French: help pages, usage errors, the help option itself."""

import os
import subprocess
import sys

import typer
from typer.testing import CliRunner

from relay.cli.main import cli

# What typer and click print in English when left alone.
ENGLISH = (
    "Show this message",
    "Usage:",
    "Commands",
    "COMMAND [",
    "[required]",
    "[default:",
    "Error",
    "Invalid value",
    "Missing",
    "No such",
    "Try '",
    "for help",
    # the types typer shows beside each option
    "<str>",
    "<int>",
    "<bool>",
    "<path>",
    "<file>",
    " range>",
    "<datetime>",
    "list[",
)


def relay(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "relay", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "COLUMNS": "200", "RELAY_DATABASE_URL": "sqlite+aiosqlite://"},
    )


def english_in(text: str) -> list[str]:
    return [word for word in ENGLISH if word in text]


def test_relay_help_is_in_french() -> None:
    shown = relay("--help")
    assert shown.returncode == 0, shown.stderr
    assert "Usage : relay [OPTIONS] COMMANDE [ARGS]..." in shown.stdout
    assert "Affiche cette aide et quitte." in shown.stdout
    assert "─ Commandes ─" in shown.stdout and "─ Options ─" in shown.stdout
    assert not english_in(shown.stdout)


def test_a_usage_error_is_in_french_with_exit_status_2() -> None:
    missing = relay("post", "Forum des jeunes")
    assert missing.returncode == 2
    assert "Usage : relay post [OPTIONS] {TEXTE}" in missing.stderr
    assert "Essayez « relay post --help » pour l'aide." in missing.stderr
    assert "─ Erreur ─" in missing.stderr and "Il manque l'option --themes." in missing.stderr
    assert not english_in(missing.stderr)
    bad = relay("report", "--format", "pdf")
    assert bad.returncode == 2
    assert "Valeur invalide pour --format : « pdf » n'est pas parmi text, json, csv." in bad.stderr
    ours = relay("meeting", "add", "--kind", "copil", "--title", "COPIL", "--at", "bientôt")
    assert ours.returncode == 2 and "Valeur invalide pour --at : Je ne comprends pas" in ours.stderr
    for stderr in (bad.stderr, ours.stderr):
        assert not english_in(stderr), stderr


def test_every_mistake_typer_catches_is_said_in_french() -> None:
    runner = CliRunner()
    cases = [
        (["meeting", "lst"], "Commande inconnue : « lst ». Vouliez-vous dire « list » ?"),
        (["--verbose"], "Option inconnue : --verbose."),
        (["ask", "--limit", "x", "psy"], "Valeur invalide pour --limit : un nombre entier"),
        (["ask", "--limit", "99", "psy"], "--limit : doit être inférieur ou égal à 30"),
        (["ask", "psy", "pornic"], "Argument en trop : « pornic »."),
        (["ask"], "Il manque l'argument QUESTION."),
        (["post", "--themes"], "L'option --themes attend une valeur."),
        (["subscribers", "list", "--json=oui"], "L'option --json ne prend pas de valeur."),
    ]
    for args, expected in cases:
        result = runner.invoke(cli, args, env={"COLUMNS": "200"})
        assert result.exit_code == 2, (args, result.output)
        assert expected in result.output, (args, result.output)
        assert not english_in(result.output), (args, result.output)


def test_every_help_page_is_in_french() -> None:
    runner = CliRunner()
    group = typer.main.get_command(cli)
    paths: list[list[str]] = [[]]
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        paths.append([name])
        paths.extend([name, sub] for sub in getattr(command, "commands", {}))
    for path in paths:
        result = runner.invoke(cli, [*path, "--help"], env={"COLUMNS": "200"})
        assert result.exit_code == 0, (path, result.output)
        assert "Usage : relay" in result.output and "Affiche cette aide" in result.output
        assert not english_in(result.output), (path, result.output)
