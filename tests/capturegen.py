"""Archive-shaped capture pairs built from a real page, for the truth benchmark and its tests.

Two captures of one article in a web archive differ in ways that are not edits: every link is rewritten
to the capture's own timestamp (``http://web.archive.org/web/20161120034910/http://…``), some originals
gain an explicit ``:80`` or switch between ``http`` and ``https``, the archive's toolbar names the capture,
and the page around the article has moved on — a new "Last updated …" stamp, other related stories in the
teaser box, another video or gallery teaser ("Play Video", "View Gallery"), a promo box. :func:`capture_pair`
re-renders one page twice that way and can also make a real edit between the two: a headline edited where
the page shows it — its ``<h1>``, moved before the article element when it was inside (outside what
extractors keep as the article) — with or without the metadata titles (og:title, ``<title>``, JSON-LD), or a
changed number, sentence or quotation in the body. Pages are never copied: pairs are made on the fly from the
pages in ``../shared/corpora/article-extraction-benchmark`` (``bench/truth.py``) or a page a test writes.

A ``TEMPLATE`` pair reads one article from two page templates, its text unchanged: the first capture as above,
the second the article re-rendered (:func:`template_copy`) as a *print view* (minimal HTML, the headline in an
``<h1>`` or ``<h2>``, byline and date, the body, maybe "Printed from example.com" and the address) or a
*syndicated copy* on another site (that site's header and navigation, a "Most read" sidebar, a credit line to
the source, a newsletter box among the paragraphs, a footer; paragraphs as ``<div>`` elements half the time;
the other site's class names, in ``<header>``/``<nav>``/``<aside>``/``<footer>`` or in plain divs). The
article is the page's: its headline, byline, date and standfirst, and the blocks of the element holding its
text — paragraphs (``<p>``, divs of text, text between ``<br>`` line breaks), subheads, quotations, lists,
figures with their captions, tables — with their inline markup and inner classes; in-article furniture
(share bars, related boxes, ads, newsletter boxes, comments, hidden elements) and the page's own navigation
stay behind. The credit line ("This story originally appeared on …") is the syndicating site's, not the
story's: comparisons report it as cosmetic page furniture.
"""

from __future__ import annotations

import copy
import json
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

import lxml.html
from lxml import etree

IDENTICAL, HEADLINE_EDIT, BODY_EDIT, SPLIT_EDIT = "identical", "headline", "body", "split"
PARAGRAPH_EDIT, TEMPLATE = "paragraph", "template"
PRINT_VIEW, SYNDICATED = "print view", "syndicated"
FURNITURE_KINDS = ("stamp", "related", "video", "gallery", "promo", "toolbar")

_TEASERS = (
    "Pope steps out to buy his own shoes", "Storm knocks out power to thousands across the region",
    "Officials name new head of the transit agency", "What to know about the new tax rules",
    "Team clinches playoff spot with late goal", "Company recalls 40,000 space heaters",
    "Inside the race for the governor's mansion", "Five things to watch this week",
    "Researchers find new species in cave", "City council delays vote on budget",
    "How a small town rebuilt after the flood", "Senator unveils plan to cut drug prices",
)
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_NUMBER_RE = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})*|\d+)(?![\w.,]\d)")
_QUOTE_RE = re.compile(r"[“\"]([^”\"]{12,200})[”\"]")
_RESOURCE_FLAGS = {"img": "im_", "script": "js_", "link": "cs_", "iframe": "if_"}


@dataclass(frozen=True)
class CapturePair:
    """Two captures of one page and what, if anything, really changed between them."""

    page_id: str
    kind: str  # IDENTICAL, HEADLINE_EDIT, BODY_EDIT, SPLIT_EDIT, PARAGRAPH_EDIT or TEMPLATE
    old_html: str
    new_html: str
    furniture: tuple[str, ...]  # the furniture kinds that differ between the captures
    old_headline: str | None = None
    new_headline: str | None = None
    edit: str | None = None  # "number", "sentence" or "quote" for body edits; "h1 only"/"h1 and metadata";
    # "split"; "paragraph_removed", "paragraph_added" or "paragraph_moved"; PRINT_VIEW or SYNDICATED
    old_fragment: str | None = None
    new_fragment: str | None = None
    new_paragraph: str | None = None  # the edited paragraph's text in the new capture


def _timestamp(rng: random.Random) -> str:
    return f"2016{rng.randint(10, 12):02d}{rng.randint(10, 28):02d}{rng.randint(0, 23):02d}" \
           f"{rng.randint(0, 59):02d}{rng.randint(0, 59):02d}"


def _vary_original(url: str, rng: random.Random) -> str:
    """An original URL as another capture may record it: explicit default port, or the other scheme."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.port:
        return url
    choice = rng.random()
    if choice < 0.3:
        port = "80" if parts.scheme == "http" else "443"
        return urlunsplit((parts.scheme, f"{parts.netloc}:{port}", parts.path, parts.query, parts.fragment))
    if choice < 0.6:
        scheme = "https" if parts.scheme == "http" else "http"
        return urlunsplit((scheme, parts.netloc, parts.path, parts.query, parts.fragment))
    return url


def _rewrite_links(root: lxml.html.HtmlElement, base: str, timestamp: str, rng: random.Random | None) -> None:
    """Point every link and resource at the archive's copy from ``timestamp`` (varying originals if ``rng``)."""
    for element in root.iter("a", "img", "script", "link", "iframe"):
        attribute = "src" if element.tag in ("img", "script", "iframe") else "href"
        value = element.get(attribute)
        if not value or value.startswith(("#", "javascript:", "mailto:", "data:")):
            continue
        original = urljoin(base, value.strip())
        if not original.startswith(("http://", "https://")):
            continue
        if rng is not None and element.tag == "a":
            original = _vary_original(original, rng)
        flag = _RESOURCE_FLAGS.get(str(element.tag), "")
        element.set(attribute, f"http://web.archive.org/web/{timestamp}{flag}/{original}")


def article_container(root: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """The element holding the article: ``<article>`` or ``articleBody`` with most text, else the parent of
    the most paragraphs."""
    marked = root.xpath("//article | //*[@itemprop='articleBody']")
    marked = [e for e in marked if len(e.text_content()) > 300]
    if marked:
        return max(marked, key=lambda e: len(e.findall(".//p")))
    parents: dict[lxml.html.HtmlElement, int] = {}
    for paragraph in root.iter("p"):
        parent = paragraph.getparent()
        if parent is not None:
            parents[parent] = parents.get(parent, 0) + len(paragraph.text_content())
    if not parents:
        body = root.find("body")
        return body if body is not None else root
    return max(parents, key=lambda e: parents[e])


def _trigrams(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.casefold())
    return {tuple(words[k:k + 3]) for k in range(max(1, len(words) - 2))}


def container_of_text(root: lxml.html.HtmlElement, text: str) -> lxml.html.HtmlElement:
    """The element that holds the article whose text is known (a benchmark's ground truth): the one whose
    blocks (and text written between them) are most text of the article and least other text — each piece
    counting its words, for when most of its word trigrams are the article's, against when not."""
    known = _trigrams(text)
    scores: dict[lxml.html.HtmlElement, int] = {}
    inside: set[lxml.html.HtmlElement] = set()
    for element in root.iter():
        if not isinstance(element.tag, str) or element.tag in ("script", "style") or element.getparent() in inside:
            inside.add(element)
            continue
        whole = element.tag in _CONTENT_TAGS or _text_div(element)
        if whole:
            inside.add(element)
        piece = element.text_content() if whole else " ".join(
            [element.text or "", *(child.tail or "" for child in element)])
        weight = len(piece.split())
        if not weight:
            continue
        grams = _trigrams(piece)
        score = weight if len(grams & known) * 2 >= len(grams) else -weight
        for ancestor in (element, *element.iterancestors()):
            scores[ancestor] = scores.get(ancestor, 0) + score
    body = root.find("body")
    candidates = {e: v for e, v in scores.items() if e is not body and e is not root}
    if not candidates:
        return article_container(root)
    return max(candidates, key=lambda e: candidates[e])


def _body_paragraphs(container: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    return [p for p in container.iter("p") if len(p.text_content().split()) >= 15 and not p.findall(".//p")]


def _fragment(html: str) -> lxml.html.HtmlElement:
    """An element from markup, followed by a line break as in any page's source."""
    element = lxml.html.fragment_fromstring(html)
    element.tail = "\n"
    return element


def _site(base: str) -> str:
    return urlsplit(base).netloc.removeprefix("www.") or "example.com"


def _story_link(base: str, title: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return urljoin(base, f"/news/{slug}/")


def _furniture(kind: str, base: str, rng: random.Random) -> list[lxml.html.HtmlElement]:
    """Page furniture of ``kind``, its content drawn from ``rng``: half the time in a box whose class says
    what it is (as most sites mark it), half the time as bare paragraphs among the article's own."""
    site = _site(base)
    bare = rng.random() < 0.5
    if kind == "stamp":
        stamp = (f"Last Updated {rng.choice(_MONTHS)} {rng.randint(1, 28)}, 2016 "
                 f"{rng.randint(1, 12)}:{rng.randint(0, 59):02d} {rng.choice(['AM', 'PM'])} EST")
        return [_fragment(f"<p>{stamp}</p>" if bare else f'<p class="timestamp">{stamp}</p>')]
    if kind == "related":
        titles = rng.sample(_TEASERS, 4)
        if bare:
            return [_fragment(f'<p><a href="{_story_link(base, t)}">{t}</a></p>') for t in titles]
        items = "".join(f'<li><a href="{_story_link(base, t)}">{t}</a></li>' for t in titles)
        return [_fragment(f'<div class="related-content"><h3>Related</h3><ul>{items}</ul></div>')]
    if kind == "video":
        title = rng.choice(_TEASERS)
        link = _story_link(base, title)
        if bare:
            return [_fragment(f'<p><a href="{link}">Play Video</a></p>'),
                    _fragment(f'<p><a href="{link}">CBSN</a> {title}</p>')]
        return [_fragment(f'<div class="video-player"><a href="{link}">Play Video</a>'
                          f'<p><a href="{link}">CBSN {title}</a></p></div>')]
    if kind == "gallery":
        title = rng.choice(_TEASERS)
        label = f"View Gallery {rng.randint(5, 40)} photos"
        if bare:
            return [_fragment(f"<p>{label}</p>")]
        return [_fragment(f'<div class="gallery-teaser"><p><a href="{_story_link(base, title)}">{label}: '
                          f'{title}</a></p></div>')]
    if kind == "promo":
        promo = f"Watch {site} anytime, anywhere with the new 24/7 streaming service."
        if bare:
            return [_fragment(f'<p><a href="https://{site}/live/">{promo}</a></p>')]
        return [_fragment(f'<div class="promo"><p><a href="https://{site}/live/">{promo}</a></p></div>')]
    return [_fragment(  # toolbar
        f'<div id="wm-ipp-base"><div id="wm-ipp">The Wayback Machine - http://web.archive.org/web/'
        f'{_timestamp(rng)}/{base} {rng.randint(2, 90)} captures {rng.randint(1, 28)} Nov 2016 - '
        f'{rng.randint(1, 28)} Dec 2016</div></div>')]


def _place(kind: str, pieces: list[lxml.html.HtmlElement], root: lxml.html.HtmlElement,
           container: lxml.html.HtmlElement, rng: random.Random) -> None:
    """Put furniture where sites put it: the toolbar atop the body, stamps atop the article, boxes between
    paragraphs."""
    if kind == "toolbar":
        body = root.find("body")
        for piece in reversed(pieces):
            (body if body is not None else root).insert(0, piece)
        return
    paragraphs = [p for p in _body_paragraphs(container)  # sites put boxes between paragraphs, not in quotes
                  if not any(a.tag in ("blockquote", "li", "table", "figure") for a in p.iterancestors())]
    if kind == "stamp" and paragraphs:
        for piece in pieces:
            paragraphs[0].addprevious(piece)
        return
    if len(paragraphs) < 2:
        for piece in pieces:
            container.append(piece)
        return
    anchor = paragraphs[rng.randint(1, len(paragraphs) - 1)]
    for piece in pieces:
        anchor.addprevious(piece)


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.casefold()))


def _flat(text: str) -> str:
    return " ".join(text.split())


def headline_of(root: lxml.html.HtmlElement, url: str = "") -> str:
    """The article's headline as a reader sees it: the ``<h1>`` whose words agree best with the page's own
    titles (og:title, ``<title>``, the URL's slug) — not a logo or section name in an ``<h1>`` — else og:title,
    else ``<title>``."""
    titles = [*root.xpath("//meta[@property='og:title']/@content"), root.findtext(".//title") or "",
              urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1].replace("-", " ")]
    witnesses = [_words(t) for t in titles if _words(t)]
    best, best_score = None, 0.0
    for heading in root.iter("h1"):
        text = _flat(heading.text_content())
        words = _words(text)
        if len(text.split()) < 3:
            continue
        score = max((len(words & w) / max(len(words), len(w)) for w in witnesses), default=0.0)
        if score > best_score:
            best, best_score = text, score
    if best is not None and best_score >= 0.5:
        return best
    for text in titles[:2]:
        if len(text.split()) >= 3:
            return _flat(text)
    return "Officials announce new plan"


def edit_headline(headline: str, rng: random.Random) -> str:
    """A headline as an editor rewrites it: a word replaced, a clause added, the second half reworded, or the
    whole headline rewritten around one of its words."""
    words = headline.split()
    choice = rng.randrange(4)
    if choice == 3:
        subject = max(words, key=len).strip(".,:;!?‘’“”'\"")
        return rng.choice(["{} under scrutiny as questions mount", "What we know so far about {}",
                           "New details emerge in {} story"]).format(subject)
    if choice == 0 and len(words) >= 4:
        position = rng.randrange(1, len(words))
        words[position] = rng.choice(["rejects", "backs", "delays", "expands", "quietly", "finally"])
        return " ".join(words)
    if choice == 1:
        return headline.rstrip(".") + ": " + rng.choice(["what we know", "officials respond", "live updates"])
    keep = max(2, len(words) // 2)
    return " ".join(words[:keep] + rng.choice(["after long delay", "amid growing criticism",
                                               "as talks collapse"]).split())


def _set_headline(root: lxml.html.HtmlElement, container: lxml.html.HtmlElement, old: str, text: str,
                  with_title: bool) -> bool:
    """Show ``text`` as the headline where ``old`` was: in the page's ``<h1>`` showing ``old`` outside the
    article, else in an ``<h1>`` just before the article (outside it; the article's own ``<h1>`` elements go).
    Other headings that repeat ``old`` (a sticky header, a print view) go too. With ``with_title`` the metadata
    titles that contain ``old`` (``<title>``, og:title, twitter:title, a JSON-LD headline) say ``text``
    instead, their site-name suffixes kept. True when some metadata title changed."""
    key = _flat(old).casefold()
    shown = [h for h in root.iter("h1", "h2", "h3") if _flat(h.text_content()).casefold() == key]
    kept = next((h for h in shown if h.tag == "h1" and container not in h.iterancestors()), None)
    for heading in [*shown, *container.iter("h1")]:
        if heading is not kept and heading.getparent() is not None:
            heading.drop_tree()
    if kept is None:
        kept = etree.SubElement(root, "h1")
        kept.set("class", "headline")
        container.addprevious(kept)
    for child in list(kept):
        kept.remove(child)
    kept.text = text
    if not with_title or old == text:
        return False
    changed = False
    for title in root.iter("title"):
        changed |= old in _flat(title.text or "")
        title.text = _flat(title.text or "").replace(old, text)
    for meta in root.xpath("//meta[@property='og:title' or @name='twitter:title' or @property='twitter:title']"):
        changed |= old in _flat(meta.get("content") or "")
        meta.set("content", _flat(meta.get("content") or "").replace(old, text))
    escaped_old, escaped_new = json.dumps(old)[1:-1], json.dumps(text)[1:-1]
    for script in root.xpath("//script[contains(@type, 'ld+json')]"):
        changed |= escaped_old in (script.text or "")
        script.text = (script.text or "").replace(escaped_old, escaped_new)
    return changed


def edit_body(container: lxml.html.HtmlElement, rng: random.Random) -> tuple[str, str, str, str] | None:
    """Make one real edit in a body paragraph: a number, a quotation, or an added sentence.
    Returns ``(edit kind, old fragment, new fragment, the paragraph's new text)``."""
    paragraphs = _body_paragraphs(container)
    if not paragraphs:
        return None
    rng.shuffle(paragraphs)
    wanted = rng.choice(["number", "quote", "sentence"])
    for kind in (wanted, "number", "quote", "sentence"):
        for paragraph in paragraphs:
            if paragraph.findall(".//a"):  # edit plain text nodes only
                continue
            text = paragraph.text or ""
            if kind == "number" and (match := _NUMBER_RE.search(text)):
                old = match.group(1)
                new = str(int(old.replace(",", "")) + rng.randint(2, 9))
                paragraph.text = text[:match.start(1)] + new + text[match.end(1):]
                return kind, old, new, paragraph.text_content()
            if kind == "quote" and (match := _QUOTE_RE.search(text)):
                words = match.group(1).split()
                position = rng.randrange(len(words))
                old = words[position]
                new = "never" if old.lower() != "never" else "always"
                words[position] = new
                paragraph.text = text[:match.start(1)] + " ".join(words) + text[match.end(1):]
                return kind, old, new, paragraph.text_content()
            if kind == "sentence" and len(text.split()) >= 15:
                added = rng.choice([
                    "Officials did not respond to a request for comment on Friday.",
                    "The figures were revised after publication, the agency said.",
                    "A spokesman later said the decision would be reviewed next month.",
                ])
                paragraph.text = text.rstrip() + " " + added
                return kind, "", added, paragraph.text_content()
    return None


_SENTENCE_BREAK_RE = re.compile(r"(?<=[a-z]{4}[.!?]) (?=[A-Z][a-z])")  # "Cmdr. Smith" is no break
_ABBREVIATED = {"prof.", "dept.", "corp.", "capt.", "sept.", "supt.", "assn.", "univ."}
_INSERTED = ["Officials did not respond to a request for comment on Friday.",
             "The figures were revised after publication, the agency said.",
             "A spokesman later said the decision would be reviewed next month."]


def split_body(container: lxml.html.HtmlElement, rng: random.Random) -> tuple[str, str, str, str] | None:
    """Split a body paragraph of two sentences or more at a sentence break and open the second piece with a
    new sentence, as an editor inserting a sentence often does. Returns ``("split", "", the new sentence,
    the second piece's text)``."""
    paragraphs = _body_paragraphs(container)
    rng.shuffle(paragraphs)
    for paragraph in paragraphs:
        text = paragraph.text or ""
        if paragraph.tag != "p" or paragraph.findall(".//*") or len(text.split()) < 25:  # plain <p> text only
            continue
        breaks = [match.start() for match in _SENTENCE_BREAK_RE.finditer(text)
                  if text[:match.start()].rsplit(None, 1)[-1].lower() not in _ABBREVIATED]
        if not breaks:
            continue
        cut = rng.choice(breaks)
        added = rng.choice(_INSERTED)
        second = lxml.html.Element(paragraph.tag)
        second.text = added + " " + text[cut + 1:]
        second.tail = paragraph.tail
        paragraph.text, paragraph.tail = text[:cut], "\n"
        paragraph.addnext(second)
        return SPLIT_EDIT, "", added, second.text
    return None


_NEW_PARAGRAPH = ("The agency said on Thursday that it would publish a full account of the inquiry next month, "
                  "along with its recommendations for the regional authorities.")


def edit_paragraphs(container: lxml.html.HtmlElement, rng: random.Random) -> tuple[str, str, str, str] | None:
    """Remove a body paragraph, add one after another, or move one before the paragraph it followed — each
    a plain ``<p>`` between two others. Returns ``(the change's kind, the paragraph removed or moved, the
    paragraph added or the one the moved paragraph now precedes, the paragraph's text)``."""
    paragraphs = [p for p in _body_paragraphs(container) if p.tag == "p" and not p.findall(".//*")]
    plain = [p for p in paragraphs if (p.getprevious() in paragraphs) and (p.getnext() in paragraphs)]
    if not plain:
        return None
    paragraph = rng.choice(plain)
    text = paragraph.text_content()
    kind = rng.choice(["paragraph_removed", "paragraph_added", "paragraph_moved"])
    if kind == "paragraph_removed":
        paragraph.drop_tree()
        return kind, text, "", text
    if kind == "paragraph_added":
        added = lxml.html.Element("p")
        added.text, added.tail = _NEW_PARAGRAPH, paragraph.tail
        paragraph.addnext(added)
        return kind, "", _NEW_PARAGRAPH, _NEW_PARAGRAPH
    previous = paragraph.getprevious()
    paragraph.getparent().remove(paragraph)
    paragraph.tail = previous.tail
    previous.addprevious(paragraph)
    return kind, text, previous.text_content(), text  # swapping the two moves either, the other staying


_CONTENT_TAGS = frozenset({"p", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "figure", "table", "pre"})
_TEMPLATE_DROPPED_TAGS = frozenset({"aside", "nav", "footer", "form", "button", "script", "style", "noscript",
                                    "iframe", "svg", "select", "template"})
_TEMPLATE_DROPPED_WORDS = frozenset({"share", "sharing", "social", "related", "newsletter", "promo", "ad", "ads",
                                     "advertisement", "subscribe", "comments", "outbrain", "taboola"})
_CLASS_WORD_RE = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
_KEPT_ATTRIBUTES = frozenset({"href", "src", "alt", "colspan", "rowspan", "class"})
"""What a block's markup keeps in another template: links, images, table spans, and the article body's own
classes inside the block (a CMS carries its body's markup, its caption and credit spans, into its print view
and its syndication feed); the block element's own class, ids, styles and data go."""
_HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_STANDFIRST_CLASSES = frozenset({"standfirst", "dek", "deck", "subtitle", "subheadline", "summary", "excerpt",
                                 "intro", "description"})
_OTHER_SITES = (("The Daily Courier", "dailycourier.example"), ("Valley Herald", "valleyherald.example"),
                ("News Nation Wire", "newsnationwire.example"), ("The Morning Ledger", "morningledger.example"))
_SECTIONS = ("News", "Local", "Politics", "Business", "Sports", "Opinion", "Weather", "Obituaries")
_PRINT_CLASSES = ("print-view", "printable", "article-print", "pf-content")
_SYNDICATED_CLASSES = {  # the syndicating site's names for its boxes: some say what the box is, some do not
    "sidebar": ("sidebar", "rail", "col-right", "most-read", "module-popular"),
    "newsletter": ("newsletter-signup", "inline-module", "nl-box", "subscribe-box"),
    "paragraph": ("story-text__para", "body-copy", "text-block", "par"),
    "article": ("story-body", "content-main", "entry-content", "article__body"),
}


def _class_words(element: lxml.html.HtmlElement) -> set[str]:
    return {w.lower() for w in _CLASS_WORD_RE.findall(f"{element.get('class') or ''} {element.get('id') or ''}")}


def _hidden(element: lxml.html.HtmlElement) -> bool:
    """True for an element the reader does not see (``hidden``, ``aria-hidden``, ``display: none``)."""
    return (element.get("hidden") is not None or element.get("aria-hidden") == "true"
            or bool(_HIDDEN_STYLE_RE.search(element.get("style") or "")))


def _outside_template(element: lxml.html.HtmlElement, within: lxml.html.HtmlElement | None = None) -> bool:
    """True for an element no other template would carry: navigation, forms, share bars, ads, related
    boxes, comments — by its tag or its class, or an ancestor's up to ``within`` (else up to ``<body>``,
    whose classes name the page's layout: ``has-sidebar``)."""
    for node in (element, *element.iterancestors()):
        if node is within or node.tag in ("body", "html"):
            return node is not within and node.tag in _TEMPLATE_DROPPED_TAGS
        if node.tag in _TEMPLATE_DROPPED_TAGS or not _class_words(node).isdisjoint(_TEMPLATE_DROPPED_WORDS) or _hidden(
                node):
            return True
    return False


_INLINE_TAGS = frozenset({"a", "abbr", "b", "br", "cite", "em", "i", "q", "small", "span", "strong", "sub", "sup",
                          "time", "u"})


def _text_div(element: lxml.html.HtmlElement) -> bool:
    """A ``<div>`` holding only text and inline markup: a paragraph written as a div."""
    return element.tag == "div" and all(isinstance(child.tag, str) and child.tag in _INLINE_TAGS
                                        for child in element) and bool(_flat(element.text_content()))


def _holds_blocks(element: lxml.html.HtmlElement) -> bool:
    """True for an element with blocks inside (a ``<span>`` around the paragraphs, as some pages have)."""
    return any(isinstance(e.tag, str) and (e.tag in _CONTENT_TAGS or e.tag == "div") for e in element.iterdescendants())


def _runs(element: lxml.html.HtmlElement) -> list[tuple[lxml.html.HtmlElement | None, list[str | lxml.html.HtmlElement]]]:
    """The runs of text written straight into ``element`` between line breaks (``<br><br>``) and blocks, as
    pages without paragraph markup write an article: each run with the child it follows (None: the start)
    and its pieces (text and inline elements)."""
    runs: list[tuple[lxml.html.HtmlElement | None, list[str | lxml.html.HtmlElement]]] = []
    after: lxml.html.HtmlElement | None = None
    pieces: list[str | lxml.html.HtmlElement] = [element.text or ""]
    breaks = 0
    for child in element:
        inline = isinstance(child.tag, str) and child.tag in _INLINE_TAGS and child.tag != "br" and not _holds_blocks(child)
        if inline:
            pieces.append(child)
            breaks = 0
        elif child.tag == "br" and breaks == 0:
            breaks, pieces = 1, [*pieces, " "]
            pieces.append(child.tail or "")
            continue
        if not inline:
            runs.append((after, pieces))
            after, pieces, breaks = child, [], 0
        pieces.append(child.tail or "")
    runs.append((after, pieces))
    return [(a, p) for a, p in runs if _flat("".join(x if isinstance(x, str) else x.text_content() for x in p))]


def _run_paragraph(pieces: list[str | lxml.html.HtmlElement]) -> lxml.html.HtmlElement:
    paragraph = lxml.html.Element("p")
    for piece in pieces:
        if isinstance(piece, str):
            if len(paragraph):
                paragraph[-1].tail = (paragraph[-1].tail or "") + piece
            else:
                paragraph.text = (paragraph.text or "") + piece
        else:
            inline = copy.deepcopy(piece)
            inline.tail = None
            paragraph.append(inline)
    paragraph.text = (paragraph.text or "").lstrip()
    return paragraph


def article_blocks(container: lxml.html.HtmlElement, skipped: set[lxml.html.HtmlElement]
                   ) -> list[lxml.html.HtmlElement]:
    """The article's own blocks in ``container`` as a reader sees them, outermost first: paragraphs (``<p>``,
    a div of text, or text written between line breaks), subheads, quotations, lists, figures, tables and
    images with an alt text outside them (in a figure of their own) —
    not headlines (``<h1>``), not the ``skipped`` elements (front matter shown apart), not what
    :func:`_outside_template` leaves out."""
    order = {element: number for number, element in enumerate(container.iter())}
    placed: list[tuple[float, lxml.html.HtmlElement]] = []
    taken: set[lxml.html.HtmlElement] = set()
    for element in container.iter():
        if not isinstance(element.tag, str) or element in skipped:
            continue
        if any(a in taken or a in skipped for a in element.iterancestors()) or _outside_template(element, container):
            continue
        if element.tag == "img" and len((element.get("alt") or "").split()) >= 2:  # an image outside a figure
            figure = lxml.html.Element("figure")
            figure.append(copy.deepcopy(element))
            placed.append((order[element], figure))
        elif element.tag in _CONTENT_TAGS or _text_div(element):
            if element.tag != "figure" and not _flat(element.text_content()):
                continue
            if element.tag == "figure" and element.find(".//img") is None and not _flat(element.text_content()):
                continue
            placed.append((order[element], element))
            taken.add(element)
        elif element.tag not in ("h1", "script", "style") and (element.tag not in _INLINE_TAGS or _holds_blocks(element)):
            for after, pieces in _runs(element):  # after the element's start, or after the child it follows
                last = order[element] if after is None else max(order.get(e, 0) for e in after.iter())
                placed.append((last + 0.5, _run_paragraph(pieces)))
    return [element for _, element in sorted(placed, key=lambda item: item[0])]


def _first_front(root: lxml.html.HtmlElement, test: Callable[[lxml.html.HtmlElement], bool], low: int, high: int,
                 before: lxml.html.HtmlElement | None = None) -> lxml.html.HtmlElement | None:
    """The first element passing ``test`` whose text has ``low`` to ``high`` words, outside furniture (and
    before the element ``before`` in the page, when given)."""
    body = root.find("body")
    for element in (body if body is not None else root).iter():
        if element is before:
            return None
        if not isinstance(element.tag, str) or not test(element) or _outside_template(element):
            continue
        if low <= len(_flat(element.text_content()).split()) <= high:
            return element
    return None


def _front_matter(root: lxml.html.HtmlElement, container: lxml.html.HtmlElement
                  ) -> tuple[list[lxml.html.HtmlElement], list[lxml.html.HtmlElement]]:
    """The page's byline and date (each ``[]`` or one element) and its standfirst (before the article)."""
    byline = _first_front(root, lambda e: e.get("rel") == "author" or (e.get("itemprop") or "") == "author"
                          or not _class_words(e).isdisjoint({"byline", "author", "authors", "writer"}), 2, 16)
    dated = _first_front(root, lambda e: e.tag == "time", 2, 10)
    standfirst = _first_front(root, lambda e: e.tag in ("p", "div", "h2", "span")
                              and not _class_words(e).isdisjoint(_STANDFIRST_CLASSES), 5, 80, container)
    front = [e for e in (byline, dated) if e is not None]
    front = [e for e in front if not any(a in front for a in e.iterancestors())]
    return front, [standfirst] if standfirst is not None else []


def _metadata(original: lxml.html.HtmlElement, same_site: bool) -> list[lxml.html.HtmlElement]:
    """The page's metadata about the article — ``<meta>`` authors and dates, JSON-LD — which a print view of
    the same site or a syndication feed carries along with the text; a print view keeps the site's og:title
    and og:site_name too (another site writes its own)."""
    titles = " or @property='og:title' or @property='og:site_name'" if same_site else ""
    return [copy.deepcopy(element) for element in original.xpath(
        "//meta[contains(@name, 'author') or contains(@property, 'author') or contains(@property, 'time') "
        f"or @name='date'{titles}] | //script[contains(@type, 'ld+json')]")]


def _clean_copy(element: lxml.html.HtmlElement, base: str) -> lxml.html.HtmlElement:
    """A copy of ``element`` as another template prints it: its own class, ids and styles gone, links
    absolute, scripts, hidden elements and furniture inside it dropped, inline markup (links, emphasis) and
    the classes inside it kept."""
    copied = copy.deepcopy(element)
    for inner in list(copied.iter()):
        if inner is not copied and isinstance(inner.tag, str) and inner.getparent() is not None and (
                inner.tag in _TEMPLATE_DROPPED_TAGS or not _class_words(inner).isdisjoint(_TEMPLATE_DROPPED_WORDS)
                or _hidden(inner)):
            inner.drop_tree()
    for inner in copied.iter():
        if not isinstance(inner.tag, str):
            continue
        for name in [n for n in inner.attrib if n not in _KEPT_ATTRIBUTES or (inner is copied and n == "class")]:
            del inner.attrib[name]
        for name in ("href", "src"):
            value = inner.get(name)
            if value and not value.startswith(("#", "javascript:", "mailto:", "data:")):
                inner.set(name, urljoin(base, value.strip()))
    copied.tail = "\n"
    return copied


def _element(tag: str, text: str, css: str | None = None) -> lxml.html.HtmlElement:
    element = lxml.html.Element(tag)
    element.text = text
    if css:
        element.set("class", css)
    element.tail = "\n"
    return element


def _front_line(element: lxml.html.HtmlElement, rng: random.Random) -> lxml.html.HtmlElement:
    """The byline or the date, as another template marks it (``<time>`` for a date, a byline class)."""
    text = _flat(element.text_content())
    if element.tag == "time":
        line = _element("time", text)
        if element.get("datetime"):
            line.set("datetime", element.get("datetime"))
        return line
    return _element(rng.choice(["p", "div", "span"]), text, rng.choice(["byline", "author", "story-byline"]))


def _new_page(title: str) -> tuple[lxml.html.HtmlElement, lxml.html.HtmlElement]:
    """An empty page titled ``title``: its root and its ``<body>``."""
    root = lxml.html.document_fromstring(
        "<html><head><meta charset='utf-8'><title></title></head><body></body></html>")
    root.find(".//title").text = title
    return root, root.find("body")


def _print_view(headline: str, front: list[lxml.html.HtmlElement], standfirst: list[lxml.html.HtmlElement],
                body: list[lxml.html.HtmlElement], url: str, rng: random.Random) -> lxml.html.HtmlElement:
    """The article as a print view prints it: the site's name, the headline in an ``<h1>`` or ``<h2>``, the
    byline and date, the standfirst, the body — no navigation, no boxes — and maybe where it was printed
    from."""
    site = _site(url)
    root, page = _new_page(f"{headline} | {site}" if rng.random() < 0.5 else headline)
    holder = page
    if rng.random() < 0.5:
        holder = etree.SubElement(page, "div")
        holder.set("class", rng.choice(_PRINT_CLASSES))
    if rng.random() < 0.5:
        holder.append(_element("div", site, "print-logo"))
    holder.append(_element(rng.choice(["h1", "h2"]), headline))
    for element in front:
        holder.append(_front_line(element, rng))
    for element in [*standfirst, *body]:
        holder.append(_clean_copy(element, url))
    if rng.random() < 0.7:
        holder.append(_element("hr", ""))
        if rng.random() < 0.5:
            holder.append(_element("p", f"Printed from {site}"))
            holder.append(_element("p", url))
        else:
            holder.append(_element("p", f"Printed from {site}: {url}", "print-url"))
    return root


def credit_line(source: str, rng: random.Random) -> str:
    """A syndicating site's credit to the article's source."""
    return rng.choice([f"This story originally appeared on {source}.", f"This article was originally published by "
                       f"{source}.", f"Republished with permission from {source}.", "Reuters",
                       f"Originally published at {source}."])


def _syndicated(headline: str, front: list[lxml.html.HtmlElement], standfirst: list[lxml.html.HtmlElement],
                body: list[lxml.html.HtmlElement], url: str, rng: random.Random) -> lxml.html.HtmlElement:
    """The article as another site republishes it: that site's header and navigation, its "Most read"
    sidebar, a credit to the source, a newsletter box among the paragraphs (sometimes), its footer; the
    body's paragraphs as ``<div>`` elements half the time, every class name the other site's own."""
    name, host = rng.choice(_OTHER_SITES)
    other = f"https://www.{host}"
    root, page = _new_page(f"{headline} | {name}")
    for field, value in (("og:title", headline), ("og:site_name", name)):
        meta = etree.SubElement(root.find("head"), "meta")
        meta.set("property", field)
        meta.set("content", value)
    sections = "".join(f'<li><a href="{other}/{s.lower()}/">{s}</a></li>' for s in rng.sample(_SECTIONS, 5))
    marked = rng.random() < 0.5  # the header and footer in <header>/<nav>/<footer>, or in divs
    page.append(_fragment(f'<{"header" if marked else "div"} class="site-header"><a href="{other}/">{name}</a>'
                          f'<{"nav" if marked else "div"} class="menu"><ul>{sections}</ul>'
                          f'</{"nav" if marked else "div"}></{"header" if marked else "div"}>'))
    article = etree.SubElement(etree.SubElement(page, "main"), rng.choice(["article", "div"]))
    article.set("class", rng.choice(_SYNDICATED_CLASSES["article"]))
    article.append(_element("h1", headline))
    for element in front:
        article.append(_front_line(element, rng))
    credit = _element("p", credit_line(_site(url), rng), rng.choice(["credit", "source", "syndication-note"]))
    if rng.random() < 0.5:
        article.append(credit)
    as_divs = rng.random() < 0.5
    paragraph_class = rng.choice(_SYNDICATED_CLASSES["paragraph"])
    copies = [_clean_copy(element, url) for element in [*standfirst, *body]]
    for copied in copies:
        if as_divs and copied.tag == "p":
            copied.tag = "div"
            copied.set("class", paragraph_class)
        article.append(copied)
    if credit.getparent() is None:
        article.append(credit)
    if rng.random() < 0.6 and len(copies) >= 3:
        box = _fragment(f'<div class="{rng.choice(_SYNDICATED_CLASSES["newsletter"])}"><h4>Get the morning '
                        f'briefing</h4><p>Sign up for {name} newsletters to get the top stories in your inbox.</p>'
                        f'<a href="{other}/newsletters/">Sign up</a></div>')
        copies[rng.randint(1, len(copies) - 1)].addprevious(box)
    items = "".join(f'<li><a href="{other}/news/{re.sub(r"[^a-z]+", "-", t.lower())}/">{t}</a></li>'
                    for t in rng.sample(_TEASERS, 5))
    side = "aside" if marked else "div"
    page.append(_fragment(f'<{side} class="{rng.choice(_SYNDICATED_CLASSES["sidebar"])}"><h3>Most read</h3>'
                          f'<ol>{items}</ol></{side}>'))
    foot = "footer" if marked else "div"
    page.append(_fragment(f'<{foot} class="site-footer"><p>© 2016 {name}. All rights reserved.</p>'
                          f'<a href="{other}/privacy/">Privacy</a> <a href="{other}/terms/">Terms</a></{foot}>'))
    return root


def _shown_headline(root: lxml.html.HtmlElement, found: str) -> str:
    """The headline the page shows: ``found`` (:func:`headline_of`) when an ``<h1>`` says it, else the first
    ``<h1>`` outside furniture whose words are mostly in a metadata title, however short ("About bugs" under
    the title "About bugs – Vortex Cannon Entertainment"), else ``found``."""
    headings = [h for h in root.iter("h1") if not _outside_template(h)]
    if any(_flat(h.text_content()) == found for h in headings):
        return found
    titles = [_words(t) for t in [*root.xpath("//meta[@property='og:title']/@content"), root.findtext(".//title") or ""]]
    for heading in headings:
        words = _words(heading.text_content())
        if words and any(len(words & t) * 2 >= len(words) for t in titles):
            return _flat(heading.text_content())
    return found


def template_copy(original: lxml.html.HtmlElement, url: str, rng: random.Random, article_text: str | None = None,
                  ) -> tuple[str, lxml.html.HtmlElement]:
    """The article of the page ``original`` re-rendered in another template, its text unchanged: a print
    view or a syndicated copy on another site (drawn from ``rng``). The article is the element
    :func:`article_container` finds, or the one holding ``article_text`` when it is known
    (:func:`container_of_text`). Returns ``(which, the new page)``."""
    root = copy.deepcopy(original)
    container = container_of_text(root, article_text) if article_text else article_container(root)
    headline = _shown_headline(root, headline_of(root, url))
    front, standfirst = _front_matter(root, container)
    skipped = {*front, *standfirst}
    skipped |= {h for h in container.iter("h1", "h2", "h3") if _flat(h.text_content()) == headline}
    body = article_blocks(container, skipped)
    which = rng.choice([PRINT_VIEW, SYNDICATED])
    render = _print_view if which == PRINT_VIEW else _syndicated
    page = render(headline, front, standfirst, body, url, rng)
    page.find("head").extend(_metadata(original, which == PRINT_VIEW))
    return which, page


def _render(root: lxml.html.HtmlElement) -> str:
    return lxml.html.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>")


def capture_pair(html: str, url: str, page_id: str, kind: str, seed: int = 0,
                 furniture: tuple[str, ...] | None = None, headline_in_title: bool | None = None,
                 article_text: str | None = None) -> CapturePair | None:
    """Two archive captures of the page ``html`` (originally at ``url``), differing as ``kind`` says plus the
    ``furniture`` kinds (a random choice of :data:`FURNITURE_KINDS` by default). A headline edit is made in
    the ``<h1>`` and, if ``headline_in_title`` (by default for half the pages), in the metadata titles that
    hold it (``<title>``, og:title, twitter:title, JSON-LD). For ``TEMPLATE`` the furniture is in the first
    capture only and the second is :func:`template_copy` of the page (live or from an archive, half each),
    whose article is the element holding ``article_text`` when the page's text is known.
    None when the page has nothing to edit for ``kind``."""
    rng = random.Random(f"{page_id}:{kind}:{seed}")
    original = lxml.html.document_fromstring(html)
    for script in original.xpath("//script | //style | //noscript"):  # JSON-LD data stays, code goes
        if script.tag != "script" or not (script.get("src") or "ld+json" in (script.get("type") or "")):
            script.drop_tree()
    if furniture is None:
        furniture = tuple(sorted(rng.sample(FURNITURE_KINDS, rng.randint(2, 4))))
    old_root, new_root = copy.deepcopy(original), copy.deepcopy(original)
    old_container, new_container = article_container(old_root), article_container(new_root)
    pair_fields: dict[str, str | None] = {}
    if kind == HEADLINE_EDIT:
        old_headline = headline_of(original, url)
        new_headline = edit_headline(old_headline, rng)
        with_title = rng.random() < 0.5 if headline_in_title is None else headline_in_title
        _set_headline(old_root, old_container, old_headline, old_headline, with_title)
        in_metadata = _set_headline(new_root, new_container, old_headline, new_headline, with_title)
        pair_fields = {"old_headline": old_headline, "new_headline": new_headline,
                       "edit": "h1 and metadata" if in_metadata else "h1 only"}
    elif kind == TEMPLATE:
        which, new_root = template_copy(original, url, rng, article_text)
        pair_fields = {"edit": which}
    elif kind in (BODY_EDIT, SPLIT_EDIT, PARAGRAPH_EDIT):
        edited = {BODY_EDIT: edit_body, SPLIT_EDIT: split_body, PARAGRAPH_EDIT: edit_paragraphs}[kind](new_container, rng)
        if edited is None:
            return None
        pair_fields = {"edit": edited[0], "old_fragment": edited[1], "new_fragment": edited[2],
                       "new_paragraph": edited[3]}
    for name in furniture:
        if name != "promo" or kind == TEMPLATE:  # a promo box appears in the newer capture only
            _place(name, _furniture(name, url, rng), old_root, old_container, rng)
        if kind != TEMPLATE:  # the other template has furniture of its own
            _place(name, _furniture(name, url, rng), new_root, new_container, rng)
    _rewrite_links(old_root, url, _timestamp(rng), None)
    if kind != TEMPLATE or rng.random() < 0.5:  # a print view or syndicated copy read live or from an archive
        _rewrite_links(new_root, url, _timestamp(rng), rng)
    return CapturePair(page_id, kind, _render(old_root), _render(new_root), furniture, **pair_fields)
