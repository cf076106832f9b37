"""What an edit touched: a link, a date, a number, a quotation, a name, punctuation, a spelling, or wording.

Each function here is pure and works on tokens (:mod:`variorum.text.tokens`) of the old and new side of
one word-level edit, plus the block text around it for quotations and their speakers. Given the edit's
:class:`EditSite`, values are compared as values (:mod:`variorum.text.values`): the same number, amount or
date written another way is cosmetic, another value a major ``number`` or ``date`` change; and a capital
that only starts a sentence does not make a word a name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl

from variorum.compare.model import COSMETIC, MAJOR, MINOR, ChangeDetail, Kind, LinkPart, QuoteDetail, Significance
from variorum.text.spelling import is_spelling_variant
from variorum.text.tokens import NUMBER, PUNCT, URL, Token, TokenRun
from variorum.text.urls import canonical_url, link_key, split_capture, split_url
from variorum.text.values import (
    DIFFERENT,
    SAME,
    Date,
    Phrase,
    Value,
    compare_values,
    is_date_word,
    is_number_word,
    might_be_value,
    read_values,
)

_NEGATIONS = frozenset(["not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "without", "n't", "cannot"])

_NAME = r"[A-Z][\w'’\-]+(?:\s+(?:(?:de|da|del|van|von|bin|al|la|le|di)\s+)?[A-Z][\w'’\-]+){0,3}"
_SPEECH = r"(?:said|says|told|added|adds|wrote|writes|stated|declared|explained|noted|warned|argued|insisted|asked|replied|recalled)"
_NAME_BEFORE_VERB_RE = re.compile(rf"(?P<name>{_NAME}),?\s+{_SPEECH}\b")
_SPEECH_RE = re.compile(_SPEECH)
_PLURAL_RE = re.compile(r"[^s'’]s$")
_VERB_BEFORE_NAME_RE = re.compile(rf"\b(?:{_SPEECH}|according to)\s+(?:[a-z][\w'’\-]*,?\s+){{0,3}}?(?P<name>{_NAME})")
_NOT_NAMES = frozenset(["He", "She", "They", "It", "We", "I", "You", "The", "This", "That", "A", "An", "But", "And", "Officials", "Police"])
_SENTENCE_END_KEYS = frozenset({".", "!", "?", "..."})
_OPENING_KEYS = frozenset({'"', "'", "(", "[", "-"})
_TITLES = frozenset(["mr", "mrs", "ms", "dr", "st", "prof", "gen", "sen", "rep", "gov", "lt", "col", "sgt", "capt",
                     "jr", "sr", "rev"])
_VALUE_WINDOW = 8  # at most this many tokens read on each side of an edit to find the whole value it touches
# Tokens that join the words of one value: "March 3, 2024", "the 3rd of March", "12 per cent".
_VALUE_JOINERS = frozenset({",", ".", "-", "/", "of", "the", "a", "and", "per", "percentage", "point", "points"})


@dataclass(frozen=True, slots=True)
class EditSite:
    """Where a word-level edit sits, for what its own tokens cannot tell: the whole value an edit touches
    part of ("3" → "4" inside "3 March" is a date), and whether a capital starts a sentence or a name.

    ``old_tokens``/``new_tokens`` are the tokens of the sentences the edit lies in (the first token starts a
    sentence); the edit turns ``old_tokens[edit[0]:edit[1]]`` into ``new_tokens[edit[2]:edit[3]]``.
    ``old_block``/``new_block`` are the texts of the paragraphs around it.
    """

    old_tokens: Sequence[Token]
    new_tokens: Sequence[Token]
    edit: tuple[int, int, int, int]
    old_block: str = ""
    new_block: str = ""


@dataclass(frozen=True, slots=True)
class Classification:
    """The kind and significance of one edit, and kind-specific detail."""

    kind: Kind
    significance: Significance
    detail: ChangeDetail


def is_number_token(token: Token) -> bool:
    """True for tokens with digits and for number words such as ``seven`` or ``million``."""
    return token.kind == NUMBER or any(ch.isdigit() for ch in token.key) or is_number_word(token.key)


_QUOTE_MARK_RE = re.compile('["“”„‟″«»]')
_CORNER_QUOTE_RE = re.compile("「[^」]*」?")  # a quotation in 「」, 『』 quoted inside it


def quote_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Character spans of the double-quoted passages in ``text[start:end]``, quote marks included.

    A quotation left open at the end of the block runs to its end (the newspaper style for
    multi-paragraph quotations).

    >>> quote_spans('He said "yes" and “no”.', 0, 23)
    [(8, 13), (18, 22)]
    """
    marks = [match.start() for match in _QUOTE_MARK_RE.finditer(text, start, end)]
    spans = [(marks[k], marks[k + 1] + 1) for k in range(0, len(marks) - 1, 2)]
    if len(marks) % 2:
        spans.append((marks[-1], end))
    if "「" in text[start:end]:  # Japanese quotation brackets open and close: each pair is one quotation
        spans = sorted(spans + [match.span() for match in _CORNER_QUOTE_RE.finditer(text, start, end)])
    return spans


def quote_touching(spans: Sequence[tuple[int, int]], start: int, end: int) -> tuple[int, int] | None:
    """The quoted passage that the edit ``[start, end)`` lies in or directly borders, if any."""
    for quote_start, quote_end in spans:
        if start == end:
            if quote_start < start < quote_end:
                return quote_start, quote_end
        elif (quote_start <= start and end <= quote_end) or end == quote_start or start == quote_end:
            return quote_start, quote_end
    return None


def find_speaker(text: str, quote_start: int, quote_end: int, start: int = 0, end: int | None = None) -> str | None:
    """The person a quotation at ``text[quote_start:quote_end]`` is attributed to, within ``text[start:end]``.

    >>> s = '"We are ready," Putin’s spokesman, Dmitry Peskov, told reporters.'
    >>> find_speaker(s, 0, 14)
    'Dmitry Peskov'
    """
    end = len(text) if end is None else end
    window = text[start:end]
    best: tuple[int, int, str] | None = None
    for pattern in (_NAME_BEFORE_VERB_RE, _VERB_BEFORE_NAME_RE):
        for match in pattern.finditer(window):
            name = " ".join(match.group("name").split())
            if name.split()[0] in _NOT_NAMES:
                continue
            name_start, name_end = start + match.start("name"), start + match.end("name")
            if quote_start <= name_start < quote_end:
                continue
            distance = quote_start - name_end if name_end <= quote_start else name_start - quote_end
            candidate = (max(distance, 0), 0 if name_end <= quote_start else 1, name)
            if best is None or candidate < best:
                best = candidate
    return best[2] if best else None


def _edit_distance(left: str, right: str) -> int:
    """Damerau–Levenshtein distance (optimal string alignment), for short words."""
    previous2: list[int] = []
    previous = list(range(len(right) + 1))
    for i, lc in enumerate(left, 1):
        current = [i] + [0] * len(right)
        for j, rc in enumerate(right, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (lc != rc))
            if i > 1 and j > 1 and lc == right[j - 2] and left[i - 2] == rc:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def _url_parts(old_url: str, new_url: str) -> list[LinkPart]:
    """Which parts of two URLs differ: scheme, host, path segments (dates recognised), query, fragment."""
    old, new = split_url(old_url), split_url(new_url)
    parts: list[LinkPart] = []
    if old.scheme != new.scheme:
        parts.append({"part": "scheme", "old": old.scheme, "new": new.scheme})
    if old.netloc.lower() != new.netloc.lower():
        parts.append({"part": "host", "old": old.netloc, "new": new.netloc})
    old_segments, new_segments = old.path.split("/"), new.path.split("/")
    if old_segments != new_segments:
        prefix = 0
        while prefix < min(len(old_segments), len(new_segments)) and old_segments[prefix] == new_segments[prefix]:
            prefix += 1
        suffix = 0
        while (suffix < min(len(old_segments), len(new_segments)) - prefix
               and old_segments[-1 - suffix] == new_segments[-1 - suffix]):
            suffix += 1
        while prefix > 0 and old_segments[prefix - 1].isdigit():  # widen to the whole date, e.g. 2024/01/02
            prefix -= 1
        while suffix > 0 and old_segments[-suffix].isdigit():
            suffix -= 1
        old_part = "/".join(old_segments[prefix:len(old_segments) - suffix])
        new_part = "/".join(new_segments[prefix:len(new_segments) - suffix])
        is_date = all(re.fullmatch(r"\d{1,4}(?:/\d{1,2}){0,2}", p or "x") for p in (old_part, new_part))
        parts.append({"part": "date" if is_date else "path", "old": old_part, "new": new_part})
    if old.query != new.query:
        old_query, new_query = dict(parse_qsl(old.query)), dict(parse_qsl(new.query))
        changed = sorted(k for k in old_query.keys() | new_query.keys() if old_query.get(k) != new_query.get(k))
        parts.append({"part": "query", "old": old.query, "new": new.query, "parameters": changed})
    if old.fragment != new.fragment:
        parts.append({"part": "fragment", "old": old.fragment, "new": new.fragment})
    return parts


def url_difference(old_url: str, new_url: str) -> ChangeDetail:
    """Which parts of a link's target changed, the links compared as links (:mod:`variorum.text.urls`):
    a web-archive capture by the page it copies, ``http``/``https``, default ports, tracking parameters and
    a trailing slash folded. ``same_link`` says whether they are one link; if so, ``changed`` lists the
    forms that differ (``archive`` for another capture, ``scheme``, ``host`` for a port, ``query``, …);
    if not, the parts of the canonical targets that differ. ``old_url``/``new_url`` stay as written.

    >>> detail = url_difference("http://web.archive.org/web/20161120034910/http://example.com:80/a",
    ...                         "http://web.archive.org/web/20161121042330/https://example.com/a")
    >>> detail["same_link"], [part["part"] for part in detail["changed"]]
    (True, ['archive', 'scheme', 'host'])
    """
    (old_archive, old_original), (new_archive, new_original) = split_capture(old_url), split_capture(new_url)
    same = link_key(old_url) == link_key(new_url)
    parts: list[LinkPart] = []
    if old_archive != new_archive:
        parts.append({"part": "archive", "old": old_archive, "new": new_archive})
    if same:
        parts.extend(_url_parts(old_original, new_original))
    else:
        parts.extend(_url_parts(canonical_url(old_original), canonical_url(new_original)))
    return {"old_url": old_url, "new_url": new_url, "same_link": same, "changed": parts}


def _link_significance(detail: ChangeDetail) -> Significance:
    if not detail.get("old_url") or not detail.get("new_url"):
        return MAJOR
    if detail.get("same_link"):
        return COSMETIC
    parts = {p["part"] for p in detail.get("changed", [])}
    if "host" in parts:
        return MAJOR
    if parts <= {"archive", "scheme", "fragment"}:
        return COSMETIC
    return MINOR


def classify_link(old_url: str | None, new_url: str | None) -> Classification:
    """A link whose target changed (or appeared, or disappeared); the same link in another form (another
    archive capture, port, scheme, tracking parameters) is a cosmetic change."""
    if old_url and new_url:
        detail = url_difference(old_url, new_url)
    else:
        detail = ChangeDetail(old_url=old_url, new_url=new_url, changed=[])
    return Classification("link", _link_significance(detail), detail)


def _value_phrases(tokens: Sequence[Token], start: int, stop: int) -> tuple[list[Phrase], list[int]] | None:
    """The value phrases that ``tokens[start:stop]`` is part of (an empty range: those it touches), read
    whole from the run of value words around it, and which tokens of the range lie outside them (offsets
    from ``start``); None when there are none."""
    keys = tokens.keys if isinstance(tokens, TokenRun) else [t.key for t in tokens]

    def joins(k: int) -> bool:
        return keys[k].lower() in _VALUE_JOINERS or might_be_value(keys[k])

    low, high = start, stop
    while low > 0 and start - low < _VALUE_WINDOW and joins(low - 1):
        low -= 1
    while high < len(keys) and high - stop < _VALUE_WINDOW and joins(high):
        high += 1
    found = []
    for phrase in read_values(keys[low:high]):
        first, last = phrase.start + low, phrase.end + low
        if (first < stop and last > start) if start < stop else (first <= start <= last):
            found.append(Phrase(first, last, phrase.value))
    if not found:
        return None
    outside = [k - start for k in range(start, stop) if not any(p.start <= k < p.end for p in found)]
    return found, outside


def _is_date(value: Value) -> bool:
    return isinstance(value, Date) and value.fields().keys() != {"year"}


def _value_edit(site: EditSite) -> tuple[Classification, list[int], list[int]] | None:
    """The edit's values compared by value: a ``number`` or ``date`` classification (cosmetic for the same
    values, minor when one side is only more precise, major for other values) and which of the edit's
    tokens lie outside the values on each side; None when the two sides do not hold values to compare,
    one for one."""
    i1, i2, j1, j2 = site.edit
    old = _value_phrases(site.old_tokens, i1, i2)
    new = _value_phrases(site.new_tokens, j1, j2) if old is not None else None
    if old is None or new is None or len(old[0]) != len(new[0]):
        return None
    pairs = [(before.value, after.value) for before, after in zip(old[0], new[0])]
    outcomes = [compare_values(before, after) for before, after in pairs]
    changed = [pair for pair, outcome in zip(pairs, outcomes) if outcome != SAME] or pairs
    kind: Kind = "date" if any(_is_date(v) or _is_date(w) or (isinstance(v, Date) and isinstance(w, Date))
                               for v, w in changed) else "number"
    significance: Significance = MAJOR if DIFFERENT in outcomes else MINOR if set(outcomes) != {SAME} else COSMETIC
    detail = ChangeDetail(old_value="; ".join(str(v) for v, _ in changed), new_value="; ".join(str(w) for _, w in changed))
    return Classification(kind, significance, detail), old[1], new[1]


def _starts_sentence(tokens: Sequence[Token], index: int) -> bool:
    """True when ``tokens[index]`` is the first word of a sentence (``tokens[0]`` starts one)."""
    k = index - 1
    while k >= 0 and tokens[k].key in _OPENING_KEYS:
        k -= 1
    if k < 0:
        return True
    if tokens[k].key not in _SENTENCE_END_KEYS:
        return False
    before = tokens[k - 1].key if k > 0 else ""
    return not (len(before) == 1 and before.isupper()) and before.lower() not in _TITLES


def _named_elsewhere(word: str, block: str) -> bool:
    """True when ``word`` is capitalised inside a sentence somewhere in ``block``, or has a capital inside it
    ("McDonald", "NASA"): it is a name, not a word capitalised because a sentence starts with it."""
    if any(ch.isupper() for ch in word[1:]):
        return True
    for match in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", block):
        before = block[:match.start()].rstrip().rstrip("\"'“‘([—–-").rstrip()
        if before and before[-1] not in ".!?…":
            return True
        title = before[:-1].split()[-1:] if before.endswith(".") else []
        if title and (title[0].lower() in _TITLES or (len(title[0]) == 1 and title[0].isupper())):
            return True  # "Mr. Chen", "J. Chen"
    return False


def _is_name(old: Sequence[Token], new: Sequence[Token], site: EditSite | None) -> bool:
    """All the edit's words are capitalised, and at least one of them because it is a name: inside a
    sentence, followed by another capitalised word, the singular subject of "said" and the like, or known
    as a name from elsewhere in the paragraph. A word capitalised only because it starts a sentence is not a name."""
    words = [t for t in (*old, *new) if t.kind != PUNCT]
    if not words or not all(t.key[:1].isupper() for t in words):
        return False
    if site is None:
        return True
    i1, i2, j1, j2 = site.edit
    for tokens, start, stop, block in ((site.old_tokens, i1, i2, site.old_block),
                                       (site.new_tokens, j1, j2, site.new_block)):
        for k in range(start, stop):
            token = tokens[k]
            if token.kind == PUNCT or token.key in _NOT_NAMES:
                continue
            if not _starts_sentence(tokens, k):
                return True
            following = tokens[k + 1].key if k + 1 < len(tokens) else ""
            if following[:1].isupper():  # "Ana Lopez"
                return True
            if _SPEECH_RE.fullmatch(following) and not _PLURAL_RE.search(token.key):  # not "Officials said"
                return True
            if _named_elsewhere(token.key, block):
                return True
    return False


def classify_edit(old: Sequence[Token], new: Sequence[Token], quote: QuoteDetail | None,
                  site: EditSite | None = None) -> Classification:
    """Classify one word-level edit from its old and new tokens; ``quote`` describes an enclosing quotation,
    ``site`` where the edit sits (without it, values are read from the edit's tokens alone)."""
    touched = [*old, *new]
    old_urls = [t.key for t in old if t.kind == URL]
    new_urls = [t.key for t in new if t.kind == URL]
    if old_urls or new_urls:
        return classify_link(old_urls[0] if old_urls else None, new_urls[0] if new_urls else None)
    if all(t.kind == PUNCT for t in touched):
        marks = ChangeDetail(old="".join(t.key for t in old), new="".join(t.key for t in new))
        return Classification("punctuation", MINOR, {**marks, **quote} if quote else marks)
    valued = any(might_be_value(t.key) for t in touched)
    if valued:
        found = _value_edit(site or EditSite(old, new, (0, len(old), 0, len(new))))
        if found is not None:
            values, old_outside, new_outside = found
            rest_old, rest_new = [old[k] for k in old_outside], [new[k] for k in new_outside]
            if [t.key for t in rest_old if t.kind != PUNCT] != [t.key for t in rest_new if t.kind != PUNCT]:
                if values.significance == MAJOR:
                    return Classification("quote", MAJOR, {**quote, **values.detail}) if quote else values
                return classify_edit(rest_old, rest_new, quote)  # the values agree: the rest is the change
            if values.significance == COSMETIC or not quote:
                return Classification(values.kind, values.significance, {**values.detail, **(quote or {})})
            return Classification("quote", MAJOR, {**quote, **values.detail})
    old_words = [t for t in old if t.kind != PUNCT]
    new_words = [t for t in new if t.kind != PUNCT]
    if quote:
        return Classification("quote", MAJOR, ChangeDetail(quote=quote["quote"], speaker=quote["speaker"]))
    if valued and any(is_date_word(t.key) for t in touched):
        return Classification("date", MAJOR, {})
    if valued and old_words and new_words and all(is_number_token(t) for t in old_words + new_words):
        return Classification("number", MAJOR, {"old_value": " ".join(t.key for t in old_words),
                                                "new_value": " ".join(t.key for t in new_words)})
    if len(old_words) == 1 and len(new_words) == 1 and len(old) == 1 and len(new) == 1:
        before, after = old_words[0].key, new_words[0].key
        if is_spelling_variant(before, after):
            return Classification("spelling", MINOR, {"case_only": False, "variant": "british_american"})
    words = old_words + new_words
    if _is_name(old, new, site):
        return Classification("name", MAJOR, {})
    if len(old_words) == 1 and len(new_words) == 1 and len(old) == 1 and len(new) == 1:
        before, after = old_words[0].key, new_words[0].key
        if before.lower() == after.lower():
            return Classification("spelling", MINOR, {"case_only": True})
        if (min(len(before), len(after)) >= 4 and abs(len(before) - len(after)) <= 2  # the distance is at least that
                and _edit_distance(before.lower(), after.lower()) <= 2):
            return Classification("spelling", MINOR, {"case_only": False})
    negation = any(t.key.lower() in _NEGATIONS or t.key.lower().endswith("n't") for t in words)
    significance: Significance = MAJOR if negation or max(len(old_words), len(new_words)) >= 3 else MINOR
    return Classification("wording", significance, ChangeDetail(negation=True) if negation else ChangeDetail())
