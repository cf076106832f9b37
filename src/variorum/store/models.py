"""The SQLAlchemy 2 models: sources, articles, versions, comparisons and fetch attempts.

Times are stored in UTC and always come back timezone-aware (:class:`UTCDateTime`), on SQLite as on
PostgreSQL. The schema itself is created by the Alembic migrations in ``migrations/``, never by
``metadata.create_all``; these models and the migrations must describe the same tables.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as UTC and returned timezone-aware; naive inputs are taken to be UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """The declarative base of every Variorum table."""

    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime, dict[str, Any]: JSON, bytes: LargeBinary}


class Source(Base):
    """A feed or a page the tracker watches, with its notification filter and conditional-GET state."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(Text, unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    min_significance: Mapped[str] = mapped_column(String(16), default="minor")
    headline_only: Mapped[bool] = mapped_column(Boolean, default=False)
    added_at: Mapped[datetime]
    last_polled_at: Mapped[datetime | None]
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)


class StoredArticle(Base):
    """One article, identified by its canonical URL; its text lives in its versions."""

    __tablename__ = "articles"
    # The article list reads the most recently changed articles first, along this index backwards.
    __table_args__ = (Index("ix_articles_last_changed", "last_changed_at", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(Text, unique=True)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="SET NULL"), index=True)
    title: Mapped[str | None] = mapped_column(Text)
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    next_check_at: Mapped[datetime | None] = mapped_column(index=True)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    last_changed_at: Mapped[datetime | None]
    cluster_id: Mapped[int | None] = mapped_column(Integer, index=True)


class Version(Base):
    """A substantively different text of an article: the extracted Article, the raw HTML, HTTP metadata."""

    __tablename__ = "versions"
    __table_args__ = (
        UniqueConstraint("article_id", "seq", name="uq_versions_article_seq"),
        UniqueConstraint("article_id", "content_hash", name="uq_versions_article_hash"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    article_json: Mapped[dict[str, Any]]
    raw_html: Mapped[bytes]
    fetched_at: Mapped[datetime]
    http_status: Mapped[int | None] = mapped_column(Integer)
    http_headers: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    origin: Mapped[str | None] = mapped_column(String(16))   # "archive" for a backfilled version, else None
    origin_url: Mapped[str | None] = mapped_column(Text)     # the capture it was rebuilt from


class StoredComparison(Base):
    """The comparison of a version with the one before it: ``Comparison.summary`` and ``.to_dict()``."""

    __tablename__ = "comparisons"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    from_version_id: Mapped[int] = mapped_column(ForeignKey("versions.id", ondelete="CASCADE"))
    to_version_id: Mapped[int] = mapped_column(ForeignKey("versions.id", ondelete="CASCADE"), unique=True)
    similarity: Mapped[float] = mapped_column(Float)
    summary: Mapped[dict[str, Any]]
    changes: Mapped[dict[str, Any]]
    max_significance: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(index=True)


class FetchAttempt(Base):
    """A fetch that produced no version: a failure (HTTP error, paywall stub, failed extraction, …)
    or a flip-flop back to an older text."""

    __tablename__ = "fetch_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    url: Mapped[str] = mapped_column(Text)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="SET NULL"))
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    status: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text, default="")
