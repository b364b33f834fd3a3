"""Shared fixtures. Every test that takes `database_url` runs on SQLite, and on PostgreSQL too when
RELAY_TEST_POSTGRES_URL is set (it then fails, never skips, if PostgreSQL cannot be reached)."""

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from relay.app import Relay, opened
from relay.settings import Settings, load_settings

REPO = Path(__file__).resolve().parent.parent
CONFIG_DIR = REPO / "config"
POSTGRES_URL = os.environ.get("RELAY_TEST_POSTGRES_URL")
BACKENDS = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]
COORDINATOR = "telegram:1000"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests see only the settings they set, never the developer's own RELAY_* variables."""
    for name in list(os.environ):
        if name.startswith("RELAY_") and name != "RELAY_TEST_POSTGRES_URL":
            monkeypatch.delenv(name)
    monkeypatch.setenv("RELAY_CONFIG_DIR", str(CONFIG_DIR))
    # Any free port for the web server, so that `relay run` in tests never fights over 8080.
    monkeypatch.setenv("RELAY_WEB_PORT", "0")


def _asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@asynccontextmanager
async def fresh_postgres_database() -> AsyncIterator[str]:
    """A new, empty PostgreSQL database, dropped afterwards; yields its SQLAlchemy URL."""
    assert POSTGRES_URL, "RELAY_TEST_POSTGRES_URL is not set"
    name = f"relay_test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(_asyncpg_dsn(POSTGRES_URL))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@pytest.fixture(params=BACKENDS)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'relay.db'}"
    else:
        async with fresh_postgres_database() as url:
            yield url


@pytest.fixture
def settings(database_url: str) -> Settings:
    return load_settings(database_url=database_url, coordinators=COORDINATOR)


@pytest.fixture
async def relay(settings: Settings) -> AsyncIterator[Relay]:
    async with opened(settings) as running:
        yield running
