"""The store's two back ends (the ``store_url`` fixture is in conftest.py): the set-up each back end gets
on open (pragmas, migrations, schema matching the models)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from variorum.article import Article
from variorum.store import database_url, default_database_path, open_store
from variorum.store.db import MIGRATIONS
from variorum.store.models import Base
from variorum.track.record import record_fetch


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


@pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)
def test_postgresql_sessions_run_without_jit_and_plan_each_statement_for_its_values(store_url):
    store = open_store(store_url)
    for _ in range(2):  # a fresh connection, then the same one back from the pool after a rolled-back session
        with store.session() as session:
            assert session.execute(text("SHOW jit")).scalar() == "off"
            assert session.execute(text("SHOW plan_cache_mode")).scalar() == "force_custom_plan"
            session.rollback()
    store.close()


def test_open_migrates_to_head_and_reopening_is_harmless(store_url):
    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    assert head == "0005"
    for _ in range(2):
        store = open_store(store_url)
        with store.engine.connect() as connection:
            assert connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [head]
        store.close()


def test_migrations_create_exactly_the_tables_the_models_describe(store_url):
    store = open_store(store_url)
    with store.engine.connect() as connection:
        # the full-text index (migration 0004) is kept by raw SQL, not described by the models
        context = MigrationContext.configure(connection, opts={
            "compare_type": False,
            "include_name": lambda name, _kind, _parent: not (name or "").startswith(("search_articles", "ix_search_articles")),
        })
        assert compare_metadata(context, Base.metadata) == []
    store.close()


def test_migration_0003_fills_the_last_change_of_older_articles_and_goes_back_and_forth(store_url):
    store = open_store(store_url)
    start = datetime(2026, 3, 1, 12, tzinfo=timezone.utc)
    for number in range(3):
        for hour in range(number + 1):
            record_fetch(store, f"https://example.org/{number}", Article.from_text(f"Story {number}\n\nText {hour}."),
                                 fetched_at=start + timedelta(days=number, hours=hour))
    store.discover([("https://example.org/never-fetched", None)], at=start)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0002")
        connection.execute(text("UPDATE articles SET last_changed_at = NULL"))  # as 0002 left older articles
        command.upgrade(config, "head")
    with store.engine.connect() as connection:
        rows = dict(connection.execute(text("SELECT url, last_changed_at FROM articles")).all())
    store.close()
    last = {url: value if value is None or isinstance(value, datetime) else datetime.fromisoformat(value)
            for url, value in rows.items()}
    for number in range(3):
        assert last[f"https://example.org/{number}"].replace(tzinfo=None) == (
            start + timedelta(days=number, hours=number)).replace(tzinfo=None)
    assert last["https://example.org/never-fetched"] is None
