"""The command line in French: typer's help pages and usage errors, said as a coordinator reads
them.

Typer (which carries its own copy of click, without translations) writes its words in three
places, each handled here: the panel titles and hints are `typer.rich_utils` settings
(`speak_french`, applied just before typer draws a page or an error); the usage line and the help
option belong to each command (`FrenchCommand`, `FrenchGroup`, made by `App`); usage errors are
raised in English deep inside parsing, and are said again in French where they cross a group
(`in_french`). Every `relay` sub-command is built with `App`, so each help page and each mistake
comes out in French (tests/test_cli_french.py reads them all).
"""

import re
from collections.abc import Callable
from difflib import get_close_matches
from typing import Any, TypeVar

import typer
from typer._click import Command, Context, HelpFormatter
from typer._click.exceptions import (
    BadOptionUsage,
    BadParameter,
    MissingParameter,
    NoArgsIsHelpError,
    NoSuchOption,
    UsageError,
)
from typer.core import TyperCommand, TyperGroup, TyperOption
from typer.exceptions import Abort

F = TypeVar("F", bound=Callable[..., Any])

USAGE_PREFIX = "Usage : "
SUBCOMMANDS = "COMMANDE [ARGS]..."
HELP_TEXT = "Affiche cette aide et quitte."
MISSING_OPTION_TEXT = "Il manque l'option {name}."
MISSING_ARGUMENT_TEXT = "Il manque l'argument {name}."
MISSING_COMMAND = "Il manque la commande."
INVALID_VALUE_TEXT = "Valeur invalide pour {name} : {reason}"
INVALID_TEXT = "Valeur invalide : {reason}"
UNKNOWN_OPTION_TEXT = "Option inconnue : {name}."
UNKNOWN_COMMAND_TEXT = "Commande inconnue : « {name} »."
DID_YOU_MEAN_TEXT = " Vouliez-vous dire {names} ?"
NEEDS_VALUE_TEXT = "L'option {name} attend une valeur."
NEEDS_VALUES_TEXT = "L'option {name} attend {count} valeurs."
TAKES_NO_VALUE_TEXT = "L'option {name} ne prend pas de valeur."
EXTRA_ARGUMENT_TEXT = "Argument en trop : {values}."
EXTRA_ARGUMENTS_TEXT = "Arguments en trop : {values}."
NOT_AMONG_TEXT = "« {value} » n'est pas parmi {choices}."
# typer's rich help and error panels
PANEL_TEXTS = {
    "ARGUMENTS_PANEL_TITLE": "Arguments",
    "OPTIONS_PANEL_TITLE": "Options",
    "COMMANDS_PANEL_TITLE": "Commandes",
    "ERRORS_PANEL_TITLE": "Erreur",
    "ABORTED_TEXT": "Abandon.",
    "RICH_HELP": "Essayez « {command_path} {help_option} » pour l'aide.",
    "DEFAULT_STRING": "[par défaut : {}]",
    "ENVVAR_STRING": "[variable : {}]",
    "REQUIRED_LONG_STRING": "[obligatoire]",
    "DEPRECATED_STRING": "(obsolète) ",
}
# What a value is, in the help's type column (typer would show <str>, <int>, <path>, <bool>).
TYPE_LABELS: dict[object, str] = {str: "TEXTE", int: "NOMBRE", float: "NOMBRE"}
PATH_LABEL = "FICHIER"
# What typer's value conversions (pydantic) say, and the same in French.
_VALUE_REASONS = (
    (re.compile(r"^'(.*)' is not one of (.*)\.$"), None),
    (re.compile(r"^Input should be a valid integer.*"), "un nombre entier est attendu"),
    (re.compile(r"^Input should be a valid number.*"), "un nombre est attendu"),
    (re.compile(r"^Input should be a valid boolean.*"), "attendu : true ou false"),
    (re.compile(r"^Input should be greater than or equal to (.+)$"), "doit être au moins {0}"),
    (re.compile(r"^Input should be greater than (.+)$"), "doit être supérieur à {0}"),
    (
        re.compile(r"^Input should be less than or equal to (.+)$"),
        "doit être inférieur ou égal à {0}",
    ),
    (re.compile(r"^Input should be less than (.+)$"), "doit être inférieur à {0}"),
)
_EXTRA_ARGUMENTS = re.compile(r"^Got unexpected extra argument(?:s|\(s\))? \((.*)\)$")
_OPTION_NEEDS = re.compile(r"^Option '(.+)' requires (an argument|(\d+) arguments)\.$")
_OPTION_TAKES_NOTHING = re.compile(r"^Option '(.+)' does not take a value\.$")


def speak_french() -> None:
    """typer's panel titles and hints in French (module settings typer reads at each use).

    Called before typer draws a help page or an error: its drawing module loads rich, a tenth
    of a second that a command which prints neither does not spend."""
    from typer import rich_utils

    for name, text in PANEL_TEXTS.items():
        setattr(rich_utils, name, text)


class FrenchUsageError(UsageError):
    """A usage error already said in French."""


def in_french(error: UsageError) -> UsageError:
    """The same mistake, said in French (help pages asked for by `no_args_is_help` pass)."""
    if isinstance(error, FrenchUsageError | NoArgsIsHelpError):
        return error
    return FrenchUsageError(_message(error), error.ctx)


def _message(error: UsageError) -> str:
    if isinstance(error, MissingParameter):
        if error.param is not None and error.param.param_type_name == "argument":
            return MISSING_ARGUMENT_TEXT.format(name=_argument_name(error.param))
        return MISSING_OPTION_TEXT.format(name=_parameter_name(error))
    if isinstance(error, BadParameter):
        reason = _value_reason(error.message)
        if error.param_hint is None and error.param is None:
            return INVALID_TEXT.format(reason=reason)
        return INVALID_VALUE_TEXT.format(name=_parameter_name(error), reason=reason)
    if isinstance(error, NoSuchOption):
        return UNKNOWN_OPTION_TEXT.format(name=error.option_name) + _suggestion(error.possibilities)
    if isinstance(error, BadOptionUsage):
        return _option_usage(error.message)
    return _usage(error.message)


def _parameter_name(error: BadParameter) -> str:
    if isinstance(error.param_hint, str):
        return error.param_hint
    if error.param_hint:
        return " / ".join(error.param_hint)
    param = error.param
    if param is None:
        return ""
    if param.param_type_name == "argument":
        return _argument_name(param)
    longs = [opt for opt in param.opts if opt.startswith("--")]
    return (longs or param.opts or [param.name or ""])[0]


def _argument_name(param: Any) -> str:
    return str(param.metavar or (param.name or "").upper())


def _value_reason(message: str) -> str:
    message = message.removeprefix("Value error, ")
    for pattern, french in _VALUE_REASONS:
        if match := pattern.match(message):
            if french is None:
                return NOT_AMONG_TEXT.format(value=match[1], choices=match[2].replace("'", ""))
            return french.format(*match.groups())
    return message


def _option_usage(message: str) -> str:
    if match := _OPTION_NEEDS.match(message):
        if match[3]:
            return NEEDS_VALUES_TEXT.format(name=match[1], count=match[3])
        return NEEDS_VALUE_TEXT.format(name=match[1])
    if match := _OPTION_TAKES_NOTHING.match(message):
        return TAKES_NO_VALUE_TEXT.format(name=match[1])
    return message


def _usage(message: str) -> str:
    if match := _EXTRA_ARGUMENTS.match(message):
        values = match[1].split()
        template = EXTRA_ARGUMENT_TEXT if len(values) == 1 else EXTRA_ARGUMENTS_TEXT
        return template.format(values=", ".join(f"« {value} »" for value in values))
    if message == "Missing command.":
        return MISSING_COMMAND
    return message


def _suggestion(names: Any) -> str:
    if not names:
        return ""
    return DID_YOU_MEAN_TEXT.format(names=" ou ".join(f"« {name} »" for name in sorted(names)))


def _help_option(option: TyperOption | None) -> TyperOption | None:
    if option is not None:
        option.help = HELP_TEXT
    return option


def _french_types(command: Command, ctx: Context) -> None:
    """Each parameter's type, in the help's type column, as a French reader reads it: an
    option's kind of value (TEXTE, NOMBRE, FICHIER, or its choices), nothing for a switch or
    for an argument (its name already says it)."""
    for param in command.get_params(ctx):
        label: str | None = None
        if isinstance(param, TyperOption) and not param.is_flag:
            described = param.type_descriptor
            if described.is_choice:
                continue
            label = PATH_LABEL if described.is_path else TYPE_LABELS.get(described.annotation)
            if label is None:
                continue
        setattr(param, "display_type_rich", lambda ctx, label=label: label)  # noqa: B010


def _write_usage(command: TyperCommand | TyperGroup, ctx: Context, out: HelpFormatter) -> None:
    pieces = command.collect_usage_pieces(ctx)
    out.write_usage(ctx.command_path, " ".join(pieces), prefix=USAGE_PREFIX)


class FrenchCommand(TyperCommand):
    def get_help_option(self, ctx: Context) -> TyperOption | None:
        return _help_option(super().get_help_option(ctx))

    def format_help(self, ctx: Context, formatter: HelpFormatter) -> None:
        speak_french()
        _french_types(self, ctx)
        super().format_help(ctx, formatter)

    def format_usage(self, ctx: Context, formatter: HelpFormatter) -> None:
        _write_usage(self, ctx, formatter)


class FrenchGroup(TyperGroup):
    """A group of commands whose help, and every usage error under it, is in French."""

    def __init__(self, **attrs: Any) -> None:
        attrs["subcommand_metavar"] = attrs.get("subcommand_metavar") or SUBCOMMANDS
        super().__init__(**attrs)

    def get_help_option(self, ctx: Context) -> TyperOption | None:
        return _help_option(super().get_help_option(ctx))

    def format_help(self, ctx: Context, formatter: HelpFormatter) -> None:
        speak_french()
        _french_types(self, ctx)
        super().format_help(ctx, formatter)

    def format_usage(self, ctx: Context, formatter: HelpFormatter) -> None:
        _write_usage(self, ctx, formatter)

    def resolve_command(
        self, ctx: Context, args: list[str]
    ) -> tuple[str | None, Command | None, list[str]]:
        name = args[0] if args else ""
        unknown = name and not name.startswith("-") and self.get_command(ctx, name) is None
        if unknown and not ctx.resilient_parsing:
            close = get_close_matches(name, list(self.commands))
            speak_french()
            raise FrenchUsageError(UNKNOWN_COMMAND_TEXT.format(name=name) + _suggestion(close), ctx)
        return super().resolve_command(ctx, args)

    def make_context(
        self, info_name: str | None, args: list[str], parent: Context | None = None, **extra: Any
    ) -> Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except UsageError as error:
            speak_french()
            raise in_french(error) from None

    def invoke(self, ctx: Context) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as error:
            speak_french()
            raise in_french(error) from None
        except (Abort, EOFError):
            speak_french()
            raise


class App(typer.Typer):
    """A `typer.Typer` whose commands and groups speak French."""

    def __init__(self, **settings: Any) -> None:
        settings.setdefault("cls", FrenchGroup)
        super().__init__(**settings)

    def command(self, name: str | None = None, **settings: Any) -> Callable[[F], F]:
        settings.setdefault("cls", FrenchCommand)
        return super().command(name, **settings)
