"""Per-article conditional-GET validators and the time of the last real change, for the tracker.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("etag", sa.Text))
        batch.add_column(sa.Column("last_modified", sa.Text))
        batch.add_column(sa.Column("last_changed_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("last_changed_at")
        batch.drop_column("last_modified")
        batch.drop_column("etag")
