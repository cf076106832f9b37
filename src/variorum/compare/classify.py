"""What an edit touched: a link, a date, a number, a quotation, a name, punctuation, a typo, or wording.

Each function here is pure and works on tokens (:mod:`variorum.text.tokens`) of the old and new side of
one word-level edit, plus the block text around it for quotations and their speakers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Sequence
from urllib.parse import SplitResult, parse_qsl, urlsplit

from variorum.compare.model import COSMETIC, MAJOR, MINOR
from variorum.text.tokens import NUMBER, PUNCT, URL, Token

_MONTHS = (
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
).split()
_DAYS = "monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow tonight".split()
_DATE_WORDS = frozenset(_MONTHS + _DAYS)
_DATE_NUMBER_RE = re.compile(r"^(?:(?:19|20)\d\d(?:[-/.]\d{1,2}(?:[-/.]\d{1,2})?)?|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})$")
_ORDINAL_DAY_RE = re.compile(r"^\d{1,2}(?:st|nd|rd|th)$")
_NUMBER_WORDS = frozenset(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand "
    "million billion trillion dozen dozens hundreds thousands millions billions half percent".split()
)
_NEGATIONS = frozenset("not no never none nobody nothing neither nor without n't cannot".split())
_TRACKING_PARAMETER_RE = re.compile(r"^(?:utm_\w+|fbclid|gclid|mc_cid|mc_eid|ocid|cmpid|ref|smid|sh)$", re.I)

_NAME = r"[A-Z][\w'’\-]+(?:\s+(?:(?:de|da|del|van|von|bin|al|la|le|di)\s+)?[A-Z][\w'’\-]+){0,3}"
_SPEECH = r"(?:said|says|told|added|adds|wrote|writes|stated|declared|explained|noted|warned|argued|insisted|asked|replied|recalled)"
_NAME_BEFORE_VERB_RE = re.compile(rf"(?P<name>{_NAME}),?\s+{_SPEECH}\b")
_VERB_BEFORE_NAME_RE = re.compile(rf"\b(?:{_SPEECH}|according to)\s+(?:[a-z][\w'’\-]*,?\s+){{0,3}}?(?P<name>{_NAME})")
_NOT_NAMES = frozenset("He She They It We I You The This That A An But And Officials Police".split())


@dataclass(frozen=True, slots=True)
class Classification:
    """The kind and significance of one edit, and kind-specific detail."""

    kind: str
    significance: str
    detail: dict[str, Any]


def is_date_token(key: str) -> bool:
    """True for month and weekday names, ISO or slashed dates, four-digit years and ordinal days."""
    lowered = key.lower().rstrip(".")
    return lowered in _DATE_WORDS or bool(_DATE_NUMBER_RE.match(key)) or bool(_ORDINAL_DAY_RE.match(lowered))


def is_number_token(token: Token) -> bool:
    """True for tokens with digits and for number words such as ``seven`` or ``million``."""
    return token.kind == NUMBER or any(ch.isdigit() for ch in token.key) or token.key.lower() in _NUMBER_WORDS


_QUOTE_MARK_RE = re.compile('["“”„‟″«»]')


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


def _split_url(url: str) -> SplitResult:
    """``url``'s parts; one urlsplit refuses (``http://[::1``, an unclosed IPv6 bracket) is all path."""
    try:
        return urlsplit(url)
    except ValueError:
        return SplitResult("", "", url, "", "")


def url_difference(old_url: str, new_url: str) -> dict[str, Any]:
    """Which parts of a URL changed: scheme, host, path segments (dates recognised), query, fragment."""
    old, new = _split_url(old_url), _split_url(new_url)
    parts: list[dict[str, Any]] = []
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
    return {"old_url": old_url, "new_url": new_url, "changed": parts}


def _link_significance(detail: dict[str, Any]) -> str:
    parts = {p["part"] for p in detail["changed"]}
    if not detail["old_url"] or not detail["new_url"] or "host" in parts:
        return MAJOR
    if parts == {"query"}:
        parameters = detail["changed"][0]["parameters"]
        if all(_TRACKING_PARAMETER_RE.match(p) for p in parameters):
            return COSMETIC
    if parts <= {"scheme", "fragment"}:
        return COSMETIC
    return MINOR


def classify_link(old_url: str | None, new_url: str | None) -> Classification:
    """A link whose target changed (or appeared, or disappeared)."""
    if old_url and new_url:
        detail = url_difference(old_url, new_url)
    else:
        detail = {"old_url": old_url, "new_url": new_url, "changed": []}
    return Classification("link", _link_significance(detail), detail)


def classify_edit(old: Sequence[Token], new: Sequence[Token], quote: dict[str, Any] | None) -> Classification:
    """Classify one word-level edit from its old and new tokens; ``quote`` describes an enclosing quotation."""
    touched = [*old, *new]
    old_urls = [t.key for t in old if t.kind == URL]
    new_urls = [t.key for t in new if t.kind == URL]
    if old_urls or new_urls:
        return classify_link(old_urls[0] if old_urls else None, new_urls[0] if new_urls else None)
    if all(t.kind == PUNCT for t in touched):
        detail = {"old": "".join(t.key for t in old), "new": "".join(t.key for t in new)}
        if quote:
            detail.update(quote)
        return Classification("punctuation", MINOR, detail)
    old_words = [t for t in old if t.kind != PUNCT]
    new_words = [t for t in new if t.kind != PUNCT]
    if quote:
        return Classification("quote", MAJOR, dict(quote))
    if any(is_date_token(t.key) for t in touched):
        return Classification("date", MAJOR, {})
    if old_words and new_words and all(is_number_token(t) for t in old_words + new_words):
        return Classification("number", MAJOR, {"old_value": " ".join(t.key for t in old_words),
                                                "new_value": " ".join(t.key for t in new_words)})
    words = old_words + new_words
    if words and all(t.key[:1].isupper() for t in words):
        return Classification("name", MAJOR, {})
    if len(old_words) == 1 and len(new_words) == 1 and len(old) == 1 and len(new) == 1:
        before, after = old_words[0].key, new_words[0].key
        if before.lower() == after.lower():
            return Classification("spelling", MINOR, {"case_only": True})
        if min(len(before), len(after)) >= 4 and _edit_distance(before.lower(), after.lower()) <= 2:
            return Classification("spelling", MINOR, {"case_only": False})
    negation = any(t.key.lower() in _NEGATIONS or t.key.lower().endswith("n't") for t in words)
    significance = MAJOR if negation or max(len(old_words), len(new_words)) >= 3 else MINOR
    return Classification("wording", significance, {"negation": True} if negation else {})
