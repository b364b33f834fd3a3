"""Settings: environment variables, then config/relay.toml, then defaults; validated at start."""

import difflib
import os
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from relay.durations import parse_offset, parse_offsets
from relay.messages import Platform, UserRef

_SECRET_FIELDS = {
    "telegram_token",
    "slack_bot_token",
    "slack_app_token",
    "slack_signing_secret",
}
# What relay.toml refuses as a secret: a key named like one, or a value shaped like a Telegram
# bot token or a Slack token (even under an innocent key, or inside a URL).
_SECRET_WORDS = ("token", "secret", "password", "key")
_SECRET_VALUE = re.compile(r"\d+:[A-Za-z0-9_-]{30,}|xox[a-z]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+")
_EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")


# pydantic's own checks, said in French: error type -> message (with the error's context).
_REASONS = {
    "float_parsing": "un nombre est attendu",
    "float_type": "un nombre est attendu",
    "int_parsing": "un nombre entier est attendu",
    "int_type": "un nombre entier est attendu",
    "int_from_float": "un nombre entier est attendu",
    "bool_parsing": "attendu : true ou false",
    "bool_type": "attendu : true ou false",
    "string_type": "un texte est attendu",
    "greater_than": "doit être supérieur à {gt}",
    "greater_than_equal": "doit être supérieur ou égal à {ge}",
    "less_than": "doit être inférieur à {lt}",
    "less_than_equal": "doit être inférieur ou égal à {le}",
    "finite_number": "un nombre fini est attendu",
}


_TERRITORY_CODE = re.compile(r"\d{2}|2[AB]|97\d|\d{9}")


class SettingsError(ValueError):
    """A setting has a bad value; the message names the variable and what is expected."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RELAY_", extra="ignore", frozen=True)

    database_url: str = "sqlite+aiosqlite:///./relay.db"
    config_dir: Path = Path("./config")
    timezone: str = "Europe/Paris"
    coordinators: Annotated[frozenset[UserRef], NoDecode] = Field(default_factory=frozenset)
    telegram_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org/bot"
    telegram_rate: float = Field(default=25, gt=0, le=1000)
    slack_bot_token: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_port: int = Field(default=3000, ge=1, le=65535)
    slack_api_url: str = "https://slack.com/api/"
    slack_rate: float = Field(default=5, gt=0, le=1000)
    # How long a claimed delivery stays reserved for its process: after a crash, the time
    # before another process (or the restarted one) sends it.
    delivery_lease_seconds: float = Field(default=60, ge=1, le=3600)
    # Telegram webhook mode (instead of long polling): the public HTTPS URL Telegram posts
    # updates to, and the local port relay listens on behind the HTTPS proxy.
    telegram_webhook_url: str | None = None
    telegram_webhook_port: int = Field(default=8443, ge=0, le=65535)
    # Meeting reminders, before each meeting ("7d", "1d", "2h", "30m").
    reminders: Annotated[tuple[str, ...], NoDecode] = ("7d", "1d", "2h")
    # How late a reminder missed while relay was down may still go ("1h", "30m").
    reminder_grace: str = "1h"
    # Feeds may point at loopback and private (intranet) addresses: for local tests and
    # intranets only, since a feed's URL could otherwise reach services inside the network.
    feeds_allow_private: bool = False
    # The organizer of the meetings' .ics invitations (RFC 5546 requires one).
    cls_name: str = "Contrat Local de Santé"
    organizer_email: str = "noreply@example.org"
    # The CLS's territory, to know its communes and prefer them: département codes ("44") or
    # intercommunality SIRENs ("200067346"), comma-separated; empty: where the directory is.
    territory: Annotated[tuple[str, ...], NoDecode] = ()
    # The one HTTP server: the public site, Slack's HTTP mode and the Telegram webhook.
    web_port: int = Field(default=8080, ge=0, le=65535)  # 0: any free port (tests)
    web_host: str = "127.0.0.1"
    public_url: str = "http://127.0.0.1:8080"  # the site's address in links relay writes
    # The map of an entry's page: a tile server's URL template ("" for no tiles) and its credit.
    web_tiles_url: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    web_tiles_attribution: str = "© les contributrices et contributeurs d'OpenStreetMap"
    # Searches one client may make per minute on the site (0: no limit).
    web_search_limit: int = Field(default=60, ge=0, le=100_000)

    @field_validator("reminders", mode="before")
    @classmethod
    def _reminder_offsets(cls, value: Any) -> tuple[str, ...]:
        items = value.split(",") if isinstance(value, str) else list(value)
        return tuple(o.label for o in parse_offsets([str(i) for i in items if str(i).strip()]))

    @field_validator("territory", mode="before")
    @classmethod
    def _territory(cls, value: Any) -> tuple[str, ...]:
        items = value.replace(";", ",").split(",") if isinstance(value, str) else list(value)
        codes = tuple(str(i).strip().upper() for i in items if str(i).strip())
        for code in codes:
            if not _TERRITORY_CODE.fullmatch(code):
                raise ValueError(
                    f"« {code} » n'est ni un numéro de département (44, 2A, 974) "
                    "ni le SIREN d'une intercommunalité (9 chiffres)"
                )
        return codes

    @field_validator("reminder_grace")
    @classmethod
    def _grace(cls, value: str) -> str:
        return parse_offset(value).label

    @field_validator("cls_name")
    @classmethod
    def _cls_name(cls, value: str) -> str:
        value = " ".join(value.split())
        if not value or len(value) > 200:
            raise ValueError("nom du CLS vide ou trop long (200 caractères au plus)")
        return value

    @field_validator("organizer_email")
    @classmethod
    def _organizer_email(cls, value: str) -> str:
        value = value.strip()
        if len(value) > 254 or not _EMAIL.fullmatch(value):
            raise ValueError("adresse e-mail invalide (par exemple coordination@cls-exemple.fr)")
        return value

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
            raise ValueError("adresse du site attendue, par exemple https://cls.example.org")
        return value

    @field_validator("web_tiles_url")
    @classmethod
    def _tiles_url(cls, value: str) -> str:
        value = value.strip()
        if value and not (value.startswith("https://") and "{z}" in value):
            raise ValueError("modèle https://…/{z}/{x}/{y}.png attendu (ou vide : pas de fond)")
        return value

    @field_validator("database_url")
    @classmethod
    def _known_driver(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("attendu : sqlite+aiosqlite:///… ou postgresql+asyncpg://…")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"fuseau horaire inconnu « {value[:60]} » (un nom IANA comme Europe/Paris "
                "ou America/Cayenne)"
            ) from exc
        return value

    @field_validator("coordinators", mode="before")
    @classmethod
    def _parse_coordinators(cls, value: Any) -> Any:
        if isinstance(value, str):
            return frozenset(UserRef.parse(item) for item in value.split(",") if item.strip())
        return value

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xoxb-"):
            raise ValueError("attendu : un jeton de bot commençant par xoxb-")
        return value

    @field_validator("slack_app_token")
    @classmethod
    def _app_token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xapp-"):
            raise ValueError("attendu : un jeton d'application commençant par xapp-")
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def themes_file(self) -> Path:
        return self.config_dir / "themes.yaml"

    @property
    def feeds_file(self) -> Path:
        return self.config_dir / "feeds.yaml"

    @property
    def typology_file(self) -> Path:
        return self.config_dir / "typologie.yaml"

    @property
    def survey_file(self) -> Path:
        return self.config_dir / "sondage.yaml"

    @property
    def legacy_web_ports(self) -> tuple[int, ...]:
        """Ports the one HTTP server listens on besides RELAY_WEB_PORT, on every interface as
        before: RELAY_SLACK_PORT (Slack HTTP mode) and RELAY_TELEGRAM_WEBHOOK_PORT (webhook
        mode), when set explicitly, from the time each platform had its own server."""
        ports: list[int] = []
        slack_http = self.slack_signing_secret is not None and self.slack_app_token is None
        if slack_http and "slack_port" in self.model_fields_set:
            ports.append(self.slack_port)
        if self.telegram_webhook_url and "telegram_webhook_port" in self.model_fields_set:
            ports.append(self.telegram_webhook_port)
        return tuple(p for p in dict.fromkeys(ports) if p not in (0, self.web_port))

    def is_coordinator(self, user: UserRef) -> bool:
        # The shell user running `relay chat` already has the coordinator's powers (`relay post`).
        return user.platform is Platform.CONSOLE or user in self.coordinators

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, _TomlSource(settings_cls))


class _TomlSource(PydanticBaseSettingsSource):
    """config/relay.toml (in RELAY_CONFIG_DIR): non-secret settings only."""

    def __init__(self, settings_cls: type[BaseSettings]) -> None:
        super().__init__(settings_cls)
        config_dir = Path(os.environ.get("RELAY_CONFIG_DIR", "./config"))
        self._path = config_dir / "relay.toml"
        self._values = self._read()

    def _read(self) -> dict[str, Any]:
        if not self._path.is_file():
            return {}
        try:
            values = tomllib.loads(self._path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise SettingsError(
                f"{self._path}: fichier de configuration illisible ({exc})"
            ) from exc
        known = set(self.settings_cls.model_fields)
        for path, value in _entries(values):
            _refuse_secret(path, value, self._path)
        for key, value in values.items():
            if key not in known:
                path = next((p for p, v in _entries({key: value}) if _is_leaf(v)), (key,))
                raise SettingsError(_unknown_key(path, known, self._path))
        return values

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return self._values.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return dict(self._values)


def _entries(table: Any, parent: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every key of a TOML document at every level (inside arrays too), with its value."""
    if isinstance(table, dict):
        for key, value in table.items():
            yield (*parent, str(key)), value
            yield from _entries(value, (*parent, str(key)))
    elif isinstance(table, list):
        for item in table:
            yield parent, item
            yield from _entries(item, parent)


def _is_leaf(value: Any) -> bool:
    return not isinstance(value, dict | list) or not value


def _flat_name(path: tuple[str, ...]) -> str:
    """`[telegram] token` or `RELAY_TELEGRAM_TOKEN` as the setting it means: telegram_token."""
    return "_".join(path).lower().removeprefix("relay_")


def _refuse_secret(path: tuple[str, ...], value: Any, source: Path) -> None:
    """Stop at a secret, naming where it is and the variable it belongs in, never its value."""
    shown = ".".join(path)
    if any(word in path[-1].lower() for word in _SECRET_WORDS):
        problem = f"« {shown} » est un secret"
    elif isinstance(value, str) and _SECRET_VALUE.search(value):
        problem = f"la valeur de « {shown} » ressemble à un jeton"
    else:
        return
    nearest = difflib.get_close_matches(_flat_name(path), sorted(_SECRET_FIELDS), n=1)
    variables = f"RELAY_{nearest[0].upper()}" if nearest else "RELAY_…"
    raise SettingsError(
        f"{source}: {problem} ; les secrets se mettent dans les variables d'environnement "
        f"({variables}), jamais dans ce fichier"
    )


def _unknown_key(path: tuple[str, ...], known: set[str], source: Path) -> str:
    flat = _flat_name(path)
    nearest = [flat] if flat in known else difflib.get_close_matches(flat, sorted(known), n=1)
    message = f"clé inconnue « {'.'.join(path)} » dans {source}"
    if not nearest:
        return message
    if nearest[0] in _SECRET_FIELDS:
        return (
            f"{message} (vouliez-vous dire « {nearest[0]} » ? c'est un secret : mettez-le "
            f"dans la variable d'environnement RELAY_{nearest[0].upper()})"
        )
    return f"{message} (vouliez-vous dire « {nearest[0]} » ?)"


def load_settings(**overrides: Any) -> Settings:
    """Read and validate settings, turning the first problem into one readable line."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else ""
        name = "RELAY_" + field.upper() if field else "RELAY_*"
        raise SettingsError(f"{name} : {_reason(error, field)}") from None


def _reason(error: Any, field: str) -> str:
    """Why a value is refused, in French; the value itself is shown unless it is a secret."""
    template = _REASONS.get(error["type"])
    if template is None:
        return str(error["msg"]).removeprefix("Value error, ")
    reason = template.format(**error.get("ctx", {}))
    if field not in _SECRET_FIELDS and isinstance(error.get("input"), str):
        reason += f" (« {error['input'][:60]} »)"
    return reason
