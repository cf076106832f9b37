"""How values are written to and read back from the database: articles as JSON, HTML compressed,
and the content hash of an article's folded text."""

from __future__ import annotations

import hashlib
import zlib
from typing import Any

from variorum.article import Article, Block, Link
from variorum.text.tokens import fold_text


def content_hash(article: Article) -> str:
    """SHA-256 of the article's folded text: re-wrapping, typographic quotes and NFKC forms do not
    change it, any change of wording does.

    >>> content_hash(Article.from_text("A “quote”,\\nwrapped.")) == content_hash(Article.from_text('A "quote", wrapped.'))
    True
    """
    return hashlib.sha256(fold_text(article.text).encode("utf-8")).hexdigest()


def article_from_dict(data: dict[str, Any]) -> Article:
    """Rebuild an :class:`Article` from :meth:`Article.to_dict` output (the inverse of that method).

    >>> original = Article.from_text("Rain Expected\\n\\nIt will rain.", url="https://example.org/r")
    >>> article_from_dict(original.to_dict()) == original
    True
    """
    return Article(
        text=data["text"],
        blocks=tuple(Block(b["kind"], b["start"], b["end"]) for b in data["blocks"]),
        id=data.get("id"),
        url=data.get("url"),
        title=data.get("title"),
        authors=tuple(data.get("authors") or ()),
        published=data.get("published"),
        modified=data.get("modified"),
        sitename=data.get("sitename"),
        language=data.get("language"),
        fetched_at=data.get("fetched_at"),
        categories=tuple(data.get("categories") or ()),
        links=tuple(Link(link["text"], link["href"], link["start"], link["end"]) for link in data.get("links") or ()),
    )


def compress_html(raw: bytes) -> bytes:
    """The raw HTML as stored: zlib-compressed."""
    return zlib.compress(raw, 6)


def decompress_html(stored: bytes) -> bytes:
    """The raw HTML as fetched, from its stored form."""
    return zlib.decompress(stored)
