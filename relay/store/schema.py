"""Creating and migrating the schema with Alembic, from inside relay's event loop."""

import importlib
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from relay.store.db import Database

MIGRATIONS = Path(__file__).parent / "migrations"

# Tables kept up to date by hand-written migrations (full-text indexes), not by autogenerate.
UNMANAGED_TABLE_PREFIXES = ("directory_fts",)


def import_all_models() -> None:
    """Register every table on SQLModel.metadata: relay/store/models.py and each feature's
    relay/store/models_<feature>.py."""
    for module in sorted(Path(__file__).parent.glob("models*.py")):
        importlib.import_module(f"relay.store.{module.stem}")


def is_managed_by_alembic(obj: Any, name: str | None, type_: str, *_: Any) -> bool:
    return not (type_ == "table" and name and name.startswith(UNMANAGED_TABLE_PREFIXES))


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url:
        config.set_main_option("sqlalchemy.url", url)
    return config


def _revisions(connection: Connection) -> str | None:
    heads = sorted(MigrationContext.configure(connection).get_current_heads())
    return "+".join(heads) or None


async def upgrade(database: Database) -> tuple[str | None, str | None]:
    """Bring the schema to the newest revision; returns (revisions before, revisions after)."""
    await database.check_connection()
    config = alembic_config()

    def _upgrade(connection: Connection) -> tuple[str | None, str | None]:
        before = _revisions(connection)
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        return before, _revisions(connection)

    async with database.engine.begin() as connection:
        return await connection.run_sync(_upgrade)


async def current_revision(database: Database) -> str | None:
    async with database.engine.connect() as connection:
        return await connection.run_sync(_revisions)


def head_revision() -> str | None:
    heads = sorted(ScriptDirectory.from_config(alembic_config()).get_heads())
    return "+".join(heads) or None
