"""The initial schema: sources, articles, versions, comparisons, fetch attempts.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("url", sa.Text, nullable=False, unique=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("min_significance", sa.String(16), nullable=False),
        sa.Column("headline_only", sa.Boolean, nullable=False),
        sa.Column("added_at", TIME, nullable=False),
        sa.Column("last_polled_at", TIME),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
    )
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("url", sa.Text, nullable=False, unique=True),
        sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id", ondelete="SET NULL"), index=True),
        sa.Column("title", sa.Text),
        sa.Column("first_seen_at", TIME, nullable=False),
        sa.Column("last_seen_at", TIME, nullable=False),
        sa.Column("next_check_at", TIME, index=True),
        sa.Column("cluster_id", sa.Integer, index=True),
    )
    op.create_table(
        "versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("article_json", sa.JSON, nullable=False),
        sa.Column("raw_html", sa.LargeBinary, nullable=False),
        sa.Column("fetched_at", TIME, nullable=False),
        sa.Column("http_status", sa.Integer),
        sa.Column("http_headers", sa.JSON),
        sa.UniqueConstraint("article_id", "seq", name="uq_versions_article_seq"),
        sa.UniqueConstraint("article_id", "content_hash", name="uq_versions_article_hash"),
    )
    op.create_table(
        "comparisons",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("from_version_id", sa.Integer, sa.ForeignKey("versions.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("to_version_id", sa.Integer, sa.ForeignKey("versions.id", ondelete="CASCADE"),
                  nullable=False, unique=True),
        sa.Column("similarity", sa.Float, nullable=False),
        sa.Column("summary", sa.JSON, nullable=False),
        sa.Column("changes", sa.JSON, nullable=False),
        sa.Column("max_significance", sa.String(16), nullable=False),
        sa.Column("created_at", TIME, nullable=False, index=True),
    )
    op.create_table(
        "fetch_attempts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", TIME, nullable=False, index=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id", ondelete="SET NULL")),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), index=True),
        sa.Column("status", sa.Integer),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
    )


def downgrade() -> None:
    for table in ("fetch_attempts", "comparisons", "versions", "articles", "sources"):
        op.drop_table(table)
