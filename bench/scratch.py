"""Scratch PostgreSQL schemas for the benchmarks: one made for a run on the local test server and dropped after it,
so that no benchmark leaves tables behind in the shared ``test`` database."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

LOCAL_TEST_DATABASE = "postgresql://postgres@127.0.0.1:5432/test"


@contextmanager
def postgres_schema(database: str = LOCAL_TEST_DATABASE) -> Iterator[tuple[str, str]]:
    """Yield ``(url, schema)``: a store URL whose tables live in a new schema of ``database``, dropped on exit."""
    plain = database.replace("postgresql+psycopg://", "postgresql://")
    schema = f"variorum_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{database}?options=-csearch_path%3D{schema}", schema
    finally:
        with psycopg.connect(plain, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA "{schema}" CASCADE')
