"""Writing extractions out as JSONL, a JSON array, plain text or Markdown, one at a time as they arrive.

JSONL and JSON carry every extraction (failed ones included) in the documented contract; text and Markdown
are for reading, so they show only extractions with article text, and feeds as the list of their items.
"""

from __future__ import annotations

import json
import re
from typing import TextIO

from variorum.article import Article
from variorum.extract.feeds import Feed
from variorum.extract.records import OK, Extraction, contract
from variorum.text.frontmatter import BYLINE, CAPTION, HEADLINE

FORMATS = ("text", "json", "jsonl", "markdown")
_MARKDOWN_SPECIAL_RE = re.compile(r"([\\`*_\[\]<>#])")


def _escape(text: str) -> str:
    return _MARKDOWN_SPECIAL_RE.sub(r"\\\1", text)


def _linked(article: Article, start: int, end: int) -> str:
    """Markdown for ``article.text[start:end]`` with the links that fall inside it made inline."""
    pieces: list[str] = []
    position = start
    for link in sorted(article.links, key=lambda link: link.start):
        if link.start < position or link.end > end or link.start < 0:
            continue
        pieces.append(_escape(article.text[position:link.start]))
        pieces.append(f"[{_escape(link.text)}](<{link.href.replace('>', '%3E')}>)")
        position = link.end
    pieces.append(_escape(article.text[position:end]))
    return "".join(pieces)


_BYLINE_WORD_RE = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*")


def _names_only(byline: str, authors: tuple[str, ...]) -> bool:
    """True when a byline says no more than who wrote the article ("By Ann Lee and Bo Chen")."""
    said = {word.lower() for word in _BYLINE_WORD_RE.findall(byline)} - {"by", "and"}
    return bool(authors) and said == {word.lower() for author in authors for word in _BYLINE_WORD_RE.findall(author)}


def markdown(article: Article) -> str:
    """An article as Markdown: title, a metadata line, then its blocks with links inline."""
    lines = [f"# {_escape(article.title or article.id or 'Untitled')}"]
    about = [", ".join(article.authors), article.published or "", article.sitename or "", article.url or ""]
    if any(about):
        lines.append("*" + " · ".join(_escape(item) for item in about if item) + "*")
    for block in article.blocks:
        if block.kind == HEADLINE and article.block_text(block) == article.title:
            continue
        if block.kind == BYLINE and _names_only(article.block_text(block), article.authors):
            continue  # the metadata line names them
        text = _linked(article, block.start, block.end)
        lines.append(f"*{text}*" if block.kind == CAPTION else text)
    return "\n\n".join(lines) + "\n"


def feed_markdown(feed: Feed, name: str) -> str:
    """A feed as Markdown: its title, then one list item per entry, linked."""
    lines = [f"# {_escape(feed.title or name)} (feed)", ""]
    lines += [f"- [{_escape(item.title or item.url)}](<{item.url.replace('>', '%3E')}>)" for item in feed.items]
    return "\n".join(lines) + "\n"


def feed_text(feed: Feed) -> str:
    """A feed as plain text: ``feed: TITLE``, then each entry's link and title, one a line."""
    lines = [f"feed: {feed.title or ''}".rstrip()]
    lines += [f"{item.url}  {item.title}".rstrip() for item in feed.items]
    return "\n".join(lines) + "\n"


class Writer:
    """Writes extractions to ``stream`` in one of :data:`FORMATS`; call :meth:`close` at the end.

    With ``headers``, plain text puts a ``==> id <==`` line before each article, as ``head`` does.
    """

    def __init__(self, stream: TextIO, output_format: str, headers: bool = True) -> None:
        if output_format not in FORMATS:
            raise ValueError(f"unknown format {output_format!r}")
        self._stream = stream
        self._format = output_format
        self._headers = headers
        self._written = 0

    def write(self, extraction: Extraction) -> None:
        """Write one extraction (text and Markdown skip those without article text)."""
        if self._format == "jsonl":
            self._stream.write(json.dumps(contract(extraction), ensure_ascii=False) + "\n")
        elif self._format == "json":
            prefix = "[\n" if self._written == 0 else ",\n"
            self._stream.write(prefix + json.dumps(contract(extraction), ensure_ascii=False, indent=2))
        elif extraction.feed is not None:
            if self._format == "markdown":
                self._stream.write(("\n---\n\n" if self._written else "") + feed_markdown(extraction.feed, extraction.id))
            else:
                header = f"==> {extraction.id} <==\n" if self._headers else ""
                self._stream.write(("\n" if self._written else "") + header + feed_text(extraction.feed))
        elif extraction.status != OK or extraction.article is None:
            return
        elif self._format == "markdown":
            self._stream.write(("\n---\n\n" if self._written else "") + markdown(extraction.article))
        else:
            header = f"==> {extraction.id} <==\n" if self._headers else ""
            separator = "\n" if self._written else ""
            self._stream.write(separator + header + extraction.article.text + "\n")
        self._written += 1

    def close(self) -> None:
        """Finish the output (closes the JSON array)."""
        if self._format == "json":
            self._stream.write("\n]\n" if self._written else "[]\n")
        self._stream.flush()
