"""What every `relay` sub-command shares: the one way to fail, settings loaded in one place, the
event loop."""

import asyncio
import os
import sys
from collections.abc import Coroutine
from datetime import datetime
from typing import Any, NoReturn, TypeVar

import typer

from relay.french_dates import DateError, local_moment, parse_day_time
from relay.settings import Settings, SettingsError, load_settings
from relay.themes import ThemeCatalogue

T = TypeVar("T")
NEEDS_DAY_AND_TIME_TEXT = "« {text} » : indiquez le jour et l'heure, par exemple « 14/01 14h »"


class CliError(Exception):
    """The root of every command-line failure: one line on stderr, exit status `code`."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


# Failures printed as one line, never a traceback: the command line's own, and those the services
# raise for something the user can act on. Named, not imported: a command imports only what it
# uses, and an exception can only come from a module that was imported.
FAILURES: tuple[tuple[str, str], ...] = (
    ("relay.app", "DeliveryStalled"),
    ("relay.contract", "ChannelDown"),
    ("relay.directory.importing", "DirectoryFileError"),
    ("relay.feeds.config", "FeedConfigError"),
    ("relay.meetings.service", "MeetingError"),
    ("relay.profiles", "TypologyError"),
    ("relay.reports.model", "ReportError"),
    ("relay.settings", "SettingsError"),
    ("relay.store.db", "DatabaseUnavailable"),
    ("relay.surveys.definition", "SurveyFileError"),
    ("relay.themes", "ThemeCatalogueError"),
    ("relay.web", "WebServerError"),
)


def is_failure(error: Exception) -> bool:
    """Whether `error` is one of FAILURES: said in one line, without a traceback."""
    if isinstance(error, CliError):
        return True
    for module_name, name in FAILURES:
        kind = getattr(sys.modules.get(module_name), name, None)
        if isinstance(kind, type) and isinstance(error, kind):
            return True
    return False


def fail(message: str, code: int = 1) -> NoReturn:
    raise CliError(message, code)


def settings() -> Settings:
    """The settings from the environment and relay.toml; a bad value fails with one line."""
    try:
        return load_settings()
    except SettingsError as exc:
        fail(f"configuration invalide : {exc}")


def catalogue(loaded: Settings) -> ThemeCatalogue:
    return ThemeCatalogue.load(loaded.themes_file)


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


def report_and_exit(error: Exception) -> NoReturn:
    """Print a failure as `relay : <message>` and exit with its status."""
    print(f"relay : {error}", file=sys.stderr)
    raise SystemExit(error.code if isinstance(error, CliError) else 1)


class _Ending:
    at_once = False  # set by `relay`'s entry point; never in a test invoking a command in-process


def end_at_once() -> None:
    _Ending.at_once = True


def done() -> None:
    """End a one-shot command that succeeded, its output written, without the interpreter's
    teardown (freeing every module and object one by one: a fifth of a second of `relay ask`).
    Nothing is left to close: the command has closed the database."""
    if _Ending.at_once:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


def bad_parameter(message: str, hint: str | None = None) -> typer.BadParameter:
    return typer.BadParameter(message, param_hint=hint)


def moment_option(text: str, loaded: Settings, hint: str) -> datetime:
    """A `--at` option: a day and a time as coordinators type them (« 2027-01-14 14:00 »,
    « 14/01 14h »), in RELAY_TIMEZONE."""
    try:
        day, at = parse_day_time(text, datetime.now(loaded.zone).date())
        if day is None or at is None:
            raise DateError(NEEDS_DAY_AND_TIME_TEXT.format(text=text.strip()[:80]))
        return local_moment(day, at, loaded.zone)
    except DateError as error:
        raise typer.BadParameter(str(error), param_hint=hint) from None
