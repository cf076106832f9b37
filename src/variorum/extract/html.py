"""HTML pages to Articles: the front matter, the article's text, metadata, links and captions.

Bytes are decoded once (:func:`variorum.text.decode.decode_html`) and parsed by a locked-down lxml HTML
parser that never touches the network and never expands entity declarations, so XML entity bombs and
external entities stay inert text; characters XML cannot hold, written raw or as references (``&#27;``,
``&#xFFFE;``), are dropped. The front matter (headline, byline, standfirst, modified date) is read from the
whole page (:mod:`variorum.extract.front`); the page's furniture is pruned by markup role
(:mod:`variorum.extract.furniture`); trafilatura (with htmldate for the published date) then finds the article,
and each block it keeps is judged once more — link lists, calls to action and date stamps are not body text,
captions and photo credits are captions. Images are left out of trafilatura's run (thumbnails pull related
lists in with them); captions are read from the figures inside the article instead:

>>> article = article_from_html(
...     b"<html><head><title>Rain</title></head><body><article><h1>Rain</h1>"
...     b"<p>It will rain all day tomorrow across the whole region, forecasters said on Tuesday, and the "
...     b"rain will last until Thursday, when a dry spell begins.</p></article></body></html>")
>>> [block.kind for block in article.blocks], article.title
(['headline', 'paragraph'], 'Rain')
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import urljoin

import lxml.html
from lxml import etree

from variorum.article import Article
from variorum.errors import InputError
from variorum.extract.front import UPDATED_STAMP_RE, FrontMatter, flat, iso_date, read_front_matter
from variorum.extract.furniture import (
    class_words,
    date_stamp,
    is_bare_reference,
    is_call_to_action,
    is_legal_notice,
    is_link_block,
    is_media_label,
    prune_furniture,
    prune_link_paragraphs,
)
from variorum.extract.limits import MAX_PAGE_BYTES
from variorum.extract.reshape import (
    empty_blocks_as_breaks,
    frame_unmarked_article,
    join_article_chunks,
    text_divs_as_paragraphs,
)
from variorum.text.decode import decode_html
from variorum.text.frontmatter import (
    BYLINE,
    CAPTION,
    CORRECTION,
    DATELINE,
    HEADLINE,
    PARAGRAPH,
    STANDFIRST,
    dateline_end,
    is_correction,
)

_XML_ILLEGAL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_CHARACTER_REFERENCE_RE = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));?")
_SPACES_RE = re.compile(r"[^\S\n]+")
_LANG_RE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")
_BLOCK_TAGS = {"p", "head", "quote", "item", "code", "row"}
_SOURCE_TAGS = ("p", "li", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "dd", "td")
_CAPTION_WORDS = frozenset({"caption", "captions", "credit", "credits", "cutline", "figcaption"})
_NEVER_CAPTIONS = frozenset({"html", "head", "body", "main", "article"})
_CAPTION_MAX_WORDS = 120
"""More words than this in an element are not one caption (the longest captions are a few sentences)."""
_WORD_RE = re.compile(r"\w+")
_KEY_OPENING = 240
"""Characters of a text read for its match key before the rest is (at most 60 letters and digits are kept)."""
_BYLINE_RE = re.compile(r"^(?:by|written by|reporting by|von|par|por|di)\s+\w", re.I)
_BYLINE_WORDS = 12
_LINK_LIST_SHARE = 0.5
_MIN_ALT_WORDS = 2
_FIRST_PARAGRAPH_WORDS = 8
_BOX_HEADING_WORDS = 10
"""A sign-up box's heading is a short title ("Get the morning briefing", "Stay informed")."""
"""Alt text of one word is a file name or a label ("ez-comwrap-dmexco", "logo"), not a caption."""
MIN_EXTRACTED_CHARS = 150
"""Below this much text trafilatura's main extractor hands over to its fallbacks, whose output loses the
page's structure (headline, paragraphs, links); its default of 250 is too high for short news items."""


@cache
def _trafilatura() -> tuple[Callable[..., Any], Any]:
    """trafilatura's ``bare_extraction`` and our settings for it, loaded on first use (loading trafilatura
    takes a fifth of a second, which commands that read no HTML should not pay) and kept: reading
    trafilatura's settings file again for each page cost a seventh of the extraction's CPU."""
    from trafilatura import bare_extraction
    from trafilatura.settings import use_config

    config = use_config()
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", str(MIN_EXTRACTED_CHARS))
    return bare_extraction, config


def _drop_illegal_reference(match: re.Match[str]) -> str:
    """A character reference to a code point XML cannot hold becomes nothing; others stay as written."""
    code = int(match.group(1), 16) if match.group(1) else int(match.group(2))
    legal = code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF
    return match.group(0) if legal else ""


def parse_html(text: str) -> lxml.html.HtmlElement | None:
    """Parse HTML text with no network access and no entity expansion; None when there is no document."""
    cleaned = _CHARACTER_REFERENCE_RE.sub(_drop_illegal_reference, _XML_ILLEGAL_RE.sub("", text))
    if not cleaned.strip():
        return None
    parser = lxml.html.HTMLParser(
        encoding="utf-8", no_network=True, remove_comments=True, remove_pis=True,
        collect_ids=False, default_doctype=False, huge_tree=False,
    )
    try:
        tree = lxml.html.document_fromstring(cleaned.encode("utf-8", errors="replace"), parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None
    return tree if isinstance(tree, lxml.html.HtmlElement) else None




def _lines(text: str) -> str:
    """Fold runs of spaces and tabs (line breaks from ``<br>`` survive) and trim each line."""
    return "\n".join(line.strip() for line in _SPACES_RE.sub(" ", text).split("\n")).strip()


def _match_key(text: str) -> str:
    """What a block and its source element are matched by: their first 60 letters and digits, casefolded."""
    # Casefolding and \w work character by character, so a long text's key is its opening's when that has 60.
    key = "".join(_WORD_RE.findall(text[:_KEY_OPENING].casefold()))[:60]
    return key if len(key) == 60 or len(text) <= _KEY_OPENING else "".join(_WORD_RE.findall(text.casefold()))[:60]


@dataclass
class _Block:
    """One block of trafilatura's output on its way to the Article."""

    kind: str
    text: str
    links: list[tuple[str, str]]
    group: int | None = None
    tag: str = "p"
    rend: str | None = None
    dropped: bool = False
    captions_after: list[str] = field(default_factory=list)


def _element_text(element: etree._Element) -> str:
    """The text of a block of trafilatura's output in reading order: a line break for ``<lb/>`` and around a
    block inside it (a paragraph of a quotation that also holds text of its own), `` | `` between cells."""
    pieces: list[str] = []
    for event, node in etree.iterwalk(element, events=("start", "end")):
        inner = node is not element
        if event == "start":
            if inner and (node.tag == "lb" or node.tag in _BLOCK_TAGS):
                pieces.append("\n")
            elif inner and node.tag == "cell" and pieces:
                pieces.append(" | ")
            if node.text and isinstance(node.tag, str) and node.tag != "graphic":
                pieces.append(node.text)
        elif inner:
            if node.tag in _BLOCK_TAGS:
                pieces.append("\n")
            if node.tail:
                pieces.append(node.tail)
    return _lines("".join(pieces))


_LAYOUT_BLOCKS = frozenset({"p", "head", "list", "quote", "table", "code"})
"""Elements of trafilatura's output that are blocks of their own, not text inside one."""


def _lays_out_a_page(row: etree._Element) -> bool:
    """True when a table row lays out the page rather than holding data: one of its cells holds a heading or
    more than one block."""
    for cell in row:
        blocks = [child.tag for child in cell if child.tag in _LAYOUT_BLOCKS]
        if "head" in blocks or len(blocks) > 1:
            return True
    return False


def _unwrap_layout_rows(body: etree._Element) -> None:
    """Replace each table row that lays out the page by the blocks of its cells, the text between them made
    paragraphs: pages built with tables put the whole article, its headline and whatever furniture the column
    holds in one ``<td>``, which trafilatura keeps as one row — read whole, it would be one glued block.

    >>> body = etree.fromstring("<body><table><row><cell/><cell><head>Rain</head><p>It rains.</p>Note: "
    ...                         "<ref>more</ref><p>It stops.</p></cell></row></table></body>")
    >>> _unwrap_layout_rows(body)
    >>> etree.tostring(body, encoding="unicode")
    '<body><table><head>Rain</head><p>It rains.</p><p>Note: <ref>more</ref></p><p>It stops.</p></table></body>'
    """
    for row in list(body.iter("row")):
        parent = row.getparent()
        if parent is None or not _lays_out_a_page(row):
            continue
        pieces: list[etree._Element] = []
        for cell in row:
            run = etree.Element("p")
            run.text = cell.text
            for child in list(cell):
                if child.tag not in _LAYOUT_BLOCKS:
                    run.append(child)  # its tail goes with it
                    continue
                tail, child.tail = child.tail, None
                if "".join(run.itertext()).strip():
                    pieces.append(run)
                pieces.append(child)
                run = etree.Element("p")
                run.text = tail
            if "".join(run.itertext()).strip():
                pieces.append(run)
        position = parent.index(row)
        parent[position:position + 1] = pieces


def _holds_blocks(element: etree._Element) -> bool:
    """True for a quotation made of paragraphs: its paragraphs are the blocks (read as one block, the last
    word of one ran into the first of the next: "not alone.When February")."""
    return (element.tag == "quote" and any(child.tag in _BLOCK_TAGS for child in element)
            and not (element.text or "").strip() and not any((child.tail or "").strip() for child in element))


def _output_blocks(body: etree._Element) -> list[_Block]:
    """trafilatura's output body as blocks in reading order; list items carry their list's number, and a
    table row laying out the page is read as the blocks it holds."""
    _unwrap_layout_rows(body)
    blocks: list[_Block] = []
    lists: dict[int, int] = {}
    held: list[etree._Element] = []
    for element in body.iter():
        if (element.tag not in _BLOCK_TAGS or _holds_blocks(element)
                or any(a.tag in _BLOCK_TAGS and not _holds_blocks(a) for a in element.iterancestors())):
            continue
        text = _element_text(element)
        if not text:
            continue
        links = [(_lines(ref.xpath("string()")), ref.get("target") or "") for ref in element.iter("ref")]
        group = None
        if element.tag == "item":
            parent = element.getparent()
            held.append(parent)
            group = lists.setdefault(id(parent), len(lists))
        blocks.append(_Block(PARAGRAPH, text, [(a, h) for a, h in links if a and h], group, element.tag,
                             element.get("rend")))
    return blocks


def _page_captions(tree: lxml.html.HtmlElement) -> set[str]:
    """Every caption and photo credit the page marks as such (``figcaption``, caption/credit classes). An
    element holding more than a caption's words is a wrapper whose class names a feature, not a caption
    (Gizmodo's ``<body class="… f_caption_muted_videos_on …">``)."""
    found: set[str] = set()
    for element in tree.iter():
        if not isinstance(element.tag, str) or element.tag in _NEVER_CAPTIONS:
            continue
        if element.tag == "figcaption" or not class_words(element).isdisjoint(_CAPTION_WORDS):
            content = element.text_content()
            if len(content.split(None, _CAPTION_MAX_WORDS)) > _CAPTION_MAX_WORDS:
                continue
            text = _lines(content)
            if text:
                found.add(flat(text))
                found.update(flat(line) for line in text.split("\n") if line.strip())
    return found


def _drop_box_heading(before: list[_Block]) -> None:
    """Drop the heading right before a call to action: a sign-up box's title ("Get the morning briefing"
    over "Sign up for our newsletters…"), which says nothing of the article. A heading that ends a sentence,
    or that some other block (a stamp, say) separates from the call, stays."""
    if before and before[-1].tag == "head" and not before[-1].dropped:
        heading = flat(before[-1].text)
        if len(heading.split()) <= _BOX_HEADING_WORDS and not heading.endswith((".", "?", "!")):
            before[-1].dropped = True


def _judge(blocks: list[_Block], page_captions: set[str]) -> list[str]:
    """Mark furniture blocks as dropped and captions as captions; return the date stamps found."""
    stamps: list[str] = []
    for number, block in enumerate(blocks):
        text = flat(block.text)
        if date_stamp(text) is not None:
            block.dropped = True
            stamps.append(text)
        elif is_call_to_action(text):
            block.dropped = True
            _drop_box_heading(blocks[:number])
        elif (is_bare_reference(text) or is_media_label(text) or is_legal_notice(text)
              or is_link_block(text, [anchor for anchor, _ in block.links])):
            block.dropped = True
        elif text in page_captions:
            block.kind = CAPTION
    groups: dict[int, list[_Block]] = {}
    for block in blocks:
        if block.group is not None:
            groups.setdefault(block.group, []).append(block)
    for items in groups.values():
        if sum(item.dropped for item in items) >= _LINK_LIST_SHARE * len(items):
            for item in items:
                item.dropped = True
    return stamps


def _place_captions(tree: lxml.html.HtmlElement, blocks: list[_Block]) -> list[str]:
    """Attach the captions of the images inside the article to the block they follow in the page; return
    the captions that come before the first block."""
    wanted = {_match_key(b.text): i for i, b in reversed(list(enumerate(blocks))) if b.kind == PARAGRAPH}
    wanted.pop("", None)
    matched: dict[int, lxml.html.HtmlElement] = {}
    for element in tree.iter(*_SOURCE_TAGS):
        if len(matched) == len(wanted):
            break
        index = wanted.get(_match_key(element.text_content()))
        if index is not None and index not in matched:
            matched[index] = element
    if not matched:
        return []
    container = _common_ancestor(list(matched.values()))
    block_of = {id(element): index for index, element in matched.items()}
    before: list[str] = []
    after: int | None = None
    previous = ""
    for element in container.iter():
        if not isinstance(element.tag, str):
            continue
        if id(element) in block_of:
            after = block_of[id(element)]
        elif element.tag == "img" or (element.tag == "figcaption" and not _has_image(element.getparent())):
            caption = _image_caption(element)
            if caption and caption != previous:
                (before if after is None else blocks[after].captions_after).append(caption)
                previous = caption
    return before


def _has_image(element: lxml.html.HtmlElement | None) -> bool:
    return element is not None and next(element.iter("img"), None) is not None


def _source_of(tree: lxml.html.HtmlElement, text: str) -> lxml.html.HtmlElement | None:
    """The page element a block of trafilatura's output was read from, found by its first words."""
    key = _match_key(text)
    return next((e for e in tree.iter(*_SOURCE_TAGS) if _match_key(e.text_content()) == key), None)


def _common_ancestor(elements: list[lxml.html.HtmlElement]) -> lxml.html.HtmlElement:
    chains = [[element, *element.iterancestors()][::-1] for element in elements]
    common = chains[0][0]
    for depth in range(min(len(chain) for chain in chains)):
        if all(chain[depth] is chains[0][depth] for chain in chains):
            common = chains[0][depth]
        else:
            break
    if len(elements) == 1 and common.getparent() is not None:
        return common.getparent()
    return common


def _image_caption(element: lxml.html.HtmlElement) -> str:
    """An image's caption: its figure's ``figcaption``, else its ``alt`` text, else its ``title``."""
    if element.tag == "figcaption":
        return _lines(element.text_content())
    figure = next((a for a in element.iterancestors() if a.tag == "figure"), None)
    figcaption = next(iter(figure.iter("figcaption")), None) if figure is not None else None
    caption = _lines(figcaption.text_content()) if figcaption is not None else ""
    if caption:
        return caption
    described = (_lines(element.get(attribute) or "") for attribute in ("alt", "title"))
    return next((text for text in described if len(text.split()) >= _MIN_ALT_WORDS), "")


_Part = tuple[str, str, list[tuple[str, str]]]
"""One part of the Article on its way: its kind, its text and its links."""


def _parts(blocks: list[_Block], front: FrontMatter, leading_captions: list[str]) -> list[_Part]:
    """The Article's parts in reading order: front matter, then body blocks with their captions (each
    caption once; the captions after a block left out stay). A heading that repeats the headline is left
    out wherever it stands (after a section label such as "Review", it is not the first block)."""
    parts: list[_Part] = []
    headline_key = _match_key(front.headline or "")
    if front.headline:
        parts.append((HEADLINE, front.headline, []))
    body_keys = {_match_key(block.text) for block in blocks if not block.dropped}
    if front.standfirst and _match_key(front.standfirst) not in body_keys:
        parts.append((STANDFIRST, front.standfirst, []))
    byline = front.byline
    body: list[_Part] = [(CAPTION, c, []) for c in leading_captions]
    seen_paragraph = False
    for block in blocks:
        text = block.text
        if block.dropped or (block.tag == "head" and _match_key(text) == headline_key):
            pass
        elif block.kind == CAPTION:
            body.append((CAPTION, text, []))
        elif block.tag == "head" and not seen_paragraph:
            if _match_key(text) == _match_key(front.standfirst or "") or front.names_site(text):
                pass
            elif not front.headline and block.rend == "h1" and not parts:
                parts.append((HEADLINE, text, block.links))
            else:
                body.append((STANDFIRST, text, block.links))
        elif not seen_paragraph and _BYLINE_RE.match(text) and len(text.split()) <= _BYLINE_WORDS:
            byline = text
        else:
            if not seen_paragraph:
                seen_paragraph = True
                end = dateline_end(text, 0, len(text))
                if end is not None:
                    body.append((DATELINE, text[:end], []))
                    text = text[end:].lstrip()
            body.append((CORRECTION if is_correction(text) else PARAGRAPH, text, block.links))
        body.extend((CAPTION, caption, []) for caption in block.captions_after)
    if byline:
        parts.append((BYLINE, byline, []))
    seen: set[str] = set()
    for kind, text, links in body:
        if kind == CAPTION and text in seen:
            continue
        if kind == CAPTION:
            seen.add(text)
        parts.append((kind, text, links))
    return parts


def _dates(stamps: list[str], front: FrontMatter, published: str | None) -> tuple[str | None, str | None]:
    """The published and modified dates: the page's metadata first, then its "Updated …" stamps."""
    modified = front.modified
    for stamp in stamps:
        label = stamp.split(None, 1)[0].casefold().strip(":")
        if label in ("published", "posted", "created") and not published:
            published = iso_date(date_stamp(stamp) or "")
        elif not modified and label not in ("published", "posted", "created") and UPDATED_STAMP_RE.match(stamp):
            modified = iso_date(date_stamp(stamp) or "")
    return published, modified


def _language(tree: lxml.html.HtmlElement, found: str | None) -> str | None:
    candidates = [found, tree.get("lang"), tree.get("xml:lang")]
    candidates += tree.xpath("//meta[@http-equiv='content-language' or @http-equiv='Content-Language']/@content")
    candidates += tree.xpath("//meta[@property='og:locale']/@content")
    for candidate in candidates:
        if isinstance(candidate, str) and _LANG_RE.match(candidate.strip()):
            return candidate.strip().replace("_", "-")
    return None


def _authors(author: str | None) -> tuple[str, ...]:
    if not author:
        return ()
    return tuple(name.strip() for name in author.split(";") if name.strip())


def article_from_html(
    data: bytes | str,
    *,
    source: str = "<html>",
    charset: str | None = None,
    max_bytes: int = MAX_PAGE_BYTES,
    **metadata: Any,
) -> Article:
    """Extract the article in an HTML page (bytes or text) as an :class:`Article`.

    ``charset`` is the encoding declared by the transport, if any; ``metadata`` (``id``, ``url``,
    ``fetched_at``, …) is kept and wins over what the page itself says. A page with no article text gives
    an Article without body paragraphs. Raises :class:`InputError` naming ``source`` for a page over
    ``max_bytes``.
    """
    size = len(data.encode("utf-8", errors="replace")) if isinstance(data, str) else len(data)
    if size > max_bytes:
        raise InputError(source, f"page is {size:,} bytes, over the limit of {max_bytes:,}")
    text = data if isinstance(data, str) else decode_html(data, charset)
    tree = parse_html(text)
    if tree is None:
        return Article.from_parts([], **metadata)
    url = metadata.get("url")
    pruned = copy.deepcopy(tree)
    prune_furniture(pruned)
    empty_blocks_as_breaks(pruned)
    text_divs_as_paragraphs(pruned)
    prune_link_paragraphs(pruned)
    frame_unmarked_article(pruned)
    join_article_chunks(pruned)
    bare_extraction, config = _trafilatura()
    # Recall mode keeps trafilatura's own extraction over 1,500 characters instead of weighing it against its
    # readability fallback by counts (tables against paragraphs) that a page's furniture changes from one
    # capture to the next (docs/extract.md).
    document = bare_extraction(
        pruned, url=url, include_comments=False, include_links=True, include_images=False,
        include_tables=True, with_metadata=True, deduplicate=False, config=config, favor_recall=True,
    )
    if document is None or getattr(document, "body", None) is None:
        return Article.from_parts([], language=_language(tree, None), **metadata)
    authors = _authors(document.author)
    blocks = _output_blocks(document.body)
    first = next((b.text for b in blocks if b.tag == "p" and len(b.text.split()) >= _FIRST_PARAGRAPH_WORDS), None)
    front = read_front_matter(tree, url, sitename=document.sitename, authors=authors,
                              body_start=_source_of(tree, first) if first else None)
    stamps = _judge(blocks, _page_captions(pruned))
    leading = _place_captions(pruned, blocks)
    parts = _parts(blocks, front, leading)
    published, modified = _dates(stamps, front, document.date or None)
    links = [(anchor, urljoin(url, href) if url else href)
             for _, _, block_links in parts for anchor, href in block_links]
    found = {
        "title": front.headline or (flat(document.title) if document.title else None),
        "authors": authors,
        "published": published,
        "modified": modified,
        "sitename": document.sitename or None,
        "language": _language(tree, document.language),
        "categories": tuple(c for c in (document.categories or []) if c),
        "url": url or document.url or None,
    }
    merged = {key: value for key, value in found.items() if value} | {k: v for k, v in metadata.items() if v}
    return Article.from_parts([(kind, part) for kind, part, _ in parts], links=links, **merged)
