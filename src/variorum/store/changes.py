"""The stream of recent changes: every stored comparison, newest first, for feeds and "what changed" pages.

Each stored comparison (a version and the one before it) is one :class:`ChangeEntry`. The Atom feed
(``variorum track feed``, :func:`variorum.render.atom.render_atom`) and the web UI's change listings are
built on :func:`recent_changes`.

>>> import tempfile, pathlib
>>> from datetime import datetime, timezone
>>> from variorum import Article
>>> from variorum.store import open_store
>>> from variorum.track.record import record_fetch
>>> store = open_store(pathlib.Path(tempfile.mkdtemp()) / "c.db")
>>> url = "https://news.example.org/storm"
>>> _ = record_fetch(store, url, Article.from_text("Storm Nears\\n\\nThe storm is 40 km away."))
>>> _ = record_fetch(store, url, Article.from_text("Storm Hits Coast\\n\\nThe storm is 40 km away."))
>>> [(e.title, e.from_version, e.to_version, e.max_significance, e.kinds) for e in recent_changes(store)]
[('Storm Hits Coast', 1, 2, 'major', {'headline': 1})]
>>> store.close()
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from variorum.compare.model import COSMETIC, MINOR, SIGNIFICANCES
from variorum.store.models import StoredArticle, StoredComparison, Version
from variorum.store.repository import Store

MAX_LIMIT = 1000


@dataclass(frozen=True, slots=True)
class ChangeEntry:
    """One stored comparison: version ``from_version`` of the article at ``url`` became ``to_version``.

    ``title`` is the newer version's headline (or the article's latest title when that version has
    none); ``created_at`` is when the newer version was fetched; ``summary`` is ``Comparison.summary``;
    ``kinds`` counts the substantive (major and minor) changes by kind, e.g. ``{"headline": 1,
    "wording": 2}``; ``max_significance`` is the highest significance among the changes.
    """

    url: str
    title: str | None
    from_version: int
    to_version: int
    created_at: datetime
    similarity: float
    summary: dict[str, Any]
    kinds: dict[str, int]
    max_significance: str
    source_id: int | None


def significances_at_least(minimum: str) -> tuple[str, ...]:
    """The significances as significant as ``minimum`` or more: ``"minor"`` gives ``("major", "minor")``."""
    if minimum not in SIGNIFICANCES:
        raise ValueError(f"significance must be one of {', '.join(SIGNIFICANCES)}, not {minimum!r}")
    return SIGNIFICANCES[: SIGNIFICANCES.index(minimum) + 1]


def _substantive_kinds(changes: dict[str, Any]) -> dict[str, int]:
    counts = Counter(c["kind"] for c in changes.get("changes", ()) if c["significance"] != COSMETIC)
    return dict(sorted(counts.items()))


def recent_changes(
    store: Store, *, limit: int = 50, since: datetime | None = None, min_significance: str = MINOR,
) -> list[ChangeEntry]:
    """The ``limit`` most recent stored comparisons, newest first.

    ``since`` keeps the comparisons created at or after that time; ``min_significance`` keeps those whose
    most significant change is at least that significant (``"major"``, ``"minor"`` or ``"cosmetic"``).
    """
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIMIT}, not {limit}")
    old, new = Version.__table__.alias("old"), Version.__table__.alias("new")
    query = (
        select(
            StoredComparison, StoredArticle.url, StoredArticle.source_id, old.c.seq, new.c.seq,
            func.coalesce(new.c.article_json["title"].as_string(), StoredArticle.title),
        )
        .join(StoredArticle, StoredComparison.article_id == StoredArticle.id)
        .join(old, StoredComparison.from_version_id == old.c.id)
        .join(new, StoredComparison.to_version_id == new.c.id)
        .where(StoredComparison.max_significance.in_(significances_at_least(min_significance)))
        .order_by(StoredComparison.created_at.desc(), StoredComparison.id.desc())
        .limit(limit)
    )
    if since is not None:
        query = query.where(StoredComparison.created_at >= since)
    with store.session() as session:
        return [
            ChangeEntry(
                url=url, title=title, from_version=from_seq, to_version=to_seq, created_at=row.created_at,
                similarity=row.similarity, summary=row.summary, kinds=_substantive_kinds(row.changes),
                max_significance=row.max_significance, source_id=source_id,
            )
            for row, url, source_id, from_seq, to_seq, title in session.execute(query)
        ]


__all__ = ["MAX_LIMIT", "ChangeEntry", "recent_changes", "significances_at_least"]
