"""Alembic migrations of the Variorum store, run by :func:`variorum.store.db.migrate`."""
