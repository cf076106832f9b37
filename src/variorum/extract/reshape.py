"""The page reshaped before trafilatura reads it, so that it finds the whole article, the same way in every
capture: empty divs that text follows become line breaks, divs of running text become
paragraphs, a page where nothing marks the article gets an ``<article>`` around its paragraphs, and an
article the page cuts into chunks between ad rails is joined into the element trafilatura reads.

Each step changes ``tree`` in place and is used by :func:`variorum.extract.html.article_from_html`.
"""

from __future__ import annotations

import lxml.html


def empty_blocks_as_breaks(tree: lxml.html.HtmlElement) -> None:
    """Turn an empty ``<div>`` that text follows into a ``<br>``: some pages separate the paragraphs of one
    run of text with empty elements (``Wednesday.<div class="fake-br"></div>The stabbing…``), which
    trafilatura sometimes glues together and sometimes splits, differently in two captures of one page.

    >>> tree = lxml.html.fromstring("<div>Wednesday.<div class='fake-br'></div>The stabbing.<div></div></div>")
    >>> empty_blocks_as_breaks(tree)
    >>> lxml.html.tostring(tree, encoding="unicode")
    '<div>Wednesday.<br>The stabbing.<div></div></div>'
    """
    for div in list(tree.iter("div")):
        if len(div) == 0 and not (div.text or "").strip() and (div.tail or "").strip() and div.getparent() is not None:
            line_break = lxml.html.Element("br")
            line_break.tail = div.tail
            div.getparent().replace(div, line_break)


_INLINE_TAGS = frozenset({"a", "abbr", "b", "bdi", "br", "cite", "code", "data", "dfn", "em", "font", "i", "kbd",
                          "mark", "q", "s", "small", "span", "strong", "sub", "sup", "time", "u", "var", "wbr"})


def text_divs_as_paragraphs(tree: lxml.html.HtmlElement) -> None:
    """Make a ``<div>`` that holds only text and inline elements a ``<p>``: sites that write paragraphs as
    divs (``<div class="zn-body__paragraph">The … after <a>CNBC reported</a> that …</div>``) lose the text
    before the first link in some captures and not in others, as trafilatura reads such a div; with the
    text inside a ``<span>``, the words before each link went and the next such div with them.

    >>> tree = lxml.html.fromstring("<div><div class='para'>Officials <a href='/r'>said</a> so.</div>"
    ...                             "<div><p>A paragraph.</p></div><div><a href='/'>Home</a></div>"
    ...                             "<div><span>The <a href='/b'>band</a> will tour all summer, from June on.</span></div></div>")
    >>> text_divs_as_paragraphs(tree)
    >>> lxml.html.tostring(tree, encoding="unicode")
    '<div><p class="para">Officials <a href="/r">said</a> so.</p><div><p>A paragraph.</p></div><div><a href="/">Home</a></div><p><span>The <a href="/b">band</a> will tour all summer, from June on.</span></p></div>'
    """
    for div in tree.iter("div"):
        if all(isinstance(child.tag, str) and child.tag in _INLINE_TAGS for child in div.iterdescendants()) and (
                _has_own_text(div) or _wraps_a_paragraph(div)):
            div.tag = "p"


def _has_own_text(element: lxml.html.HtmlElement) -> bool:
    return bool((element.text or "").strip()) or any((child.tail or "").strip() for child in element)


def _wraps_a_paragraph(div: lxml.html.HtmlElement) -> bool:
    """True when the div's text, all inside inline elements, is sentence-long and not only links."""
    return len(div.text_content().split()) >= _WRAPPED_PARAGRAPH_WORDS and any(
        _prose_outside_links(child) for child in div)


_WRAPPED_PARAGRAPH_WORDS = 8
"""A div whose text is all inside an inline wrapper is a paragraph when it is a sentence long; a short
wrapped label ("Loading...", "Comments (+)") stays a div, which trafilatura mostly leaves out."""


def _prose_outside_links(element: lxml.html.HtmlElement) -> bool:
    """True when ``element`` holds text outside links — its own, or inside an inline element that is no
    link (``<div><span class="s1">The <a>band</a> will tour.</span></div>``, as pages written in a word
    processor wrap each paragraph)."""
    if element.tag != "a" and (element.text or "").strip():
        return True
    return any((child.tail or "").strip() or (child.tag != "a" and _prose_outside_links(child)) for child in element)


_FRAME_TAGS = frozenset({"div", "section", "center", "body"})


def _trafilatura_article(tree: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    """The element trafilatura will read as the article: the first match of its own list of article
    selectors (``trafilatura.xpaths.BODY_XPATH``), or None when none matches."""
    from trafilatura.xpaths import BODY_XPATH

    return next((found[0] for found in (expression(tree) for expression in BODY_XPATH) if found), None)


def frame_unmarked_article(tree: lxml.html.HtmlElement) -> None:
    """Mark as an ``<article>`` the element holding most of the paragraphs' text, on a page where nothing
    says where the article is (no ``<article>``, no ``<main>``, no class or id trafilatura reads as the
    story's, as in a print view or a bare page): trafilatura then reads that element as the article, headings
    and lists included, instead of picking up the page's loose paragraphs only — which left every subhead
    out of a print view. The element is renamed (a ``<div>``, ``<section>``), or, when the paragraphs stand
    right in the ``<body>``, wrapped in a new ``<article>``.

    >>> tree = lxml.html.fromstring("<html><body><h1>Rain</h1><div class='x'><p>It rains.</p><h2>Why</h2>"
    ...                             "<p>Clouds.</p></div></body></html>")
    >>> frame_unmarked_article(tree)
    >>> lxml.html.tostring(tree.find("body"), encoding="unicode")
    '<body><h1>Rain</h1><article class="x"><p>It rains.</p><h2>Why</h2><p>Clouds.</p></article></body>'
    """
    if _trafilatura_article(tree) is not None:
        return
    text: dict[lxml.html.HtmlElement, int] = {}
    for paragraph in tree.iter("p"):
        parent = paragraph.getparent()
        if parent is not None:
            text[parent] = text.get(parent, 0) + len(paragraph.text_content())
    if not text:
        return
    frame = max(text, key=lambda element: text[element])
    if frame.tag not in _FRAME_TAGS:
        return
    if frame.tag != "body":
        frame.tag = "article"
        return
    article = lxml.html.Element("article")
    article.text, frame.text = frame.text, None
    article.extend(list(frame))
    frame.append(article)


def join_article_chunks(tree: lxml.html.HtmlElement) -> None:
    """Join an article that the page splits into chunks — elements of one tag and class, each holding some of
    its paragraphs, with ad rails between them (WIRED's ``article__body`` grids) — into the first chunk, the
    element trafilatura reads as the article: it read the first chunk alone, and half the story went. Only
    siblings or cousins join (the next story an endless page appends sits in an ``<article>`` of its own).

    >>> tree = lxml.html.fromstring("<html><body><div class='story-body'><p>One.</p></div><div class='ad'>Ad"
    ...                             "</div><div class='story-body'><p>Two.</p></div></body></html>")
    >>> join_article_chunks(tree)
    >>> lxml.html.tostring(tree.find("body"), encoding="unicode")
    '<body><div class="story-body"><p>One.</p><p>Two.</p></div><div class="ad">Ad</div></body>'
    """
    first = _trafilatura_article(tree)
    if first is None or not first.get("class"):
        return
    for chunk in list(tree.iter(first.tag)):
        if chunk is first or chunk.get("class") != first.get("class") or chunk.find(".//p") is None:
            continue
        if not _cousins(first, chunk):
            continue
        first.extend(list(chunk))
        chunk.drop_tree()


def _cousins(first: lxml.html.HtmlElement, other: lxml.html.HtmlElement) -> bool:
    """True when two elements share their parent or their grandparent."""
    parent, other_parent = first.getparent(), other.getparent()
    if parent is None or other_parent is None:
        return False
    return parent is other_parent or (parent.getparent() is not None and parent.getparent() is other_parent.getparent())
