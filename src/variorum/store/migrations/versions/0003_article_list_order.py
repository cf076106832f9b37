"""The article list in index order: ``last_changed_at`` filled for articles stored before 0002 and indexed
with the id, so that the most recently changed articles are read first instead of every article being sorted.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "UPDATE articles SET last_changed_at = "
        "(SELECT max(versions.fetched_at) FROM versions WHERE versions.article_id = articles.id) "
        "WHERE last_changed_at IS NULL"
    )
    op.create_index("ix_articles_last_changed", "articles", ["last_changed_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_articles_last_changed", table_name="articles")
