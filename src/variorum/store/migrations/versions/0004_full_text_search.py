"""Full-text search over every version's headline and body.

On SQLite, an FTS5 table ``search_articles`` (contentless: it keeps the index, not a second copy of the
text; one row per article, its row id the article id, holding the words of every version) kept in step with
``versions`` by triggers, so every writer indexes what it stores. On PostgreSQL, a table ``search_articles`` of one ``tsvector`` per article (all its versions' words, headlines
weighted above texts) with a GIN index, kept by triggers in the same way. Both stem English words
(``porter`` / ``english``).

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

# One version's words on PostgreSQL, its headline weighted A and its text D (the ranking counts the headline
# more); the same expression as variorum.store.search documents (a migration must not import the code it
# migrates for, which may change later).
_POSTGRES_VERSION = (
    "setweight(to_tsvector('english'::regconfig, coalesce({row}.article_json->>'title', '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, coalesce({row}.article_json->>'text', '')), 'D')"
)
# A tsvector holds at most 1 MB: an article whose versions' words pass that keeps them without positions
# (phrases then match as words).
_POSTGRES_FUNCTIONS = f"""
CREATE FUNCTION search_articles_add(article integer, added tsvector) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    BEGIN
        INSERT INTO search_articles AS s (article_id, document) VALUES (article, added)
        ON CONFLICT (article_id) DO UPDATE SET document = s.document || EXCLUDED.document;
    EXCEPTION WHEN program_limit_exceeded THEN
        UPDATE search_articles SET document = strip(document) || strip(added) WHERE article_id = article;
    END;
END $$;
CREATE FUNCTION search_articles_version_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM search_articles_add(NEW.article_id, {_POSTGRES_VERSION.format(row="NEW")});
    RETURN NULL;
END $$;
CREATE FUNCTION search_articles_version_removed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE kept record;
BEGIN
    DELETE FROM search_articles WHERE article_id = OLD.article_id;
    FOR kept IN SELECT * FROM versions WHERE article_id = OLD.article_id ORDER BY id LOOP
        PERFORM search_articles_add(kept.article_id, {_POSTGRES_VERSION.format(row="kept")});
    END LOOP;
    RETURN NULL;
END $$;
CREATE TRIGGER search_articles_insert AFTER INSERT ON versions FOR EACH ROW EXECUTE FUNCTION search_articles_version_added();
CREATE TRIGGER search_articles_delete AFTER DELETE ON versions FOR EACH ROW EXECUTE FUNCTION search_articles_version_removed();
"""

def _versions_text(article: str, *, excluding: str = "NULL", including: str = "") -> str:
    """SQL for the searchable text of one article: the titles, then the texts, of its versions in id order
    (a row just deleted can be added back with ``including``, one just inserted left out with ``excluding``)."""
    extra = (
        f" UNION ALL SELECT {including}.id AS id, json_extract({including}.article_json, '$.title') AS title, "
        f"json_extract({including}.article_json, '$.text') AS body" if including else ""
    )
    rows = (
        "SELECT id, json_extract(article_json, '$.title') AS title, json_extract(article_json, '$.text') AS body "
        f"FROM versions WHERE article_id = {article} AND id IS NOT {excluding}{extra} ORDER BY id"
    )
    return f"SELECT group_concat(title, ' ') AS title, group_concat(body, ' ') AS body, count(*) AS n FROM ({rows})"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        # One row per article with the words of all its versions: a search reads one GIN index and ranks the
        # stored vectors, with no words to read again from the versions and no versions to group.
        op.execute("CREATE TABLE search_articles (article_id integer PRIMARY KEY, document tsvector NOT NULL)")
        op.execute("CREATE INDEX ix_search_articles ON search_articles USING GIN (document)")
        op.execute(_POSTGRES_FUNCTIONS)
        op.execute(
            "DO $$ DECLARE kept record; BEGIN FOR kept IN SELECT * FROM versions ORDER BY article_id, id LOOP "
            f"PERFORM search_articles_add(kept.article_id, {_POSTGRES_VERSION.format(row='kept')}); END LOOP; END $$"
        )
        return
    # One row per article (row id = article id) holding the words of all its versions: a search is one
    # look-up in the index, ranked there, with no grouping of versions. Contentless, so the index keeps no
    # second copy of the texts; a row is replaced by deleting it with the very text it was made from.
    op.execute(
        "CREATE VIRTUAL TABLE search_articles USING fts5("
        "title, body, content='', tokenize='porter unicode61 remove_diacritics 2')"
    )
    op.execute("INSERT INTO search_articles(search_articles, rank) VALUES ('rank', 'bm25(4.0, 1.0)')")
    op.execute(
        "CREATE TRIGGER search_articles_insert AFTER INSERT ON versions BEGIN "
        "INSERT INTO search_articles(search_articles, rowid, title, body) "
        f"SELECT 'delete', new.article_id, found.title, found.body FROM ("
        f"{_versions_text('new.article_id', excluding='new.id')}) AS found WHERE found.n > 0; "
        "INSERT INTO search_articles(rowid, title, body) "
        f"SELECT new.article_id, found.title, found.body FROM ({_versions_text('new.article_id')}) AS found; "
        "END"
    )
    op.execute(
        "CREATE TRIGGER search_articles_delete AFTER DELETE ON versions BEGIN "
        "INSERT INTO search_articles(search_articles, rowid, title, body) "
        f"SELECT 'delete', old.article_id, found.title, found.body FROM ("
        f"{_versions_text('old.article_id', including='old')}) AS found; "
        "INSERT INTO search_articles(rowid, title, body) "
        f"SELECT old.article_id, found.title, found.body FROM ({_versions_text('old.article_id')}) AS found "
        "WHERE found.n > 0; END"
    )
    op.execute(
        "INSERT INTO search_articles(rowid, title, body) SELECT article_id, group_concat(title, ' '), "
        "group_concat(body, ' ') FROM (SELECT article_id, json_extract(article_json, '$.title') AS title, "
        "json_extract(article_json, '$.text') AS body FROM versions ORDER BY article_id, id) GROUP BY article_id"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER search_articles_delete ON versions")
        op.execute("DROP TRIGGER search_articles_insert ON versions")
        op.execute("DROP FUNCTION search_articles_version_removed(), search_articles_version_added(), "
                   "search_articles_add(integer, tsvector)")
        op.execute("DROP TABLE search_articles")
        return
    op.execute("DROP TRIGGER search_articles_delete")
    op.execute("DROP TRIGGER search_articles_insert")
    op.execute("DROP TABLE search_articles")
