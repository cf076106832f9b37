"""Records and extractions: what a reader yields, what extraction makes of it, and the JSONL contract.

A :class:`Record` is one item read from an input (a file, a JSONL line, a WARC response, a Parquet row),
still raw. :func:`extract_record` turns it into an :class:`Extraction` whose ``status`` is ``ok`` (an article
with body text), ``empty`` (no article text found), ``feed`` (a feed file: a list of articles, its items'
links kept, not an article) or ``failed`` (with the error). It never raises for bad content: everything a
container holds ends up counted under one of those statuses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from variorum.article import Article
from variorum.errors import InputError
from variorum.extract.feeds import Feed, read_feed
from variorum.extract.limits import MAX_PAGE_BYTES
from variorum.extract.plaintext import article_from_text
from variorum.text.frontmatter import CAPTION

HTML, TEXT, FEED, BROKEN, SKIPPED = "html", "text", "feed", "broken", "skipped"
OK, EMPTY, FAILED = "ok", "empty", "failed"
NO_ARTICLE_TEXT = "no article text found"


def one_line(error: BaseException) -> str:
    """A library's error message on one line (pyarrow's and lxml's may span several), for one-line reports."""
    return " ".join(str(error).split()) or type(error).__name__


@dataclass(frozen=True, slots=True)
class Record:
    """One raw item: its ``kind`` (html, text, feed; broken when it could not be read; skipped when it is not an
    article), where it came from (``source``, for messages), and its payload and known metadata."""

    kind: str
    id: str
    source: str
    payload: bytes | str | None = None
    url: str | None = None
    charset: str | None = None
    fetched_at: str | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Extraction:
    """The outcome for one record: the Article (ok, empty) or the Feed (feed), the status and the error, if
    any (for a feed, what it is: it is not an article)."""

    id: str
    source: str
    status: str
    article: Article | None = None
    error: str | None = None
    url: str | None = None
    feed: Feed | None = None


def _feed_extraction(record: Record) -> Extraction:
    data = record.payload.encode("utf-8") if isinstance(record.payload, str) else record.payload or b""
    try:
        feed = read_feed(data, record.source)
    except InputError as error:
        return Extraction(record.id, record.source, FAILED, error=error.problem, url=record.url)
    count = len(feed.items)
    return Extraction(record.id, record.source, FEED, error=f"a feed of {count} item{'s' if count != 1 else ''}, "
                      "not an article", url=record.url, feed=feed)


EXTRACTION_ERRORS = (InputError, ValueError, TypeError, RecursionError, MemoryError)
"""What extracting bad content may raise: :func:`extract_record` makes each a ``failed`` Extraction."""


def extraction_error(error: BaseException) -> str:
    """A failed extraction's error for ``error`` (one of :data:`EXTRACTION_ERRORS`)."""
    if isinstance(error, InputError):
        return error.problem
    return f"extraction failed ({one_line(error)})"


def extract_record(record: Record, *, max_bytes: int = MAX_PAGE_BYTES) -> Extraction:
    """Extract one record; never raises for bad content (it becomes a ``failed`` Extraction)."""
    if record.kind == FEED and record.payload is not None:
        return _feed_extraction(record)
    if record.kind not in (HTML, TEXT) or record.payload is None:
        return Extraction(record.id, record.source, FAILED, error=record.error or "nothing to extract",
                          url=record.url)
    metadata = {"id": record.id, "url": record.url, "fetched_at": record.fetched_at}
    try:
        if record.kind == HTML:
            from variorum.extract.html import article_from_html  # lxml: loaded for pages only

            article = article_from_html(record.payload, source=record.source, charset=record.charset,
                                        max_bytes=max_bytes, **metadata)
        else:
            article = article_from_text(record.payload, source=record.source, max_bytes=max_bytes, **metadata)
    except EXTRACTION_ERRORS as error:
        return Extraction(record.id, record.source, FAILED, error=extraction_error(error), url=record.url)
    if not article.body.strip():
        return Extraction(record.id, record.source, EMPTY, article, NO_ARTICLE_TEXT, url=article.url)
    return Extraction(record.id, record.source, OK, article, url=article.url)


def contract(extraction: Extraction) -> dict[str, Any]:
    """The documented JSON object for one extraction (see ``docs/extract.md``)."""
    article, feed = extraction.article, extraction.feed
    if feed is not None:
        links = [{"text": item.title, "href": item.url} for item in feed.items]
    else:
        links = [{"text": link.text, "href": link.href} for link in article.links] if article else []
    return {
        "id": extraction.id,
        "url": extraction.url,
        "title": article.title if article else feed.title if feed else None,
        "authors": list(article.authors) if article else [],
        "published": article.published if article else None,
        "modified": article.modified if article else None,
        "sitename": article.sitename if article else None,
        "language": article.language if article else None,
        "categories": list(article.categories) if article else [],
        "text": article.body if article else "",
        "captions": article.texts_of(CAPTION) if article else [],
        "links": links,
        "status": extraction.status,
        "error": extraction.error,
    }
