"""Shared fixtures: the seeds, the in-process CLI runner, and the two store back ends every store test runs
against (``store_url``, ``store``): a SQLite file, and a fresh schema in the PostgreSQL test database at
127.0.0.1:5432. Where PostgreSQL cannot be reached its tests are skipped with the reason, unless
``VARIORUM_REQUIRE_POSTGRES=1`` (set by ``.ci/run``): then they fail. Helper values and functions live in
``helpers.py``."""

from __future__ import annotations

import getpass
import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from helpers import SEED_A, SEED_B, RunCli
from variorum.cli.app import main
from variorum.store import Store, open_store


@pytest.fixture
def seeds() -> tuple[str, str]:
    return SEED_A.read_text(encoding="utf-8"), SEED_B.read_text(encoding="utf-8")


@pytest.fixture
def run_cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> RunCli:
    """Run ``variorum ARGS...`` in this process; return its exit status, standard output and error."""

    def run(*args: str) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["variorum", *args])
        with pytest.raises(SystemExit) as stop:
            main()
        captured = capsys.readouterr()
        return int(stop.value.code or 0), captured.out, captured.err

    return run


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
        problem = f"PostgreSQL not reachable at {PG_HOST}:{PG_PORT}/{PG_DATABASE} ({reason})"
        if os.environ.get("VARIORUM_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"{problem}; VARIORUM_REQUIRE_POSTGRES=1 requires it")
        pytest.skip(problem)
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
    conninfo = {"host": PG_HOST, "port": PG_PORT, "dbname": PG_DATABASE, "user": user, "autocommit": True}
    with psycopg.connect(**conninfo) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"postgresql://{user}@{PG_HOST}:{PG_PORT}/{PG_DATABASE}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(**conninfo) as connection:
            connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """An open store on each back end, closed afterwards."""
    opened = open_store(store_url)
    yield opened
    opened.close()
