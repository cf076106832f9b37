"""Read queries the web interface needs beyond :class:`~variorum.store.Store`: listing, filtering and
searching articles, one article's version timeline, the latest texts the deduper clusters, and the rows of
the clusters it found (the store itself runs no deduper).

Every function takes an open :class:`Store` and only reads. They run the same SQL on SQLite and on
PostgreSQL (JSON fields are read with SQLAlchemy's portable JSON path operators).

>>> import tempfile, pathlib
>>> from variorum import Article
>>> from variorum.store import open_store
>>> from variorum.track.record import record_fetch
>>> store = open_store(pathlib.Path(tempfile.mkdtemp()) / "q.db")
>>> _ = record_fetch(store, "https://news.example.org/a", Article.from_text("Rain Expected\\n\\nIt will rain."))
>>> page = list_articles(store, ArticleFilter(q="rain"))
>>> page.total, page.rows[0].site, page.rows[0].versions
(1, 'news.example.org', 1)
>>> store.close()
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import ColumnElement, Select, and_, exists, func, select
from sqlalchemy.orm import Session

from variorum.compare.model import KINDS, SIGNIFICANCES
from variorum.store.changes import Highlight, highlights_of, like_escaped, on_site, significances_at_least
from variorum.store.models import Source, StoredArticle, StoredComparison, Version
from variorum.store.repository import Store
from variorum.store.search import (
    RANKED,
    Snippet,
    matching_articles,
    newest_matches_postgresql,
    query_terms,
    snippet,
    snippet_version,
)

MAX_PAGE_SIZE = 200
_HOST_RE = re.compile(r"^(?:[\w-]+\.)+[a-z]{2,}$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ArticleFilter:
    """What to list: ``q`` searches every version's headline and body (full text, ranked; a query that is a
    URL, or part of one, matches article URLs instead), ``site`` is a host name (its
    subdomains match too), ``since``/``until`` keep articles with a version fetched in that range,
    ``kind`` keeps articles with a change of that kind, ``significance`` those with a change at least that
    significant, ``source_id`` the articles found through one source."""

    q: str | None = None
    site: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    kind: str | None = None
    significance: str | None = None
    source_id: int | None = None
    limit: int = 50
    offset: int = 0

    def __post_init__(self) -> None:
        if self.kind is not None and self.kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {self.kind!r}")
        if self.significance is not None and self.significance not in SIGNIFICANCES:
            raise ValueError(f"significance must be one of {', '.join(SIGNIFICANCES)}, not {self.significance!r}")
        if not 1 <= self.limit <= MAX_PAGE_SIZE:
            raise ValueError(f"limit must be between 1 and {MAX_PAGE_SIZE}, not {self.limit}")
        if self.offset < 0:
            raise ValueError(f"offset must not be negative, not {self.offset}")


@dataclass(frozen=True, slots=True)
class ArticleRow:
    """One article in a listing."""

    id: int
    url: str
    site: str
    title: str | None
    source_id: int | None
    first_seen_at: datetime
    last_seen_at: datetime
    versions: int
    last_version_at: datetime | None
    max_significance: str | None
    last_significance: str | None = None
    snippet: Snippet | None = None

    def to_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "id": self.id, "url": self.url, "site": self.site, "title": self.title, "source_id": self.source_id,
            "first_seen_at": _iso(self.first_seen_at), "last_seen_at": _iso(self.last_seen_at),
            "versions": self.versions, "last_version_at": _iso(self.last_version_at),
            "max_significance": self.max_significance, "last_significance": self.last_significance,
        }
        if self.snippet is not None:
            found["snippet"] = self.snippet.to_dict()
        return found


@dataclass(frozen=True, slots=True)
class ArticlePage:
    """A page of a listing: the rows and how many articles match in all (``more``: more than ``total``, a
    search that counts no further than the articles it ranks)."""

    rows: list[ArticleRow]
    total: int
    limit: int
    offset: int
    more: bool = False


@dataclass(frozen=True, slots=True)
class TimelinePoint:
    """One version of an article with the size and significance of its change from the version before.

    ``changed_chars`` counts the characters removed plus those added by the substantive changes; the
    first version has no comparison (``None`` for every change figure). ``origin`` and ``origin_url`` say
    where a version not fetched live came from (``"archive"`` and the capture's URL, for a backfill)."""

    version: int
    fetched_at: datetime
    title: str | None
    http_status: int | None
    length: int
    similarity: float | None
    max_significance: str | None
    substantive: int | None
    cosmetic: int | None
    changed_chars: int | None
    verdict: str | None
    kinds: dict[str, int] = field(default_factory=dict)
    highlights: tuple[Highlight, ...] = ()
    origin: str | None = None
    origin_url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version, "fetched_at": _iso(self.fetched_at), "title": self.title,
            "http_status": self.http_status, "length": self.length, "similarity": self.similarity,
            "max_significance": self.max_significance, "substantive": self.substantive,
            "cosmetic": self.cosmetic, "changed_chars": self.changed_chars, "verdict": self.verdict,
            "kinds": self.kinds, "highlights": [highlight.to_dict() for highlight in self.highlights],
            "origin": self.origin, "origin_url": self.origin_url,
        }


@dataclass(frozen=True, slots=True)
class ClusterMember:
    """An article in a cluster, with the best similarity that joined it (1.0 for the representative)."""

    article: ArticleRow
    similarity: float
    representative: bool


@dataclass(frozen=True, slots=True)
class StoryCluster:
    """Articles (each by its latest version) that are the same story: syndicated copies, re-publications.

    ``id`` is the representative's article id, stable while the cluster keeps its representative;
    ``similarities`` are the verified ``(article id, article id, similarity)`` pairs that joined them."""

    id: int
    members: list[ClusterMember]
    similarities: list[tuple[int, int, float]]


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def site_of(url: str) -> str:
    """The host of an article URL, e.g. ``news.example.org``."""
    return urlsplit(url).hostname or ""


def _is_url_query(query: str) -> bool:
    """A query that names a URL or part of one (``://``, a path, a host) rather than words to search."""
    stripped = query.strip()
    return "://" in stripped or "/" in stripped or _HOST_RE.match(stripped) is not None


def _full_text(wanted: ArticleFilter) -> bool:
    return bool(wanted.q and query_terms(wanted.q) and not _is_url_query(wanted.q))


def _conditions(wanted: ArticleFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if wanted.q and wanted.q.strip() and not _full_text(wanted):
        pattern = f"%{like_escaped(wanted.q.strip().lower())}%"
        conditions.append(func.lower(StoredArticle.url).like(pattern, escape="\\"))
    if wanted.site and wanted.site.strip():
        conditions.append(on_site(wanted.site))
    if wanted.since is not None or wanted.until is not None:
        fetched = [Version.article_id == StoredArticle.id]
        if wanted.since is not None:
            fetched.append(Version.fetched_at >= wanted.since)
        if wanted.until is not None:
            fetched.append(Version.fetched_at <= wanted.until)
        conditions.append(exists().where(and_(*fetched)))
    if wanted.kind is not None:
        conditions.append(exists().where(
            StoredComparison.article_id == StoredArticle.id,
            StoredComparison.summary[("by_kind", wanted.kind)].as_integer() > 0,
        ))
    if wanted.significance is not None:
        conditions.append(exists().where(
            StoredComparison.article_id == StoredArticle.id,
            StoredComparison.max_significance.in_(significances_at_least(wanted.significance)),
        ))
    if wanted.source_id is not None:
        conditions.append(StoredArticle.source_id == wanted.source_id)
    return conditions


def _rows_query() -> Select[Any]:
    versions = (
        select(func.count(Version.id)).where(Version.article_id == StoredArticle.id).scalar_subquery()
    )
    last_version = (
        select(func.max(Version.fetched_at)).where(Version.article_id == StoredArticle.id).scalar_subquery()
    )
    return select(StoredArticle, versions.label("versions"), last_version.label("last_version_at"))


def _significances(session: Session, ids: list[int]) -> dict[int, tuple[str, str]]:
    """Per article, the highest significance among its stored comparisons and the significance of its
    latest one (the change that made its newest version)."""
    if not ids:
        return {}
    found: dict[int, tuple[set[str], int, str]] = {}
    query = (
        select(StoredComparison.article_id, StoredComparison.max_significance, StoredComparison.to_version_id)
        .where(StoredComparison.article_id.in_(ids))
    )
    for article_id, significance, to_version_id in session.execute(query):
        present, latest_id, latest = found.get(article_id, (set(), -1, significance))
        present.add(significance)
        if to_version_id > latest_id:
            latest_id, latest = to_version_id, significance
        found[article_id] = (present, latest_id, latest)
    return {
        article_id: (next(s for s in SIGNIFICANCES if s in present), latest)
        for article_id, (present, _latest_id, latest) in found.items()
    }


def _row(
    article: StoredArticle, versions: int, last_version_at: datetime | None,
    significances: tuple[str, str] | None, found: Snippet | None = None,
) -> ArticleRow:
    highest, last = significances or (None, None)
    return ArticleRow(
        id=article.id, url=article.url, site=site_of(article.url), title=article.title,
        source_id=article.source_id, first_seen_at=article.first_seen_at, last_seen_at=article.last_seen_at,
        versions=versions, last_version_at=last_version_at, max_significance=highest, last_significance=last,
        snippet=found,
    )


def list_articles(store: Store, wanted: ArticleFilter | None = None) -> ArticlePage:
    """Articles matching ``wanted``, the most recently changed first (articles with no version last).

    The page's ids are read along the ``ix_articles_last_changed`` index (changed articles, then the others,
    newest first: two queries, as SQLite and PostgreSQL put NULLs at opposite ends of a descending order),
    and only those rows get their version counts, so a page costs what its rows cost rather than a sort
    of every article.
    """
    wanted = wanted or ArticleFilter()
    conditions = _conditions(wanted)
    if _full_text(wanted):
        return _search_page(store, wanted, conditions)
    changed_at = StoredArticle.last_changed_at
    ids: list[int] = []
    with store.session() as session:
        total, changed = session.execute(
            select(func.count(StoredArticle.id), func.count(changed_at)).where(*conditions)
        ).one()
        if wanted.offset < changed:
            ids += session.scalars(
                select(StoredArticle.id).where(*conditions, changed_at.is_not(None))
                .order_by(changed_at.desc(), StoredArticle.id.desc()).limit(wanted.limit).offset(wanted.offset)
            )
        if len(ids) < wanted.limit and total > changed:
            ids += session.scalars(
                select(StoredArticle.id).where(*conditions, changed_at.is_(None)).order_by(StoredArticle.id.desc())
                .limit(wanted.limit - len(ids)).offset(max(0, wanted.offset - changed))
            )
        found = _rows_for(session, ids)
    place = {article_id: number for number, article_id in enumerate(ids)}
    rows = sorted(found, key=lambda row: place[row.id])
    return ArticlePage(rows=rows, total=total, limit=wanted.limit, offset=wanted.offset)


def _search_page(store: Store, wanted: ArticleFilter, conditions: list[ColumnElement[bool]]) -> ArticlePage:
    """The articles whose versions match the full-text query ``wanted.q``: the :data:`RANKED` newest best
    match first, then any others newest first; each with the snippet of the newest version holding the
    words (see :mod:`variorum.store.search`)."""
    assert wanted.q is not None
    matches = matching_articles(store.dialect, wanted.q)

    def newest_first(*columns: ColumnElement[Any]) -> Select[Any]:
        found = select(*columns)
        if conditions:
            found = found.join(StoredArticle, StoredArticle.id == matches.c.article_id).where(*conditions)
        return found.order_by(matches.c.article_id.desc())

    end = wanted.offset + wanted.limit
    with store.session() as session:
        if store.dialect == "postgresql":
            window = newest_matches_postgresql(session, wanted.q, RANKED + 1, conditions)
        else:
            window = [(match.article_id, match.rank) for match in session.execute(
                newest_first(matches.c.article_id, matches.c.rank).limit(RANKED + 1))]
        more = len(window) > RANKED
        best_first = sorted(window[:RANKED], key=lambda match: (match[1], -match[0]))
        ids = [article_id for article_id, _rank in best_first[wanted.offset:end]]
        if more and end > RANKED:
            start = max(wanted.offset, RANKED)
            ids += session.scalars(newest_first(matches.c.article_id).limit(end - start).offset(start))
        versions: dict[int, list[tuple[int, str | None, str]]] = {}
        for article_id, seq, data in session.execute(
            select(Version.article_id, Version.seq, Version.article_json)
            .where(Version.article_id.in_(ids)).order_by(Version.article_id, Version.seq)
        ):
            versions.setdefault(article_id, []).append((seq, data.get("title"), data.get("text", "")))
        found = _rows_for(session, ids)
    terms = query_terms(wanted.q)
    snippets = {
        article_id: snippet(*snippet_version(found, terms), terms) for article_id, found in versions.items()
    }
    place = {article_id: number for number, article_id in enumerate(ids)}
    rows = [
        replace(row, snippet=snippets.get(row.id))
        for row in sorted(found, key=lambda row: place[row.id])
    ]
    return ArticlePage(rows=rows, total=RANKED if more else len(window), limit=wanted.limit, offset=wanted.offset,
                       more=more)


def article_by_id(store: Store, article_id: int) -> ArticleRow | None:
    """One article's listing row, or ``None`` when there is no such article."""
    with store.session() as session:
        found = session.execute(_rows_query().where(StoredArticle.id == article_id)).first()
        if found is None:
            return None
        article, count, last = found
        return _row(article, count, last, _significances(session, [article.id]).get(article.id))


def source_by_id(store: Store, source_id: int) -> Source | None:
    """One source, or ``None``."""
    with store.session() as session:
        return session.get(Source, source_id)


def article_ids(store: Store, urls: list[str]) -> dict[str, int]:
    """The ids of the articles at these (canonical) URLs; unknown URLs are left out."""
    if not urls:
        return {}
    with store.session() as session:
        found = session.execute(select(StoredArticle.url, StoredArticle.id).where(StoredArticle.url.in_(set(urls))))
        return dict(found.all())


def article_counts_by_source(store: Store) -> dict[int, int]:
    """How many articles each source led to."""
    query = (
        select(StoredArticle.source_id, func.count(StoredArticle.id))
        .where(StoredArticle.source_id.is_not(None)).group_by(StoredArticle.source_id)
    )
    with store.session() as session:
        return {source: count for source, count in session.execute(query) if source is not None}


def _changed_chars(changes: dict[str, Any]) -> int:
    return sum(
        len(change.get("old") or "") + len(change.get("new") or "")
        for change in changes.get("changes", []) if change.get("significance") != "cosmetic"
    )


def timeline(store: Store, article_id: int) -> list[TimelinePoint]:
    """Every version of an article, oldest first, with the size and significance of each change."""
    query = (
        select(Version, StoredComparison)
        .outerjoin(StoredComparison, StoredComparison.to_version_id == Version.id)
        .where(Version.article_id == article_id).order_by(Version.seq)
    )
    points = []
    with store.session() as session:
        for version, compared in session.execute(query):
            summary = compared.summary if compared else None
            points.append(TimelinePoint(
                version=version.seq, fetched_at=version.fetched_at, title=version.article_json.get("title"),
                http_status=version.http_status, length=len(version.article_json.get("text", "")),
                similarity=round(compared.similarity, 6) if compared else None,
                max_significance=compared.max_significance if compared else None,
                substantive=summary["substantive"] if summary else None,
                cosmetic=summary["by_significance"].get("cosmetic", 0) if summary else None,
                changed_chars=_changed_chars(compared.changes) if compared else None,
                verdict=summary["verdict"] if summary else None,
                kinds=dict(summary["by_kind"]) if summary else {},
                highlights=highlights_of(compared.changes) if compared else (),
                origin=version.origin, origin_url=version.origin_url,
            ))
    return points


@dataclass(frozen=True, slots=True)
class VersionHead:
    """A version's number, fetch time and headline: what a comparison's column heads show."""

    version: int
    fetched_at: datetime
    title: str | None


@dataclass(frozen=True, slots=True)
class ArticleHeads:
    """An article's id, URL and title with the heads of its versions, oldest first: what a comparison page
    needs of its history (none of the texts, the raw pages or the stored comparisons :func:`timeline` reads)."""

    id: int
    url: str
    title: str | None
    versions: list[VersionHead]


def article_heads(store: Store, article_id: int) -> ArticleHeads | None:
    """The article ``article_id`` and its versions' heads, or ``None`` when there is no such article."""
    query = (
        select(StoredArticle.url, StoredArticle.title, Version.seq, Version.fetched_at,
               Version.article_json["title"].as_string())
        .outerjoin(Version, Version.article_id == StoredArticle.id)
        .where(StoredArticle.id == article_id).order_by(Version.seq)
    )
    with store.session() as session:
        rows = session.execute(query).all()
    if not rows:
        return None
    heads = [VersionHead(seq, fetched_at, title) for _url, _title, seq, fetched_at, title in rows if seq is not None]
    return ArticleHeads(article_id, rows[0][0], rows[0][1], heads)


def fingerprint(store: Store) -> tuple[int, int]:
    """``(versions, highest version id)``: changes whenever a version is stored or deleted, so results
    computed from the versions can be cached under it."""
    with store.session() as session:
        count, highest = session.execute(select(func.count(Version.id), func.max(Version.id))).one()
    return int(count), int(highest or 0)


@dataclass(frozen=True, slots=True)
class LatestText:
    """The latest version's text of one article, as the deduper reads it (the store clusters nothing)."""

    article_id: int
    text: str
    published: str | None
    url: str


def latest_texts(store: Store, *, limit: int = 5000) -> list[LatestText]:
    """The latest version's text of each of the ``limit`` most recently seen articles, newest first."""
    latest = (
        select(Version.article_id, func.max(Version.seq).label("seq")).group_by(Version.article_id).subquery()
    )
    query = (
        select(StoredArticle.id, StoredArticle.url, Version.article_json)
        .join(latest, latest.c.article_id == StoredArticle.id)
        .join(Version, and_(Version.article_id == latest.c.article_id, Version.seq == latest.c.seq))
        .order_by(StoredArticle.last_seen_at.desc(), StoredArticle.id).limit(limit)
    )
    with store.session() as session:
        return [LatestText(article_id, data.get("text", ""), data.get("published"), url)
                for article_id, url, data in session.execute(query)]


ClusterIds = tuple[int, Sequence[tuple[int, float]], Sequence[tuple[int, int, float]]]
"""A cluster found elsewhere, by article id: its representative, its members with their similarity (in
version order), and the verified pairs that joined them."""


def story_clusters(store: Store, found: Sequence[ClusterIds]) -> list[StoryCluster]:
    """Clusters found by the deduper (``variorum.dedup``), with the articles' rows, the largest first."""
    with store.session() as session:
        rows = {row.id: row for row in _rows_for(session, [member for _, members, _ in found for member, _ in members])}
    result = [
        StoryCluster(
            id=representative,
            members=[ClusterMember(rows[member], similarity, member == representative) for member, similarity in members
                     if member in rows],
            similarities=list(links),
        )
        for representative, members, links in found
    ]
    result.sort(key=lambda c: (-len(c.members), c.id))
    return result


def _rows_for(session: Session, ids: list[int]) -> list[ArticleRow]:
    """The listing rows of the articles ``ids``, in the session that found them (one session a page)."""
    if not ids:
        return []
    fetched = list(session.execute(_rows_query().where(StoredArticle.id.in_(ids))))
    significances = _significances(session, ids)
    return [_row(article, count, last, significances.get(article.id)) for article, count, last in fetched]


__all__ = [
    "ArticleFilter",
    "ArticleHeads",
    "ArticlePage",
    "ArticleRow",
    "ClusterIds",
    "ClusterMember",
    "LatestText",
    "StoryCluster",
    "TimelinePoint",
    "VersionHead",
    "article_by_id",
    "article_counts_by_source",
    "article_heads",
    "article_ids",
    "fingerprint",
    "latest_texts",
    "list_articles",
    "site_of",
    "source_by_id",
    "story_clusters",
    "timeline",
]
