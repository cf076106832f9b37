"""HTML pages to Articles, through trafilatura: the article's text, metadata, links and captions.

Bytes are decoded here (byte-order mark, UTF-8, the declared charset, then detection) and parsed by a
locked-down lxml HTML parser that never touches the network and never expands entity declarations, so XML
entity bombs and external entities stay inert text. trafilatura (with htmldate for dates) decides what is
the article; this module only turns its result into typed blocks:

>>> article = article_from_html(
...     b"<html><head><title>Rain</title></head><body><article><h1>Rain</h1>"
...     b"<p>It will rain all day tomorrow across the whole region, forecasters said on Tuesday, and the "
...     b"rain will last until Thursday, when a dry spell begins.</p></article></body></html>")
>>> [block.kind for block in article.blocks], article.title
(['headline', 'paragraph'], 'Rain')
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any
from urllib.parse import urljoin

import lxml.html
from charset_normalizer import from_bytes
from lxml import etree

from variorum.article import Article
from variorum.errors import InputError
from variorum.extract.limits import MAX_PAGE_BYTES
from variorum.text.frontmatter import (
    CAPTION,
    CORRECTION,
    HEADLINE,
    PARAGRAPH,
    STANDFIRST,
    is_correction,
)

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_META_CHARSET_RE = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE)
_XML_ILLEGAL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SPACES_RE = re.compile(r"[^\S\n]+")
_LANG_RE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")
_BLOCK_TAGS = {"p", "head", "quote", "item", "code", "row"}
MIN_EXTRACTED_CHARS = 150
"""Below this much text trafilatura's main extractor hands over to its fallbacks, whose output loses the
page's structure (headline, paragraphs, links); its default of 250 is too high for short news items."""


@cache
def _trafilatura() -> tuple[Callable[..., Any], Any]:
    """trafilatura's ``bare_extraction`` and our settings for it, loaded on first use (loading trafilatura
    takes a fifth of a second, which commands that read no HTML should not pay)."""
    from trafilatura import bare_extraction
    from trafilatura.settings import use_config

    config = use_config()
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", str(MIN_EXTRACTED_CHARS))
    return bare_extraction, config


def _known_encoding(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None


def decode_html(data: bytes, declared: str | None = None) -> str:
    """Decode an HTML page; never fails.

    Order of trust: a byte-order mark, valid UTF-8, the charset declared by the transport (``declared``,
    e.g. from an HTTP header) or by the page's ``<meta>``, then detection; undecodable bytes are replaced.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    meta = _META_CHARSET_RE.search(data[:8192])
    candidates = [_known_encoding(declared), _known_encoding(meta.group(1).decode("ascii") if meta else None)]
    for encoding in candidates:
        if encoding and encoding not in ("utf-8", "utf-16", "utf-32"):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
    best = from_bytes(data[:1_000_000]).best()
    encoding = _known_encoding(best.encoding) if best is not None else None
    return data.decode(encoding or "utf-8", errors="replace")


def parse_html(text: str) -> lxml.html.HtmlElement | None:
    """Parse HTML text with no network access and no entity expansion; None when there is no document."""
    cleaned = _XML_ILLEGAL_RE.sub("", text)
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


def _flat(text: str) -> str:
    """Fold runs of spaces and tabs (line breaks from ``<br>`` survive) and trim each line."""
    return "\n".join(line.strip() for line in _SPACES_RE.sub(" ", text).split("\n")).strip()


def _image_keys(value: str, url: str | None) -> Iterator[str]:
    value = value.strip()
    if value:
        yield value
        if url:
            yield urljoin(url, value)


def image_captions(tree: lxml.html.HtmlElement, url: str | None) -> dict[str, str]:
    """Map every source an ``<img>`` is known by to its caption: the enclosing figure's ``<figcaption>``,
    else its ``alt`` text, else its ``title``."""
    captions: dict[str, str] = {}
    for image in tree.iter("img"):
        figure = next((a for a in image.iterancestors() if a.tag == "figure"), None)
        figcaption = next(iter(figure.iter("figcaption")), None) if figure is not None else None
        caption = _flat(figcaption.text_content()) if figcaption is not None else ""
        caption = caption or _flat(image.get("alt") or "") or _flat(image.get("title") or "")
        if not caption:
            continue
        for attribute, value in image.attrib.items():
            if attribute in ("src", "srcset") or attribute.startswith("data-"):
                for key in _image_keys(value.split()[0] if value.split() else "", url):
                    captions.setdefault(key, caption)
    return captions


def _element_text(element: etree._Element) -> str:
    pieces: list[str] = []
    for node in element.iter():
        if node is not element and node.tag in ("lb",):
            pieces.append("\n")
        elif node is not element and node.tag == "cell" and pieces:
            pieces.append(" | ")
        if node.text and node.tag != "graphic":
            pieces.append(node.text)
        if node is not element and node.tail:
            pieces.append(node.tail)
    return _flat("".join(pieces))


def _walk(
    body: etree._Element, captions: dict[str, str], title: str | None
) -> Iterator[tuple[str, str, list[tuple[str, str]]]]:
    """Yield ``(kind, text, links)`` for trafilatura's output body in reading order."""
    seen_paragraph = False
    for element in body.iter():
        tag = element.tag
        if tag == "graphic":
            caption = captions.get(element.get("src") or "") or _flat(element.get("alt") or element.get("title") or "")
            if caption:
                yield CAPTION, caption, []
            continue
        if tag not in _BLOCK_TAGS or any(a.tag in _BLOCK_TAGS for a in element.iterancestors()):
            continue
        text = _element_text(element)
        if not text:
            continue
        links = [(_flat(ref.xpath("string()")), ref.get("target") or "") for ref in element.iter("ref")]
        if tag == "head" and not seen_paragraph:
            same_as_title = title is not None and _flat(title).casefold() == text.casefold()
            kind = HEADLINE if same_as_title else STANDFIRST if element.get("rend") != "h1" else HEADLINE
        else:
            seen_paragraph = True
            kind = CORRECTION if is_correction(text) else PARAGRAPH
        yield kind, text, [(anchor, href) for anchor, href in links if anchor and href]


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
    an Article without blocks. Raises :class:`InputError` naming ``source`` for a page over ``max_bytes``.
    """
    size = len(data.encode("utf-8", errors="replace")) if isinstance(data, str) else len(data)
    if size > max_bytes:
        raise InputError(source, f"page is {size:,} bytes, over the limit of {max_bytes:,}")
    text = data if isinstance(data, str) else decode_html(data, charset)
    tree = parse_html(text)
    if tree is None:
        return Article.from_parts([], **metadata)
    url = metadata.get("url")
    captions = image_captions(tree, url)
    bare_extraction, config = _trafilatura()
    document = bare_extraction(
        tree, url=url, include_comments=False, include_links=True, include_images=True,
        include_tables=True, with_metadata=True, deduplicate=False, config=config,
    )
    if document is None or getattr(document, "body", None) is None:
        return Article.from_parts([], language=_language(tree, None), **metadata)
    title = _flat(document.title) if document.title else None
    parts: list[tuple[str, str]] = []
    links: list[tuple[str, str]] = []
    for kind, block_text, block_links in _walk(document.body, captions, title):
        if kind == CAPTION and parts and parts[-1] == (CAPTION, block_text):
            continue
        parts.append((kind, block_text))
        links.extend((anchor, urljoin(url, href) if url else href) for anchor, href in block_links)
    found = {
        "title": title or next((t for k, t in parts if k == HEADLINE), None),
        "authors": _authors(document.author),
        "published": document.date or None,
        "sitename": document.sitename or None,
        "language": _language(tree, document.language),
        "categories": tuple(c for c in (document.categories or []) if c),
        "url": url or document.url or None,
    }
    merged = {key: value for key, value in found.items() if value} | {k: v for k, v in metadata.items() if v}
    return Article.from_parts(parts, links=links, **merged)
