"""The store's two back ends: the ``store_url`` fixture every store test runs against, and the set-up
each back end gets on open (pragmas, migrations, schema matching the models)."""

from __future__ import annotations

import getpass
import uuid
from pathlib import Path
from typing import Iterator

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from variorum.store import database_url, default_database_path, open_store
from variorum.store.db import MIGRATIONS
from variorum.store.models import Base

PG_HOST = "127.0.0.1"
PG_PORT = 5432
PG_DATABASE = "test"


def _postgres_user() -> tuple[str | None, str]:
    """A user that can connect to the test database, or ``None`` and why not."""
    reasons = []
    for user in dict.fromkeys(["postgres", getpass.getuser()]):
        try:
            with psycopg.connect(host=PG_HOST, port=PG_PORT, dbname=PG_DATABASE, user=user, connect_timeout=3):
                return user, ""
        except psycopg.Error as error:
            reasons.append(f"{user}: {str(error).strip().splitlines()[0]}")
    return None, "; ".join(reasons)


@pytest.fixture(scope="session")
def postgres_user() -> str:
    user, reason = _postgres_user()
    if user is None:
        pytest.skip(f"PostgreSQL not reachable at {PG_HOST}:{PG_PORT}/{PG_DATABASE} ({reason})")
    return user


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, or a new schema in the PostgreSQL test database that is
    dropped afterwards (so tests are isolated and repeatable)."""
    if request.param == "sqlite":
        yield str(tmp_path / "variorum.db")
        return
    user = request.getfixturevalue("postgres_user")
    schema = f"variorum_test_{uuid.uuid4().hex[:12]}"
    conninfo = dict(host=PG_HOST, port=PG_PORT, dbname=PG_DATABASE, user=user, autocommit=True)
    with psycopg.connect(**conninfo) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"postgresql://{user}@{PG_HOST}:{PG_PORT}/{PG_DATABASE}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(**conninfo) as connection:
            connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


def test_database_url_forms(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_database_path() == tmp_path / "data" / "variorum" / "variorum.db"
    assert database_url(None) == f"sqlite:///{tmp_path}/data/variorum/variorum.db"
    assert database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_default_database_is_created_under_the_data_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    store = open_store()
    store.close()
    assert (tmp_path / "variorum" / "variorum.db").is_file()


def test_sqlite_runs_in_wal_mode_with_foreign_keys_and_a_busy_timeout(tmp_path):
    store = open_store(tmp_path / "v.db")
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
    store.close()


def test_open_migrates_to_head_and_reopening_is_harmless(store_url):
    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    assert head == "0002"
    for _ in range(2):
        store = open_store(store_url)
        with store.engine.connect() as connection:
            assert connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [head]
        store.close()


def test_migrations_create_exactly_the_tables_the_models_describe(store_url):
    store = open_store(store_url)
    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        assert compare_metadata(context, Base.metadata) == []
    store.close()
