"""``collate(witnesses)``: one variant apparatus over many versions of an article.

Every witness is compared with one base witness by the engine of :func:`~variorum.compare.compare`, so
variants are classified, and moves and layout noise handled, exactly as in a two-version comparison. The
comparisons share their work: the base is prepared once, each distinct block text is folded once, and each
distinct pair of (base block, witness block) texts is diffed word by word once, whichever witnesses carry
it. Revisions that each edit the previous one share almost all their edited paragraphs with their
predecessor, so word-level diffing grows with the number of distinct edits, not with witnesses ×
differences; what remains per witness (aligning its blocks, placing its changes) follows the changes it
carries against the base, i.e. the size of the apparatus.

The substantive changes are then grouped by where they fall in the base, on two levels. Paragraphs added,
removed or moved form **passage sites** among themselves; every other change forms **word sites**: changes
of any witnesses whose base spans overlap or touch form one site. A word site may lie inside a passage site
(one witness cut a paragraph that others edited): it stays a site of its own, and the witnesses lacking
the passage read there as omitted, with a note pointing to the passage site. Each site lists every distinct
reading (equal when their folded texts are equal) with the witnesses that carry it. Witnesses without a
change at a site read as the base.

The base is the one named, or else the most central witness: the one whose words are most shared by the
others (a word-set Dice score computed in one pass over a word count, so choosing it is linear in the
total size). Ties go to the smallest text, so the order of the witnesses never changes the base
and hence never changes the set of variant sites.

For ordered witnesses (versions by time) the collation also follows each sentence from version to version
(when it appeared, changed, disappeared) and counts each version's changes from the previous one.

>>> collation = collate(["Officials said 12 people died.", "Officials said 14 people died.",
...                      "Officials said 12 people died."], ids=["a", "b", "c"])
>>> site = collation.sites[0]
>>> collation.base, [(r.label, r.text, r.witnesses, r.kinds) for r in (site.base, *site.readings)]
('a', [('=', '12', ('a', 'c'), ()), ('a', '14', ('b',), ('number',))])
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache, lru_cache
from typing import Any

from variorum.article import Article
from variorum.compare.align import bag_of_words
from variorum.compare.collate.base import central_witness, read_witnesses
from variorum.compare.collate.history import sentence_history
from variorum.compare.collate.model import Collation, Reading, SentenceLife, VariantSite
from variorum.compare.collate.sites import PASSAGE_KINDS, Event, piece, variant_sites
from variorum.compare.engine import PairMemo, compare_versions
from variorum.compare.model import Change, Comparison
from variorum.compare.version import Version
from variorum.text.tokens import fold_text

__all__ = ["Collation", "Reading", "SentenceLife", "VariantSite", "central_witness", "collate", "sentence_history"]


def collate(witnesses: Iterable[str | Article], *, ids: Sequence[str] | None = None, base: str | None = None,
            ordered: bool = False) -> Collation:
    """Collate two or more witnesses (texts or :class:`Article`\\ s) into variant sites over a base.

    ``ids`` name the witnesses (default: each article's id, else ``w1``, ``w2``, …). ``base`` names the base
    witness; by default the most central one is chosen. ``ordered`` says the witnesses are versions in time
    order, adding each sentence's history and each version's changes from the previous one.
    Raises :class:`ValueError` for fewer than two witnesses, duplicate ids, an unknown base, or an empty
    witness.
    """
    articles, names = read_witnesses(witnesses, ids)
    if base is None:
        base_index, chosen = central_witness(articles), "central"
    elif base in names:
        base_index, chosen = names.index(base), "given"
    else:
        raise ValueError(f"base {base!r} is not one of the witness ids")
    base_text = articles[base_index].text
    fold_block = lru_cache(maxsize=None)(fold_text)
    memo: PairMemo = {}

    @cache
    def overlap(key_a: str, key_b: str) -> int:
        return len(bag_of_words(key_a) & bag_of_words(key_b))

    word_counts: dict[str, int] = {}
    prepared = [Version(article, fold_block, word_counts) for article in articles]
    # Identical witnesses are compared once; only the similarity and the substantive changes are kept.
    compared: dict[tuple[Any, ...], tuple[float, list[Change]]] = {}
    events: list[Event] = []
    similarity: dict[str, float] = {}
    for index, article in enumerate(articles):
        key = (article.text, article.blocks, article.links)
        if key not in compared:
            comparison = compare_versions(prepared[base_index], prepared[index], memo=memo, overlap=overlap)
            compared[key] = (comparison.similarity, comparison.substantive_changes)
        similarity[names[index]], changes = compared[key]
        if index == base_index:
            continue
        for change in changes:
            start, end, text = piece(base_text, article.text, change)
            if change.kind in PASSAGE_KINDS and change.old_span is not None:
                start, end = change.old_span  # the paragraph itself, or the point a paragraph was added at
            events.append((start, end, index, change, text))
    sites = variant_sites(events, base_text, names)
    steps: tuple[Comparison, ...] = ()
    history: tuple[SentenceLife, ...] = ()
    if ordered:
        steps = tuple(compare_versions(prepared[k - 1], prepared[k], memo=memo, overlap=overlap)
                      for k in range(1, len(articles)))
        history = tuple(sentence_history(articles))
    return Collation(tuple(articles), tuple(names), names[base_index], chosen, sites, similarity, ordered,
                     steps, history)
