"""``compare(a, b)``: align two versions, diff what differs word by word, classify and rank every change.

The steps follow DESIGN.md: tokens keyed for layout-free comparison (:mod:`variorum.text.tokens`), blocks
aligned with moves, splits and merges (:mod:`.align`), word-level edits inside paired blocks (:mod:`.diff`),
each edit classified (:mod:`.classify`), and the changes ranked by significance.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from collections import defaultdict
from typing import Any, Callable

from variorum.article import Article
from variorum.compare.align import Alignment, Overlap, align_blocks
from variorum.compare.classify import classify_edit, classify_link, find_speaker, quote_spans, quote_touching
from variorum.compare.diff import word_edits
from variorum.compare.furniture import furniture_edit, furniture_kinds
from variorum.compare.metadata import metadata_changes
from variorum.compare.sequence import opcodes
from variorum.compare.model import COSMETIC, MAJOR, MINOR, Change, Comparison, Span
from variorum.text.frontmatter import BYLINE, CAPTION, CORRECTION, DATELINE, HEADLINE, STANDFIRST
from variorum.text.segment import ends_sentence, sentence_spans
from variorum.text.tokens import Token, fold, fold_text, tokenize

_WHOLE_BLOCK_KINDS = {HEADLINE: MAJOR, BYLINE: MAJOR, CAPTION: MINOR, DATELINE: MINOR}
_ADDED_OR_REMOVED_KINDS = {**_WHOLE_BLOCK_KINDS, STANDFIRST: MINOR, CORRECTION: MAJOR}
_LONG_PARAGRAPH_WORDS = 8
_CONTEXT_CHARS = 240
_LAYOUT_CONTEXT_CHARS = 80
_QUOTE_CHARS = set("'\"‘’“”„‟«»‹›′″`´ʼ")
_DASH_CHARS = set("-‐‑‒–—―−")
_INVISIBLE_CHARS = set("\u00ad\u200b\u200c\u200d\u2060\ufeff")


def _collapse(text: str) -> str:
    return " ".join(text.split())


class _Version:
    """One side of a comparison: the article, each block's folded text, and tokens for blocks that differ.
    ``fold_block`` folds a block's text (a caller comparing many versions may pass a memoized one)."""

    def __init__(self, article: Article, fold_block: Callable[[str], str] = fold_text) -> None:
        self.article = article
        self.text = article.text
        self.blocks = list(article.blocks)
        self.keys = [fold_block(self.text[b.start:b.end]) for b in self.blocks]
        self.starts = [b.start for b in self.blocks]
        self._quotes: dict[int, list[tuple[int, int]]] = {}

    def sentences(self, index: int) -> tuple[list[Span], list[str]]:
        """The spans of a block's sentences and their folded texts."""
        block = self.blocks[index]
        spans = sentence_spans(self.text, block.start, block.end)
        return spans, [fold_text(self.text[start:end]) for start, end in spans]

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
        return sum(1 for word in self.keys[index].split() if word[:1].isalnum())

    def context(self, index: int, span: Span) -> str:
        """The sentence(s) of block ``index`` around ``span``, whitespace folded, trimmed around the change."""
        block = self.blocks[index]
        sentences = sentence_spans(self.text, block.start, block.end) or [(block.start, block.end)]
        covering = [s for s in sentences if s[0] <= span[1] and span[0] <= s[1]] or sentences[:1]
        start, end = covering[0][0], covering[-1][1]
        if end - start > _CONTEXT_CHARS:
            start = max(start, span[0] - _CONTEXT_CHARS // 2)
            end = min(end, max(span[1], start) + _CONTEXT_CHARS // 2)
            return "…" + _collapse(self.text[start:end]) + "…"
        return _collapse(self.text[start:end])


def _as_article(value: str | Article) -> Article:
    if isinstance(value, Article):
        return value
    if isinstance(value, str):
        return Article.from_text(value)
    raise TypeError(f"compare() takes str or Article, not {type(value).__name__}")


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


def _region(spans: list[Span], first: int, stop: int, block_start: int) -> Span:
    """The character span of sentences ``[first, stop)``; empty ranges give the point where they would go."""
    if first < stop:
        return spans[first][0], spans[stop - 1][1]
    point = spans[first - 1][1] if first > 0 else block_start
    return point, point


def _token_span(tokens: list[Token], start: int, stop: int, region_start: int) -> Span:
    """The character span of ``tokens[start:stop]``; an empty range gives the insertion point."""
    if start < stop:
        return tokens[start].start, tokens[stop - 1].end
    position = tokens[start - 1].end if start > 0 else region_start
    return position, position


def _insertion_points(alignment: Alignment, a: _Version, b: _Version) -> list[int]:
    """For each block of B, the offset in A after which it belongs (end of the nearest anchored block)."""
    anchored: dict[int, int] = {}
    for pair in alignment.pairs:
        if pair.in_place:
            anchored[pair.b] = a.blocks[pair.a].end
    for whole, pieces in alignment.splits:
        for piece in pieces:
            anchored[piece] = a.blocks[whole].end
    for run, whole in alignment.merges:
        anchored[whole] = a.blocks[run[-1]].end
    points = []
    last = 0
    for index in range(len(b.blocks)):
        points.append(last)
        last = anchored.get(index, last)
    return points


class _Collector:
    """Builds the list of changes for one comparison."""

    def __init__(self, a: _Version, b: _Version, alignment: Alignment) -> None:
        self.a, self.b = a, b
        self.changes: list[Change] = []
        self.matched = 0  # folded characters the versions share, for the similarity
        self.insert_at = _insertion_points(alignment, a, b)
        self.position_in_b = {pair.a: b.blocks[pair.b].end for pair in alignment.pairs if pair.in_place}
        self._furniture: dict[int, list[str | None]] = {}

    def furniture(self, version: _Version, index: int) -> str | None:
        """Why a block is page furniture (see :mod:`.furniture`), or None; worked out once per version."""
        if id(version) not in self._furniture:
            self._furniture[id(version)] = furniture_kinds(version.article)
        return self._furniture[id(version)][index]

    def add(self, kind: str, significance: str, old_span: Span | None, new_span: Span | None,
            context: str, detail: dict[str, Any] | None = None, *, with_text: bool = True) -> None:
        old = _collapse(self.a.text[old_span[0]:old_span[1]]) if with_text and old_span and old_span[0] < old_span[1] else None
        new = _collapse(self.b.text[new_span[0]:new_span[1]]) if with_text and new_span and new_span[0] < new_span[1] else None
        self.changes.append(Change(kind, significance, old, new, old_span, new_span, context, detail or {}))

    def identical_pair(self, i: int, j: int, in_place: bool) -> None:
        self.matched += self.a.weight(i)
        if not in_place:
            self.moved(i, j, edited=False)
        old_raw, new_raw = self.a.raw(i), self.b.raw(j)
        if old_raw != new_raw:
            self.add("layout", COSMETIC, self.a.span(i), self.b.span(j), self.b.keys[j][:_LAYOUT_CONTEXT_CHARS],
                     {"differences": _layout_differences(old_raw, new_raw)}, with_text=False)

    def moved(self, i: int, j: int, *, edited: bool) -> None:
        furniture = self.furniture(self.a, i)
        if furniture is not None and self.furniture(self.b, j) is not None:  # teasers shuffled around
            self.add("paragraph_moved", COSMETIC, self.a.span(i), self.b.span(j),
                     _collapse(self.b.raw(j))[:_CONTEXT_CHARS],
                     {"insert_at": self.insert_at[j], "edited": edited, "furniture": furniture})
            return
        self.add("paragraph_moved", MINOR, self.a.span(i), self.b.span(j), _collapse(self.b.raw(j))[:_CONTEXT_CHARS],
                 {"insert_at": self.insert_at[j], "edited": edited})

    def edited_pair(self, i: int, j: int, in_place: bool) -> None:
        if not in_place:
            self.moved(i, j, edited=True)
        furniture = self.furniture(self.a, i)
        if furniture is not None and self.furniture(self.b, j) is not None:  # a new stamp, other teasers
            self.add("layout", COSMETIC, self.a.span(i), self.b.span(j), _collapse(self.b.raw(j))[:_CONTEXT_CHARS],
                     {"furniture": furniture, "differences": [f"page furniture ({furniture})"]})
            return
        kind = self.a.blocks[i].kind
        if kind in _WHOLE_BLOCK_KINDS:
            self.add(kind, _WHOLE_BLOCK_KINDS[kind], self.a.span(i), self.b.span(j), _collapse(self.b.raw(j)))
            return
        spans_a, keys_a = self.a.sentences(i)
        spans_b, keys_b = self.b.sentences(j)
        found_any = False
        for tag, s1, s2, t1, t2 in opcodes(keys_a, keys_b):
            if tag == "equal":
                self.matched += sum(len(key) + 1 for key in keys_a[s1:s2])
                continue
            old_region = _region(spans_a, s1, s2, self.a.blocks[i].start)
            new_region = _region(spans_b, t1, t2, self.b.blocks[j].start)
            found_any |= self.sentence_edits(i, j, old_region, new_region)
        if not found_any:  # the same words; only spacing around punctuation told them apart
            self.matched -= sum(len(key) + 1 for key in keys_a)
            self.identical_pair(i, j, in_place=True)

    def sentence_edits(self, i: int, j: int, old_region: Span, new_region: Span) -> bool:
        """Word-level changes between sentences of block ``i`` of A and block ``j`` of B; True if any."""
        old_tokens = tokenize(self.a.text, *old_region)
        new_tokens = tokenize(self.b.text, *new_region)
        edits = word_edits(old_tokens, new_tokens)
        changed = sum(len(t.key) + 1 for i1, i2, _, _ in edits for t in old_tokens[i1:i2])
        self.matched += max(0, sum(len(t.key) + 1 for t in old_tokens) - changed)
        for i1, i2, j1, j2 in edits:
            old_span = _token_span(old_tokens, i1, i2, old_region[0])
            new_span = _token_span(new_tokens, j1, j2, new_region[0])
            context = self.b.context(j, new_span) if j1 < j2 or i1 == i2 else self.a.context(i, old_span)
            furniture = furniture_edit(self.a.article, old_span, self.b.article, new_span)
            if furniture is not None:  # a teaser or stamp run into the article's text
                self.add("layout", COSMETIC, old_span, new_span, context,
                         {"furniture": furniture, "differences": [f"page furniture ({furniture})"]})
                continue
            quote = self._quote(i, j, old_span, new_span)
            found = classify_edit(old_tokens[i1:i2], new_tokens[j1:j2], quote)
            self.add(found.kind, found.significance, old_span, new_span, context, found.detail)
        return bool(edits)

    def _quote(self, i: int, j: int, old_span: Span, new_span: Span) -> dict[str, Any] | None:
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

    def joined(self, whole_version: _Version, whole: int, parts_version: _Version, parts: list[int],
               kind: str) -> None:
        """A split (one A block into several B blocks) or a merge (several A blocks into one B block)."""
        self.matched += whole_version.weight(whole)
        at_sentence = any(ends_sentence(parts_version.raw(p)) for p in parts[:-1])
        first, last = parts_version.blocks[parts[0]], parts_version.blocks[parts[-1]]
        whole_span = whole_version.span(whole)
        parts_span = (first.start, last.end)
        old_span, new_span = (whole_span, parts_span) if kind == "paragraph_split" else (parts_span, whole_span)
        context = _collapse(self.b.text[new_span[0]:new_span[1]])[:_CONTEXT_CHARS]
        detail = {"pieces": len(parts), "at_sentence_boundary": at_sentence}
        if not at_sentence:
            detail["differences"] = ["paragraph break inside a sentence"]
        self.add(kind if at_sentence else "layout", COSMETIC, old_span, new_span, context, detail, with_text=False)

    def removed(self, i: int) -> None:
        block_kind = self.a.blocks[i].kind
        kind = block_kind if block_kind in _ADDED_OR_REMOVED_KINDS else "paragraph_removed"
        significance = _ADDED_OR_REMOVED_KINDS.get(block_kind) or (
            MAJOR if self.a.word_count(i) >= _LONG_PARAGRAPH_WORDS else MINOR
        )
        position = self._position_in_b(i)
        furniture = self.furniture(self.a, i)
        self.add(kind, COSMETIC if furniture else significance, self.a.span(i), (position, position),
                 _collapse(self.a.raw(i))[:_CONTEXT_CHARS], {"furniture": furniture} if furniture else None)

    def added(self, j: int) -> None:
        block_kind = self.b.blocks[j].kind
        kind = block_kind if block_kind in _ADDED_OR_REMOVED_KINDS else "paragraph_added"
        significance = _ADDED_OR_REMOVED_KINDS.get(block_kind) or (
            MAJOR if self.b.word_count(j) >= _LONG_PARAGRAPH_WORDS else MINOR
        )
        point = self.insert_at[j]
        furniture = self.furniture(self.b, j)
        self.add(kind, COSMETIC if furniture else significance, (point, point), self.b.span(j),
                 _collapse(self.b.raw(j))[:_CONTEXT_CHARS],
                 {"insert_at": point, "furniture": furniture} if furniture else {"insert_at": point})

    def _position_in_b(self, i: int) -> int:
        """Where in B a removed A block would have been: after the B block paired with its predecessor."""
        for previous in range(i - 1, -1, -1):
            if previous in self.position_in_b:
                return self.position_in_b[previous]
        return 0

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

    def in_furniture(self, version: _Version, offset: int) -> bool:
        """True when the text at ``offset`` lies in a block of page furniture."""
        index = bisect_right(version.starts, offset) - 1
        return 0 <= index and offset < version.blocks[index].end and self.furniture(version, index) is not None


def compare(a: str | Article, b: str | Article) -> Comparison:
    """Compare version ``a`` with version ``b`` (plain text or :class:`Article`) and rank what changed.

    >>> result = compare("Officials said 12 people died.", "Officials said 14 people died.")
    >>> change = result.changes[0]
    >>> change.kind, change.significance, change.old, change.new, change.old_span
    ('number', 'major', '12', '14', (15, 17))
    """
    return compare_versions(_Version(_as_article(a)), _Version(_as_article(b)))


def compare_versions(old: _Version, new: _Version,
                     make_collector: Callable[[_Version, _Version, Alignment], _Collector] = _Collector,
                     overlap: Overlap | None = None) -> Comparison:
    """:func:`compare` on prepared versions. Collating many witnesses against one base prepares the base once
    and passes a collector that reuses the diffs of block pairs it has already seen, and a memoized count of
    the words two blocks share (see :func:`~variorum.compare.align.align_blocks`)."""
    alignment = align_blocks(old.keys, new.keys, [b.kind for b in old.blocks], [b.kind for b in new.blocks],
                             overlap)
    collector = make_collector(old, new, alignment)
    for pair in alignment.pairs:
        if pair.identical:
            collector.identical_pair(pair.a, pair.b, pair.in_place)
        else:
            collector.edited_pair(pair.a, pair.b, pair.in_place)
    for whole, pieces in alignment.splits:
        collector.joined(old, whole, new, pieces, "paragraph_split")
    for run, whole in alignment.merges:
        collector.joined(new, whole, old, run, "paragraph_merged")
    for index in alignment.removed:
        collector.removed(index)
    for index in alignment.added:
        collector.added(index)
    collector.links()
    collector.changes.extend(metadata_changes(old.article, new.article))
    total = sum(map(old.weight, range(len(old.blocks)))) + sum(map(new.weight, range(len(new.blocks))))
    similarity = 1.0 if total == 0 else min(1.0, 2 * collector.matched / total)
    changes = tuple(sorted(collector.changes, key=Change.sort_key))
    return Comparison(old.article, new.article, similarity, changes)
