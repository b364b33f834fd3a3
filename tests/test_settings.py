"""Settings: environment first, then config/relay.toml, then defaults; clear errors; no leaks."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from relay.messages import Platform, UserRef
from relay.settings import SettingsError, load_settings
from tests.conftest import CONFIG_DIR


def test_defaults_match_the_contract() -> None:
    settings = load_settings()
    assert settings.database_url == "sqlite+aiosqlite:///./relay.db"
    assert settings.timezone == "Europe/Paris"
    assert settings.telegram_rate == 25 and settings.slack_rate == 5
    assert settings.slack_port == 3000
    assert settings.telegram_api_url == "https://api.telegram.org/bot"
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.telegram_token is None and settings.coordinators == frozenset()
    assert not settings.feeds_allow_private
    assert settings.cls_name == "Contrat Local de Santé"
    assert settings.organizer_email == "noreply@example.org"


def test_web_defaults_match_the_contract(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RELAY_WEB_PORT")
    settings = load_settings()
    assert settings.web_port == 8080 and settings.web_host == "127.0.0.1"
    assert settings.public_url == "http://127.0.0.1:8080"
    assert settings.legacy_web_ports == ()


def test_public_url_is_a_web_address_without_its_last_slash(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RELAY_PUBLIC_URL", "https://cls.example.org/")
    assert load_settings().public_url == "https://cls.example.org"
    monkeypatch.setenv("RELAY_PUBLIC_URL", "cls.example.org")
    with pytest.raises(SettingsError, match="RELAY_PUBLIC_URL"):
        load_settings()


def test_the_old_platform_ports_stay_open_on_the_one_server(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RELAY_WEB_PORT", "8080")
    monkeypatch.setenv("RELAY_SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("RELAY_SLACK_SIGNING_SECRET", "s")
    assert load_settings().legacy_web_ports == (), "RELAY_SLACK_PORT not set: the web port only"
    monkeypatch.setenv("RELAY_SLACK_PORT", "3000")
    monkeypatch.setenv("RELAY_TELEGRAM_WEBHOOK_URL", "https://relay.example.org/telegram")
    monkeypatch.setenv("RELAY_TELEGRAM_WEBHOOK_PORT", "8443")
    assert load_settings().legacy_web_ports == (3000, 8443)
    monkeypatch.setenv("RELAY_TELEGRAM_WEBHOOK_PORT", "8080")
    assert load_settings().legacy_web_ports == (3000,), "the web port is not opened twice"


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
        ("RELAY_ORGANIZER_EMAIL", "coordination chez cls-retz.fr", "adresse e-mail invalide"),
        ("RELAY_ORGANIZER_EMAIL", "a@b@c.fr", "adresse e-mail invalide"),
        ("RELAY_CLS_NAME", "   ", "nom du CLS vide"),
        ("RELAY_FEEDS_ALLOW_PRIVATE", "peut-être", "RELAY_FEEDS_ALLOW_PRIVATE"),
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


TELEGRAM_TOKEN = "123456789:AAHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0"
SLACK_TOKEN = "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx"


def write_config(folder: Path, text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    (folder / "relay.toml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("RELAY_CONFIG_DIR", str(folder))


@pytest.mark.parametrize(
    ("toml", "key", "suggestion"),
    [
        ('timezon = "Europe/London"\n', "timezon", "timezone"),
        ('RELAY_TIMEZONE = "Europe/London"\n', "RELAY_TIMEZONE", "timezone"),
        ("telegram_rat = 10\n", "telegram_rat", "telegram_rate"),
        ("[telegram]\nrate = 10\n", "telegram.rate", "telegram_rate"),
        ("[delivery.lease]\nseconds = 60\n", "delivery.lease.seconds", "delivery_lease_seconds"),
        ("[[oiseaux]]\n[oiseaux.migrateurs]\nnombre = 3\n", "oiseaux.migrateurs.nombre", None),
        ('ornithologie = "oui"\n', "ornithologie", None),
    ],
)
def test_unknown_keys_in_the_file_are_refused_with_the_nearest_known_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, toml: str, key: str, suggestion: str | None
) -> None:
    write_config(tmp_path, toml, monkeypatch)
    with pytest.raises(SettingsError) as error:
        load_settings()
    message = str(error.value)
    assert f"clé inconnue « {key} » dans {tmp_path / 'relay.toml'}" in message
    if suggestion:
        assert message.endswith(f"(vouliez-vous dire « {suggestion} » ?)")
    else:
        assert "vouliez-vous" not in message
    assert "\n" not in message


def test_a_misspelt_secret_is_pointed_to_its_environment_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_config(tmp_path, 'telegram_tokn = "pas-encore"\n', monkeypatch)
    with pytest.raises(SettingsError) as error:
        load_settings()
    message = str(error.value)
    assert "clé inconnue « telegram_tokn » dans" in message
    assert "vouliez-vous dire « telegram_token » ?" in message
    assert "RELAY_TELEGRAM_TOKEN" in message and "pas-encore" not in message


@pytest.mark.parametrize(
    ("toml", "variable"),
    [
        (f'telegram_token = "{TELEGRAM_TOKEN}"\n', "RELAY_TELEGRAM_TOKEN"),
        (f'RELAY_TELEGRAM_TOKEN = "{TELEGRAM_TOKEN}"\n', "RELAY_TELEGRAM_TOKEN"),
        (f'[telegram]\ntoken = "{TELEGRAM_TOKEN}"\n', "RELAY_TELEGRAM_TOKEN"),
        (f'[slack]\nbot_token = "{SLACK_TOKEN}"\n', "RELAY_SLACK_BOT_TOKEN"),
        (
            'slack_signing_secret = "8f742231b10e8888abcd99yyyzzz85a5"\n',
            "RELAY_SLACK_SIGNING_SECRET",
        ),
        ('[database]\npassword = "hunter2-hunter2"\n', None),
        ('api_key = "k-12345-abcdef"\n', None),
        (f'coordinators = "{TELEGRAM_TOKEN}"\n', None),
        (f'note = "{SLACK_TOKEN}"\n', None),
        (f'telegram_api_url = "https://api.telegram.org/bot{TELEGRAM_TOKEN}"\n', None),
        ('[extra]\nvalues = ["a", "xapp-1-A0123-4567-89abcdef"]\n', None),
    ],
)
def test_anything_like_a_secret_is_refused_without_showing_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, toml: str, variable: str | None
) -> None:
    write_config(tmp_path, toml, monkeypatch)
    with pytest.raises(SettingsError) as error:
        load_settings()
    message = str(error.value)
    assert "variables d'environnement" in message
    if variable:
        assert variable in message
    value = max(toml.split('"')[1::2], key=len)
    for secret in (value, TELEGRAM_TOKEN, SLACK_TOKEN, "hunter2", "k-12345", "xapp-1", "8f7422"):
        assert secret not in message
    assert "\n" not in message


def test_known_keys_still_load_from_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_config(
        tmp_path,
        'timezone = "Europe/London"\nreminders = ["1d"]\nfeeds_allow_private = true\n'
        'cls_name = "CLS du Pays de Retz"\norganizer_email = "coordination@cls-retz.fr"\n',
        monkeypatch,
    )
    settings = load_settings()
    assert settings.timezone == "Europe/London" and settings.reminders == ("1d",)
    assert settings.feeds_allow_private
    assert settings.cls_name == "CLS du Pays de Retz"
    assert settings.organizer_email == "coordination@cls-retz.fr"


def test_the_shipped_relay_toml_loads() -> None:
    assert load_settings().timezone == "Europe/Paris"


@pytest.mark.parametrize(
    ("toml", "shown"),
    [
        (f'telegram_token = "{TELEGRAM_TOKEN}"\n', "RELAY_TELEGRAM_TOKEN"),
        ('telegram_tokn = "x"\n', "clé inconnue « telegram_tokn »"),
    ],
)
@pytest.mark.parametrize("command", [["run"], ["chat"]])
def test_relay_run_and_chat_stop_with_one_line(
    tmp_path: Path, toml: str, shown: str, command: list[str]
) -> None:
    for source in CONFIG_DIR.iterdir():
        if source.is_file() and source.name != "relay.toml":
            shutil.copy(source, tmp_path / source.name)
    (tmp_path / "relay.toml").write_text(toml, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("RELAY_")}
    env |= {
        "RELAY_CONFIG_DIR": str(tmp_path),
        "RELAY_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'relay.db'}",
    }
    done = subprocess.run(
        [sys.executable, "-m", "relay", *command],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and shown in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and TELEGRAM_TOKEN not in done.stderr + done.stdout
