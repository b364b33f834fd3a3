"""Alembic migrations: from empty to head, idempotent, and matching the models."""

import os
import subprocess
import sys
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection
from sqlmodel import SQLModel

from relay.store import schema
from relay.store.db import Database


def relay_command(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "relay", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=60,
        check=False,
    )


async def test_upgrade_from_empty_reaches_head_and_matches_the_models(database_url: str) -> None:
    schema.import_all_models()
    database = Database(database_url)
    try:
        before, after = await schema.upgrade(database)
        assert (before, after) == (None, schema.head_revision())
        async with database.engine.connect() as connection:
            differences = await connection.run_sync(
                lambda c: compare_metadata(
                    MigrationContext.configure(
                        c, opts={"include_object": schema.is_managed_by_alembic}
                    ),
                    SQLModel.metadata,
                )
            )
        assert differences == []
    finally:
        await database.close()


async def test_db_upgrade_twice_is_a_no_op(database_url: str) -> None:
    env = {"RELAY_DATABASE_URL": database_url}
    first = relay_command("db", "upgrade", env=env)
    assert first.returncode == 0, first.stderr
    assert "mis à jour" in first.stdout
    second = relay_command("db", "upgrade", env=env)
    assert second.returncode == 0, second.stderr
    assert "déjà à jour" in second.stdout
    database = Database(database_url)
    try:
        assert await schema.current_revision(database) == schema.head_revision()
    finally:
        await database.close()


def test_the_migrations_form_one_line() -> None:
    """One head, each revision with one parent after the merge: `alembic revision
    --autogenerate` works, and a new migration has exactly one revision to follow."""
    scripts = ScriptDirectory.from_config(schema.alembic_config())
    assert len(scripts.get_heads()) == 1
    merges = [r.revision for r in scripts.walk_revisions() if r.is_merge_point]
    assert merges == ["0004"], "branches after 0004: merge them, or follow the one head"


async def test_a_database_on_both_old_branches_upgrades_to_the_one_head(database_url: str) -> None:
    database = Database(database_url)
    config = schema.alembic_config()

    def to_old_heads(connection: Connection) -> None:
        config.attributes["connection"] = connection
        command.upgrade(config, "d001")
        command.upgrade(config, "s001")

    try:
        async with database.engine.begin() as connection:
            await connection.run_sync(to_old_heads)
        before, after = await schema.upgrade(database)
        assert before == "d001+s001"
        assert after == schema.head_revision()
    finally:
        await database.close()


def test_an_unreachable_or_wrong_database_is_one_french_line(tmp_path: Path) -> None:
    not_a_database = tmp_path / "notes.txt"
    not_a_database.write_text("ceci n'est pas une base", encoding="utf-8")
    urls = {
        "postgresql+asyncpg://relay:s3cret@127.0.0.1:1/cls": "Connect call failed",
        f"sqlite+aiosqlite:///{not_a_database}": "file is not a database",
    }
    for url, reason in urls.items():
        for args in (("db", "upgrade"), ("ask", "psychologue à Pornic")):
            result = relay_command(*args, env={"RELAY_DATABASE_URL": url})
            assert result.returncode == 1, args
            (line,) = result.stderr.strip().splitlines()
            assert line.startswith(
                "relay : impossible d'ouvrir la base de données (RELAY_DATABASE_URL) : "
            )
            assert reason in line and "Traceback" not in result.stderr
            assert "s3cret" not in result.stderr, "the URL's password is never printed"


def test_a_mistyped_database_url_is_one_french_line() -> None:
    for url in (
        "postgres://relay:s3cret@127.0.0.1/cls",  # Heroku's spelling, no async driver
        "postgresql://relay:s3cret@127.0.0.1/cls",
        "sqlite:///relay.db",
        "sqllite+aiosqlite:///relay.db",
        "relay.db",
    ):
        for args in (("db", "upgrade"), ("ask", "psychologue à Pornic")):
            result = relay_command(*args, env={"RELAY_DATABASE_URL": url})
            assert result.returncode == 1, (url, args)
            (line,) = result.stderr.strip().splitlines()
            assert line == (
                "relay : configuration invalide : RELAY_DATABASE_URL : attendu : "
                "sqlite+aiosqlite:///… ou postgresql+asyncpg://…"
            ), url
            assert result.stdout == ""


def test_the_newest_revision_read_from_the_files_is_alembic_s() -> None:
    """A database at this revision starts without loading Alembic (relay.store.schema)."""
    assert schema.declared_head() == schema.head_revision()
