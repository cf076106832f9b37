"""The Article: the one value every part of Variorum shares.

An Article is a text plus typed blocks (headline, byline, caption, paragraphs, …) that point into it by
character offsets, plus whatever metadata its source had (``published`` and ``modified`` dates in ISO 8601). Plain text becomes an Article through front-matter
recognition (:meth:`Article.from_text`); extractors build one from parts (:meth:`Article.from_parts`).
Offsets always refer to :attr:`Article.text`, which for plain text is the input itself, unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from variorum.text.frontmatter import (
    BYLINE,
    CAPTION,
    CORRECTION,
    DATELINE,
    HEADLINE,
    PARAGRAPH,
    STANDFIRST,
    parse_blocks,
)
from variorum.text.frontmatter import Block as Block  # the typed span of text: part of the Article value
from variorum.text.segment import block_spans

BLOCK_KINDS = (HEADLINE, STANDFIRST, BYLINE, DATELINE, CAPTION, PARAGRAPH, CORRECTION)


def _paragraphs(text: str, blocks: Iterable[Block]) -> list[str]:
    return [text[b.start:b.end] for b in blocks if b.kind in (PARAGRAPH, CORRECTION)]


def body_of_text(text: str) -> str:
    """``Article.from_text(text).body`` without making the Article (``variorum dedup`` reads nothing else of
    plain text: building the Article and its Extraction took half the time of reading a JSONL record)."""
    return "\n\n".join(_paragraphs(text, parse_blocks(text, block_spans(text))))


@dataclass(frozen=True, slots=True)
class Link:
    """A hyperlink: its anchor text, its target, and the anchor's span in the article text (or -1, -1)."""

    text: str
    href: str
    start: int = -1
    end: int = -1


@dataclass(frozen=True)
class Article:
    """An article's text, its typed blocks, and its metadata."""

    text: str
    blocks: tuple[Block, ...]
    id: str | None = None
    url: str | None = None
    title: str | None = None
    authors: tuple[str, ...] = ()
    published: str | None = None
    sitename: str | None = None
    language: str | None = None
    fetched_at: str | None = None
    categories: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    modified: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def from_text(cls, text: str, **metadata: Any) -> Article:
        """Read a plain-text article, recognising its front matter.

        >>> article = Article.from_text("Rain Expected\\nBy Ann Lee\\n\\nIt will rain. Take an umbrella.")
        >>> [(b.kind, article.block_text(b)) for b in article.blocks]
        [('headline', 'Rain Expected'), ('byline', 'By Ann Lee'), ('paragraph', 'It will rain. Take an umbrella.')]
        """
        blocks = tuple(parse_blocks(text, block_spans(text)))
        if "title" not in metadata:
            headline = next((b for b in blocks if b.kind == HEADLINE), None)
            metadata["title"] = " ".join(text[headline.start:headline.end].split()) if headline else None
        return cls(text=text, blocks=blocks, **metadata)

    @classmethod
    def from_parts(
        cls, parts: Iterable[tuple[str, str]], *, links: Iterable[tuple[str, str]] = (), **metadata: Any
    ) -> Article:
        """Build an Article from ``(kind, text)`` parts in reading order, joined by blank lines.

        Links are ``(anchor text, href)`` pairs; each is located in the text after the previous one.

        >>> article = Article.from_parts([("headline", "Hi"), ("paragraph", "See the report.")],
        ...                              links=[("the report", "https://example.org/r")])
        >>> article.text, article.links[0].start
        ('Hi\\n\\nSee the report.', 8)
        """
        pieces: list[str] = []
        blocks: list[Block] = []
        position = 0
        for kind, part_text in parts:
            if kind not in BLOCK_KINDS:
                raise ValueError(f"unknown block kind {kind!r}")
            part_text = part_text.strip()
            if not part_text:
                continue
            if pieces:
                pieces.append("\n\n")
                position += 2
            blocks.append(Block(kind, position, position + len(part_text)))
            pieces.append(part_text)
            position += len(part_text)
        text = "".join(pieces)
        located: list[Link] = []
        search_from = 0
        for anchor, href in links:
            anchor = anchor.strip()
            found = text.find(anchor, search_from) if anchor else -1
            if found < 0 and anchor:
                found = text.find(anchor)
            if found >= 0:
                located.append(Link(anchor, href, found, found + len(anchor)))
                search_from = found + len(anchor)
            else:
                located.append(Link(anchor, href))
        if "title" not in metadata:
            metadata["title"] = next((text[b.start:b.end] for b in blocks if b.kind == HEADLINE), None)
        return cls(text=text, blocks=tuple(blocks), links=tuple(located), **metadata)

    def keeping(self, keep: Callable[[str, str], bool]) -> Article:
        """This article with only the blocks for which ``keep(kind, text)`` is true (e.g. site template
        left out, see :mod:`variorum.text.boilerplate`); the text and every offset stay as they are.

        >>> article = Article.from_parts([("headline", "Hi"), ("paragraph", "Body."), ("paragraph", "Ad.")])
        >>> article.keeping(lambda kind, text: text != "Ad.").paragraphs
        ['Body.']
        """
        return replace(self, blocks=tuple(b for b in self.blocks if keep(b.kind, self.block_text(b))))

    def block_text(self, block: Block) -> str:
        """The original text of one of this article's blocks."""
        return self.text[block.start:block.end]

    def texts_of(self, kind: str) -> list[str]:
        """The texts of all blocks of one kind, e.g. ``article.texts_of("caption")``."""
        return [self.text[b.start:b.end] for b in self.blocks if b.kind == kind]

    @property
    def captions(self) -> list[str]:
        """Image captions and photo credits, in reading order (never part of :attr:`body`)."""
        return self.texts_of(CAPTION)

    @property
    def paragraphs(self) -> list[str]:
        """Body paragraphs (corrections included), in order."""
        return _paragraphs(self.text, self.blocks)

    @cached_property
    def body(self) -> str:
        """The body paragraphs joined by blank lines (made once: extraction checks it, dedup then reads it)."""
        return "\n\n".join(self.paragraphs)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form: metadata, the text, and the blocks as ``{kind, start, end}``."""
        return {
            "id": self.id,
            "url": self.url,
            "title": self.title,
            "authors": list(self.authors),
            "published": self.published,
            "modified": self.modified,
            "sitename": self.sitename,
            "language": self.language,
            "fetched_at": self.fetched_at,
            "categories": list(self.categories),
            "text": self.text,
            "blocks": [{"kind": b.kind, "start": b.start, "end": b.end} for b in self.blocks],
            "links": [{"text": link.text, "href": link.href, "start": link.start, "end": link.end} for link in self.links],
        }
