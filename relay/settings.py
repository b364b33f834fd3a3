"""Settings: environment variables, then config/relay.toml, then defaults; validated at start."""

import os
import tomllib
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from relay.durations import parse_offset, parse_offsets
from relay.messages import UserRef

_SECRET_FIELDS = {
    "telegram_token",
    "slack_bot_token",
    "slack_app_token",
    "slack_signing_secret",
}


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

    @field_validator("reminders", mode="before")
    @classmethod
    def _reminder_offsets(cls, value: Any) -> tuple[str, ...]:
        items = value.split(",") if isinstance(value, str) else list(value)
        return tuple(o.label for o in parse_offsets([str(i) for i in items if str(i).strip()]))

    @field_validator("reminder_grace")
    @classmethod
    def _grace(cls, value: str) -> str:
        return parse_offset(value).label

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

    def is_coordinator(self, user: UserRef) -> bool:
        return user in self.coordinators

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
        secrets = _SECRET_FIELDS & values.keys()
        if secrets:
            names = ", ".join(f"RELAY_{name.upper()}" for name in sorted(secrets))
            raise SettingsError(
                f"{self._path} : les secrets se donnent par l'environnement seulement ({names})"
            )
        return {k: v for k, v in values.items() if k in self.settings_cls.model_fields}

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return self._values.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return dict(self._values)


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
