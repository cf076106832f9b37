"""One side of a comparison, prepared: the article, each block's folded text, and what is read from a block
on demand (sentences, quotations, word counts, the context of a change); and the memoized fold one
comparison shares between its two sides.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable

from variorum.article import Article
from variorum.compare.classify import quote_spans
from variorum.compare.model import Span
from variorum.text.segment import sentence_spans
from variorum.text.tokens import collapse_whitespace, fold_text, unspaced_characters

CONTEXT_CHARS = 240
"""How much of the text around a change its context shows, at most."""


class Version:
    """One side of a comparison, prepared: the article, each block's folded text, and what is read from a
    block on demand (sentences, quotations, word counts).

    ``fold_block`` folds a block's (or a sentence's) text and ``word_counts`` remembers blocks' word counts by
    folded text: a caller comparing many versions may pass a memoized fold and one shared dictionary.
    """

    def __init__(self, article: Article, fold_block: Callable[[str], str] = fold_text,
                 word_counts: dict[str, int] | None = None) -> None:
        self.article = article
        self.text = article.text
        self.blocks = list(article.blocks)
        self.keys = [fold_block(self.text[b.start:b.end]) for b in self.blocks]
        self._fold = fold_block
        self.starts = [b.start for b in self.blocks]
        self._quotes: dict[int, list[tuple[int, int]]] = {}
        self._sentences: dict[int, list[Span]] = {}
        self._word_counts = {} if word_counts is None else word_counts

    def __getstate__(self) -> dict[str, object]:
        """A pickled version folds with :func:`fold_text` (a comparison's memoized fold stays with it)."""
        return {**self.__dict__, "_fold": fold_text}

    def sentence_spans(self, index: int) -> list[Span]:
        """The spans of a block's sentences (found once per block)."""
        spans = self._sentences.get(index)
        if spans is None:
            block = self.blocks[index]
            spans = self._sentences[index] = sentence_spans(self.text, block.start, block.end)
        return spans

    def sentences(self, index: int) -> tuple[list[Span], list[str]]:
        """The spans of a block's sentences and their folded texts (folded by ``fold_block``: a sentence an
        edited block kept is folded once for both versions)."""
        spans = self.sentence_spans(index)
        fold_sentence, text = self._fold, self.text
        return spans, [fold_sentence(text[start:end]) for start, end in spans]

    def raw(self, index: int) -> str:
        block = self.blocks[index]
        return self.text[block.start:block.end]

    def span(self, index: int) -> Span:
        block = self.blocks[index]
        return block.start, block.end

    def weight(self, index: int) -> int:
        """A block's share of the similarity measure: its folded length plus one separator."""
        return len(self.keys[index]) + 1

    def quotes(self, index: int) -> list[tuple[int, int]]:
        if index not in self._quotes:
            block = self.blocks[index]
            self._quotes[index] = quote_spans(self.text, block.start, block.end)
        return self._quotes[index]

    def word_count(self, index: int) -> int:
        key = self.keys[index]
        count = self._word_counts.get(key)
        if count is None:
            # A Chinese or Japanese word is two characters on average: each character counts half a word.
            count = self._word_counts[key] = (sum(1 for word in key.split() if word[:1].isalnum())
                                              + unspaced_characters(key) // 2)
        return count

    def context(self, index: int, span: Span) -> str:
        """The sentence(s) of block ``index`` around ``span``, whitespace folded, trimmed around the change."""
        block = self.blocks[index]
        sentences = self.sentence_spans(index) or [(block.start, block.end)]
        first = max(0, bisect_right(sentences, (span[0], -1)) - 2)  # sentences are sorted and disjoint
        covering = [s for s in sentences[first:bisect_right(sentences, (span[1], len(self.text)))]
                    if s[0] <= span[1] and span[0] <= s[1]] or sentences[:1]
        start, end = covering[0][0], covering[-1][1]
        if end - start > CONTEXT_CHARS:
            start = max(start, span[0] - CONTEXT_CHARS // 2)
            end = min(end, max(span[1], start) + CONTEXT_CHARS // 2)
            return "…" + collapse_whitespace(self.text[start:end]) + "…"
        return collapse_whitespace(self.text[start:end])


# A line break after any other character than these — printable ASCII but the hyphen, the Latin letters of
# U+00C0–U+024F, curly quotes and the ellipsis, none of which folds into a hyphen — (a hyphen, a dash, a
# carriage return, a combining mark, any other character) may join a hyphenated word when folded: such a
# block is folded as it is. (The line break first, then the character before it: the regex engine scans for
# the line break in C.)
_UNPLAIN_LINE_BREAK_RE = re.compile("\n(?<![\t\x20-\x2c\x2e-\x7e\u00c0-\u024f\u2018\u2019\u201c\u201d\u2026]\n)")


def plain_line_breaks(text: str) -> bool:
    """True when every line break of ``text`` follows a plain character (see :func:`fold_memo`)."""
    return "\n" not in text or not _UNPLAIN_LINE_BREAK_RE.search(text)


def fold_memo() -> Callable[[str], str]:
    """:func:`fold_text` remembered for one comparison, by text and by text with its line breaks made spaces.

    A block whose line breaks all follow a plain character (printable ASCII but the hyphen, a Latin letter,
    a curly quote, an ellipsis) folds like the same block with each line break made a space: NFKC and the
    quote and dash folding leave spaces and line breaks as they are and turn none of these characters into
    a hyphen, so no wrapped hyphen is joined, and whitespace runs collapse alike. So a
    paragraph re-wrapped in B is folded once, as the unchanged ones are.
    """
    folds: dict[str, str] = {}

    def fold_block(text: str) -> str:
        key = folds.get(text)
        if key is not None:
            return key
        unwrapped = text.replace("\n", " ") if "\n" in text and plain_line_breaks(text) else None
        key = folds.get(unwrapped) if unwrapped is not None else None
        if key is None:
            key = fold_text(text)
            if unwrapped is not None:
                folds[unwrapped] = key
        folds[text] = key
        return key

    return fold_block
