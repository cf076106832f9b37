"""Opening a store: where the database is, how the engine is configured, and migrating it on open.

SQLite (the default) runs in WAL mode with foreign keys on and a busy timeout, and every write transaction
starts with ``BEGIN IMMEDIATE`` so that concurrent writers queue up instead of failing half-way (reads
begin a plain deferred transaction and never block writers).
PostgreSQL is reached by URL through the psycopg 3 driver, with JIT compilation off (it costs more than
the store's short queries take) and every statement planned for its values. Either way the Alembic migrations shipped in
``variorum/store/migrations`` bring the schema to the latest revision before the store is used.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text

from variorum.errors import InputError
from variorum.store.repository import READ_ONLY, Store

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_SECONDS = 30
_MIGRATION_LOCK = 0x5641524F  # "VARO": the PostgreSQL advisory lock serialising migrations


def default_database_path() -> Path:
    """``$XDG_DATA_HOME/variorum/variorum.db``, i.e. ``~/.local/share/variorum/variorum.db`` by default."""
    data_home = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data_home) / "variorum" / "variorum.db"


def database_url(url_or_path: str | os.PathLike[str] | None = None) -> str:
    """The SQLAlchemy URL for a database URL, a SQLite file path, or ``None`` (the default file).

    >>> database_url("postgresql://me@db.example.org/news")
    'postgresql+psycopg://me@db.example.org/news'
    >>> database_url("/tmp/v.db")
    'sqlite:////tmp/v.db'
    >>> database_url(":memory:")  # a SQLite database in memory, not a file named ":memory:"
    'sqlite://'
    """
    if url_or_path is None:
        url_or_path = default_database_path()
    value = os.fspath(url_or_path)
    if value == ":memory:":
        return "sqlite://"
    for prefix in ("postgresql://", "postgres://"):
        if value.startswith(prefix):
            return "postgresql+psycopg://" + value[len(prefix):]
    if "://" in value:
        return value
    path = Path(value).expanduser().resolve()
    return f"sqlite:///{path}"


class StoreNotFoundError(InputError):
    """A store that a read-only command was asked to open does not exist (only ``track add`` creates one)."""


def _sqlite_file(url: str) -> str:
    return url.split("///", 1)[1] if "///" in url else ""


def create_store_engine(url: str, create: bool = True) -> Engine:
    """An engine for ``url`` (as returned by :func:`database_url`), configured for safe concurrent use;
    with ``create`` the SQLite file's directory is made when missing."""
    if not url.startswith("sqlite"):
        engine = create_engine(url, pool_pre_ping=True)

        @event.listens_for(engine, "connect")
        def _configure_postgresql(dbapi_connection: Any, _record: Any) -> None:
            with dbapi_connection.cursor() as cursor:
                # Every query here is short. Without statistics (a store just filled, autovacuum off) the
                # planner guesses hundreds of versions per article, the estimated cost of the article list
                # passed jit_above_cost and each request spent 6-8 ms compiling code for a query of 1 ms.
                cursor.execute("SET jit = off")
                # psycopg prepares a statement run five times; PostgreSQL may then plan it once for any
                # value, and a search must be planned for its words (a rare word reads the GIN index, a
                # common one the newest articles backwards): a generic plan took 69.5 ms instead of 0.8.
                cursor.execute("SET plan_cache_mode = force_custom_plan")
            dbapi_connection.commit()

        return engine
    database = _sqlite_file(url)
    if database and create:
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_SECONDS})

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # let the "begin" hook below issue BEGIN itself
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        read_only = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


def migrate(engine: Engine) -> None:
    """Bring the schema to the latest Alembic revision; safe when several processes open at once."""
    from alembic import command  # loaded when a store is opened, not by every command that could open one
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def _refuse_missing(engine: Engine) -> None:
    """Raise :class:`StoreNotFoundError` unless ``engine``'s database holds a Variorum store."""
    if engine.dialect.name == "sqlite":
        database = engine.url.database or ""
        if not Path(database).is_file():
            raise StoreNotFoundError(database or str(engine.url), "no store here (variorum track add creates one)")
        return
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            shown = engine.url.render_as_string(hide_password=True)
            raise StoreNotFoundError(shown, "no store in this database (variorum track add creates one)")


def open_store(url_or_path: str | os.PathLike[str] | None = None, *, create: bool = True) -> Store:
    """Open (creating and migrating as needed) the store at a SQLite path or a database URL.

    With ``create=False`` (the read-only commands) a missing store is refused with
    :class:`StoreNotFoundError` instead of being created; nothing is written to the disk.

    >>> import tempfile, pathlib
    >>> store = open_store(pathlib.Path(tempfile.mkdtemp()) / "v.db")
    >>> store.dialect
    'sqlite'
    >>> store.close()
    """
    engine = create_store_engine(database_url(url_or_path), create=create)
    if not create:
        _refuse_missing(engine)
    migrate(engine)
    return Store(engine)
