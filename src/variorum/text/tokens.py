"""Tokens for comparison: words, numbers, URLs and punctuation, each with its span in the original text.

Comparison never rewrites the text it shows. Each token instead carries a *key*: the token folded so that
layout noise compares equal (typographic quotes and apostrophes, dash variants, soft hyphens, zero-width
characters, Unicode compatibility and normalization forms), while the token's span still points at the
original characters. Whitespace never appears in a token, so re-wrapping and spacing vanish by construction.

>>> [t.key for t in tokenize("It’s a “test” — of re-\\u00adwrapping")]
["It's", 'a', '"', 'test', '"', '-', 'of', 're-wrapping']
"""

from __future__ import annotations

import re
import unicodedata
from typing import Iterator, NamedTuple

# Characters that vanish from a token's key (soft hyphen, zero-width space/joiners, word joiner, BOM).
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
# Combining marks, so that NFD text ("e" + U+0301) tokenizes like NFC text ("é").
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_WORD_CHAR = rf"[\w{_MARKS}{_INVISIBLE}]"
# Inside a word: apostrophes, periods, hyphens, and a hyphen that ends a wrapped line ("long-\nterm").
_WORD_JOINER = r"(?:['’ʼ‘.]|[\-\u2010\u2011](?:\r?\n[^\S\n]*)?)"
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"

_TOKEN_RE = re.compile(
    rf"""
    (?P<url>(?:https?://|www\.)[^\s<>"“”]*[^\s<>"“”.,;:!?)\]'’])
    | (?P<number>[$€£¥]?\d+(?:[.,:/]\d+)*(?:%|{_WORD_CHAR}+)?)
    | (?P<word>{_WORD_CHAR}+(?:{_WORD_JOINER}{_WORD_CHAR}+)*)
    | (?P<dash>[{_DASHES}]+)
    | (?P<ellipsis>\.{{2,}}|…)
    | (?P<punct>\S)
    """,
    re.VERBOSE,
)

_FOLD = str.maketrans(
    {
        "’": "'", "‘": "'", "ʼ": "'", "‛": "'", "′": "'", "`": "'", "´": "'",
        "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"', "«": '"', "»": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
        "\u2212": "-",
        **{c: None for c in _INVISIBLE},
    }
)

URL, NUMBER, WORD, PUNCT = "url", "number", "word", "punct"


class Token(NamedTuple):
    """One token: its comparison key, its kind, and its span ``[start, end)`` in the original text."""

    key: str
    kind: str
    start: int
    end: int


def fold(token_text: str) -> str:
    """The comparison key of a token's text: NFKC, canonical quotes and dashes, invisible characters and
    line breaks dropped."""
    if token_text.isascii():
        return "".join(token_text.split()) if "\n" in token_text else token_text
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", token_text).translate(_FOLD))
    return "".join(folded.split()) if "\n" in folded else folded


_BLOCK_FOLD = str.maketrans({**_FOLD, "\u2012": "--", "\u2013": "--", "\u2014": "--", "\u2015": "--", "\u2212": "--"})
# str.translate with a mapping looks every character up; a few str.replace calls are ~20× faster.
_BLOCK_REPLACEMENTS = tuple((chr(code), target or "") for code, target in _BLOCK_FOLD.items())


def _replace_all(text: str) -> str:
    for character, replacement in _BLOCK_REPLACEMENTS:
        if character in text:
            text = text.replace(character, replacement)
    return text
_WRAPPED_HYPHEN_RE = re.compile(r"(?<=\w)-\r?\n[^\S\n]*(?=\w)")


def fold_text(text: str) -> str:
    """A whole passage folded for a quick equality test: the same folding as :func:`fold`, with
    whitespace runs collapsed to one space. Two passages with equal token keys almost always fold equal;
    the rare exceptions (a space before a comma) are then compared token by token."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", _replace_all(unicodedata.normalize("NFKC", text)))
    if "-\n" in text or "-\r\n" in text:
        text = _WRAPPED_HYPHEN_RE.sub("-", text)
    return " ".join(text.split())


def _key(kind: str, raw: str) -> str:
    if kind == "dash":
        return "-"
    if kind == "ellipsis":
        return "..."
    return fold(raw)


def iter_tokens(text: str, start: int = 0, end: int | None = None) -> Iterator[Token]:
    """Yield the tokens of ``text[start:end]`` with spans into ``text``."""
    for match in _TOKEN_RE.finditer(text, start, len(text) if end is None else end):
        kind = match.lastgroup or PUNCT
        raw = match.group()
        if kind == "word" or kind == "punct":
            key = raw if raw.isascii() and "\n" not in raw else fold(raw)
            if not key:  # a lone invisible character
                continue
        else:
            key = _key(kind, raw)
            if kind != URL and kind != NUMBER:
                kind = PUNCT
        yield Token(key, kind, match.start(), match.end())


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """The tokens of ``text[start:end]`` as a list (see :func:`iter_tokens`)."""
    return list(iter_tokens(text, start, end))


def token_keys(text: str) -> list[str]:
    """Just the keys of ``text``'s tokens: the layout-free word sequence used for hashing and shingling."""
    return [token.key for token in iter_tokens(text)]


def is_word(token: Token) -> bool:
    """True for tokens that carry words or numbers (not punctuation)."""
    return token.kind != PUNCT
