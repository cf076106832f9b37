"""Page furniture told apart from text by two captures of one page, with no corpus to learn from.

When two captures of an article are compared, the page around the article has often moved on while the
article has not: the related-stories box shows other stories, a video or gallery teaser ("Play Video",
"View Gallery 12 photos") advertises something else, the "Last updated …" stamp has a new time. Extraction
keeps most of this out of the text (markup roles, link density); what is left shows up as a block that one
capture has and the other lacks, or as a stamp that changed. This module says when such a block is
furniture, so that the comparison reports it as a cosmetic change:

- ``links``: the block's text is mostly the anchors of links to other pages (teaser and related lists);
- ``stamp``: the block is only a date and time, maybe after "Last updated", "Published", "Posted", …;
- ``media``: the block is a media widget's label ("View Gallery", "Play Video", "12 photos", "Back to
  gallery", "Image 1 of 5", "1 - 5 of 36") or the notice it leaves where its script does not run ("This
  slideshow requires JavaScript.", "Media playback is unsupported on your device"), as in a print view;
- ``archive``: the web archive's own banner ("The Wayback Machine - http://web.archive.org/web/…");
- ``label``: a word or two that is no sentence ("Related", "Advertisement");
- ``address``: a site's address with a word or two ("nytimes.com", "Printed from nytimes.com: https://…"),
  as print views and syndicated copies print where the article came from;
- ``credit``: a republisher's credit to the source ("This story originally appeared on vox.com.",
  "Republished with permission from …"), or a photo's credit in a paragraph of its own ("Photo: Meg Kinnard,
  AP", a gallery's residue; as a caption it is the credit of a photo in the article, and stays a change).
  Neither is part of the story as its source wrote it, and a copy of a story on another site or in another
  template is the same story: reported, but as cosmetic;
- ``teaser``: a short line that is no sentence, with a link to another page or next to one of the
  above or another teaser ("CBSN Pope steps out to buy his own shoes", "CBSN" linked, under "Play Video";
  "Popular on IndieWire" over it).

A byline carries furniture of its own that templates print differently: "By" or not, capitals, the date
("By Associated Press November 19"), the author's social handle ("Natasha Turak@NatashaTurak"), separators
("By Bill Hoppe | Special to the Pioneer Press"). Two bylines that name the same people once that is taken off
are the same byline (:func:`same_byline`).

Furniture also runs into the article's own paragraphs when a page is extracted as one block: an edit
whose two sides read the same once the anchors of links to other pages and inline stamps are taken out
(``statement.The`` → ``statement.City council delays vote on budgetThe``) is furniture too
(:func:`furniture_edit`).

Each check is pure and looks only at the Article (text, blocks, links); a real paragraph that merely
contains a link or a date is never furniture.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from variorum.article import Article, Block
from variorum.text.frontmatter import BYLINE, CAPTION, CORRECTION, DATELINE, HEADLINE, PARAGRAPH
from variorum.text.segment import ends_sentence
from variorum.text.tokens import unspaced_characters
from variorum.text.urls import link_key, split_capture

LINKS, STAMP, MEDIA, TEASER, ARCHIVE, LABEL, INLINE, ADDRESS, CREDIT = (
    "links", "stamp", "media", "teaser", "archive", "label", "inline", "address", "credit")
ONE_SIDED = frozenset({ADDRESS, CREDIT})
"""Furniture only when one version lacks it: the same address or credit line in both, edited, is compared as
text (another source, another address is a change; a new stamp or other teasers is not)."""

LINK_SHARE = 0.5
"""A block is a link list when at least this share of its non-space characters are link anchors."""
MAX_STAMP_WORDS = 16
"""A stamp is short: "Last Updated Dec 23, 2016 10:56 PM EST" is seven words."""
MAX_BANNER_WORDS = 40
"""An archive's banner is a line or two: the archive's name, the capture's address, its dates."""
MAX_LABEL_WORDS = 2
"""A box's heading or a widget's label ("Related", "Advertisement", "Share this")."""
MAX_LABEL_CJK = 8
"""A label in Chinese or Japanese, written without spaces, is a few characters ("関連記事", "広告")."""
MAX_TEASER_WORDS = 16
"""A teaser line next to other furniture is a headline's length, not a paragraph's."""

_STAMP_LEAD_RE = re.compile(
    r"^\W*(?:(?:last|first|originally)\s+)?(?:updated|modified|published|posted|edited|revised|reviewed)"
    r"(?:\s+(?:on|at))?\b\s*:?",
    re.IGNORECASE,
)
_DATE_WORD_RE = re.compile(
    r"^(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:rs(?:day)?)?|"
    r"fri(?:day)?|sat(?:urday)?|sun(?:day)?|today|yesterday|am|pm|a\.m|p\.m|noon|midnight|at|on|and|by|ago|"
    r"an?|seconds?|mins?|minutes?|hours?|hrs?|days?|weeks?|months?|years?|[a-z]?[ecmp][sd]?t|utc|gmt|bst|cest?|"
    r"\d{1,4}(?:st|nd|rd|th)?|\d{1,2}[:.]\d\d(?:[:.]\d\d)?(?:am|pm)?|\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}(?:t[\d:.+z-]+)?)$",
    re.IGNORECASE,
)
_MEDIA_RE = re.compile(
    r"^\W*(?:(?:view|see|watch|play|open|launch|browse|replay)\s+(?:the\s+|full\s+|all\s+|more\s+)?"
    r"(?:gallery|galleries|video|videos|photos?|slideshow|clip|images?|pictures?|live)\b"
    r"|\d+\s+(?:photos|images|pictures|videos)\b"
    r"|back\s+to\s+(?:the\s+)?(?:gallery|slideshow|photos|video)\W*$"
    r"|(?:(?:image|photo|picture|slide)\s+)?(?:\d+\s*(?:[-–]\s*\d+\s*)?)?(?:of|/)\s*\d+\W*$"
    r"|(?:this|the)\s+(?:slideshow|gallery|video|player|content|embed)\s+requires\s+javascript"
    r"|(?:media\s+)?playback\s+(?:is\s+)?(?:unsupported|not\s+supported)\s+on\s+your\s+device)",
    re.IGNORECASE,
)
_PHOTO_CREDIT_RE = re.compile(
    r"^\W*(?:(?:photo|image|picture|video|graphic|illustration)s?\s*(?:credit\s*)?(?::|by\b)|credit\s*:|©)"
    r"|(?:[,/|(]|\s-)\s*(?:ap|afp|reuters|getty(?:\s+images)?|associated\s+press|epa|shutterstock|"
    r"bloomberg|stf|pa(?:\s+images)?)\s*\)?\W*$",
    re.IGNORECASE,
)
MAX_PHOTO_CREDIT_WORDS = 12
"""A photo credit names a photographer and an agency: "Photo: Damian Dovarganes, AP" is four words."""
_WORD_RE = re.compile(r"[^\s,|•·/()\[\]–—-]+")
_ADDRESS_RE = re.compile(r"(?:https?://|www\.)\S+|\b(?:[a-z0-9-]+\.)+[a-z]{2,6}\b(?:/\S*)?", re.IGNORECASE)
MAX_ADDRESS_WORDS = 3
"""Words beside a site's address in a line naming it: "Printed from", "Source:", "Read it at"."""
_STORY = r"(?:story|article|report|post|piece|column|interview)"
_CREDIT_RE = re.compile(
    rf"^\W*(?:this\s+{_STORY}\s+(?:was\s+|has\s+been\s+|is\s+)?(?:originally\s+|first\s+)?"
    r"(?:appeared|published|posted|ran|written|produced|republished|reprinted)\s+(?:on|in|at|by|with|for)"
    rf"|the\s+{_STORY}\s+(?:was\s+)?(?:originally|first)\s+(?:appeared|published|posted|ran)"
    r"|(?:originally|first)\s+(?:published|appeared|posted)\s+(?:on|in|at|by)"
    r"|(?:republished|reprinted|reproduced)\s+(?:here\s+)?(?:with|by|under)\s+(?:the\s+)?"
    r"(?:permission|kind|arrangement|license|licence))\b",
    re.IGNORECASE,
)
MAX_CREDIT_WORDS = 30
"""A credit line is a sentence naming the source, sometimes with its date and a link: "This article was
originally published on The Conversation. Read the original article." is eleven words."""


def _words(text: str) -> list[str]:
    return [word.rstrip(".:;") for word in _WORD_RE.findall(text)]


def is_stamp(text: str) -> bool:
    """True for a date-and-time stamp, with or without an "Updated"-like lead word.

    >>> is_stamp("Last Updated Dec 23, 2016 10:56 PM EST"), is_stamp("Published 3 hours ago")
    (True, True)
    >>> is_stamp("Updated rules take effect on March 3, officials said.")
    False
    """
    lead = _STAMP_LEAD_RE.match(text)
    rest = text[lead.end():] if lead else text
    words = 0
    for match in _WORD_RE.finditer(rest):  # a paragraph is told from a stamp by its first word or words
        word = match.group().rstrip(".:;")
        if word:
            words += 1
            if words > MAX_STAMP_WORDS or not _DATE_WORD_RE.match(word):
                return False
    return words > 0 and any(ch.isdigit() for ch in rest)


def is_media_label(text: str) -> bool:
    """True for the label of a gallery or video widget.

    >>> is_media_label("View Gallery 12 photos: Storm knocks out power"), is_media_label("Play Video")
    (True, True)
    >>> is_media_label("Video shows the officer firing twice, prosecutors said.")
    False
    """
    return bool(_MEDIA_RE.match(text)) and len(text.split()) <= 24


def is_archive_banner(text: str) -> bool:
    """True for a web archive's banner: a short block that names a capture's address in its text.

    >>> is_archive_banner("The Wayback Machine - http://web.archive.org/web/20161120034910/http://x.org/a 24 captures")
    True
    >>> is_archive_banner("The page was archived in 2016, as the court noted in its ruling on Monday.")
    False
    """
    if "://" not in text or len(text.split(None, MAX_BANNER_WORDS)) > MAX_BANNER_WORDS:
        return False
    return any(split_capture(word.strip("()[]<>\"'.,;"))[0] for word in text.split() if "://" in word)


def is_address_line(text: str) -> bool:
    """True for a line that names a site's address with at most :data:`MAX_ADDRESS_WORDS` other words.

    >>> is_address_line("Printed from nytimes.com: https://www.nytimes.com/2019/11/19/a.html"), is_address_line("cbsnews.com")
    (True, True)
    >>> is_address_line("The full report is at example.gov."), is_address_line("Mr. Smith said no.")
    (False, False)
    """
    rest, found = _ADDRESS_RE.subn(" ", text)
    return found > 0 and len(_words(rest.replace(":", " "))) <= MAX_ADDRESS_WORDS and not any(
        ch.isdigit() for ch in rest)


def _links_another_page(article: Article, text: str) -> bool:
    """True when ``text`` is nothing but a link to a page of another site — a source or a product the
    article points to ("http://amzn.to/2hXWcSP"), part of what it says — rather than a site's address or
    the article's own (a print view prints where it came from). Without the article's address, any link to
    a page is taken as the article's own words."""
    rest, found = _ADDRESS_RE.subn(" ", text)
    if not found or _words(rest.replace(":", " ")):
        return False
    own = urlsplit(split_capture(article.url)[1]).hostname if article.url else None
    for address in _ADDRESS_RE.findall(text):
        _, original = split_capture(address if "://" in address else f"http://{address}")
        parts = urlsplit(original)
        host = (parts.hostname or "").removeprefix("www.")
        if parts.path.strip("/") and (own is None or host != own.removeprefix("www.")):
            return True
    return False


def is_photo_credit(text: str) -> bool:
    """True for a photo's credit standing alone: "Photo: …", "Image by …", "© …", or a name and an agency.

    >>> is_photo_credit("Photo: Damian Dovarganes, AP"), is_photo_credit("Al Goldis, Associated Press")
    (True, True)
    >>> is_photo_credit("The agency said it would publish its report on Friday, Reuters reported.")
    False
    """
    return len(text.split(None, MAX_PHOTO_CREDIT_WORDS)) <= MAX_PHOTO_CREDIT_WORDS and not ends_sentence(
        text.rstrip(")")) and bool(_PHOTO_CREDIT_RE.search(text))


def is_credit_line(text: str) -> bool:
    """True for a republisher's credit to the story's source.

    >>> is_credit_line("This story originally appeared on vox.com."), is_credit_line("Originally published at Wired.")
    (True, True)
    >>> is_credit_line("The story was first told by her grandmother, who lived in the village until 1944.")
    False
    """
    return bool(_CREDIT_RE.match(text)) and len(text.split(None, MAX_CREDIT_WORDS)) <= MAX_CREDIT_WORDS


_HANDLE_RE = re.compile(r"\S*@\S+")  # a social handle or an e-mail address
_GLUED_RE = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[^\W\d])(?=\d)")  # "JamesStaff Writer", "Winter19"
_BY_WORDS = frozenset({"by", "von", "par", "por", "di"})
_CO_AUTHOR_RE = re.compile(r"^\s*(?:(?:and|with|und|et|y|e)\b|[&,;/+])", re.IGNORECASE)
"""What opens another author's name after a byline's names: "and", "&", a comma (which may open a title
instead — "Ann Lee, Staff Writer" — but a byline that adds one stays a change)."""


def _byline_words(text: str) -> list[str]:
    """A byline's words once its furniture is taken off: handles and e-mail addresses, dates and times, the
    leading "By", case; words a template glued together are read apart."""
    rest = _GLUED_RE.sub(" ", _STAMP_LEAD_RE.sub(" ", _HANDLE_RE.sub(" ", text)))
    words = [word.casefold() for word in _words(rest) if word and not _DATE_WORD_RE.match(word)]
    return words[1:] if words and words[0] in _BY_WORDS else words


def same_byline(old: str, new: str) -> bool:
    """True when two bylines name the same people, whatever the templates printed around the names: one
    byline's words open the other's, and what the longer adds is no other author ("By Ann Lee" → "By Ann
    Lee, Staff Writer" is the same byline; "By Ann Lee" → "By Ann Lee and Bob Smith" is not).

    >>> same_byline("Natasha Turak@NatashaTurak", "Natasha Turak"), same_byline("VICTOR TANGERMANN, FUTURISM",
    ...                                                                         "By Victor Tangermann, Futurism")
    (True, True)
    >>> same_byline("By Meg JamesStaff Writer", "By Meg James"), same_byline("Tom Davies", "Tom Davies Published 11:34 PM")
    (True, True)
    >>> same_byline("By Ann Lee and Bob Smith", "By Ann Lee"), same_byline("By Ann Lee", "By Anne Lee")
    (False, False)
    >>> same_byline("Ann Lee", "Ann Lee, Bob Smith")
    False
    """
    old_words, new_words = _byline_words(old), _byline_words(new)
    short, long_text = (old_words, new) if len(old_words) <= len(new_words) else (new_words, old)
    longer = new_words if short is old_words else old_words
    if not short or longer[:len(short)] != short:
        return False
    if len(longer) == len(short):
        return True
    return not _CO_AUTHOR_RE.match(_after_words(long_text, short))


def _after_words(text: str, words: list[str]) -> str:
    """What follows the byline words ``words`` in ``text`` (read as :func:`_byline_words` reads it)."""
    glued = _GLUED_RE.sub(" ", _HANDLE_RE.sub(" ", text))
    position = 0
    for word in words:
        found = glued.casefold().find(word, position)
        if found < 0:
            return ""
        position = found + len(word)
    return glued[position:]


def _is_label(text: str) -> bool:
    """A word or two of plain letters that is no sentence: "Related", "Advertisement", "関連記事" (Chinese and
    Japanese have no spaces between words: at most :data:`MAX_LABEL_CJK` of their characters)."""
    words = text.split(None, MAX_LABEL_WORDS)  # one piece more than the limit when there are more words
    return (len(words) <= MAX_LABEL_WORDS and all(word.strip(":-–—").isalpha() for word in words)
            and unspaced_characters(text) <= MAX_LABEL_CJK)


def link_share(article: Article, block: Block) -> float:
    """The share of a block's non-space characters that are anchors of links to other pages."""
    own = link_key(article.url) if article.url else None
    covered: list[tuple[int, int]] = []
    for link in article.links:
        if link.start < block.start or link.end > block.end or link.start < 0:
            continue
        if not link.href or link.href.startswith("#") or (own is not None and link_key(link.href) == own):
            continue
        covered.append((link.start, link.end))
    if not covered:
        return 0.0
    linked = 0
    position = block.start
    for start, end in sorted(covered):
        start = max(start, position)
        if end > start:
            linked += sum(1 for ch in article.text[start:end] if not ch.isspace())
            position = end
    total = sum(1 for ch in article.text[block.start:block.end] if not ch.isspace())
    return linked / total if total else 0.0


_OWN_KINDS = (HEADLINE, BYLINE, DATELINE, CORRECTION)
_STAMP_REACH = 60  # how far around an edit a stamp containing it may start or end
_INLINE_STAMP_RE = re.compile(
    r"(?:(?:last\s+|first\s+)?(?:updated|published|posted|modified)\s*:?\s*)?"
    r"(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}/\d{1,2}/\d{2,4})"
    r"(?:,?\s*(?:at\s+)?\d{1,2}:\d\d\s*(?:[AaPp]\.?[Mm]\.?)?(?-i:\s*[A-Z]{2,4}(?:\b|(?=[A-Z][a-z])))?)",
    re.IGNORECASE,
)


def _taken_out(article: Article, span: tuple[int, int]) -> tuple[str, bool]:
    """``article.text[span]`` with the anchors of links to other pages and inline stamps blanked out, and
    whether anything was."""
    start, end = span
    own = link_key(article.url) if article.url else None
    text = article.text[start:end]
    pieces: list[str] | None = None
    for link in article.links:
        if link.start < 0 or link.end <= start or link.start >= end or not link.href or link.href.startswith("#"):
            continue
        if own is not None and link_key(link.href) == own:
            continue
        if pieces is None:
            pieces = list(text)
        for position in range(max(link.start, start), min(link.end, end)):
            pieces[position - start] = " "
    if pieces is not None:
        text = "".join(pieces)
    if ":" not in text:  # every inline stamp has a time ("10:56")
        return text, pieces is not None
    stripped = _INLINE_STAMP_RE.sub(" ", text)
    return stripped, pieces is not None or stripped != text


def _letters(text: str) -> str:
    """The letters and digits of ``text``, case folded."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _inside_stamp(article: Article, span: tuple[int, int]) -> bool:
    """True when ``article.text[span]`` lies inside a date-and-time stamp run into the text."""
    start, end = span
    window = max(0, start - _STAMP_REACH)
    if article.text.find(":", window, end + _STAMP_REACH) < 0:  # every inline stamp has a time ("10:56")
        return False
    return any(m.start() <= start and end <= m.end()
               for m in _INLINE_STAMP_RE.finditer(article.text, window, end + _STAMP_REACH))


def _run_in_teaser(article: Article, start: int, end: int) -> bool:
    """True when ``article.text[start:end]`` is a teaser run into the article's text: a headline-length line
    that is no sentence, opened by a link to another page (often only its label is linked: "CBSN" in
    "CBSN City council delays vote on budget"), standing between two sentences."""
    while start < end and article.text[start].isspace():
        start += 1
    text = article.text[start:end].strip()
    if not text or len(text.split()) > MAX_TEASER_WORDS or ends_sentence(text):
        return False
    before = article.text[:start].rstrip()
    if before and not ends_sentence(before) and not article.text[len(before):start].count("\n"):
        return False
    own = link_key(article.url) if article.url else None
    return any(link.start == start and link.end <= end and link.href and not link.href.startswith("#")
               and (own is None or link_key(link.href) != own) for link in article.links)


def _run_in_label(article: Article, start: int, end: int) -> bool:
    """True when ``article.text[start:end]`` is a gallery or video label run into the article's text after a
    sentence ("… by helicopter.View Gallery 12 photos")."""
    text = article.text[start:end].strip()
    before = article.text[:start].rstrip()
    return bool(text) and is_media_label(text) and (not before or ends_sentence(before))


def _inserted(old_text: str, new_text: str) -> tuple[int, int, int, int]:
    """The part of each side that differs once their common beginning and end are taken off:
    ``(old start, old end, new start, new end)`` as offsets into each side."""
    prefix = 0
    limit = min(len(old_text), len(new_text))
    while prefix < limit and old_text[prefix] == new_text[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old_text[-1 - suffix] == new_text[-1 - suffix]:
        suffix += 1
    return prefix, len(old_text) - suffix, prefix, len(new_text) - suffix


def furniture_edit(old: Article, old_span: tuple[int, int], new: Article, new_span: tuple[int, int]) -> str | None:
    """Why a word-level edit is page furniture run into the article's text, or None: ``stamp`` inside a
    date stamp on both sides; ``inline`` when its sides are equal once the anchors of links to other pages
    and stamps are taken out; ``teaser`` when it only adds or removes a run-in teaser line (see
    :func:`_run_in_teaser`); ``media`` when it only adds or removes a gallery or video label after a
    sentence."""
    if _inside_stamp(old, old_span) and _inside_stamp(new, new_span):
        return STAMP
    old_rest, old_removed = _taken_out(old, old_span)
    new_rest, new_removed = _taken_out(new, new_span)
    if (old_removed or new_removed) and _letters(old_rest) == _letters(new_rest):
        return INLINE
    old_start, old_end, new_start, new_end = _inserted(old.text[old_span[0]:old_span[1]],
                                                       new.text[new_span[0]:new_span[1]])
    if old_start == old_end and _run_in_teaser(new, new_span[0] + new_start, new_span[0] + new_end):
        return TEASER
    if new_start == new_end and _run_in_teaser(old, old_span[0] + old_start, old_span[0] + old_end):
        return TEASER
    if old_start == old_end and _run_in_label(new, new_span[0] + new_start, new_span[0] + new_end):
        return MEDIA
    if new_start == new_end and _run_in_label(old, old_span[0] + old_start, old_span[0] + old_end):
        return MEDIA
    return None


def furniture_kind(article: Article, block: Block) -> str | None:
    """Why a block found in one capture only is furniture (``links``, ``stamp``, ``media`` or ``teaser``),
    or None. Headlines and bylines are never furniture."""
    if block.kind in _OWN_KINDS:
        return None
    text = article.block_text(block)
    if is_stamp(text):
        return STAMP
    if is_archive_banner(text):
        return ARCHIVE
    if is_media_label(text):
        return MEDIA
    if is_address_line(text) and not _links_another_page(article, text):
        return ADDRESS
    if is_credit_line(text) or (block.kind == PARAGRAPH and is_photo_credit(text)):  # a caption's credit is its photo's
        return CREDIT
    if (block.kind == PARAGRAPH and _is_label(text)) or (block.kind == CAPTION and len(text.split()) <= MAX_LABEL_WORDS):
        return LABEL
    share = link_share(article, block)
    if share >= LINK_SHARE:
        return LINKS
    if share > 0 and len(text.split()) <= MAX_TEASER_WORDS and not ends_sentence(text):
        return TEASER
    return None


def furniture_kind_at(article: Article, index: int, known: dict[int, str | None]) -> str | None:
    """:func:`furniture_kind` of block ``index``, or ``teaser`` for a short line that is not a sentence next
    to a block of furniture (a box's heading over a teaser: "Popular on IndieWire" over "CBSN …"). Only the block and its neighbours are read (``known`` keeps the
    :func:`furniture_kind` of blocks already read: a comparison asks about the few blocks it pairs)."""
    def kind_of(k: int) -> str | None:
        if k not in known:
            known[k] = furniture_kind(article, article.blocks[k])
        return known[k]

    kind = kind_of(index)
    block = article.blocks[index]
    if kind is not None or block.kind != PARAGRAPH:
        return kind
    neighbours = [kind_of(k) for k in (index - 1, index + 1) if 0 <= k < len(article.blocks)]
    text = article.block_text(block)
    if (any(kind in (LINKS, MEDIA, LABEL, TEASER) for kind in neighbours) and len(text.split()) <= MAX_TEASER_WORDS
            and not ends_sentence(text)):
        return TEASER
    return None
