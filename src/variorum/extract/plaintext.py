"""Plain-text articles: decode the bytes, then recognise the front matter (headline, credit, byline, dateline).

>>> article = article_from_text(b"Rain Expected\\nBy Ann Lee\\n\\nIt will rain.", id="rain.txt")
>>> article.title, article.body
('Rain Expected', 'It will rain.')
"""

from __future__ import annotations

from typing import Any

from variorum.article import Article, body_of_text
from variorum.errors import InputError
from variorum.extract.limits import MAX_PAGE_BYTES
from variorum.text.decode import decode_text


def article_from_text(
    data: bytes | str, *, source: str = "<text>", max_bytes: int = MAX_PAGE_BYTES, **metadata: Any
) -> Article:
    """An :class:`Article` from plain text; raises :class:`InputError` naming ``source`` for binary,
    undecodable or oversized input. ``metadata`` (``id``, ``url``, …) is kept as given."""
    text = _checked_text(data, source, max_bytes)
    return Article.from_text(text, **{key: value for key, value in metadata.items() if value is not None})


def body_from_text(data: bytes | str, *, source: str = "<text>", max_bytes: int = MAX_PAGE_BYTES) -> str:
    """``article_from_text(data, …).body``, raising the same errors, without making the Article."""
    return body_of_text(_checked_text(data, source, max_bytes))


def _checked_text(data: bytes | str, source: str, max_bytes: int) -> str:
    """``data`` as text; :class:`InputError` for binary, undecodable or oversized input."""
    # A character is at most 4 bytes of UTF-8: a text that short is not encoded only to be measured.
    size = len(data) if isinstance(data, bytes) or 4 * len(data) <= max_bytes else len(
        data.encode("utf-8", errors="replace"))
    if size > max_bytes:
        raise InputError(source, f"text is {size:,} bytes, over the limit of {max_bytes:,}")
    return decode_text(data, source)[0] if isinstance(data, bytes) else data
