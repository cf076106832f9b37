"""An article body cut into chunks down the page, joined into one before trafilatura reads the page.

Some sites cut a long article into chunks: the body container's markup repeated, a full-width ad or a
sidebar between each (on Wired, ``div.body__container.article__body`` once per chunk). trafilatura reads
the first element its body classes match, so only the first chunk's paragraphs were read — a third of the
article on the corpus's two Wired pages, and edits further down went unseen. Chunks are told by their markup:
elements of one tag and one class string naming a body ("body", "content", "article", "story", "text"),
none inside another, each holding at least two prose paragraphs (twelve words or more), close together (a
common ancestor at most three levels above each), inside the same ``<article>`` element if any, and none
after the first holding an ``<h1>`` (the next article of an endless page repeats the markup under its own
headline). Their children are moved, in order, into the first chunk.
"""

from __future__ import annotations

import re
from collections import defaultdict

import lxml.html

_BODY_CLASS_RE = re.compile(r"body|content|article|story|text", re.IGNORECASE)
_PROSE_WORDS = 12
_MIN_PROSE_PARAGRAPHS = 2
_MAX_LEVELS = 3


def _holds_prose(element: lxml.html.HtmlElement) -> bool:
    """True when ``element`` holds at least two paragraphs of twelve words or more."""
    found = 0
    for paragraph in element.iter("p"):
        if len(paragraph.text_content().split(None, _PROSE_WORDS)) > _PROSE_WORDS - 1:
            found += 1
            if found >= _MIN_PROSE_PARAGRAPHS:
                return True
    return False


def _nearest_article(element: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    return next(element.iterancestors("article"), None)


def _close_together(chunks: list[lxml.html.HtmlElement]) -> bool:
    """True when one element stands at most three levels above every chunk."""
    def ancestors(element: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
        found = []
        for ancestor in element.iterancestors():
            found.append(ancestor)
            if len(found) == _MAX_LEVELS:
                break
        return found

    shared = set(ancestors(chunks[0]))
    for chunk in chunks[1:]:
        shared &= set(ancestors(chunk))
    return bool(shared)


def _chunks(members: list[lxml.html.HtmlElement]) -> list[lxml.html.HtmlElement]:
    """The members of one tag-and-class group that are chunks of one body (see the module docstring), in
    document order; fewer than two when they are not."""
    grouped = set(members)
    outermost = [m for m in members if m.getparent() is not None and not any(a in grouped for a in m.iterancestors())]
    chunks = [m for m in outermost if _holds_prose(m)]
    if len(chunks) < 2 or not _close_together(chunks):
        return []
    article = _nearest_article(chunks[0])
    if any(_nearest_article(chunk) is not article or next(chunk.iter("h1"), None) is not None for chunk in chunks[1:]):
        return []
    return chunks


def join_body_chunks(tree: lxml.html.HtmlElement) -> None:
    """Move the children of every later chunk of an article body into its first chunk (see the module
    docstring), in order; the emptied chunks are removed (their tail text stays)."""
    groups: dict[tuple[str, str], list[lxml.html.HtmlElement]] = defaultdict(list)
    for element in tree.iter("div", "section"):
        names = element.get("class")
        if names and _BODY_CLASS_RE.search(names):
            groups[(str(element.tag), " ".join(names.split()))].append(element)
    for members in groups.values():
        if len(members) < 2:
            continue
        chunks = _chunks(members)
        for chunk in chunks[1:]:
            first = chunks[0]
            if chunk.text and chunk.text.strip():
                last = first[-1] if len(first) else None
                if last is None:
                    first.text = (first.text or "") + chunk.text
                else:
                    last.tail = (last.tail or "") + chunk.text
            for child in list(chunk):
                first.append(child)
            chunk.drop_tree()
