"""Persistence of tracked articles and their versions: SQLite by default, PostgreSQL by URL.

Articles are keyed by their canonical URL (one rule for the whole project, in :mod:`variorum.text.urls`):

>>> from variorum.text.urls import canonical_url
>>> canonical_url("HTTPS://Example.COM:443/a?utm_source=x&id=3#top")
'https://example.com/a?id=3'
"""

from variorum.store.db import StoreNotFoundError, database_url, default_database_path, open_store
from variorum.store.repository import FAILURE_KINDS, DueArticle, HistoryEntry, HttpMeta, Origin, Store, VersionResult

__all__ = [
    "FAILURE_KINDS", "DueArticle", "HistoryEntry", "HttpMeta", "Origin", "Store", "StoreNotFoundError", "VersionResult",
    "database_url", "default_database_path", "open_store",
]
