"""Plain-text front matter: the headline, standfirst, photo credit, byline and dateline before the body.

Scraped and syndicated plain text keeps these as short lines ahead of the first real paragraph, e.g.::

     Putin's Syria Peace Conference
    Boycotted by Assad Opponents
     Kremlin Press Service

    (Bloomberg) — Russia is hosting a Syria peace summit ...

Here the indented lines start items and the unindented line continues the headline; the credit is
recognised by its wording; ``(Bloomberg) —`` opens the first paragraph and becomes a dateline block.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from variorum.text.segment import ends_sentence
from variorum.text.tokens import unspaced_characters

HEADLINE, STANDFIRST, BYLINE, DATELINE, CAPTION, PARAGRAPH, CORRECTION = (
    "headline", "standfirst", "byline", "dateline", "caption", "paragraph", "correction",
)

_BYLINE_RE = re.compile(r"^(?:By|BY|by|Written by|Reporting by|From)\s+[A-Z\w]")
# Searched in lowercased text: case-insensitive matching made the search over twice as slow.
_CREDIT_RE = re.compile(
    r"(?:\b(?:photo(?:graph)?s?|image|picture|credit|getty|reuters|afp|ap photo|associated press|"
    r"shutterstock|epa|courtesy|press service|pool|file photo|handout|illustration)\b|©)"
)
_AGENCY_DATELINE_RE = re.compile(
    r"^\s*((?:[A-Z][A-Za-z.'\- ]{1,40}?,?\s*)?\([A-Z][\w.&' /-]{1,40}\)\s*[—–-]{1,2})\s*"
)
_CITY_DATELINE_RE = re.compile(r"^\s*([A-Z][A-Z.'\- ]{1,40}[A-Z.](?:,\s*[A-Z][\w.]*(?: [A-Z][\w.]*)*)?\s*[—–]{1,2})\s*")
# Matched from where it is to start (``match``), so without a ``^``: parse_blocks matches it at a block's start.
_CORRECTION_RE = re.compile(
    r"\W{0,3}(?:(?:correction|clarification|update|updated|editor['’]s note)s?\b"
    r"|this (?:article|story|report) (?:has been|was) (?:updated|corrected|amended))",
    re.IGNORECASE,
)
_MAX_FRONT_WORDS = 40
_MAX_FRONT_BLOCKS = 4


class Block(NamedTuple):
    """A typed span of the text: its kind (headline, paragraph, …) and ``[start, end)`` (a named tuple:
    an article has one per paragraph, and one is made in about a quarter of a frozen dataclass's time)."""

    kind: str
    start: int
    end: int


def _words(text: str) -> int:
    return len(text.split())


def _has_credit(text: str) -> bool:
    """True when ``text`` names a photo credit or source (``Photo: Reuters``, ``© AFP``)."""
    return _CREDIT_RE.search(text.lower()) is not None


def is_correction(text: str) -> bool:
    """True for an appended correction, clarification or "Updated:" note."""
    return bool(_CORRECTION_RE.match(text))


def dateline_end(text: str, start: int, end: int) -> int | None:
    """Where a dateline such as ``(Bloomberg) —`` or ``WASHINGTON —`` at ``text[start:]`` ends, if any."""
    window = text[start:min(end, start + 120)]
    if "(" not in window and "—" not in window and "–" not in window:  # each pattern needs one: most text
        return None
    for pattern in (_AGENCY_DATELINE_RE, _CITY_DATELINE_RE):
        match = pattern.match(window)
        if match and match.end() < len(window):
            return start + match.end(1)
    return None


def _is_front_block(text: str) -> bool:
    # At most that many words: splitting no further than one word past the limit tells. A script written
    # without spaces counts a word per two of its characters.
    words = len(text.split(None, _MAX_FRONT_WORDS))
    if words <= _MAX_FRONT_WORDS:
        words += unspaced_characters(text) // 2
    return words <= _MAX_FRONT_WORDS and (
        not ends_sentence(text) or bool(_BYLINE_RE.match(text)) or _has_credit(text)
    )


def _front_items(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split a front-matter block into items: indented lines start items, unindented lines continue them."""
    lines: list[tuple[int, int, bool]] = []  # (start, end, indented)
    position = start
    for raw in text[start:end].split("\n"):
        line_start, line_end = position, position + len(raw)
        position = line_end + 1
        stripped_start = line_start + (len(raw) - len(raw.lstrip()))
        stripped_end = line_start + len(raw.rstrip())
        if stripped_start < stripped_end:
            lines.append((stripped_start, stripped_end, stripped_start > line_start))
    indentation_marks_items = any(indented for _, _, indented in lines)
    items: list[list[int]] = []
    for line_start, line_end, indented in lines:
        line = text[line_start:line_end]
        starts_item = (
            not items
            or _BYLINE_RE.match(line) is not None
            or _has_credit(line)
            or (indented if indentation_marks_items else not line[:1].islower())
        )
        if starts_item:
            items.append([line_start, line_end])
        else:
            items[-1][1] = line_end
    return [(s, e) for s, e in items]


def _item_kind(text: str, has_headline: bool) -> str:
    if _BYLINE_RE.match(text):
        return BYLINE
    if _has_credit(text) and (has_headline or _words(text) <= 8):
        return CAPTION
    if dateline_end(text + " x", 0, len(text) + 2) is not None and _words(text) <= 4:
        return DATELINE
    if not has_headline:
        return HEADLINE
    return STANDFIRST


def parse_blocks(text: str, spans: list[tuple[int, int]]) -> list[Block]:
    """Type the blocks of a plain-text article: front matter first, then paragraphs and corrections."""
    parts: list[Block] = []
    index = 0
    has_headline = False
    while index < min(len(spans), _MAX_FRONT_BLOCKS) and index < len(spans) - 1:
        start, end = spans[index]
        if not _is_front_block(text[start:end]):
            break
        for item_start, item_end in _front_items(text, start, end):
            kind = _item_kind(text[item_start:item_end], has_headline)
            has_headline = has_headline or kind == HEADLINE
            parts.append(Block(kind, item_start, item_end))
        index += 1
    if index < len(spans):
        start, end = spans[index]
        dateline = dateline_end(text, start, end)
        if dateline is not None:
            parts.append(Block(DATELINE, start, dateline))
            body_start = dateline
            while body_start < end and text[body_start].isspace():
                body_start += 1
            parts.append(Block(PARAGRAPH, body_start, end))
            index += 1
    # The pattern reads at most 40 characters (and the one after), matched in the text itself: no copy.
    correction = _CORRECTION_RE.match
    parts += map(Block._make, [(CORRECTION if correction(text, start, end) else PARAGRAPH, start, end)
                               for start, end in spans[index:]])
    return parts
