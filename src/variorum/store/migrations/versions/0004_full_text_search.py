"""Full-text search over every version's headline and body.

On SQLite, an FTS5 table ``search_versions`` (contentless: it keeps the index, not a second copy of the text;
its row id is the version id) kept in step with ``versions`` by triggers, so every writer indexes what it
stores. On PostgreSQL, a GIN index on the same ``to_tsvector`` expression that the search query uses
(:mod:`variorum.store.search`), so no column is added. Both stem English words (``porter`` / ``english``).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# The same expression as variorum.store.search.POSTGRES_DOCUMENT (a migration must not import the code it
# migrates for, which may change later; the search module checks that the two agree).
POSTGRES_DOCUMENT = (
    "to_tsvector('english'::regconfig, coalesce(article_json->>'title', '') || ' ' || "
    "coalesce(article_json->>'text', ''))"
)
_SQLITE_VALUES = "json_extract({row}.article_json, '$.title'), json_extract({row}.article_json, '$.text')"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE INDEX ix_versions_search ON versions USING GIN ({POSTGRES_DOCUMENT})")
        return
    op.execute(
        "CREATE VIRTUAL TABLE search_versions USING fts5("
        "title, body, content='', tokenize='porter unicode61 remove_diacritics 2')"
    )
    op.execute("INSERT INTO search_versions(search_versions, rank) VALUES ('rank', 'bm25(4.0, 1.0)')")
    op.execute(
        "CREATE TRIGGER search_versions_insert AFTER INSERT ON versions BEGIN "
        f"INSERT INTO search_versions(rowid, title, body) VALUES (new.id, {_SQLITE_VALUES.format(row='new')}); END"
    )
    op.execute(
        "CREATE TRIGGER search_versions_delete AFTER DELETE ON versions BEGIN "
        "INSERT INTO search_versions(search_versions, rowid, title, body) "
        f"VALUES ('delete', old.id, {_SQLITE_VALUES.format(row='old')}); END"
    )
    op.execute(
        "INSERT INTO search_versions(rowid, title, body) "
        f"SELECT versions.id, {_SQLITE_VALUES.format(row='versions')} FROM versions"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_versions_search")
        return
    op.execute("DROP TRIGGER search_versions_delete")
    op.execute("DROP TRIGGER search_versions_insert")
    op.execute("DROP TABLE search_versions")
