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

from sqlalchemy import ColumnElement, func, or_, select

from variorum.compare.model import COSMETIC, KINDS, MINOR, SIGNIFICANCES
from variorum.store.models import StoredArticle, StoredComparison, Version
from variorum.store.repository import Store

MAX_LIMIT = 1000
HIGHLIGHTS = 3
"""How many of a comparison's substantive changes an entry shows, most significant first."""
HIGHLIGHT_CHARS = 160


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
    highlights: tuple[Highlight, ...] = ()


@dataclass(frozen=True, slots=True)
class Highlight:
    """One of the substantive changes of an entry, old → new (each cut to :data:`HIGHLIGHT_CHARS`)."""

    kind: str
    significance: str
    old: str | None
    new: str | None

    def to_dict(self) -> dict[str, str | None]:
        return {"kind": self.kind, "significance": self.significance, "old": self.old, "new": self.new}


def like_escaped(text: str) -> str:
    """``text`` as a LIKE pattern fragment, with the wildcards ``%`` and ``_`` escaped by ``\\``."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def on_site(site: str) -> ColumnElement[bool]:
    """Articles on the host ``site`` or one of its subdomains (``example.org`` matches ``news.example.org``)."""
    host = like_escaped(site.strip().lower().strip("."))
    return or_(
        StoredArticle.url.like(f"%://{host}/%", escape="\\"),
        StoredArticle.url.like(f"%://{host}:%", escape="\\"),
        StoredArticle.url.like(f"%.{host}/%", escape="\\"),
    )


def significances_at_least(minimum: str) -> tuple[str, ...]:
    """The significances as significant as ``minimum`` or more: ``"minor"`` gives ``("major", "minor")``."""
    if minimum not in SIGNIFICANCES:
        raise ValueError(f"significance must be one of {', '.join(SIGNIFICANCES)}, not {minimum!r}")
    return SIGNIFICANCES[: SIGNIFICANCES.index(minimum) + 1]


def _substantive_kinds(changes: dict[str, Any]) -> dict[str, int]:
    counts = Counter(c["kind"] for c in changes.get("changes", ()) if c["significance"] != COSMETIC)
    return dict(sorted(counts.items()))


def _cut(text: str | None) -> str | None:
    if text is None:
        return None
    flat = " ".join(text.split())
    return flat if len(flat) <= HIGHLIGHT_CHARS else flat[: HIGHLIGHT_CHARS - 1].rstrip() + "…"


def highlights_of(changes: dict[str, Any]) -> tuple[Highlight, ...]:
    """The first substantive changes of a stored comparison (stored most significant first)."""
    found = [c for c in changes.get("changes", ()) if c["significance"] != COSMETIC][:HIGHLIGHTS]
    return tuple(Highlight(c["kind"], c["significance"], _cut(c.get("old")), _cut(c.get("new"))) for c in found)


@dataclass(frozen=True, slots=True)
class ChangesPage:
    """A page of the change stream: its entries, newest first, and how many match in all."""

    entries: list[ChangeEntry]
    total: int
    limit: int
    offset: int


def _matching(
    since: datetime | None, min_significance: str, site: str | None, kind: str | None,
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [
        StoredComparison.max_significance.in_(significances_at_least(min_significance))]
    if since is not None:
        conditions.append(StoredComparison.created_at >= since)
    if site and site.strip():
        conditions.append(on_site(site))
    if kind is not None:
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
        conditions.append(StoredComparison.summary[("by_kind", kind)].as_integer() > 0)
    return conditions


def change_page(
    store: Store, *, limit: int = 50, offset: int = 0, since: datetime | None = None,
    min_significance: str = MINOR, site: str | None = None, kind: str | None = None,
) -> ChangesPage:
    """A page of the stored comparisons, newest first, and their total.

    ``since`` keeps the comparisons created at or after that time; ``min_significance`` keeps those whose
    most significant change is at least that significant (``"major"``, ``"minor"`` or ``"cosmetic"``);
    ``site`` those of articles on that host (its subdomains too); ``kind`` those with a change of that kind.
    """
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIMIT}, not {limit}")
    if offset < 0:
        raise ValueError(f"offset must not be negative, not {offset}")
    conditions = _matching(since, min_significance, site, kind)
    old, new = Version.__table__.alias("old"), Version.__table__.alias("new")
    query = (
        select(
            StoredComparison, StoredArticle.url, StoredArticle.source_id, old.c.seq, new.c.seq,
            func.coalesce(new.c.article_json["title"].as_string(), StoredArticle.title),
        )
        .join(StoredArticle, StoredComparison.article_id == StoredArticle.id)
        .join(old, StoredComparison.from_version_id == old.c.id)
        .join(new, StoredComparison.to_version_id == new.c.id)
        .where(*conditions)
        .order_by(StoredComparison.created_at.desc(), StoredComparison.id.desc())
        .limit(limit).offset(offset)
    )
    counted = (
        select(func.count(StoredComparison.id))
        .join(StoredArticle, StoredComparison.article_id == StoredArticle.id).where(*conditions)
    )
    with store.session() as session:
        entries = [
            ChangeEntry(
                url=url, title=title, from_version=from_seq, to_version=to_seq, created_at=row.created_at,
                similarity=row.similarity, summary=row.summary, kinds=_substantive_kinds(row.changes),
                max_significance=row.max_significance, source_id=source_id, highlights=highlights_of(row.changes),
            )
            for row, url, source_id, from_seq, to_seq, title in session.execute(query)
        ]
        total = session.scalar(counted) or 0
    return ChangesPage(entries, total, limit, offset)


def recent_changes(
    store: Store, *, limit: int = 50, since: datetime | None = None, min_significance: str = MINOR,
) -> list[ChangeEntry]:
    """The ``limit`` most recent stored comparisons, newest first (the first page of :func:`change_page`)."""
    return change_page(store, limit=limit, since=since, min_significance=min_significance).entries


__all__ = [
    "HIGHLIGHTS", "MAX_LIMIT", "ChangeEntry", "ChangesPage", "Highlight", "change_page", "highlights_of", "like_escaped", "on_site",
    "recent_changes", "significances_at_least",
]
