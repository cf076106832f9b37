"""Reading the inputs users name on the command line: paths, ``-`` for standard input, ``file://`` URLs.

Every problem becomes an :class:`InputError` naming the input: missing, a directory, not a regular file (a
FIFO or a device, which could block forever), too large, binary, undecodable, or empty (one rule for
``diff`` and ``collate``: there is nothing to compare in an empty version). Warnings (a guessed encoding)
go to the ``warn`` callback.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from variorum.article import Article
from variorum.errors import InputError
from variorum.text.decode import decode_text

DEFAULT_MAX_BYTES = 50 * 1024 * 1024


def _local_path(name: str) -> Path:
    if name.startswith("file://"):
        parts = urlsplit(name)
        if parts.netloc not in ("", "localhost"):
            raise InputError(name, "only local file:// URLs can be read")
        return Path(unquote(parts.path))
    if "://" in name:
        raise InputError(name, "not a local file; only paths, '-' and file:// URLs are read here")
    return Path(name)


def read_bytes(name: str, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of input ``name`` (a path, ``-`` or a ``file://`` URL), at most ``max_bytes`` of them."""
    if name == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
    else:
        from variorum.extract.formats import file_problem

        path = _local_path(name)
        problem = file_problem(path)
        if problem is not None:
            raise InputError(name, problem[1].replace("no such file or directory", "no such file"))
        if path.is_dir():
            raise InputError(name, "is a directory, not a file")
        try:
            size = path.stat().st_size
            if size > max_bytes:
                raise InputError(name, f"file is {size:,} bytes, over the limit of {max_bytes:,} (see --max-bytes)")
            with path.open("rb") as handle:
                data = handle.read(max_bytes + 1)
        except PermissionError:
            raise InputError(name, "permission denied") from None
        except OSError as error:
            raise InputError(name, f"cannot be read ({error.strerror or error})") from None
    if len(data) > max_bytes:
        raise InputError(name, f"input is over the limit of {max_bytes:,} bytes (see --max-bytes)")
    return data


def _is_html(name: str, data: bytes) -> bool:
    from variorum.extract.formats import sniff
    from variorum.extract.records import HTML

    extension = Path(urlsplit(name).path if name.startswith("file://") else name).suffix.lower()
    return extension in (".html", ".htm", ".xhtml", ".shtml") or sniff(data[:4096]) == HTML


def load_article(
    name: str, *, max_bytes: int = DEFAULT_MAX_BYTES, warn: Callable[[str], None] = lambda message: None
) -> Article:
    """Read input ``name`` as an :class:`Article`: an HTML page (by extension or by its first bytes) through
    the HTML extractor, anything else as plain text with front-matter recognition. Its id is ``name`` (file
    name bytes that are not UTF-8 as ``\\xNN`` escapes)."""
    from variorum.extract.formats import printable

    data = read_bytes(name, max_bytes)
    if _is_html(name, data):
        from variorum.extract.html import article_from_html  # the HTML extractor loads lxml: only for pages
        from variorum.extract.records import NO_ARTICLE_TEXT

        article = article_from_html(data, source=name, max_bytes=max_bytes, id=printable(name))
        if not article.body:
            raise InputError(name, NO_ARTICLE_TEXT)
        return article
    text, warning = decode_text(data, name)
    if warning:
        warn(warning)
    if not text.strip():
        raise InputError(name, "is empty; there is no text to compare")
    return Article.from_text(text, id=printable(name))
