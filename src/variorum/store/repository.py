"""The :class:`Store`: the repository API the tracker, the CLI and the web UI use to persist versions.

The store persists and queries; it never compares. A caller that records a fetch reads the latest
version (:meth:`Store.latest_stored`), compares it with the new article outside any transaction, and hands
the comparison to :meth:`Store.record_version` together with the sequence number it was computed against
(:func:`variorum.track.record.record_fetch` does exactly that, retrying when needed).

Every write is one transaction. :meth:`Store.record_version` locks the article (``SELECT … FOR UPDATE``
on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite) before reading its latest version; if that is no longer the
version the comparison was computed against, it writes nothing and raises :class:`StaleComparison`, so
the caller compares again. The unique constraints on ``(article, seq)`` and ``(article, content_hash)``
back that up, so two writers recording the same fetch store it once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast
from urllib.parse import urlsplit

from sqlalchemy import Engine, Table, bindparam, delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from variorum.article import Article
from variorum.compare.model import MINOR, SIGNIFICANCES, Comparison
from variorum.store.codec import article_from_dict, compress_html, content_hash, decompress_html
from variorum.store.models import FetchAttempt, Source, StoredArticle, StoredComparison, Version
from variorum.text.segment import block_spans
from variorum.text.urls import canonical_url

SOURCE_KINDS = ("feed", "page")
SITE_SAMPLE = 40  # other articles of a site read to learn its template: enough for MIN_DOCUMENTS many times over
FAILURE_KINDS = (
    "http_error", "timeout", "network", "too_large", "robots", "redirects", "private_address", "bad_feed",
    "extraction_failed", "paywall", "consent", "empty", "flip_flop",
)
READ_ONLY = "variorum_read_only"  # execution option: SQLite begins these with a plain BEGIN
NEW, UNCHANGED, COSMETIC_ONLY, FLIP_FLOP, STALE = "new", "unchanged", "cosmetic", "flip_flop", "stale"


@dataclass(frozen=True, slots=True)
class HttpMeta:
    """What the HTTP response said about a fetched page."""

    status: int | None = None
    headers: Mapping[str, str] | None = None


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a version came from when the tracker did not fetch it live: ``kind`` (``"archive"``) and the
    URL of the copy it was rebuilt from (a web archive's capture)."""

    kind: str
    url: str


@dataclass(frozen=True, slots=True)
class VersionResult:
    """What :meth:`Store.record_version` did with one fetch.

    ``status`` is ``"new"`` (a version was stored; ``comparison`` is its comparison with the previous one,
    ``None`` for a first version), ``"unchanged"`` (same folded text as the latest version),
    ``"cosmetic"`` (only cosmetic changes), ``"flip_flop"`` (the text of an older, non-latest version
    came back) or, from :meth:`Writes.record_version` only, ``"stale"`` (nothing written: the comparison
    was not with the latest version). ``version`` is the sequence number of the article's latest stored version afterwards.
    """

    status: str
    url: str
    article_id: int
    version: int
    comparison: Comparison | None = None

    @property
    def stored(self) -> bool:
        """True when this fetch created a new version."""
        return self.status == NEW


@dataclass(frozen=True, slots=True)
class LatestVersion:
    """An article's latest stored version: what a new fetch is compared with before it is recorded. The
    article is kept as stored (JSON values, cheap to hand to another process) and rebuilt when asked for."""

    seq: int
    content_hash: str
    article_json: dict[str, Any]

    @property
    def article(self) -> Article:
        """The stored Article."""
        return article_from_dict(self.article_json)


@dataclass(frozen=True, slots=True)
class OlderVersion:
    """A version to insert among an article's stored versions (:meth:`Store.insert_versions`), with its
    comparison with the version before it (``None`` for the first)."""

    article: Article
    raw_html: bytes
    fetched_at: datetime
    http_status: int | None
    origin: Origin | None
    comparison: Comparison | None


def _stored_comparison(article_id: int, from_id: int, to_id: int, comparison: Comparison,
                       at: datetime) -> StoredComparison:
    return StoredComparison(
        article_id=article_id, from_version_id=from_id, to_version_id=to_id, similarity=comparison.similarity,
        summary=comparison.summary, changes=comparison.to_dict(), max_significance=max_significance(comparison),
        created_at=at,
    )


class StaleComparison(Exception):
    """:meth:`Store.record_version` was handed a comparison with a version that is no longer the latest
    (another writer stored a version meanwhile): nothing was written; compare with the new latest version."""

    def __init__(self, url: str, expected: int, latest: int) -> None:
        super().__init__(f"{url}: compared with version {expected}, but the latest version is now {latest}")
        self.url, self.expected, self.latest = url, expected, latest


@dataclass(frozen=True, slots=True)
class DueArticle:
    """An article the tracker has claimed for a check: where to fetch it and what it knows of it."""

    id: int
    url: str
    source_id: int | None
    first_seen_at: datetime
    last_changed_at: datetime | None
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One stored version of an article, with the summary of its comparison with the version before."""

    version: int
    fetched_at: datetime
    content_hash: str
    title: str | None
    http_status: int | None
    summary: dict[str, Any] | None
    max_significance: str | None
    origin: str | None = None
    origin_url: str | None = None


def _now() -> datetime:
    return datetime.now(UTC)


def _header(http: HttpMeta, name: str) -> str | None:
    """A response header by case-insensitive name."""
    return next((v for k, v in (http.headers or {}).items() if k.lower() == name), None)


def max_significance(comparison: Comparison) -> str:
    """The highest significance among a comparison's changes (``"cosmetic"`` when there are none)."""
    present = {c.significance for c in comparison.changes}
    return next((s for s in SIGNIFICANCES if s in present), SIGNIFICANCES[-1])


ARTICLES = cast(Table, StoredArticle.__table__)
VERSIONS = cast(Table, Version.__table__)
COMPARISONS = cast(Table, StoredComparison.__table__)
ATTEMPTS = cast(Table, FetchAttempt.__table__)
SOURCES = cast(Table, Source.__table__)
# The statements a tracker runs for every page, built once: executed with a dict of values, they skip
# building a statement and its cache key each time.
_INSERT_VERSION = insert(VERSIONS).returning(VERSIONS.c.id)
_INSERT_COMPARISON = insert(COMPARISONS)
_OLDER_WITH_HASH = select(VERSIONS.c.seq).where(
    VERSIONS.c.article_id == bindparam("article_id"), VERSIONS.c.content_hash == bindparam("digest"),
).limit(1)


@dataclass(slots=True)
class _Locked:
    """An article row locked by a :class:`Writes` transaction: its id and ``last_seen_at`` as the
    transaction's writes leave them."""

    id: int
    last_seen_at: datetime


@dataclass(frozen=True, slots=True)
class _Newest:
    """The id, sequence number and content hash of an article's latest version."""

    id: int
    seq: int
    content_hash: str


class Writes:
    """The per-article writes (and a feed poll's: :meth:`discover`, :meth:`mark_polled`), on one open
    transaction (:meth:`Store.batch`); each :class:`Store` method of the same name runs one of these in a
    transaction of its own. They are SQL Core statements on the
    session's connection: no ORM objects, as a tracker runs them for hundreds of pages a second.

    A batch costs few statements per article: :meth:`load` locks and reads the articles a batch will
    touch and their latest versions in two queries, and the updates of article rows and the fetch attempts
    are kept until :meth:`flush` (run by :meth:`Store.batch` before it commits) writes them with one
    statement per kind. The reads of a batch see its own writes: they go through the same cache."""

    def __init__(self, session: Session, dialect: str) -> None:
        self._connection = session.connection()
        self._dialect = dialect
        self._articles: dict[str, _Locked] = {}         # by canonical URL
        self._newest: dict[int, _Newest | None] = {}    # by article id; None: no version
        self._updates: dict[int, dict[str, Any]] = {}   # article id -> columns to set
        self._attempts: list[dict[str, Any]] = []
        self._canonical: dict[str, str] = {}

    def _url(self, url: str) -> str:
        """:func:`canonical_url`, once per URL and batch (a URL is written to several times)."""
        if url not in self._canonical:
            self._canonical[url] = canonical_url(url)
        return self._canonical[url]

    def _insert(self, table: Table) -> Any:
        return (pg_insert if self._dialect == "postgresql" else sqlite_insert)(table)

    def load(self, urls: Iterable[str]) -> None:
        """Lock the stored articles among ``urls`` (in id order, so that two batches never wait for each other
        in a cycle) and read them and their latest versions, for the writes that follow."""
        wanted = {self._url(url) for url in urls} - self._articles.keys()
        if not wanted:
            return
        rows = self._connection.execute(
            select(ARTICLES.c.id, ARTICLES.c.url, ARTICLES.c.last_seen_at).where(ARTICLES.c.url.in_(wanted))
            .order_by(ARTICLES.c.id).with_for_update()
        ).all()
        ids = [row.id for row in rows]
        for row in rows:
            self._articles[row.url] = _Locked(row.id, row.last_seen_at)
            self._newest[row.id] = None
        if not ids:
            return
        newest = (
            select(VERSIONS.c.article_id, func.max(VERSIONS.c.seq).label("seq"))
            .where(VERSIONS.c.article_id.in_(ids)).group_by(VERSIONS.c.article_id).subquery()
        )
        for version in self._connection.execute(
            select(VERSIONS.c.article_id, VERSIONS.c.id, VERSIONS.c.seq, VERSIONS.c.content_hash)
            .join(newest, (VERSIONS.c.article_id == newest.c.article_id) & (VERSIONS.c.seq == newest.c.seq))
        ):
            self._newest[version.article_id] = _Newest(version.id, version.seq, version.content_hash)

    def flush(self) -> None:
        """Write the kept article updates (one statement for each set of columns) and fetch attempts."""
        by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for article_id, values in self._updates.items():
            by_columns.setdefault(tuple(sorted(values)), []).append(
                {"a_id": article_id, **{f"v_{name}": value for name, value in values.items()}})
        for columns, rows in by_columns.items():
            self._connection.execute(update(ARTICLES).where(ARTICLES.c.id == bindparam("a_id")).values(
                {name: bindparam(f"v_{name}", type_=ARTICLES.c[name].type) for name in columns}), rows)
        if self._attempts:
            self._connection.execute(insert(ATTEMPTS), self._attempts)
        self._updates, self._attempts = {}, []

    def _set(self, article_id: int, **values: Any) -> None:
        self._updates.setdefault(article_id, {}).update(values)

    def _article_id(self, url: str) -> int | None:
        """The id of the article at a canonical URL, or ``None`` when it is not stored."""
        if url in self._articles:
            return self._articles[url].id
        return self._connection.execute(select(ARTICLES.c.id).where(ARTICLES.c.url == url)).scalar()

    def _lock_article(self, url: str, source_id: int | None, at: datetime) -> _Locked:
        if url not in self._articles:
            self._connection.execute(self._insert(ARTICLES).values(
                url=url, source_id=source_id, first_seen_at=at, last_seen_at=at,
            ).on_conflict_do_nothing(index_elements=["url"]))
            row = self._connection.execute(
                select(ARTICLES.c.id, ARTICLES.c.last_seen_at).where(ARTICLES.c.url == url).with_for_update()
            ).one()
            self._articles[url] = _Locked(row.id, row.last_seen_at)
        return self._articles[url]

    def _latest(self, article_id: int) -> _Newest | None:
        if article_id not in self._newest:
            row = self._connection.execute(
                select(VERSIONS.c.id, VERSIONS.c.seq, VERSIONS.c.content_hash)
                .where(VERSIONS.c.article_id == article_id).order_by(VERSIONS.c.seq.desc()).limit(1)
            ).first()
            self._newest[article_id] = _Newest(row.id, row.seq, row.content_hash) if row is not None else None
        return self._newest[article_id]

    def record_version(
        self, article_url: str, article: Article, raw_html: bytes = b"", fetched_at: datetime | None = None,
        http: HttpMeta | None = None, *, source_id: int | None = None, comparison: Comparison | None = None,
        previous: int = 0, origin: Origin | None = None,
    ) -> VersionResult:
        """Record one successful fetch of an article, storing a version only if its text changed for real.

        ``comparison`` is the comparison of version ``previous`` (the latest when the caller read it, ``0``
        when there was none) with ``article``; the caller computes it, the store only keeps it. The URL is
        canonicalised. A fetch whose folded text equals the latest version's, or whose changes are all
        cosmetic, only moves ``last_seen_at``. A fetch whose text equals an older version's is a flip-flop
        (a stale server or CDN): it is recorded in ``fetch_attempts``, not as a version. When the text is
        new and the latest version is not ``previous`` (or no comparison came for it), nothing is written
        and the status is ``"stale"``, with the latest version's number. ``origin`` says where a version
        not fetched live came from (a web archive's capture).
        """
        connection = self._connection
        url = self._url(article_url)
        at = fetched_at or _now()
        digest = content_hash(article)
        http = http or HttpMeta()
        stored = self._lock_article(url, source_id, at)
        article_id = stored.id
        latest = self._latest(article_id)
        latest_seq = latest.seq if latest is not None else 0
        older = None
        if latest is not None and latest.content_hash != digest:
            older = connection.execute(_OLDER_WITH_HASH, {"article_id": article_id, "digest": digest}).scalar()
            if older is None and (latest_seq != previous or comparison is None):
                return VersionResult(STALE, url, article_id, latest_seq)
        elif latest is None and previous != 0:
            return VersionResult(STALE, url, article_id, latest_seq)
        stored.last_seen_at = max(stored.last_seen_at, at)
        seen: dict[str, Any] = {"last_seen_at": stored.last_seen_at}
        if http.headers is not None:
            seen.update(etag=_header(http, "etag"), last_modified=_header(http, "last-modified"))
        if latest is not None and (latest.content_hash == digest or older is not None
                                   or (comparison is not None and not comparison.changed)):
            self._set(article_id, **seen)
            if latest.content_hash == digest:
                return VersionResult(UNCHANGED, url, article_id, latest_seq)
            if older is not None:
                self._attempt(at=at, url=url, source_id=source_id, article_id=article_id, status=http.status,
                              kind=FLIP_FLOP, detail=f"text of version {older} served again after version {latest_seq}")
                return VersionResult(FLIP_FLOP, url, article_id, latest_seq)
            return VersionResult(COSMETIC_ONLY, url, article_id, latest_seq, comparison)
        version_id = connection.execute(_INSERT_VERSION, {
            "article_id": article_id, "seq": latest_seq + 1, "content_hash": digest,
            "article_json": article.to_dict(), "raw_html": compress_html(raw_html), "fetched_at": at,
            "http_status": http.status, "http_headers": dict(http.headers) if http.headers is not None else None,
            "origin": origin.kind if origin else None, "origin_url": origin.url if origin else None,
        }).scalar_one()
        self._newest[article_id] = _Newest(version_id, latest_seq + 1, digest)
        if comparison is not None and latest is not None:
            connection.execute(_INSERT_COMPARISON, {
                "article_id": article_id, "from_version_id": latest.id, "to_version_id": version_id,
                "similarity": comparison.similarity, "summary": comparison.summary,
                "changes": comparison.to_dict(), "max_significance": max_significance(comparison),
                "created_at": at,
            })
        self._set(article_id, **seen, title=article.title, last_changed_at=at)
        return VersionResult(NEW, url, article_id, latest_seq + 1, comparison)

    def _attempt(self, **values: Any) -> None:
        self._attempts.append(values)

    def record_failure(
        self, url: str, kind: str, *, status: int | None = None, detail: str = "",
        at: datetime | None = None, source_id: int | None = None,
    ) -> None:
        """Record a fetch that produced no version (HTTP error, paywall stub, failed extraction, …)."""
        if kind not in FAILURE_KINDS:
            raise ValueError(f"failure kind must be one of {FAILURE_KINDS}, not {kind!r}")
        url = self._url(url)
        self._attempt(at=at or _now(), url=url, source_id=source_id, article_id=self._article_id(url),
                      status=status, kind=kind, detail=detail)

    def _update_by_url(self, url: str, **values: Any) -> None:
        url = self._url(url)
        if url in self._articles:
            self._set(self._articles[url].id, **values)
        else:
            self._connection.execute(update(ARTICLES).where(ARTICLES.c.url == url).values(**values))

    def mark_seen(self, url: str, at: datetime | None = None) -> None:
        """Record that an article was fetched and found unchanged without a body (HTTP 304)."""
        at = at or _now()
        locked = self._articles.get(self._url(url))
        if locked is not None:
            locked.last_seen_at = at
        self._update_by_url(url, last_seen_at=at)

    def schedule_check(self, url: str, at: datetime | None) -> None:
        """Set (or clear, with ``None``) when the tracker should fetch an article again."""
        self._update_by_url(url, next_check_at=at)

    def discover(
        self, entries: Iterable[tuple[str, datetime | None]], *, source_id: int | None = None,
        at: datetime | None = None,
    ) -> int:
        """Make sure articles are known, new ones due for a first check at ``at``; returns how many were new.

        ``entries`` are ``(url, updated)`` pairs: ``updated`` is when a feed says the article last changed
        (or ``None``); if that is after the article was last seen, it is due again at ``at`` (even if it had
        grown too old to be checked).
        """
        at = at or _now()
        latest_update: dict[str, datetime | None] = {}
        for url, updated in entries:
            url = canonical_url(url)
            known = latest_update.get(url)
            latest_update[url] = updated if known is None or (updated is not None and updated > known) else known
        if not latest_update:
            return 0
        connection = self._connection
        stored = set(connection.execute(select(ARTICLES.c.url).where(ARTICLES.c.url.in_(latest_update))).scalars())
        unknown = [url for url in latest_update if url not in stored]
        new = 0
        if unknown:  # another writer may add one meanwhile: it is then not new here
            new = len(connection.execute(
                self._insert(ARTICLES).on_conflict_do_nothing(index_elements=["url"]).returning(ARTICLES.c.id),
                [{"url": url, "source_id": source_id, "first_seen_at": at, "last_seen_at": at, "next_check_at": at}
                 for url in unknown],
            ).all())
        updated_ones = [{"a_url": url, "updated": updated} for url, updated in latest_update.items()
                        if url in stored and updated is not None]
        if updated_ones:
            connection.execute(update(ARTICLES).where(
                ARTICLES.c.url == bindparam("a_url"),
                ARTICLES.c.last_seen_at < bindparam("updated", type_=ARTICLES.c.last_seen_at.type),
                ARTICLES.c.next_check_at.is_(None) | (ARTICLES.c.next_check_at > at),
            ).values(next_check_at=at), updated_ones)
        return new

    def mark_polled(
        self, source_id: int, *, at: datetime | None = None, etag: str | None = None,
        last_modified: str | None = None,
    ) -> None:
        """Remember when a source was polled and the validators for its next conditional GET."""
        self._connection.execute(update(SOURCES).where(SOURCES.c.id == source_id).values(
            last_polled_at=at or _now(), etag=etag, last_modified=last_modified,
        ))


class Store:
    """Sources, articles, versions and comparisons in one SQL database (open it with ``open_store``)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._reads = sessionmaker(engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False)

    @property
    def dialect(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self.engine.dialect.name

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def session(self) -> Session:
        """A new read-only ORM session, for queries the methods below do not cover (exports, reports)."""
        return self._reads()

    def _insert(self, model: type[Any]) -> Any:
        return (pg_insert if self.dialect == "postgresql" else sqlite_insert)(model)

    # sources -------------------------------------------------------------------------------------------

    def add_source(
        self, url: str, kind: str = "page", *, min_significance: str = MINOR, headline_only: bool = False,
    ) -> Source:
        """Add a feed or page to watch (or return it if it is already there; its settings are kept)."""
        if kind not in SOURCE_KINDS:
            raise ValueError(f"source kind must be one of {SOURCE_KINDS}, not {kind!r}")
        if min_significance not in SIGNIFICANCES:
            raise ValueError(f"min_significance must be one of {SIGNIFICANCES}, not {min_significance!r}")
        url = canonical_url(url)
        with self._sessions.begin() as session:
            session.execute(self._insert(Source).values(
                url=url, kind=kind, min_significance=min_significance, headline_only=headline_only,
                added_at=_now(),
            ).on_conflict_do_nothing(index_elements=["url"]))
            return session.scalars(select(Source).where(Source.url == url)).one()

    def remove_source(self, url: str) -> bool:
        """Stop watching a feed or page; its articles and their versions are kept. True if it was there."""
        with self._sessions.begin() as session:
            source = session.scalars(select(Source).where(Source.url == canonical_url(url))).first()
            if source is None:
                return False
            session.execute(update(StoredArticle).where(StoredArticle.source_id == source.id).values(source_id=None))
            session.delete(source)
            return True

    def sources(self) -> list[Source]:
        """Every source, oldest first."""
        with self._reads() as session:
            return list(session.scalars(select(Source).order_by(Source.id)))

    def mark_polled(
        self, source_id: int, *, at: datetime | None = None, etag: str | None = None,
        last_modified: str | None = None,
    ) -> None:
        """Remember when a source was polled and the validators for its next conditional GET."""
        with self.batch() as writes:
            writes.mark_polled(source_id, at=at, etag=etag, last_modified=last_modified)

    # articles and versions -----------------------------------------------------------------------------

    @contextmanager
    def batch(self) -> Iterator[Writes]:
        """One transaction for many per-article writes (:class:`Writes`): how the tracker records a group of
        checks at once. Everything in it is committed together, or nothing if the block raises."""
        with self._sessions.begin() as session:
            writes = Writes(session, self.dialect)
            yield writes
            writes.flush()

    def record_version(
        self, article_url: str, article: Article, raw_html: bytes = b"", fetched_at: datetime | None = None,
        http: HttpMeta | None = None, *, source_id: int | None = None, comparison: Comparison | None = None,
        previous: int = 0, origin: Origin | None = None,
    ) -> VersionResult:
        """Record one successful fetch of an article, storing a version only if its text changed for real
        (see :meth:`Writes.record_version`). Raises :class:`StaleComparison`, writing nothing, when the text
        is new and the latest version is not ``previous``."""
        with self.batch() as writes:
            result = writes.record_version(
                article_url, article, raw_html, fetched_at, http, source_id=source_id, comparison=comparison,
                previous=previous, origin=origin,
            )
            if result.status == STALE:
                raise StaleComparison(result.url, previous, result.version)  # leaving the block rolls back
            return result

    def record_failure(
        self, url: str, kind: str, *, status: int | None = None, detail: str = "",
        at: datetime | None = None, source_id: int | None = None,
    ) -> None:
        """Record a fetch that produced no version (HTTP error, paywall stub, failed extraction, …)."""
        with self.batch() as writes:
            writes.record_failure(url, kind, status=status, detail=detail, at=at, source_id=source_id)

    def mark_seen(self, url: str, at: datetime | None = None) -> None:
        """Record that an article was fetched and found unchanged without a body (HTTP 304)."""
        with self.batch() as writes:
            writes.mark_seen(url, at)

    def schedule_check(self, url: str, at: datetime | None) -> None:
        """Set (or clear, with ``None``) when the tracker should fetch an article again."""
        with self.batch() as writes:
            writes.schedule_check(url, at)

    def failures(self, url: str | None = None) -> list[FetchAttempt]:
        """Recorded failures and flip-flops, oldest first, for one URL or all."""
        query = select(FetchAttempt).order_by(FetchAttempt.id)
        if url is not None:
            query = query.where(FetchAttempt.url == canonical_url(url))
        with self._reads() as session:
            return list(session.scalars(query))

    def article(self, url: str) -> StoredArticle | None:
        """The article row for a URL (canonicalised), or ``None``."""
        with self._reads() as session:
            return session.scalars(select(StoredArticle).where(StoredArticle.url == canonical_url(url))).first()

    def discover(
        self, entries: Iterable[tuple[str, datetime | None]], *, source_id: int | None = None,
        at: datetime | None = None,
    ) -> int:
        """Make sure articles are known, new ones due for a first check at ``at``; returns how many were new
        (see :meth:`Writes.discover`). One transaction for all of them."""
        with self.batch() as writes:
            return writes.discover(entries, source_id=source_id, at=at)

    def claim_due(self, now: datetime | None = None, *, limit: int = 100, lease: timedelta) -> list[DueArticle]:
        """Claim up to ``limit`` articles due for a check, most overdue first, by moving their next check
        ``lease`` into the future in the same transaction, so that another tracker on the same database
        does not claim them too (rows already locked by another claim are skipped on PostgreSQL). A
        tracker that dies mid-check leaves the article due again when the lease runs out."""
        now = now or _now()
        query = (
            select(StoredArticle).where(StoredArticle.next_check_at <= now)
            .order_by(StoredArticle.next_check_at, StoredArticle.id).limit(limit)
        )
        if self.dialect == "postgresql":
            query = query.with_for_update(skip_locked=True)
        with self._sessions.begin() as session:
            rows = list(session.scalars(query))
            for row in rows:
                row.next_check_at = now + lease
            return [
                DueArticle(row.id, row.url, row.source_id, row.first_seen_at, row.last_changed_at, row.etag,
                           row.last_modified)
                for row in rows
            ]

    def make_all_due(self, at: datetime | None = None) -> int:
        """Make every article due for a check at ``at`` (now), whatever its schedule; returns how many."""
        with self._sessions.begin() as session:
            result = session.connection().execute(update(ARTICLES).values(next_check_at=at or _now()))
            return result.rowcount

    def history(self, url: str) -> list[HistoryEntry]:
        """The stored versions of an article, oldest first (empty if the URL is unknown)."""
        query = (
            select(Version, StoredComparison)
            .join(StoredArticle, Version.article_id == StoredArticle.id)
            .outerjoin(StoredComparison, StoredComparison.to_version_id == Version.id)
            .where(StoredArticle.url == canonical_url(url)).order_by(Version.seq)
        )
        with self._reads() as session:
            return [
                HistoryEntry(
                    version.seq, version.fetched_at, version.content_hash, version.article_json.get("title"),
                    version.http_status, stored.summary if stored else None,
                    stored.max_significance if stored else None, version.origin, version.origin_url,
                )
                for version, stored in session.execute(query)
            ]

    def _version(self, session: Session, url: str, seq: int) -> Version:
        version = session.scalars(
            select(Version).join(StoredArticle)
            .where(StoredArticle.url == canonical_url(url), Version.seq == seq)
        ).first()
        if version is None:
            raise KeyError(f"no version {seq} of {canonical_url(url)}")
        return version

    def version(self, url: str, seq: int) -> Article:
        """The extracted Article of one stored version; ``KeyError`` if there is none."""
        with self._reads() as session:
            return article_from_dict(self._version(session, url, seq).article_json)

    def raw_html(self, url: str, seq: int) -> bytes:
        """The raw HTML of one stored version, decompressed."""
        with self._reads() as session:
            return decompress_html(self._version(session, url, seq).raw_html)

    def latest(self, url: str) -> Article | None:
        """The extracted Article of an article's latest version, or ``None`` if it has none (one query)."""
        with self._reads() as session:
            stored = session.scalars(
                select(Version.article_json).join(StoredArticle)
                .where(StoredArticle.url == canonical_url(url)).order_by(Version.seq.desc()).limit(1)
            ).first()
        return article_from_dict(stored) if stored is not None else None

    def insert_versions(
        self, url: str, after: int, inserted: list[OlderVersion], seam: Comparison, *,
        hashes: tuple[str | None, str],
    ) -> int:
        """Insert versions, in time order, between an article's stored versions ``after`` and ``after + 1``
        (``after`` 0: before the first). The later stored versions are renumbered after them; the first of
        ``inserted`` carries its comparison with version ``after`` (``None`` when it becomes the first
        version), each other its comparison with the one before it; ``seam``, the comparison of the last of
        ``inserted`` with the stored version that follows, replaces that version's comparison. Nothing is
        written, and :class:`StaleComparison` raised, when the stored versions ``after`` and ``after + 1``
        no longer have the content hashes ``hashes`` (``None`` for no version ``after``). Returns how many
        versions were inserted."""
        if not inserted:
            return 0
        with self._sessions.begin() as session:
            stored = session.scalars(
                select(StoredArticle).where(StoredArticle.url == canonical_url(url)).with_for_update()).one()
            around = {row.seq: row for row in session.execute(
                select(Version.id, Version.seq, Version.content_hash, Version.fetched_at)
                .where(Version.article_id == stored.id, Version.seq.in_([after, after + 1]))
            )}
            before, following = around.get(after), around.get(after + 1)
            if following is None or (before.content_hash if before else None, following.content_hash) != hashes:
                raise StaleComparison(stored.url, after + 1, following.seq if following else after)
            shift = len(inserted)
            # two steps, so that no intermediate row breaks the unique (article, seq) constraint
            session.execute(update(Version).where(Version.article_id == stored.id, Version.seq > after)
                            .values(seq=-(Version.seq + shift)))
            session.execute(update(Version).where(Version.article_id == stored.id, Version.seq < 0)
                            .values(seq=-Version.seq))
            session.execute(delete(StoredComparison).where(StoredComparison.to_version_id == following.id))
            previous_id = before.id if before else None
            for seq, item in enumerate(inserted, after + 1):
                version = Version(
                    article_id=stored.id, seq=seq, content_hash=content_hash(item.article),
                    article_json=item.article.to_dict(), raw_html=compress_html(item.raw_html),
                    fetched_at=item.fetched_at, http_status=item.http_status,
                    http_headers=None, origin=item.origin.kind if item.origin else None,
                    origin_url=item.origin.url if item.origin else None,
                )
                session.add(version)
                session.flush()
                if item.comparison is not None and previous_id is not None:
                    session.add(_stored_comparison(stored.id, previous_id, version.id, item.comparison,
                                                   item.fetched_at))
                previous_id = version.id
            assert previous_id is not None
            session.add(_stored_comparison(stored.id, previous_id, following.id, seam, following.fetched_at))
            stored.first_seen_at = min(stored.first_seen_at, inserted[0].fetched_at)
            return shift

    def site_texts(self, url: str, *, limit: int = SITE_SAMPLE) -> list[tuple[str, list[str]]]:
        """``(url, paragraphs)`` of the latest versions of up to ``limit`` other articles on ``url``'s host,
        most recently seen first: what a caller learns the site's template from (see
        :mod:`variorum.text.boilerplate`). Paragraphs are read from each version's text, so template that
        was left out of its blocks is seen again."""
        canonical = canonical_url(url)
        host = urlsplit(canonical).netloc
        if not host:
            return []
        pattern = host.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        latest = (
            select(Version.article_id, func.max(Version.seq).label("seq")).group_by(Version.article_id).subquery()
        )
        query = (
            select(StoredArticle.url, Version.article_json)
            .join(latest, latest.c.article_id == StoredArticle.id)
            .join(Version, (Version.article_id == StoredArticle.id) & (Version.seq == latest.c.seq))
            .where(StoredArticle.url != canonical,
                   StoredArticle.url.like(f"http://{pattern}/%", escape="\\")
                   | StoredArticle.url.like(f"https://{pattern}/%", escape="\\"))
            .order_by(StoredArticle.last_seen_at.desc(), StoredArticle.id.desc()).limit(limit)
        )
        with self._reads() as session:
            rows = session.execute(query).all()
        texts = []
        for other_url, article_json in rows:
            text = str(article_json.get("text") or "")
            texts.append((other_url, [text[start:end] for start, end in block_spans(text)]))
        return texts

    def latest_stored(self, url: str) -> LatestVersion | None:
        """An article's latest version with its sequence number and content hash, or ``None`` if it has
        none: what :meth:`record_version` wants a new fetch compared with."""
        return self.latest_stored_of([url]).get(canonical_url(url))

    def latest_stored_of(self, urls: Iterable[str]) -> dict[str, LatestVersion]:
        """:meth:`latest_stored` for many articles in one query, by canonical URL (articles without a
        version left out)."""
        wanted = {canonical_url(url) for url in urls}
        if not wanted:
            return {}
        newest = (
            select(Version.article_id, func.max(Version.seq).label("seq")).join(StoredArticle)
            .where(StoredArticle.url.in_(wanted)).group_by(Version.article_id).subquery()
        )
        query = (
            select(StoredArticle.url, Version.seq, Version.content_hash, Version.article_json)
            .join(newest, (Version.article_id == newest.c.article_id) & (Version.seq == newest.c.seq))
            .join(StoredArticle, StoredArticle.id == Version.article_id)
        )
        with self._reads() as session:
            return {
                row.url: LatestVersion(row.seq, row.content_hash, row.article_json)
                for row in session.execute(query)
            }

    def latest_version(self, url: str) -> int:
        """The sequence number of an article's latest version (0 when it has none)."""
        with self._reads() as session:
            return session.scalar(
                select(func.coalesce(func.max(Version.seq), 0)).join(StoredArticle)
                .where(StoredArticle.url == canonical_url(url))
            ) or 0


__all__ = [
    "FAILURE_KINDS", "DueArticle", "HistoryEntry", "HttpMeta", "LatestVersion", "StaleComparison", "Store",
    "VersionResult", "Writes", "max_significance",
]
