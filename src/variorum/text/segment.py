"""Blocks and sentences: where paragraphs and sentences begin and end in the original text.

Blocks are separated by blank lines (hard-wrapped lines inside a block are one paragraph). A text without
any blank line whose lines are long is read one paragraph per line, as scraped text usually is.
"""

from __future__ import annotations

import re

_BLANK_LINE_RE = re.compile(r"(\n[^\S\n]*(?:\r?\n[^\S\n]*)+|\r\n[^\S\r\n]*(?:\r\n[^\S\r\n]*)+)")
# In text without a carriage return (most text), a paragraph as it is found after stripping the pieces
# between those separators: from a non-space character to the last one before a line that is blank (a line
# break followed by spaces and a non-space character continues it).
_PARAGRAPH_LF_RE = re.compile(r"\S(?:[^\n]*\S)?(?:[^\S\n]*\n[^\S\n]*\S(?:[^\n]*\S)?)*")
_LINE_RE = re.compile(r"[^\r\n]+")
_LONG_LINE = 160

_ABBREVIATIONS = frozenset(
    ["mr", "mrs", "ms", "dr", "st", "jr", "sr", "prof", "gen", "col", "lt", "sgt", "capt", "sen", "rep", "gov", "pres", "rev", "fr", "inc", "corp", "co", "ltd", "bros", "vs", "no", "nos", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "u.n", "e.g", "i.e", "a.m", "p.m", "etc", "approx", "dept", "est", "fig"]
)
_FINISHED_RE = re.compile(r"""[.!?…:。！？।॥؟۔](?:(?<=[。！？।॥؟۔])[」』）"”’')\]]*|["”’')\]]*)\s*$""")
# A sentence ends at terminal punctuation (and closing quotes) before a space and a letter or digit that is
# not lower case (group 1: a capital, a digit, a letter of a script without case), or at a full stop that
# needs no such test — Chinese and Japanese 。！？ (no space follows them), the Indic danda । ॥, the Arabic
# question mark ؟ and the Urdu full stop ۔ — unless it closes a quotation that the sentence goes on after
# (「必要だ。」と述べた。 is one sentence).
# (One character class first, so that the search skips ahead to a candidate as fast as it can.)
_FULL_STOPS = "。！？।॥؟۔"
_SENTENCE_END_RE = re.compile(
    rf"""[.!?…{_FULL_STOPS}]+(?:(?<=[{_FULL_STOPS}])(?:[」』）"”’')\]]+(?!\S)|(?![」』）"”’')\]]))"""
    r"""|["”’')\]]*(?=\s+["“‘'(\[«„¿¡]?([^\W_])))"""
)


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def block_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the paragraphs of ``text``, leading and trailing whitespace excluded.

    >>> text = "Title\\n\\nFirst line\\nwrapped.\\n\\n  Second.  "
    >>> [text[s:e] for s, e in block_spans(text)]
    ['Title', 'First line\\nwrapped.', 'Second.']
    """
    if "\n" not in text and "\r" not in text:  # one line (most scraped text): one paragraph, if any
        stripped = text.strip()
        start = len(text) - len(text.lstrip())
        return [(start, start + len(stripped))] if stripped else []
    if "\r" in text:
        spans: list[tuple[int, int]] = []
        position = 0
        # Paragraphs and separators alternate; each paragraph stripped of the whitespace at its ends.
        for index, piece in enumerate(_BLANK_LINE_RE.split(text)):
            if index % 2 == 0:
                stripped = piece.strip()
                if stripped:
                    start = position + len(piece) - len(piece.lstrip())
                    spans.append((start, start + len(stripped)))
            position += len(piece)
    else:
        spans = [match.span() for match in _PARAGRAPH_LF_RE.finditer(text)]
    if len(spans) == 1:
        lines = [_strip_span(text, m.start(), m.end()) for m in _LINE_RE.finditer(text)]
        lines = [line for line in lines if line[0] < line[1]]
        if len(lines) > 1 and sum(e - s for s, e in lines) / len(lines) >= _LONG_LINE:
            return lines
    return spans


def _ends_abbreviation(text: str, end: int) -> bool:
    """True when the period ending at ``end`` closes an abbreviation or an initial, not a sentence."""
    start = end - 1
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    word = text[start:end].rstrip(".!?…\"”’')]").lstrip("\"“‘'([").lower()
    if len(word) == 1 and word.isalpha():
        return True
    return word in _ABBREVIATIONS


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans of the sentences in ``text[start:end]``.

    >>> text = "Mr. Smith went to Washington. He said “no.” Then left."
    >>> [text[s:e] for s, e in sentence_spans(text)]
    ['Mr. Smith went to Washington.', 'He said “no.”', 'Then left.']
    """
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    position = start
    for match in _SENTENCE_END_RE.finditer(text, start, end):
        following = match.group(1)
        if following is not None and following.islower():
            continue
        if text[match.start()] == "." and match.end() - match.start() == 1 and _ends_abbreviation(text, match.start()):
            continue
        span = _strip_span(text, position, match.end())
        if span[0] < span[1]:
            spans.append(span)
        position = match.end()
    span = _strip_span(text, position, end)
    if span[0] < span[1]:
        spans.append(span)
    return spans


def ends_sentence(text: str) -> bool:
    """True when ``text`` ends like a finished sentence (terminal punctuation, maybe inside quotes)."""
    return _FINISHED_RE.search(text) is not None
