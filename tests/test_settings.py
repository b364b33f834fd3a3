"""Settings: environment first, then config/relay.toml, then defaults; clear errors; no leaks."""

import re
from pathlib import Path

import pytest

from relay.messages import Platform, UserRef
from relay.settings import SettingsError, load_settings


def test_defaults_match_the_contract() -> None:
    settings = load_settings()
    assert settings.database_url == "sqlite+aiosqlite:///./relay.db"
    assert settings.timezone == "Europe/Paris"
    assert settings.telegram_rate == 25 and settings.slack_rate == 5
    assert settings.slack_port == 3000
    assert settings.telegram_api_url == "https://api.telegram.org/bot"
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.telegram_token is None and settings.coordinators == frozenset()


def test_environment_wins_over_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "relay.toml").write_text('timezone = "Europe/London"\ntelegram_rate = 10\n')
    monkeypatch.setenv("RELAY_CONFIG_DIR", str(tmp_path))
    monkeypatch.setenv("RELAY_TELEGRAM_RATE", "30")
    settings = load_settings()
    assert settings.timezone == "Europe/London"
    assert settings.telegram_rate == 30


def test_coordinators_are_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RELAY_COORDINATORS", "telegram:123, slack:U0ABC ,")
    settings = load_settings()
    assert settings.coordinators == {
        UserRef(Platform.TELEGRAM, "123"),
        UserRef(Platform.SLACK, "U0ABC"),
    }
    assert settings.is_coordinator(UserRef(Platform.SLACK, "U0ABC"))
    assert not settings.is_coordinator(UserRef(Platform.TELEGRAM, "U0ABC"))


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("RELAY_TELEGRAM_RATE", "vite", "RELAY_TELEGRAM_RATE : un nombre est attendu (« vite »)"),
        ("RELAY_TELEGRAM_RATE", "-3", "doit être supérieur à 0"),
        ("RELAY_SLACK_PORT", "99999", "RELAY_SLACK_PORT : doit être inférieur ou égal à 65535"),
        ("RELAY_SLACK_PORT", "http", "un nombre entier est attendu"),
        ("RELAY_TIMEZONE", "Europe/Pariss", "fuseau horaire inconnu « Europe/Pariss »"),
        ("RELAY_DATABASE_URL", "mysql://x", "sqlite+aiosqlite"),
        ("RELAY_COORDINATORS", "fax:12", "plateforme inconnue « fax »"),
        ("RELAY_COORDINATORS", "12345", "plateforme:identifiant"),
        ("RELAY_SLACK_BOT_TOKEN", "xapp-wrong-kind", "xoxb-"),
        ("RELAY_REMINDERS", "7x", "« 7x » n'est pas une durée"),
        ("RELAY_REMINDER_GRACE", "400j", "entre 1 s et 90 jours"),
    ],
)
def test_bad_values_name_the_variable_in_french(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as error:
        load_settings()
    message = str(error.value)
    assert variable in message and expected in message
    assert "\n" not in message
    english = re.findall(r"\b(?:expected|should|must|Input|unknown|valid|Value error)\b", message)
    assert not english, message


def test_durations_are_written_the_french_way(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RELAY_REMINDERS", "7j, 1 j, 2h, 30min")
    monkeypatch.setenv("RELAY_REMINDER_GRACE", "45 min")
    settings = load_settings()
    assert settings.reminders == ("7d", "1d", "2h", "30m")
    assert settings.reminder_grace == "45m"
    monkeypatch.setenv("RELAY_REMINDERS", "2 semaines")
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert "unités : j (jours), h (heures), min (minutes), s (secondes)" in str(error.value)


def test_secrets_are_refused_in_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "relay.toml").write_text('telegram_token = "123:abc"\n')
    monkeypatch.setenv("RELAY_CONFIG_DIR", str(tmp_path))
    with pytest.raises(SettingsError, match="RELAY_TELEGRAM_TOKEN"):
        load_settings()


def test_secrets_never_show(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RELAY_TELEGRAM_TOKEN", "123456:SECRET-TOKEN")
    monkeypatch.setenv("RELAY_SLACK_BOT_TOKEN", "xoxb-SECRET")
    settings = load_settings()
    shown = repr(settings) + str(settings) + settings.model_dump_json()
    assert "SECRET" not in shown
    assert settings.telegram_token is not None
    assert settings.telegram_token.get_secret_value() == "123456:SECRET-TOKEN"
