"""``compare(a, b)``: align two versions, diff what differs word by word, classify and rank every change.

The steps follow DESIGN.md: tokens keyed for layout-free comparison (:mod:`variorum.text.tokens`), blocks
aligned with moves, splits and merges (:mod:`.align`), word-level edits inside paired blocks (:mod:`.diff`),
each edit classified (:mod:`.classify`), and the changes ranked by significance.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from functools import cache, cached_property, partial

from variorum.article import Article
from variorum.compare.align import Alignment, Overlap, Pair, align_blocks
from variorum.compare.classify import EditSite, classify_edit, classify_link, find_speaker, quote_touching
from variorum.compare.diff import word_edits
from variorum.compare.furniture import ONE_SIDED, furniture_edit, furniture_kind_at, same_byline
from variorum.compare.metadata import metadata_changes
from variorum.compare.model import (
    COSMETIC,
    MAJOR,
    MINOR,
    Change,
    ChangeDetail,
    Comparison,
    Kind,
    QuoteDetail,
    Significance,
    Span,
)
from variorum.compare.sequence import opcodes
from variorum.compare.version import CONTEXT_CHARS, Version, fold_memo, plain_line_breaks
from variorum.errors import InputError
from variorum.text.frontmatter import BYLINE, CAPTION, CORRECTION, DATELINE, HEADLINE, STANDFIRST
from variorum.text.normalize import (
    ACCENTS_AS_APOSTROPHES,
    APOSTROPHES,
    BIDI_MARKS,
    DOUBLE_QUOTES,
    HYPHENS,
    INVISIBLE,
    OTHER_DASHES,
    RARE_DOUBLE_QUOTES,
    SINGLE_GUILLEMETS,
    WORD_DASHES,
)
from variorum.text.segment import ends_sentence
from variorum.text.tokens import TokenRun, collapse_whitespace, fold, fold_text

# a front-matter block's kind → the kind and significance of a change to it as a whole
_WHOLE_BLOCK_KINDS: dict[str, tuple[Kind, Significance]] = {
    HEADLINE: ("headline", MAJOR), BYLINE: ("byline", MAJOR), CAPTION: ("caption", MINOR), DATELINE: ("dateline", MINOR),
}
_ADDED_OR_REMOVED_KINDS = {**_WHOLE_BLOCK_KINDS, STANDFIRST: ("standfirst", MINOR), CORRECTION: ("correction", MAJOR)}
_LONG_PARAGRAPH_WORDS = 8
_PLACED_BY_TEMPLATE = frozenset({HEADLINE, BYLINE, DATELINE, STANDFIRST, CAPTION})
"""Blocks whose place among the paragraphs is the page template's choice, not the writer's: a byline under
the headline or under the lead photo, a photo's caption before or after the paragraph it illustrates. Such a
block moved is a cosmetic change (what it says is still compared)."""
_LAYOUT_CONTEXT_CHARS = 80
_QUOTE_CHARS = set("'\"「」" + APOSTROPHES + ACCENTS_AS_APOSTROPHES + DOUBLE_QUOTES + RARE_DOUBLE_QUOTES
                   + SINGLE_GUILLEMETS)
_DASH_CHARS = set("-" + HYPHENS + WORD_DASHES + OTHER_DASHES)
_INVISIBLE_CHARS = set(INVISIBLE + BIDI_MARKS)


# Texts longer than this are refused: what a comparison holds stays a small multiple of its inputs, and
# this bounds it (see docs/compare-engine.md, "Limits").
MAX_TEXT_CHARS = 64 * 1024 * 1024
# Differing sentences longer than this (in characters, on either side) are reported as one edit without a
# word-by-word diff, which would hold an entry per word.
MAX_WORD_DIFF_CHARS = 1_500_000


_collapse = collapse_whitespace


def _check_size(text: str, side: str) -> None:
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(side, f"text is {len(text):,} characters, over the comparison limit of {MAX_TEXT_CHARS:,}")


def _as_article(value: str | Article, side: str) -> Article:
    if isinstance(value, Article):
        text = value.text
    elif isinstance(value, str):
        text = value
    else:
        raise TypeError(f"compare() takes str or Article, not {type(value).__name__}")
    _check_size(text, side)
    return value if isinstance(value, Article) else Article.from_text(value)


def _layout_differences(old: str, new: str) -> list[str]:
    """What kind of layout noise separates two blocks whose words are the same."""
    found = []
    changed = set(old) ^ set(new)
    if changed & _QUOTE_CHARS:
        found.append("quotes")
    if changed & _DASH_CHARS:
        found.append("dashes")
    if changed & _INVISIBLE_CHARS:
        found.append("invisible characters")
    if not old.isascii() and unicodedata.is_normalized("NFC", old) != unicodedata.is_normalized("NFC", new):
        found.append("unicode normalization")
    if old.count("\n") != new.count("\n"):
        found.append("line breaks")
    elif not found or old.split() == new.split():
        found.append("spacing")
    return found


def _separators(text: str, sentences: list[Span]) -> int:
    """How many sentences of ``sentences`` a space follows in the folded text, the last one counted as
    followed by the block's separator: all of them but those ended by a Chinese or Japanese full stop with
    no space after it (see :func:`~variorum.text.segment.sentence_spans`)."""
    count = len(sentences)
    for _, end in sentences[:-1]:
        if end < len(text) and not text[end].isspace():
            count -= 1
    return count


def _joined_sentences(version: Version, blocks: list[int]) -> tuple[list[Span], list[str]]:
    """The sentences of blocks in order, and their folded texts."""
    if len(blocks) == 1:
        return version.sentences(blocks[0])
    spans: list[Span] = []
    keys: list[str] = []
    for index in blocks:
        block_spans, block_keys = version.sentences(index)
        spans += block_spans
        keys += block_keys
    return spans, keys


def _block_at(version: Version, blocks: list[int], offset: int) -> int:
    """Which of ``blocks`` (in order) the text at ``offset`` stands in: the last of them that starts at or
    before it (the first, for an offset before them all)."""
    index = bisect_right(version.starts, offset) - 1
    return max((block for block in blocks if block <= index), default=blocks[0])


def _region(spans: list[Span], first: int, stop: int, block_start: int) -> Span:
    """The character span of sentences ``[first, stop)``; empty ranges give the point where they would go."""
    if first < stop:
        return spans[first][0], spans[stop - 1][1]
    point = spans[first - 1][1] if first > 0 else block_start
    return point, point


def _insertion_points(alignment: Alignment, a: Version, b: Version) -> list[int]:
    """For each block of B, the offset in A after which it belongs (end of the nearest anchored block)."""
    anchored: dict[int, int] = {}
    for pair in alignment.pairs:
        if pair.in_place:
            anchored[pair.b] = a.blocks[pair.a].end
    for whole, pieces in [*alignment.splits, *alignment.edited_splits]:
        for piece in pieces:
            anchored[piece] = a.blocks[whole].end
    for run, whole in [*alignment.merges, *alignment.edited_merges]:
        anchored[whole] = a.blocks[run[-1]].end
    return _carried_forward(anchored, len(b.blocks))


def _positions_in_b(alignment: Alignment, a: Version, b: Version) -> list[int]:
    """For each block of A, where in B it would stand if removed: after the B block paired in place with the
    nearest A block before it (one pass over A, whatever the number of removed blocks)."""
    paired_end = {pair.a: b.blocks[pair.b].end for pair in alignment.pairs if pair.in_place}
    for whole, pieces in alignment.edited_splits:
        paired_end[whole] = b.blocks[pieces[-1]].end
    for run, whole in alignment.edited_merges:
        paired_end.update(dict.fromkeys(run, b.blocks[whole].end))
    return _carried_forward(paired_end, len(a.blocks))


def _carried_forward(anchors: dict[int, int], count: int) -> list[int]:
    """For each of ``count`` blocks, the offset of the nearest anchored block before it (0 when none)."""
    points = []
    last = 0
    for index in range(count):
        points.append(last)
        last = anchors.get(index, last)
    return points


def _shifted(change: Change, by_a: int, by_b: int) -> Change:
    """``change`` with its old span moved by ``by_a`` and its new span by ``by_b`` characters."""
    old, new = change.old_span, change.new_span
    return Change(change.kind, change.significance, change.old, change.new,
                  None if old is None else (old[0] + by_a, old[1] + by_a),
                  None if new is None else (new[0] + by_b, new[1] + by_b), change.context, change.detail.copy())


@dataclass(frozen=True, slots=True)
class PairFindings:
    """What the engine found inside one pair of aligned blocks, offsets relative to the blocks' starts.

    ``changes`` are the word-level changes (empty when the blocks hold the same words), ``matched`` the
    folded characters the blocks share (for the similarity), ``layout`` whether the blocks still differ in
    layout (a cosmetic change, built only when asked for).
    """

    changes: tuple[Change, ...]
    matched: int
    layout: bool


PairKey = tuple[str, str, str]
"""A pair of edited blocks as a :data:`PairMemo` knows it: the old block's kind, the old and the new text."""

PairMemo = MutableMapping[PairKey, PairFindings]
"""The engine's extension point for callers comparing many versions (see :func:`compare_versions`).

Invariant: what the engine finds inside a pair of aligned, edited blocks depends only on the old block's
kind and the two blocks' texts (spans, contexts, quotations and speakers are all read inside the blocks),
so, offsets made relative to the blocks' starts, it is the same wherever the pair stands. The engine keys
the memo by exactly these three values; whether the pair moved is decided by each comparison's alignment
and is never memoized. tests/test_compare_memo.py checks the invariant.
"""


class _Comparer:
    """Builds the list of changes for one comparison."""

    def __init__(self, a: Version, b: Version, alignment: Alignment, memo: PairMemo | None) -> None:
        self.a, self.b = a, b
        self.memo = memo
        self.changes: list[Change] = []
        self.layout_pairs: list[tuple[int, int]] = []  # pairs differing in layout only: changes built lazily
        self.matched = 0  # folded characters the versions share, for the similarity
        self.alignment = alignment
        self._furniture: dict[int, dict[int, str | None]] = {id(a): {}, id(b): {}}

    @cached_property
    def insert_at(self) -> list[int]:
        """For each block of B, the offset in A after which it belongs (read for moved and added blocks)."""
        return _insertion_points(self.alignment, self.a, self.b)

    @cached_property
    def position_in_b(self) -> list[int]:
        """For each block of A, where in B it would stand if removed (read for removed blocks)."""
        return _positions_in_b(self.alignment, self.a, self.b)

    def furniture(self, version: Version, index: int) -> str | None:
        """Why a block is page furniture (see :mod:`.furniture`), or None; only the blocks asked about (and
        their neighbours) are read."""
        return furniture_kind_at(version.article, index, self._furniture[id(version)])

    def add(self, kind: Kind, significance: Significance, old_span: Span | None, new_span: Span | None,
            context: str, detail: ChangeDetail | None = None, *, with_text: bool = True) -> None:
        old = _collapse(self.a.text[old_span[0]:old_span[1]]) if with_text and old_span and old_span[0] < old_span[1] else None
        new = _collapse(self.b.text[new_span[0]:new_span[1]]) if with_text and new_span and new_span[0] < new_span[1] else None
        self.changes.append(Change(kind, significance, old, new, old_span, new_span, context, detail or ChangeDetail()))

    def identical_pair(self, i: int, j: int, in_place: bool) -> None:
        self.matched += self.a.weight(i)
        if not in_place:
            self.moved(i, j, edited=False)
        if self.a.raw(i) != self.b.raw(j):
            self.layout_pairs.append((i, j))

    def layout_changes(self) -> list[Change]:
        """The cosmetic changes of the pairs of blocks with the same words and a different layout."""
        found = []
        for i, j in self.layout_pairs:
            old_raw, new_raw = self.a.raw(i), self.b.raw(j)
            found.append(Change("layout", COSMETIC, None, None, self.a.span(i), self.b.span(j),
                                self.b.keys[j][:_LAYOUT_CONTEXT_CHARS],
                                {"differences": _layout_differences(old_raw, new_raw)}))
        return found

    def moved(self, i: int, j: int, *, edited: bool) -> None:
        furniture = self.furniture(self.a, i)
        if furniture is not None and self.furniture(self.b, j) is not None:  # teasers shuffled around
            self.add("paragraph_moved", COSMETIC, self.a.span(i), self.b.span(j),
                     _collapse(self.b.raw(j))[:CONTEXT_CHARS],
                     {"insert_at": self.insert_at[j], "edited": edited, "furniture": furniture})
            return
        if self.a.blocks[i].kind in _PLACED_BY_TEMPLATE and self.b.blocks[j].kind in _PLACED_BY_TEMPLATE:
            self.add("paragraph_moved", COSMETIC, self.a.span(i), self.b.span(j),
                     _collapse(self.b.raw(j))[:CONTEXT_CHARS],
                     {"insert_at": self.insert_at[j], "edited": edited,
                      "differences": ["placed elsewhere by the page's template"]})
            return
        self.add("paragraph_moved", MINOR, self.a.span(i), self.b.span(j), _collapse(self.b.raw(j))[:CONTEXT_CHARS],
                 {"insert_at": self.insert_at[j], "edited": edited})

    def edited_pair(self, i: int, j: int, in_place: bool) -> None:
        if not in_place:
            self.moved(i, j, edited=True)
        furniture = self.furniture(self.a, i)
        if furniture is not None and furniture not in ONE_SIDED and self.furniture(self.b, j) is not None:
            self.add("layout", COSMETIC, self.a.span(i), self.b.span(j), _collapse(self.b.raw(j))[:CONTEXT_CHARS],
                     {"furniture": furniture, "differences": [f"page furniture ({furniture})"]})
            return
        kind = self.a.blocks[i].kind
        whole = _WHOLE_BLOCK_KINDS.get(kind)
        if kind == BYLINE and self.b.blocks[j].kind == BYLINE and same_byline(self.a.raw(i), self.b.raw(j)):
            self.add("byline", COSMETIC, self.a.span(i), self.b.span(j), _collapse(self.b.raw(j)),
                     {"furniture": "byline", "differences": ["the same names"]})
            return
        if whole is not None:
            self.add(*whole, self.a.span(i), self.b.span(j), _collapse(self.b.raw(j)))
            return
        start_a, start_b = self.a.blocks[i].start, self.b.blocks[j].start
        if self.memo is None:
            findings = self.pair_findings(i, j)
        else:
            key = (kind, self.a.raw(i), self.b.raw(j))
            known = self.memo.get(key)
            if known is None:
                findings = self.pair_findings(i, j)
                self.memo[key] = PairFindings(tuple(_shifted(c, -start_a, -start_b) for c in findings.changes),
                                              findings.matched, findings.layout)
            else:
                findings = PairFindings(tuple(_shifted(c, start_a, start_b) for c in known.changes),
                                        known.matched, known.layout)
        self.changes += findings.changes
        self.matched += findings.matched
        if findings.layout:
            self.layout_pairs.append((i, j))

    def pair_findings(self, i: int, j: int) -> PairFindings:
        """Sentence by sentence, then word by word: the changes inside blocks ``i`` of A and ``j`` of B."""
        changes: list[Change] = []
        matched = self.sentence_diff([i], [j], changes)
        if not changes:  # the same words; only spacing around punctuation told them apart
            return PairFindings((), self.a.weight(i), self.a.raw(i) != self.b.raw(j))
        return PairFindings(tuple(changes), matched, False)

    def sentence_diff(self, a_blocks: list[int], b_blocks: list[int], changes: list[Change]) -> int:
        """Sentence by sentence, then word by word: the changes between blocks ``a_blocks`` of A and
        ``b_blocks`` of B read as one text each (one block each, but for a split or merge with edits), added to
        ``changes``, each edit read in the blocks it stands in; returns the folded characters they share."""
        spans_a, keys_a = _joined_sentences(self.a, a_blocks)
        spans_b, keys_b = _joined_sentences(self.b, b_blocks)
        start_a, start_b = self.a.blocks[a_blocks[0]].start, self.b.blocks[b_blocks[0]].start
        matched = 0
        for tag, s1, s2, t1, t2 in opcodes(keys_a, keys_b):
            if tag == "equal":
                matched += sum(map(len, keys_a[s1:s2])) + _separators(self.a.text, spans_a[s1:s2])
                continue
            old_region = _region(spans_a, s1, s2, start_a)
            new_region = _region(spans_b, t1, t2, start_b)
            i = a_blocks[0] if len(a_blocks) == 1 else _block_at(self.a, a_blocks, old_region[0])
            j = b_blocks[0] if len(b_blocks) == 1 else _block_at(self.b, b_blocks, new_region[0])
            matched += self.sentence_edits(i, j, old_region, new_region, changes)
        return matched

    def sentence_edits(self, i: int, j: int, old_region: Span, new_region: Span, changes: list[Change]) -> int:
        """Word-level changes between sentences of block ``i`` of A and block ``j`` of B, added to
        ``changes``; returns the folded characters they share."""
        if max(old_region[1] - old_region[0], new_region[1] - new_region[0]) > MAX_WORD_DIFF_CHARS:
            return self.whole_region_edit(i, j, old_region, new_region, changes)
        old_tokens = TokenRun(self.a.text, *old_region)
        new_tokens = TokenRun(self.b.text, *new_region)
        edits = word_edits(old_tokens.keys, new_tokens.keys)
        changed = sum(old_tokens.weight(i1, i2, gap_before=j1 == j2) for i1, i2, j1, j2 in edits)
        for i1, i2, j1, j2 in edits:
            old_span = old_tokens.span(i1, i2)
            new_span = new_tokens.span(j1, j2)
            context = self.b.context(j, new_span) if j1 < j2 or i1 == i2 else self.a.context(i, old_span)
            furniture = furniture_edit(self.a.article, old_span, self.b.article, new_span)
            if furniture is not None:  # a teaser or stamp run into the article's text
                changes.append(Change("layout", COSMETIC, None, None, old_span, new_span, context,
                                      {"furniture": furniture, "differences": [f"page furniture ({furniture})"]}))
                continue
            quote = self._quote(i, j, old_span, new_span)
            site = EditSite(old_tokens, new_tokens, (i1, i2, j1, j2), self.a.raw(i), self.b.raw(j))
            found = classify_edit(old_tokens.tokens(i1, i2), new_tokens.tokens(j1, j2), quote, site)
            old = _collapse(self.a.text[old_span[0]:old_span[1]]) if i1 < i2 else None
            new = _collapse(self.b.text[new_span[0]:new_span[1]]) if j1 < j2 else None
            changes.append(Change(found.kind, found.significance, old, new, old_span, new_span, context,
                                  found.detail))
        # the edited sentences' text less what changed, and the separator after them, which both sides keep
        return max(0, old_tokens.weight() + 1 - changed)

    def whole_region_edit(self, i: int, j: int, old_region: Span, new_region: Span, changes: list[Change]) -> int:
        """Sentences too long to diff word by word (see :data:`MAX_WORD_DIFF_CHARS`): one change replacing
        them, classified by their first words."""
        old_text = self.a.text[old_region[0]:old_region[1]]
        new_text = self.b.text[new_region[0]:new_region[1]]
        old_tokens = TokenRun(self.a.text, old_region[0], min(old_region[1], old_region[0] + CONTEXT_CHARS))
        new_tokens = TokenRun(self.b.text, new_region[0], min(new_region[1], new_region[0] + CONTEXT_CHARS))
        found = classify_edit(old_tokens.tokens(0, len(old_tokens)), new_tokens.tokens(0, len(new_tokens)), None)
        context = self.b.context(j, new_region) if new_region[0] < new_region[1] else self.a.context(i, old_region)
        changes.append(Change(found.kind, found.significance, _collapse(old_text) or None, _collapse(new_text) or None,
                              old_region, new_region, context, found.detail))
        return 0

    def _quote(self, i: int, j: int, old_span: Span, new_span: Span) -> QuoteDetail | None:
        for version, index, span in ((self.b, j, new_span), (self.a, i, old_span)):
            quote = quote_touching(version.quotes(index), *span)
            if quote is None:
                continue
            quote_start, quote_end = quote
            block = version.blocks[index]
            inner_end = quote_end - 1 if version.text[quote_end - 1] in _QUOTE_CHARS and quote_end - 1 > quote_start else quote_end
            return {
                "quote": _collapse(version.text[quote_start + 1:inner_end]),
                "speaker": find_speaker(version.text, quote_start, quote_end, block.start, block.end),
            }
        return None

    def joined(self, whole_version: Version, whole: int, parts_version: Version, parts: list[int],
               kind: Kind) -> None:
        """A split (one A block into several B blocks) or a merge (several A blocks into one B block)."""
        self.matched += whole_version.weight(whole)
        self.paragraph_breaks(whole_version, whole, parts_version, parts, kind)

    def paragraph_breaks(self, whole_version: Version, whole: int, parts_version: Version, parts: list[int],
                         kind: Kind) -> None:
        """The cosmetic change of a split or merge: where its paragraph breaks were added or taken out."""
        at_sentence = any(ends_sentence(parts_version.raw(p)) for p in parts[:-1])
        first, last = parts_version.blocks[parts[0]], parts_version.blocks[parts[-1]]
        whole_span = whole_version.span(whole)
        parts_span = (first.start, last.end)
        old_span, new_span = (whole_span, parts_span) if kind == "paragraph_split" else (parts_span, whole_span)
        context = _collapse(self.b.text[new_span[0]:new_span[1]])[:CONTEXT_CHARS]
        detail = ChangeDetail(pieces=len(parts), at_sentence_boundary=at_sentence)
        if not at_sentence:
            detail["differences"] = ["paragraph break inside a sentence"]
        self.add(kind if at_sentence else "layout", COSMETIC, old_span, new_span, context, detail, with_text=False)

    def edited_join(self, a_blocks: list[int], b_blocks: list[int]) -> None:
        """A split (``a_blocks`` one block) or merge (``b_blocks`` one block) with edits: its paragraph breaks
        reported as for a split or merge of the same words, and the blocks on both sides diffed as one text,
        sentence by sentence, then word by word (each edit read in the blocks it stands in)."""
        if len(a_blocks) == 1:
            self.paragraph_breaks(self.a, a_blocks[0], self.b, b_blocks, "paragraph_split")
        else:
            self.paragraph_breaks(self.b, b_blocks[0], self.a, a_blocks, "paragraph_merged")
        self.matched += self.sentence_diff(a_blocks, b_blocks, self.changes)

    def removed(self, i: int) -> None:
        block_kind = self.a.blocks[i].kind
        kind, significance = _ADDED_OR_REMOVED_KINDS.get(block_kind) or (
            "paragraph_removed", MAJOR if self.a.word_count(i) >= _LONG_PARAGRAPH_WORDS else MINOR
        )
        position = self.position_in_b[i]
        furniture = self.furniture(self.a, i)
        self.add(kind, COSMETIC if furniture else significance, self.a.span(i), (position, position),
                 _collapse(self.a.raw(i))[:CONTEXT_CHARS], {"furniture": furniture} if furniture else None)

    def added(self, j: int) -> None:
        block_kind = self.b.blocks[j].kind
        kind, significance = _ADDED_OR_REMOVED_KINDS.get(block_kind) or (
            "paragraph_added", MAJOR if self.b.word_count(j) >= _LONG_PARAGRAPH_WORDS else MINOR
        )
        point = self.insert_at[j]
        furniture = self.furniture(self.b, j)
        self.add(kind, COSMETIC if furniture else significance, (point, point), self.b.span(j),
                 _collapse(self.b.raw(j))[:CONTEXT_CHARS],
                 {"insert_at": point, "furniture": furniture} if furniture else {"insert_at": point})

    def links(self) -> None:
        """Links whose anchor text stayed but whose target changed (articles extracted from HTML)."""
        targets: dict[str, list[tuple[str, Span | None]]] = defaultdict(list)
        for link in self.a.article.links:
            targets[fold(_collapse(link.text))].append((link.href, (link.start, link.end) if link.start >= 0 else None))
        seen: dict[str, int] = defaultdict(int)
        for link in self.b.article.links:
            anchor = fold(_collapse(link.text))
            olds = targets.get(anchor)
            if not olds or seen[anchor] >= len(olds):
                continue
            old_href, old_span = olds[seen[anchor]]
            seen[anchor] += 1
            if old_href == link.href:
                continue
            found = classify_link(old_href, link.href)
            new_span = (link.start, link.end) if link.start >= 0 else None
            significance = found.significance
            if self.in_furniture(self.b, link.start) or (old_span and self.in_furniture(self.a, old_span[0])):
                significance = COSMETIC  # a teaser that now points at another story
            self.changes.append(Change("link", significance, old_href, link.href, old_span, new_span,
                                       _collapse(link.text), found.detail))

    def in_furniture(self, version: Version, offset: int) -> bool:
        """True when the text at ``offset`` lies in a block of page furniture."""
        index = bisect_right(version.starts, offset) - 1
        return index >= 0 and offset < version.blocks[index].end and self.furniture(version, index) is not None


def compare(a: str | Article, b: str | Article) -> Comparison:
    """Compare version ``a`` with version ``b`` (plain text or :class:`Article`) and rank what changed.

    Raises :class:`~variorum.errors.InputError` for a text over :data:`MAX_TEXT_CHARS` characters.

    >>> result = compare("Officials said 12 people died.", "Officials said 14 people died.")
    >>> change = result.changes[0]
    >>> change.kind, change.significance, change.old, change.new, change.old_span
    ('number', 'major', '12', '14', (15, 17))
    """
    if isinstance(a, str) and isinstance(b, str) and a == b:  # the same text again: nothing to find
        _check_size(a, "version A")
        article = cache(partial(Article.from_text, a))  # read only if the caller asks for the articles
        return Comparison(article, article, 1.0)
    old, new = _as_article(a, "version A"), _as_article(b, "version B")
    fold_block = fold_memo()  # a block found unchanged (or only re-wrapped) in B is folded once
    layout_only = _layout_only(old, new, fold_block)
    if layout_only is not None:
        return layout_only
    return compare_versions(Version(old, fold_block), Version(new, fold_block))


def _layout_only(old: Article, new: Article, fold_block: Callable[[str], str] = fold_text) -> Comparison | None:
    """The comparison of two articles whose blocks fold alike, block for block, in blocks of the same kinds,
    with the same links — a re-wrap, other spacing — found without folding the blocks a re-wrap leaves as
    they were or only re-wraps: None when they differ in anything else.

    It is what :func:`compare_versions` finds for them (its keys are equal, so every block stays in place):
    a block whose line breaks all follow a plain character folds like the same block with its line breaks
    made spaces (see :func:`fold_memo`), so two such blocks equal once their line breaks are spaces fold
    alike; any other pair of differing blocks is folded (by ``fold_block``, which the comparison that follows
    when they differ reuses) and compared."""
    a, b = old.text, new.text
    if len(old.blocks) != len(new.blocks) or old.links != new.links:
        return None
    changed: list[int] = []
    for index, (x, y) in enumerate(zip(old.blocks, new.blocks)):
        if x.kind != y.kind:
            return None
        old_raw, new_raw = a[x.start:x.end], b[y.start:y.end]
        if old_raw == new_raw:
            continue
        rewrapped = (old_raw.replace("\n", " ") == new_raw.replace("\n", " ")
                     and plain_line_breaks(old_raw) and plain_line_breaks(new_raw))
        if not rewrapped and fold_block(old_raw) != fold_block(new_raw):
            return None
        changed.append(index)
    return Comparison(old, new, 1.0, metadata_changes(old, new), deferred=partial(_layout_changes, old, new, changed),
                      deferred_count=len(changed))


def _layout_changes(old: Article, new: Article, changed: list[int]) -> list[Change]:
    """The cosmetic changes of :func:`_layout_only`'s blocks ``changed`` (a module-level function: a
    comparison is pickled to and from worker processes)."""
    fold_block = fold_memo()
    return _in_place(Version(old, fold_block), Version(new, fold_block), changed).layout_changes()


def _in_place(old: Version, new: Version, changed: list[int]) -> _Comparer:
    """The comparer of two versions whose blocks all stay in place, those ``changed`` differing in layout only."""
    comparer = _Comparer(old, new, Alignment(pairs=[Pair(i, i, True, True) for i in range(len(old.blocks))]), None)
    comparer.layout_pairs = [(i, i) for i in changed]
    return comparer


def compare_versions(old: Version, new: Version, *, memo: PairMemo | None = None,
                     overlap: Overlap | None = None) -> Comparison:
    """:func:`compare` on prepared versions: the public extension point for callers comparing many versions.

    Collating many witnesses against one base prepares the base once (:class:`Version`) and passes ``memo``,
    a :data:`PairMemo` shared by all the comparisons, so that each distinct pair of edited blocks is diffed
    once, and ``overlap``, a memoized count of the words two blocks share (see
    :func:`~variorum.compare.align.align_blocks`). Neither changes the result.
    """
    if old.keys == new.keys and old.article.links == new.article.links:
        # Equal after folding, block by block (string hashes compared first): every block stays in place as
        # it is, at most its layout changed, which is what the alignment below would find at more cost.
        changed = [i for i in range(len(old.blocks)) if old.raw(i) != new.raw(i)]
        return Comparison(old.article, new.article, 1.0, metadata_changes(old.article, new.article),
                          deferred=_in_place(old, new, changed).layout_changes, deferred_count=len(changed))
    alignment = align_blocks(old.keys, new.keys, [b.kind for b in old.blocks], [b.kind for b in new.blocks],
                             overlap)
    comparer = _Comparer(old, new, alignment, memo)
    for pair in alignment.pairs:
        if pair.identical:
            comparer.identical_pair(pair.a, pair.b, pair.in_place)
        else:
            comparer.edited_pair(pair.a, pair.b, pair.in_place)
    for whole, pieces in alignment.splits:
        comparer.joined(old, whole, new, pieces, "paragraph_split")
    for run, whole in alignment.merges:
        comparer.joined(new, whole, old, run, "paragraph_merged")
    for whole, pieces in alignment.edited_splits:
        comparer.edited_join([whole], pieces)
    for run, whole in alignment.edited_merges:
        comparer.edited_join(run, [whole])
    for index in alignment.removed:
        comparer.removed(index)
    for index in alignment.added:
        comparer.added(index)
    comparer.links()
    comparer.changes.extend(metadata_changes(old.article, new.article))
    total = sum(map(len, old.keys)) + len(old.keys) + sum(map(len, new.keys)) + len(new.keys)  # the blocks' weights
    similarity = 1.0 if total == 0 else min(1.0, 2 * comparer.matched / total)
    return Comparison(old.article, new.article, similarity, comparer.changes, deferred=comparer.layout_changes,
                      deferred_count=len(comparer.layout_pairs))
