"""Recording a fetched article: compare it with the latest stored version first, then hand both to the store.

The store persists and never compares (:mod:`variorum.store.repository`); the comparison is computed here,
outside any database transaction, so no write lock is held during a diff. If another writer stored a
version between the read and the write, the store refuses the stale comparison and it is computed again
against the new latest version.

>>> import tempfile, pathlib
>>> from variorum import Article
>>> from variorum.store import open_store
>>> store = open_store(pathlib.Path(tempfile.mkdtemp()) / "r.db")
>>> record_fetch(store, "https://example.org/a", Article.from_text("Rain\\n\\nIt will rain.")).status
'new'
>>> record_fetch(store, "https://example.org/a", Article.from_text("Rain\\n\\nIt will snow.")).version
2
>>> store.close()
"""

from __future__ import annotations

from datetime import datetime

from variorum.article import Article
from variorum.compare import compare
from variorum.compare.model import Comparison
from variorum.store import HttpMeta, Origin, Store, VersionResult
from variorum.store.codec import content_hash
from variorum.store.repository import LatestVersion, StaleComparison

ATTEMPTS = 10  # each retry means another writer stored a version of this very article meanwhile


def comparison_with(latest: LatestVersion | None, article: Article) -> Comparison | None:
    """The comparison :meth:`Store.record_version` wants for ``article``: with the latest version, unless
    there is none or its text is the same (then the store needs none)."""
    if latest is None or latest.content_hash == content_hash(article):
        return None
    return compare(latest.article, article)


def record_fetch(
    store: Store, url: str, article: Article, raw_html: bytes = b"", fetched_at: datetime | None = None,
    http: HttpMeta | None = None, *, source_id: int | None = None, origin: Origin | None = None,
) -> VersionResult:
    """Record one fetch of ``url`` (see :meth:`Store.record_version`), comparing it with the latest stored
    version before the write; compared again if that version changed before the write."""
    attempt = 1
    while True:
        latest = store.latest_stored(url)
        try:
            return store.record_version(
                url, article, raw_html, fetched_at, http, source_id=source_id,
                comparison=comparison_with(latest, article), previous=latest.seq if latest else 0, origin=origin,
            )
        except StaleComparison:
            if attempt == ATTEMPTS:
                raise
            attempt += 1


__all__ = ["comparison_with", "record_fetch"]
