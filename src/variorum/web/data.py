"""What each page shows, looked up once for the HTML page and its JSON twin: request parameters turned
into store queries, 404s for what does not exist, and comparisons of stored versions (cached: stored
versions never change)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from threading import Lock
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import HTTPException, Path, Query, Request
from fastapi.templating import Jinja2Templates

from variorum.compare import Comparison, compare
from variorum.compare.model import KINDS
from variorum.dedup import DedupConfig, Document
from variorum.dedup.furniture import site_of
from variorum.dedup.report import ClusterCache
from variorum.store import Store
from variorum.store.changes import MAX_LIMIT, ChangeEntry, change_page
from variorum.store.models import Source
from variorum.store.queries import (
    ArticleFilter,
    ArticleHeads,
    ArticleRow,
    StoryCluster,
    TimelinePoint,
    article_by_id,
    article_heads,
    article_ids,
    fingerprint,
    latest_texts,
    source_by_id,
    story_clusters,
    timeline,
)
from variorum.store.versions import VersionNotFoundError, resolve_versions


@dataclass(frozen=True, slots=True)
class AppState:
    """What :func:`variorum.web.create_app` was given and keeps for every request (``app.state.variorum``)."""

    store: Store
    token: str | None
    max_upload_bytes: int
    dedup: DedupConfig
    cluster_limit: int
    templates: Jinja2Templates
    comparisons: ComparisonCache
    clusters_cache: ClusterCache


def app_state(request: Request) -> AppState:
    """The application's state, typed."""
    state: AppState = request.app.state.variorum
    return state


def get_store(request: Request) -> Store:
    """The store the app was created with."""
    return app_state(request).store


def _moment(value: str | None, name: str, *, end_of_day: bool) -> datetime | None:
    """A ``YYYY-MM-DD`` date (its start, or its end) or an ISO 8601 time, in UTC; empty means none."""
    if not value or not value.strip():
        return None
    try:
        if len(value.strip()) == 10:
            day = date.fromisoformat(value.strip())
            return datetime.combine(day, time.max if end_of_day else time.min, UTC)
        moment = datetime.fromisoformat(value.strip())
        return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    except (ValueError, OverflowError):
        raise HTTPException(400, f"{name} must be a date (YYYY-MM-DD) or an ISO 8601 time, not {value!r}") from None


MAX_QUERY_CHARS = 500
MAX_ID = 2**63 - 1
Id = Annotated[int, Path(ge=0, le=MAX_ID)]
"""An id or version number in a path; out of range it names nothing (404), as databases hold 64-bit ids."""


def _without_nul(value: str | None) -> str | None:
    """A text parameter with NUL characters dropped (no database takes them in a query), or ``None``."""
    return value.replace("\x00", "") or None if value else None


def article_filter(
    q: Annotated[str | None, Query(max_length=MAX_QUERY_CHARS, description=(
        "Words to search for in every version's headline and body (all must occur; \"a phrase\" in double "
        "quotes as written), ranked best first; or a URL, or part of one, to match article URLs."))] = None,
    site: Annotated[str | None, Query(max_length=MAX_QUERY_CHARS, description="A host name; its subdomains match too.")] = None,
    since: Annotated[str | None, Query(description="Keep articles with a version fetched on or after this date.")] = None,
    until: Annotated[str | None, Query(description="… and on or before this date.")] = None,
    kind: Annotated[str | None, Query(description=f"Keep articles with a change of this kind: {', '.join(KINDS)}.")] = None,
    significance: Annotated[str | None, Query(description="Keep articles with a change at least this significant: major, minor or cosmetic.")] = None,
    source: Annotated[int | None, Query(description="Keep the articles found through this source id.")] = None,
    limit: Annotated[int, Query(ge=1, le=200, description="Page size.")] = 50,
    offset: Annotated[int, Query(ge=0, description="Articles to skip.")] = 0,
) -> ArticleFilter:
    """The listing's query parameters as an :class:`ArticleFilter` (empty form fields mean "any")."""
    try:
        return ArticleFilter(
            q=_without_nul(q), site=_without_nul(site),
            since=_moment(since, "since", end_of_day=False), until=_moment(until, "until", end_of_day=True),
            kind=kind or None, significance=significance or None, source_id=source, limit=limit, offset=offset,
        )
    except ValueError as error:
        raise HTTPException(400, str(error)) from None


@dataclass(frozen=True, slots=True)
class ChangeItem:
    """One recent change and the id of its article (for links to the comparison page)."""

    entry: ChangeEntry
    article_id: int

    @property
    def href(self) -> str:
        return f"/articles/{self.article_id}/compare?from={self.entry.from_version}&to={self.entry.to_version}"

    def to_dict(self) -> dict[str, Any]:
        entry = self.entry
        return {
            "article_id": self.article_id, "url": entry.url, "title": entry.title, "from": entry.from_version,
            "to": entry.to_version, "created_at": entry.created_at.isoformat(), "similarity": round(entry.similarity, 6),
            "max_significance": entry.max_significance, "kinds": entry.kinds, "verdict": entry.summary.get("verdict"),
            "source_id": entry.source_id, "highlights": [highlight.to_dict() for highlight in entry.highlights],
        }


@dataclass(frozen=True, slots=True)
class ChangesQuery:
    """Which changes to list: at least ``min_significance``, stored since ``since``, on ``site``, of
    ``kind``; ``limit`` of them after skipping ``offset``."""

    min_significance: str
    since: datetime | None
    limit: int
    offset: int = 0
    site: str | None = None
    kind: str | None = None

    def query(self, **changed: Any) -> str:
        """These parameters (with ``changed`` ones replaced) as a URL query string, defaults left out."""
        values = {
            "significance": self.min_significance if self.min_significance != "minor" else None,
            "since": self.since.isoformat() if self.since else None, "site": self.site, "kind": self.kind,
            "limit": self.limit if self.limit != DEFAULT_CHANGES else None, "offset": self.offset or None,
        }
        values.update(changed)
        return urlencode({name: value for name, value in values.items() if value not in (None, "", 0)})


@dataclass(frozen=True, slots=True)
class ChangesList:
    """A page of changes with what a pager needs."""

    items: list[ChangeItem]
    total: int
    wanted: ChangesQuery

    @property
    def next_offset(self) -> int | None:
        after = self.wanted.offset + self.wanted.limit
        return after if after < self.total else None

    @property
    def previous_offset(self) -> int | None:
        return max(0, self.wanted.offset - self.wanted.limit) if self.wanted.offset > 0 else None


DEFAULT_CHANGES = 50


def changes_wanted(
    significance: Annotated[str, Query(description="The least significant change listed: major, minor or cosmetic.")] = "minor",
    since: Annotated[str | None, Query(description="Only changes stored on or after this date or time.")] = None,
    site: Annotated[str | None, Query(max_length=MAX_QUERY_CHARS, description="Only changes of articles on this host (its subdomains too).")] = None,
    kind: Annotated[str | None, Query(description=f"Only changes with a change of this kind: {', '.join(KINDS)}.")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="How many changes, newest first.")] = DEFAULT_CHANGES,
    offset: Annotated[int, Query(ge=0, le=10**9, description="Changes to skip.")] = 0,
) -> ChangesQuery:
    """The query parameters of the changes listing and the Atom feed."""
    return ChangesQuery(
        significance or "minor", _moment(since, "since", end_of_day=False), limit, offset, _without_nul(site),
        kind or None,
    )


def changes(store: Store, wanted: ChangesQuery) -> ChangesList:
    """A page of stored changes (see :func:`variorum.store.changes.change_page`), newest first."""
    try:
        page = change_page(
            store, limit=wanted.limit, offset=wanted.offset, since=wanted.since,
            min_significance=wanted.min_significance, site=wanted.site, kind=wanted.kind,
        )
    except ValueError as error:
        raise HTTPException(400, str(error)) from None
    ids = article_ids(store, [entry.url for entry in page.entries])
    items = [ChangeItem(entry, ids[entry.url]) for entry in page.entries if entry.url in ids]
    return ChangesList(items, page.total, wanted)


def article_or_404(store: Store, article_id: int) -> ArticleRow:
    """The article, or a 404."""
    row = article_by_id(store, article_id)
    if row is None:
        raise HTTPException(404, f"no article {article_id}")
    return row


def source_or_404(store: Store, source_id: int) -> Source:
    """The source, or a 404."""
    found = source_by_id(store, source_id)
    if found is None:
        raise HTTPException(404, f"no source {source_id}")
    return found


def history_or_404(store: Store, article_id: int) -> tuple[ArticleRow, list[TimelinePoint]]:
    """An article and its versions."""
    article = article_or_404(store, article_id)
    return article, timeline(store, article_id)


def version_or_404(points: list[TimelinePoint], number: int, article_id: int) -> TimelinePoint:
    """The version ``number`` of an article's timeline, or a 404."""
    for point in points:
        if point.version == number:
            return point
    raise HTTPException(404, f"article {article_id} has no version {number}")


class ComparisonCache:
    """The last ``size`` comparisons computed, by the texts' identities (stored versions are immutable)."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._items: OrderedDict[tuple[Any, ...], Comparison] = OrderedDict()
        self._lock = Lock()

    def get(self, key: tuple[Any, ...], compute: Callable[[], Comparison]) -> Comparison:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        comparison = compute()
        with self._lock:
            self._items[key] = comparison
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return comparison


@dataclass(frozen=True, slots=True)
class StoredComparisonView:
    """Two stored versions of one article, their comparison, and the article with its versions' heads (read
    once, for the page's column heads and its previous/next links)."""

    article: ArticleHeads
    from_version: int
    to_version: int
    comparison: Comparison


def stored_comparison(
    request: Request, article_id: int, from_version: int | None, to_version: int | None,
) -> StoredComparisonView:
    """Compare two versions of an article (by default the latest with the one before it)."""
    store = get_store(request)
    article = article_heads(store, article_id)
    if article is None:
        raise HTTPException(404, f"no article {article_id}")
    if not article.versions:
        raise HTTPException(404, f"article {article_id} has no stored version")
    try:
        from_version, to_version = resolve_versions(
            [head.version for head in article.versions], from_version, to_version)
    except VersionNotFoundError as error:
        raise HTTPException(404, f"article {article_id} has no version {error.number}") from None
    cache = app_state(request).comparisons
    comparison = cache.get(
        ("versions", article_id, from_version, to_version),
        lambda: compare(store.version(article.url, from_version), store.version(article.url, to_version)),
    )
    return StoredComparisonView(article, from_version, to_version, comparison)


def cluster_or_404(request: Request, cluster_id: int) -> StoryCluster:
    """One cluster of the store, by its representative's article id."""
    for cluster in store_clusters(request):
        if cluster.id == cluster_id:
            return cluster
    raise HTTPException(404, f"no cluster {cluster_id}")


def store_clusters(request: Request) -> list[StoryCluster]:
    """The store's clusters, found by :class:`variorum.dedup.report.ClusterCache` from the latest texts the
    store provides, computed again only after a new version has been stored."""
    state = app_state(request)
    store = state.store
    config = state.dedup

    def texts() -> list[Document]:
        return [Document(str(t.article_id), t.text, t.published, site_of(t.url))
                for t in latest_texts(store, limit=state.cluster_limit)]

    found = state.clusters_cache.get(fingerprint(store), texts, config)
    return story_clusters(store, [
        (int(c.representative), [(int(m.id), m.similarity) for m in c.members],
         [(int(a), int(b), s) for a, b, s, _ in c.links])
        for c in found
    ])


def cluster_comparison(request: Request, cluster_id: int, member_id: int) -> tuple[StoryCluster, ArticleRow, ArticleRow, Comparison]:
    """The latest version of a cluster's representative compared with the latest version of a member."""
    cluster = cluster_or_404(request, cluster_id)
    members = {member.article.id: member.article for member in cluster.members}
    if member_id not in members:
        raise HTTPException(404, f"article {member_id} is not in cluster {cluster_id}")
    store = get_store(request)
    first, second = members[cluster_id], members[member_id]
    cache = app_state(request).comparisons
    comparison = cache.get(
        ("articles", first.id, first.versions, second.id, second.versions),
        lambda: compare(store.version(first.url, first.versions), store.version(second.url, second.versions)),
    )
    return cluster, first, second, comparison


def comparison_json(comparison: Comparison, **context: Any) -> dict[str, Any]:
    """The documented comparison JSON (docs/json.md) with ``context`` (which article, which versions)."""
    return {**context, **comparison.to_dict()}


__all__ = [
    "MAX_ID",
    "MAX_QUERY_CHARS",
    "ChangeItem",
    "ChangesList",
    "ChangesQuery",
    "ComparisonCache",
    "Id",
    "StoredComparisonView",
    "article_filter",
    "article_or_404",
    "changes",
    "changes_wanted",
    "cluster_comparison",
    "cluster_or_404",
    "comparison_json",
    "get_store",
    "history_or_404",
    "source_or_404",
    "store_clusters",
    "stored_comparison",
    "version_or_404",
]
