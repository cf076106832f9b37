"""Alembic revisions of the Variorum store schema, oldest first."""
