"""The migrations are one line, and the schema they build is the one the models describe, on whichever database the
suite runs on (SQLite, or PostgreSQL in CI's second pass)."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from flask_migrate import downgrade, upgrade

from alerts import create_app
from alerts.extensions import db

MIGRATIONS = str(Path(__file__).resolve().parents[1] / "migrations")


def test_the_migrations_have_one_head() -> None:
    assert len(ScriptDirectory(MIGRATIONS).get_heads()) == 1


def test_the_migrated_schema_is_the_one_the_models_describe(app: Flask) -> None:
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == []


def test_the_newest_migration_steps_down_and_up_again(tmp_path: Path) -> None:
    scripts = ScriptDirectory(MIGRATIONS)
    head = scripts.get_revision(scripts.get_current_head())
    scratch = create_app("test", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'steps.sqlite3'}"})
    with scratch.app_context():
        upgrade(directory=MIGRATIONS)
        downgrade(directory=MIGRATIONS, revision="-1")
        assert _revision() == head.down_revision
        upgrade(directory=MIGRATIONS)
        assert _revision() == head.revision


def _revision() -> str:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
