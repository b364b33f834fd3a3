"""Creating and migrating the schema with Alembic, from inside relay's event loop.

A database already at the newest revision is recognised without Alembic (its version table
against the revisions the migration files declare): a command that only reads starts sooner."""

import importlib
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from relay.store.db import Database

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
_REVISION = re.compile(r"^revision\b[^=]*=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN_REVISION = re.compile(r"^down_revision\b[^=]*=(.*)$", re.MULTILINE)
_QUOTED = re.compile(r"['\"]([^'\"]+)['\"]")

# Tables kept up to date by hand-written migrations (full-text indexes), not by autogenerate.
UNMANAGED_TABLE_PREFIXES = ("directory_fts",)


def import_all_models() -> None:
    """Register every table on SQLModel.metadata: relay/store/models.py and each feature's
    relay/store/models_<feature>.py."""
    for module in sorted(Path(__file__).parent.glob("models*.py")):
        importlib.import_module(f"relay.store.{module.stem}")


def is_managed_by_alembic(obj: Any, name: str | None, type_: str, *_: Any) -> bool:
    return not (type_ == "table" and name and name.startswith(UNMANAGED_TABLE_PREFIXES))


def alembic_config(url: str | None = None) -> "Config":
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url:
        config.set_main_option("sqlalchemy.url", url)
    return config


def _revisions(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    heads = sorted(MigrationContext.configure(connection).get_current_heads())
    return "+".join(heads) or None


async def upgrade(database: Database) -> tuple[str | None, str | None]:
    """Bring the schema to the newest revision; returns (revisions before, revisions after)."""
    await database.check_connection()
    newest = declared_head()
    if newest is not None and await _stored_revisions(database) == newest:
        return newest, newest
    from alembic import command

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
    from alembic.script import ScriptDirectory

    heads = sorted(ScriptDirectory.from_config(alembic_config()).get_heads())
    return "+".join(heads) or None


def declared_head() -> str | None:
    """The newest revisions as the migration files declare them (`revision`, `down_revision`),
    read as text: what `head_revision` says, without loading Alembic and every migration."""
    revisions: set[str] = set()
    older: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        revision, down = _REVISION.search(source), _DOWN_REVISION.search(source)
        if revision is None or down is None:
            return None  # not a file this reading understands: Alembic will tell
        revisions.add(revision.group(1))
        older.update(_QUOTED.findall(down.group(1)))
    return "+".join(sorted(revisions - older)) or None


async def _stored_revisions(database: Database) -> str | None:
    """The revisions the database says it is at; None when it has no version table yet."""
    try:
        async with database.engine.connect() as connection:
            rows = await connection.execute(text("SELECT version_num FROM alembic_version"))
            return "+".join(sorted(str(row[0]) for row in rows)) or None
    except DBAPIError:
        return None
