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
from collections.abc import Iterator, Sequence
from functools import cache
from itertools import accumulate, repeat
from typing import NamedTuple, overload

from variorum.text.normalize import (
    ACCENTS_AS_APOSTROPHES,
    APOSTROPHES,
    BIDI_MARKS,
    DOUBLE_QUOTES,
    HYPHENS,
    INVISIBLE,
    OTHER_DASHES,
    RARE_DOUBLE_QUOTES,
    WORD_DASHES,
)

# Characters that vanish from a token's key (soft hyphen, zero-width space/joiners, word joiner, BOM, the
# bidirectional marks).
_INVISIBLE = INVISIBLE + BIDI_MARKS
# Combining marks, which ``\w`` leaves out: inside a word, so that NFD text ("e" + U+0301) tokenizes like NFC
# text ("é") and a word of an Indic, Thai or Myanmar script (whose vowel signs and viramas are marks) stays
# one word. Within a script, a range may hold letters too (they are word characters already), never
# punctuation (tests/test_text.py checks both against the Unicode database).
MARKS = (
    "\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"  # Latin, Greek, Cyrillic
    "\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7"  # Hebrew points
    "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed"  # Arabic vowel marks
    "\u0900-\u0963\u0981-\u0983\u09bc-\u09c4\u09c7\u09c8\u09cb-\u09cd\u09d7\u09e2\u09e3\u09fe"  # Devanagari, Bengali
    "\u0a01-\u0a03\u0a3c\u0a3e-\u0a42\u0a47\u0a48\u0a4b-\u0a4d\u0a51\u0a70-\u0a75"  # Gurmukhi
    "\u0a81-\u0a83\u0abc-\u0ac5\u0ac7-\u0ac9\u0acb-\u0acd\u0ae2\u0ae3\u0afa-\u0aff"  # Gujarati
    "\u0b01-\u0b03\u0b3c-\u0b44\u0b47\u0b48\u0b4b-\u0b4d\u0b55-\u0b57\u0b62\u0b63"  # Oriya
    "\u0b82\u0bbe-\u0bc2\u0bc6-\u0bc8\u0bca-\u0bcd\u0bd7"  # Tamil
    "\u0c00-\u0c04\u0c3c-\u0c44\u0c46-\u0c48\u0c4a-\u0c4d\u0c55\u0c56\u0c62\u0c63"  # Telugu
    "\u0c81-\u0c83\u0cbc-\u0cc4\u0cc6-\u0cc8\u0cca-\u0ccd\u0cd5\u0cd6\u0ce2\u0ce3"  # Kannada
    "\u0d00-\u0d03\u0d3b-\u0d44\u0d46-\u0d48\u0d4a-\u0d4d\u0d57-\u0d63"  # Malayalam
    "\u0d81-\u0d83\u0dca\u0dcf-\u0dd4\u0dd6\u0dd8-\u0ddf\u0df2\u0df3"  # Sinhala
    "\u0e31-\u0e3a\u0e47-\u0e4e\u0eb1-\u0ebc\u0ec8-\u0ecd"  # Thai, Lao
    "\u0f18\u0f19\u0f35\u0f37\u0f39\u0f3e\u0f3f\u0f71-\u0f84\u0f86-\u0f97\u0f99-\u0fbc\u0fc6"  # Tibetan
    "\u102b-\u103e\u1056-\u109d\u17b4-\u17d3\u17dd"  # Myanmar, Khmer
    "\u3099\u309a"  # kana voicing marks
)
# Inside a word: apostrophes, periods, hyphens, and a hyphen that ends a wrapped line ("long-\nterm").
_WORD_JOINER = r"(?:['’ʼ‘.]|[\-\u2010\u2011](?:\r?\n[^\S\n]*)?)"
_DASHES = "-" + HYPHENS + WORD_DASHES + OTHER_DASHES
# Han ideographs (with the iteration mark 々), hiragana, katakana and their compatibility and half-width
# forms: Chinese and Japanese are written without spaces between words, so each of these characters is a
# word token of its own (a one-character edit is one token, not a rewritten sentence).
CJK = "\u3005\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f"
# The letters of Thai, Lao, Myanmar and Khmer, written without spaces between words too: each letter, with the
# marks (vowel signs, tone marks) that follow it, is a word token of its own.
SOUTHEAST_ASIAN_LETTERS = (
    "\u0e01-\u0e30\u0e32\u0e33\u0e40-\u0e46"  # Thai
    "\u0e81\u0e82\u0e84\u0e86-\u0e8a\u0e8c-\u0ea3\u0ea5\u0ea7-\u0eb0\u0eb2\u0eb3\u0ebd\u0ec0-\u0ec4\u0ec6\u0edc-\u0edf"  # Lao
    "\u1000-\u102a\u103f\u1050-\u1055\u105a-\u105d\u1061\u1065\u1066\u106e-\u1070\u1075-\u1081\u108e"  # Myanmar
    "\u1780-\u17b3\u17d7\u17dc"  # Khmer
)
# Every script written without spaces between words.
UNSPACED = CJK + SOUTHEAST_ASIAN_LETTERS
_UNSPACED_RE = re.compile(f"[{UNSPACED}]")


class _Patterns(NamedTuple):
    """The tokenizer's patterns for one kind of text: named alternatives (kinds), the same alternatives each
    preceded by what is skipped before a token (``findall`` gives tokens back to back), and that skip."""

    tokens: re.Pattern[str]
    run: re.Pattern[str]
    skip: re.Pattern[str]


def _patterns(word_char: str, single: str) -> _Patterns:
    """The patterns for words of ``word_char`` characters, plus ``single``: a pattern of what is a word on
    its own (a CJK character, a Thai letter and its marks).

    In the run pattern, invisible characters that would form a word of their own (one with an empty key) are
    skipped; followed by a word character, or a joiner and one, they begin the word, as in the named one.
    """
    skipped = rf"(?:\s|[{_INVISIBLE}]++(?!{word_char}|{_WORD_JOINER}{word_char}))*+"
    url = r"""(?:https?://|www\.)[^\s<>"“”]*[^\s<>"“”.,;:!?)\]'’]"""
    number = rf"[$€£¥]?\d+(?:[.,:/]\d+)*(?:%|{word_char}+)?"
    word = rf"{word_char}+(?:{_WORD_JOINER}{word_char}+)*" + (f"|{single}" if single else "")
    ellipsis = r"\.[.…]+|…[.…]*"
    return _Patterns(
        re.compile(rf"(?P<url>{url})|(?P<number>{number})|(?P<word>{word})|(?P<dash>[{_DASHES}]+)"
                   rf"|(?P<ellipsis>{ellipsis})|(?P<punct>\S)"),
        re.compile(rf"{skipped}(?:{url}|{number}|{word}|[{_DASHES}]+|{ellipsis}|[^\s{_INVISIBLE}])"),
        re.compile(skipped),
    )


# Text of spaced scripts: a word is a run of word characters (``\w``, combining marks, invisible characters).
_SPACED = _patterns(rf"[\w{MARKS}{_INVISIBLE}]", "")


@cache
def _unspaced() -> _Patterns:
    """For text of a script written without spaces (Chinese, Japanese, Thai, …): the same, but each CJK
    character, and each Thai, Lao, Myanmar or Khmer letter with its marks, is a word of its own (made on first
    use: compiling them takes longer than a comparison of spaced text)."""
    return _patterns(rf"(?:[^\W{UNSPACED}]|[{MARKS}{_INVISIBLE}])",
                     rf"[{CJK}]|[{SOUTHEAST_ASIAN_LETTERS}][{MARKS}]*")


def _patterns_for(text: str, start: int = 0, end: int | None = None) -> _Patterns:
    """The patterns for ``text[start:end]``: aware of scripts without spaces only where it holds one of
    their characters (the spaced ones are the faster)."""
    if text.isascii() or _UNSPACED_RE.search(text, start, len(text) if end is None else end) is None:
        return _SPACED
    return _unspaced()


@cache
def _break_before_cjk() -> re.Pattern[str]:
    """A line break with a CJK character after it (past any whitespace), compiled on first use: the test
    before :func:`_cjk_line_break`'s substitution, true wherever that would change the text. It opens with
    the line break, which the regex engine scans for in C (a search for any CJK character tests every
    character in turn, five times slower)."""
    return re.compile(rf"\n\s*[{CJK}]")


@cache
def _cjk_line_break() -> re.Pattern[str]:
    """Whitespace holding a line break between two CJK characters (compiled on first use)."""
    return re.compile(rf"(?<=[{CJK}])[^\S\n]*\r?\n\s*(?=[{CJK}])")


def has_unspaced(text: str) -> bool:
    """True when ``text`` holds a character of a script written without spaces (see :data:`UNSPACED`)."""
    return not text.isascii() and _UNSPACED_RE.search(text) is not None


def unspaced_characters(text: str) -> int:
    """How many characters of scripts written without spaces (see :data:`UNSPACED`) ``text`` holds: CJK
    characters and Thai, Lao, Myanmar and Khmer letters (their marks not counted)."""
    return 0 if text.isascii() else len(_UNSPACED_RE.findall(text))


# Every character ``\s`` matches (none lies above U+3000), plus the invisible ones: stripped from a token
# before its key is taken (its key drops invisible characters anyway).
_SKIPPED = "".join(c for c in map(chr, range(0x3001)) if c.isspace()) + _INVISIBLE

# comparison keys: every apostrophe ', every double quote ", every hyphen and dash -, invisible characters gone
_FOLD = str.maketrans(
    {
        **dict.fromkeys(APOSTROPHES + ACCENTS_AS_APOSTROPHES, "'"),
        **dict.fromkeys(DOUBLE_QUOTES + RARE_DOUBLE_QUOTES, '"'),
        **dict.fromkeys(HYPHENS + WORD_DASHES + OTHER_DASHES, "-"),
        **dict.fromkeys(_INVISIBLE),
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


# Dashes fold to "--" in a block (a hyphen between words is one "-"); every other character as in _FOLD.
_BLOCK_FOLD = {chr(code): target if isinstance(target, str) else "" for code, target in _FOLD.items()}
_BLOCK_FOLD.update(dict.fromkeys(WORD_DASHES + OTHER_DASHES, "--"))
# str.translate with a mapping looks every character up; a few str.replace calls are ~20× faster.
_BLOCK_REPLACEMENTS = tuple(_BLOCK_FOLD.items())


def _replace_all(text: str) -> str:
    for character, replacement in _BLOCK_REPLACEMENTS:
        if character in text:
            text = text.replace(character, replacement)
    return text
_CHUNK = 1 << 20


def _collapse_spaces(text: str) -> str:
    """``" ".join(text.split())``, a megabyte at a time: never a list of every word of a long text."""
    # A wrapped text's line breaks made spaces (in C, many times faster than splitting it into words)...
    spaced = text.replace("\n", " ") if "\n" in text else text
    if spaced.isprintable() and "  " not in spaced and spaced[:1] != " " != spaced[-1:]:
        # ...is already one space between words: the only whitespace character that is printable is the
        # space (every other one is a control character or a separator), and it never comes twice or at an end.
        return spaced
    if len(text) <= _CHUNK:
        return " ".join(text.split())
    pieces: list[str] = []
    space_before = False  # whitespace since the last word kept
    for start in range(0, len(text), _CHUNK):
        chunk = text[start:start + _CHUNK]
        words = " ".join(chunk.split())
        if words:
            if pieces and (space_before or chunk[0].isspace()):
                pieces.append(" ")
            pieces.append(words)
            space_before = chunk[-1].isspace()
        else:
            space_before = True
    return "".join(pieces)
_WRAPPED_HYPHEN_RE = re.compile(r"(?<=\w)-\r?\n[^\S\n]*(?=\w)")


def fold_text(text: str) -> str:
    """A whole passage folded for a quick equality test: the same folding as :func:`fold`, with
    whitespace runs collapsed to one space. Two passages with equal token keys almost always fold equal;
    the rare exceptions (a space before a comma) are then compared token by token. A line break between
    two Chinese or Japanese characters (a re-wrap: they have no spaces between words) folds away."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", _replace_all(unicodedata.normalize("NFKC", text)))
        if "\n" in text and _break_before_cjk().search(text):
            text = _cjk_line_break().sub("", text)
    if "-\n" in text or "-\r\n" in text:
        text = _WRAPPED_HYPHEN_RE.sub("-", text)
    return _collapse_spaces(text)


def _key(kind: str, raw: str) -> str:
    if kind == "dash":
        return "-"
    if kind == "ellipsis":
        return "..."
    return fold(raw)


def iter_tokens(text: str, start: int = 0, end: int | None = None) -> Iterator[Token]:
    """Yield the tokens of ``text[start:end]`` with spans into ``text``."""
    for match in _patterns_for(text, start, end).tokens.finditer(text, start, len(text) if end is None else end):
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


def _run_key(token: str) -> str:
    """The key of a token that is not a plain ASCII word or number (see :func:`_key`)."""
    if not token.strip(_DASHES):
        return "-"
    if not token.strip(".…") and token != ".":
        return "..."
    return fold(token)


class TokenRun(Sequence[Token]):
    """The tokens of ``text[start:end]`` as parallel arrays: their keys, and where each one ends.

    The same tokens as :func:`tokenize`, found by one ``findall`` with no object per token: a comparison
    diffs the keys and needs :class:`Token` objects (kind and span) only for the few tokens an edit touches.

    >>> run = TokenRun("He said “no.”")
    >>> run.keys, run.span(2, 4), run.tokens(3, 4)
    (['He', 'said', '"', 'no', '.', '"'], (8, 11), [Token(key='no', kind='word', start=9, end=11)])
    """

    __slots__ = ("_ends", "_patterns", "keys", "text")

    def __init__(self, text: str, start: int = 0, end: int | None = None) -> None:
        self.text = text
        self._patterns = _patterns_for(text, start, end)
        raws: list[str] = self._patterns.run.findall(text, start, len(text) if end is None else end)
        self._ends = list(accumulate(map(len, raws), initial=start))  # token k ends at _ends[k + 1]
        stripped = map(str.lstrip, raws, repeat(_SKIPPED))
        # An ASCII word, number or single character (punctuation) is its own key.
        self.keys: list[str] = [t if t.isascii() and (t.isalnum() or len(t) == 1) else _run_key(t) for t in stripped]

    def __len__(self) -> int:
        return len(self.keys)

    def start(self, index: int) -> int:
        """Where token ``index`` starts in the text."""
        skipped = self._patterns.skip.match(self.text, self._ends[index])
        return skipped.end() if skipped else self._ends[index]

    def end(self, index: int) -> int:
        """Where token ``index`` ends in the text."""
        return self._ends[index + 1]

    def span(self, first: int, stop: int) -> tuple[int, int]:
        """The character span of tokens ``[first, stop)``; an empty range gives the point where it would be:
        the end of the token before (or the start of the run)."""
        if first < stop:
            return self.start(first), self._ends[stop]
        return self._ends[first], self._ends[first]

    def weight(self, first: int = 0, stop: int | None = None, *, gap_before: bool = True) -> int:
        """The share of tokens ``[first, stop)`` in the similarity measure: their text's folded length (a
        separator for each gap of whitespace between them, none for punctuation written against a word, a
        dash as it folds) and one for a gap before the first token, unless ``gap_before`` is False (a gap
        that tokens replacing these keep)."""
        stop = len(self.keys) if stop is None else stop
        if first >= stop:
            return 0
        start = self.start(first)
        gap = gap_before and any(map(str.isspace, self.text[self._ends[first]:start]))
        return len(fold_text(self.text[start:self._ends[stop]])) + gap

    @overload
    def __getitem__(self, index: int) -> Token: ...

    @overload
    def __getitem__(self, index: slice) -> list[Token]: ...

    def __getitem__(self, index: int | slice) -> Token | list[Token]:
        """Token objects made on demand, so that a run reads as the sequence of its tokens (for the few
        edits whose classification looks at the words around them)."""
        if isinstance(index, slice):
            return self.tokens(*index.indices(len(self.keys))[:2])
        if index < 0:
            index += len(self.keys)
        if not 0 <= index < len(self.keys):
            raise IndexError(index)
        return self.tokens(index, index + 1)[0]

    def tokens(self, first: int, stop: int) -> list[Token]:
        """Tokens ``[first, stop)`` as :class:`Token` objects, kinds included."""
        found = []
        for index in range(first, stop):
            start, end = self.start(index), self._ends[index + 1]
            match = self._patterns.tokens.match(self.text, start, end)
            kind = (match.lastgroup if match else None) or PUNCT
            if kind != URL and kind != NUMBER and kind != "word":
                kind = PUNCT
            found.append(Token(self.keys[index], kind, start, end))
        return found


_LINE_END_HYPHEN_RE = re.compile(r"[\-\u2010\u2011]\r?\n")


def collapse_whitespace(text: str) -> str:
    """``text`` with each whitespace run made one space and none at the ends; a word hyphenated across a
    line break stays one word (``"long-\\nterm"`` gives ``"long-term"``), so the result has the same tokens.

    >>> collapse_whitespace("  A long-\\n  term plan,\\n\\nsigned.  ")
    'A long-term plan, signed.'
    """
    if _LINE_END_HYPHEN_RE.search(text):
        run = TokenRun(text)
        pieces = []
        position = 0
        for index in range(len(run)):
            start, end = run.start(index), run.end(index)
            if _LINE_END_HYPHEN_RE.search(text, start, end):
                pieces += [text[position:start], "".join(text[start:end].split())]
                position = end
        text = "".join([*pieces, text[position:]])
    return _collapse_spaces(text)


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """The tokens of ``text[start:end]`` as a list (see :func:`iter_tokens`)."""
    return list(iter_tokens(text, start, end))


def token_keys(text: str) -> list[str]:
    """Just the keys of ``text``'s tokens: the layout-free word sequence used for hashing and shingling."""
    return [token.key for token in iter_tokens(text)]


def is_word(token: Token) -> bool:
    """True for tokens that carry words or numbers (not punctuation)."""
    return token.kind != PUNCT
