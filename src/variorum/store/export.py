"""Research export of a store: articles, versions and changes as JSON Lines or Parquet.

Three record sets, written as ``articles``, ``versions`` and ``changes`` files in one directory:

- articles: ``url, title, source_url, first_seen_at, last_seen_at, cluster_id, versions``
- versions: ``url, version, fetched_at, content_hash, http_status, title, text, article`` (the Article
  JSON), ``origin, origin_url`` (``"archive"`` and the capture's URL for a backfilled version, else empty);
  the raw HTML is not exported
- changes: one row per change between consecutive versions: ``url, from_version, to_version,
  max_significance, similarity, kind, significance, old, new, context``
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from variorum.store.models import Source, StoredArticle, StoredComparison, Version
from variorum.store.repository import Store

if TYPE_CHECKING:
    import pyarrow as pa

FORMATS = ("jsonl", "parquet")
_BATCH = 1000


@cache
def _schemas() -> dict[str, pa.Schema]:
    """The Parquet schema of each file (pyarrow is loaded only when Parquet is written)."""
    import pyarrow as pa

    return {
        "articles": pa.schema([
            ("url", pa.string()), ("title", pa.string()), ("source_url", pa.string()),
            ("first_seen_at", pa.timestamp("us", tz="UTC")), ("last_seen_at", pa.timestamp("us", tz="UTC")),
            ("cluster_id", pa.int64()), ("versions", pa.int64()),
        ]),
        "versions": pa.schema([
            ("url", pa.string()), ("version", pa.int64()), ("fetched_at", pa.timestamp("us", tz="UTC")),
            ("content_hash", pa.string()), ("http_status", pa.int64()), ("title", pa.string()),
            ("text", pa.string()), ("article", pa.string()), ("origin", pa.string()), ("origin_url", pa.string()),
        ]),
        "changes": pa.schema([
            ("url", pa.string()), ("from_version", pa.int64()), ("to_version", pa.int64()),
            ("max_significance", pa.string()), ("similarity", pa.float64()), ("kind", pa.string()),
            ("significance", pa.string()), ("old", pa.string()), ("new", pa.string()), ("context", pa.string()),
        ]),
    }


def articles(store: Store) -> Iterator[dict[str, Any]]:
    """One record per article, in id order."""
    counts = select(Version.article_id, func.count().label("n")).group_by(Version.article_id).subquery()
    query = (
        select(StoredArticle, Source.url, func.coalesce(counts.c.n, 0))
        .outerjoin(Source, StoredArticle.source_id == Source.id)
        .outerjoin(counts, counts.c.article_id == StoredArticle.id).order_by(StoredArticle.id)
    )
    with store.session() as session:
        for article, source_url, count in session.execute(query.execution_options(yield_per=_BATCH)):
            yield {
                "url": article.url, "title": article.title, "source_url": source_url,
                "first_seen_at": article.first_seen_at, "last_seen_at": article.last_seen_at,
                "cluster_id": article.cluster_id, "versions": count,
            }


def versions(store: Store) -> Iterator[dict[str, Any]]:
    """One record per stored version, by article then version number."""
    query = (
        select(Version, StoredArticle.url).join(StoredArticle)
        .order_by(Version.article_id, Version.seq).execution_options(yield_per=_BATCH)
    )
    with store.session() as session:
        for version, url in session.execute(query):
            yield {
                "url": url, "version": version.seq, "fetched_at": version.fetched_at,
                "content_hash": version.content_hash, "http_status": version.http_status,
                "title": version.article_json.get("title"), "text": version.article_json["text"],
                "article": json.dumps(version.article_json, ensure_ascii=False),
                "origin": version.origin, "origin_url": version.origin_url,
            }


def changes(store: Store) -> Iterator[dict[str, Any]]:
    """One record per change of every stored comparison, in the comparison's rank order."""
    old, new = Version.__table__.alias("old"), Version.__table__.alias("new")
    query = (
        select(StoredComparison, StoredArticle.url, old.c.seq, new.c.seq)
        .join(StoredArticle, StoredComparison.article_id == StoredArticle.id)
        .join(old, StoredComparison.from_version_id == old.c.id)
        .join(new, StoredComparison.to_version_id == new.c.id)
        .order_by(StoredComparison.article_id, new.c.seq).execution_options(yield_per=_BATCH)
    )
    with store.session() as session:
        for comparison, url, from_seq, to_seq in session.execute(query):
            for change in comparison.changes["changes"]:
                yield {
                    "url": url, "from_version": from_seq, "to_version": to_seq,
                    "max_significance": comparison.max_significance, "similarity": comparison.similarity,
                    "kind": change["kind"], "significance": change["significance"], "old": change["old"],
                    "new": change["new"], "context": change["context"],
                }


_RECORDS = {"articles": articles, "versions": versions, "changes": changes}


def _write_jsonl(records: Iterator[dict[str, Any]], path: Path) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False, default=lambda t: t.isoformat()) + "\n")
            count += 1
    return count


def _write_parquet(records: Iterator[dict[str, Any]], path: Path, schema: pa.Schema) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    count = 0
    with pq.ParquetWriter(path, schema) as writer:
        batch: list[dict[str, Any]] = []
        for record in records:
            batch.append(record)
            if len(batch) == _BATCH:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                count += len(batch)
                batch = []
        writer.write_table(pa.Table.from_pylist(batch, schema=schema))
        count += len(batch)
    return count


def export(store: Store, directory: str | Path, fmt: str = "jsonl") -> dict[str, int]:
    """Write ``articles``, ``versions`` and ``changes`` files (``.jsonl`` or ``.parquet``) into
    ``directory`` and return how many records each holds."""
    if fmt not in FORMATS:
        raise ValueError(f"export format must be one of {FORMATS}, not {fmt!r}")
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, records in _RECORDS.items():
        path = target / f"{name}.{fmt}"
        if fmt == "jsonl":
            written[name] = _write_jsonl(records(store), path)
        else:
            written[name] = _write_parquet(records(store), path, _schemas()[name])
    return written
