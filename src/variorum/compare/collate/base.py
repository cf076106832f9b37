"""The witnesses of a collation, read and named, and the choice of the base: the most central witness."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from fractions import Fraction

from variorum.article import Article

_WORD_RE = re.compile(r"\w+")


def read_witnesses(witnesses: Iterable[str | Article], ids: Sequence[str] | None) -> tuple[list[Article], list[str]]:
    """The witnesses as articles, and their ids; :class:`ValueError` for fewer than two, ids that do not
    fit, a duplicate id or an empty witness."""
    articles: list[Article] = []
    for position, witness in enumerate(witnesses, 1):
        if isinstance(witness, str):
            witness = Article.from_text(witness)
        elif not isinstance(witness, Article):
            raise ValueError(f"witness {position} is not text ({type(witness).__name__})")
        articles.append(witness)
    if len(articles) < 2:
        raise ValueError(f"collating needs at least two witnesses, got {len(articles)}")
    if ids is None:
        names = [article.id or f"w{position}" for position, article in enumerate(articles, 1)]
    else:
        names = [str(name) for name in ids]
        if len(names) != len(articles):
            raise ValueError(f"{len(names)} ids for {len(articles)} witnesses")
    repeated = sorted(name for name, count in Counter(names).items() if count > 1)
    if repeated:
        raise ValueError(f"duplicate witness id {repeated[0]!r}")
    for name, article in zip(names, articles):
        if not article.text.strip():
            raise ValueError(f"witness {name!r} is empty")
    return articles, names


def central_witness(articles: Sequence[Article]) -> int:
    """The index of the witness sharing most words with the others (approximate summed word-set Dice).

    Words are lowercased runs of letters and digits, so quotes, dashes and layout do not count. Each
    witness scores ``2·Σ_j |A ∩ B_j| / (|A| + mean |B|)``, computed from one count of how many witnesses
    use each word. Ties go to the smallest text, then to the first. A word never spans a blank line, so
    each witness's words are gathered paragraph by paragraph, and a paragraph many witnesses share is read
    once.

    >>> central_witness([Article.from_text(t) for t in ("a b x", "a b c d", "a b c d e")])
    1
    """
    words_of: dict[str, frozenset[str]] = {}
    word_sets = []
    for article in articles:
        chunks = article.text.lower().split("\n\n")
        for chunk in chunks:
            if chunk not in words_of:
                words_of[chunk] = frozenset(_WORD_RE.findall(chunk))
        word_sets.append(frozenset().union(*map(words_of.__getitem__, chunks)))
    used_by: Counter[str] = Counter()
    for words in word_sets:
        used_by.update(words)
    count, total = len(word_sets), sum(map(len, word_sets))

    def rank(index: int) -> tuple[Fraction, str, int]:
        words = word_sets[index]
        shared = sum(map(used_by.__getitem__, words)) - len(words)
        return -Fraction(2 * shared * count, count * len(words) + total or 1), articles[index].text, index

    return min(range(count), key=rank)
