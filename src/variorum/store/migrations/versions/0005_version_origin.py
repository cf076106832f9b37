"""Where a version came from: ``origin`` (``archive`` for a version rebuilt from a web archive's capture,
``NULL`` for one the tracker fetched live) and ``origin_url`` (the capture's URL).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ADD COLUMN (no table rebuild on SQLite, so the full-text triggers on versions stay as they are)
    op.add_column("versions", sa.Column("origin", sa.String(16)))
    op.add_column("versions", sa.Column("origin_url", sa.Text))


def downgrade() -> None:
    # plain DROP COLUMN too (SQLite 3.35+): a batch rebuild of versions would drop the full-text triggers
    op.drop_column("versions", "origin_url")
    op.drop_column("versions", "origin")
