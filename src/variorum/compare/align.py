"""Aligning the blocks (paragraphs, headline, captions, …) of two versions, moves and splits included.

Steps, each near-linear in the number of blocks:

1. match identical blocks in order (:mod:`variorum.compare.sequence` over block keys);
2. pair identical blocks left over on both sides: paragraphs that moved unchanged;
3. find blocks split in two or more, or merged, with their words unchanged;
4. pair the remaining blocks by word similarity, found through an inverted index (no all-pairs scan),
   and a headline (byline, …) with the other version's only remaining one of the same kind;
5. keep the longest chain of pairs that is in order on both sides "in place" (ties: the most words);
   every other pair moved;
6. an edited pair in place next to an added (removed) block holding one of its sentences is a split
   (merge) with edits: the blocks are diffed as one text.

What is left unpaired was removed from A or added in B.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import chain, pairwise
from typing import NamedTuple

from variorum.compare.sequence import longest_increasing, matched_pairs, opcodes
from variorum.text.segment import ends_sentence, sentence_spans
from variorum.text.tokens import MARKS, UNSPACED, has_unspaced

BlockKey = str  # a block's folded text (see variorum.text.tokens.fold_text)
Overlap = Callable[[BlockKey, BlockKey], int]  # how many words two blocks share

_SIMILAR_ENOUGH = 0.5
_LONE_KINDS = ("headline", "standfirst", "byline", "dateline", "caption")
_CANDIDATES_PER_BLOCK = 8
_COMMON_WORD_POSTINGS = 64
_WORD_RE = re.compile(r"[^\W_]+")
_JOINED_WEIGHT = 1 << 60  # more than any number of pairs can weigh


class Pair(NamedTuple):
    """Block ``a`` of version A corresponds to block ``b`` of version B (a named tuple: one
    per block, made in about half a frozen dataclass's time)."""

    a: int
    b: int
    identical: bool
    in_place: bool


@dataclass
class Alignment:
    """How the blocks of two versions correspond."""

    pairs: list[Pair] = field(default_factory=list)
    splits: list[tuple[int, list[int]]] = field(default_factory=list)  # one A block → consecutive B blocks
    merges: list[tuple[list[int], int]] = field(default_factory=list)  # consecutive A blocks → one B block
    removed: list[int] = field(default_factory=list)
    added: list[int] = field(default_factory=list)
    # Splits and merges with edits: one A block ↔ consecutive B blocks (or the reverse), diffed as one text.
    edited_splits: list[tuple[int, list[int]]] = field(default_factory=list)
    edited_merges: list[tuple[list[int], int]] = field(default_factory=list)


@lru_cache(maxsize=8192)
def bag_of_words(key: BlockKey) -> frozenset[str]:
    """The lower-cased words of a block, for similarity; URLs fall apart into host and path words, and
    Chinese and Japanese, written without spaces, into the pairs of characters that follow each other
    (memoized: collating many versions meets the same blocks again and again)."""
    words = _WORD_RE.findall(key.lower())
    if not has_unspaced(key):
        return frozenset(words)
    pieces = []
    cjk_run = _cjk_run()
    for word in words:
        for index, run in enumerate(cjk_run.split(word)):  # the CJK runs are the odd pieces
            if index % 2:
                pieces += [run[k:k + 2] for k in range(max(1, len(run) - 1))]
            elif run:
                pieces.append(run)
    return frozenset(pieces)


@cache
def _cjk_run() -> re.Pattern[str]:
    """A run of characters of scripts without spaces, with the marks inside it (compiled on first use: most
    text has none)."""
    return re.compile(f"([{UNSPACED}][{UNSPACED}{MARKS}]*)")


def dice(left: frozenset[str], right: frozenset[str]) -> float:
    """Dice coefficient of two sets of words: 1.0 for the same words, 0.0 for none in common."""
    total = len(left) + len(right)
    return 2 * len(left & right) / total if total else 1.0


def _first_word(key: BlockKey) -> str:
    """What a block's key starts with, for finding the pieces of a split: its first word, or its first
    character when that is Chinese or Japanese (a whole paragraph can be one "word" there)."""
    word = key.split(" ", 1)[0]
    return word[:1] if has_unspaced(word[:1]) else word


def _find_joins(
    whole_keys: Sequence[BlockKey], whole_free: list[int], part_keys: Sequence[BlockKey], part_free: set[int]
) -> list[tuple[int, list[int]]]:
    """Blocks on one side equal to a run of two or more consecutive unpaired blocks on the other (joined by a
    space, or by nothing between two pieces of Chinese or Japanese, which has no spaces between sentences)."""
    by_first_word: dict[str, list[int]] = defaultdict(list)
    for index in sorted(part_free):
        by_first_word[_first_word(part_keys[index])].append(index)
    joins: list[tuple[int, list[int]]] = []
    for whole in whole_free:
        target = whole_keys[whole]
        for first in by_first_word.get(_first_word(target), ()):
            if first not in part_free or not target.startswith(part_keys[first]):
                continue
            run = [first]
            joined = part_keys[first]
            while len(joined) < len(target) and run[-1] + 1 in part_free:
                following = part_keys[run[-1] + 1]
                candidate = joined + " " + following
                if not target.startswith(candidate):
                    candidate = joined + following
                    if not (has_unspaced(joined[-1:] + following[:1]) and target.startswith(candidate)):
                        break
                run.append(run[-1] + 1)
                joined = candidate
            if len(run) > 1 and joined == target:
                joins.append((whole, run))
                part_free.difference_update(run)
                break
    return joins


def _similar_pairs(keys_a: Sequence[BlockKey], free_a: list[int], keys_b: Sequence[BlockKey],
                   free_b: list[int], overlap: Overlap | None = None) -> list[tuple[int, int]]:
    """Pairs of similar blocks, each block's candidates found by counting the words it shares with the
    others (words in more than ``_COMMON_WORD_POSTINGS`` blocks do not count). With so few blocks that no
    word can be that common, a pair shares exactly its common words: a caller may pass ``overlap``, a
    memoized count of them, instead of the inverted index (collating meets the same pairs again and again)."""
    bags_a = {i: bag_of_words(keys_a[i]) for i in free_a}
    bags_b = {j: bag_of_words(keys_b[j]) for j in free_b}
    counted = overlap is not None and len(free_b) <= _COMMON_WORD_POSTINGS
    postings: dict[str, list[int]] = {}
    if not counted:
        all_postings: dict[str, list[int]] = defaultdict(list)
        for j in free_b:
            for word in bags_b[j]:
                all_postings[word].append(j)
        postings = {word: blocks for word, blocks in all_postings.items() if len(blocks) <= _COMMON_WORD_POSTINGS}
    scored: list[tuple[float, int, int]] = []
    for i in free_a:
        if overlap is not None and counted:
            shared = {j: count for j in free_b if (count := overlap(keys_a[i], keys_b[j]))}
        else:
            shared = Counter(chain.from_iterable(filter(None, map(postings.get, bags_a[i]))))
        for j, count in sorted(shared.items(), key=lambda item: (-item[1], item[0]))[:_CANDIDATES_PER_BLOCK]:
            score = 2 * count / (len(bags_a[i]) + len(bags_b[j])) if counted else dice(bags_a[i], bags_b[j])
            if score >= _SIMILAR_ENOUGH:
                scored.append((score, i, j))
    scored.sort(key=lambda item: (-item[0], item[1], item[2]))
    used_a: set[int] = set()
    used_b: set[int] = set()
    chosen = []
    for _, i, j in scored:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            chosen.append((i, j))
    return chosen


def _gap_pairs(keys_a: Sequence[BlockKey], free_a: list[int], keys_b: Sequence[BlockKey], free_b: list[int],
               anchors: list[tuple[int, int, bool]]) -> list[tuple[int, int]]:
    """The common case, found without an index: as many edited blocks on each side between two unchanged
    ones, paired in order where they are similar."""
    free_a_set, free_b_set = set(free_a), set(free_b)
    pairs = []
    bounds = [(-1, -1)] + [(i, j) for i, j, _ in anchors] + [(len(keys_a), len(keys_b))]
    for (i0, j0), (i1, j1) in pairwise(bounds):
        left = [i for i in range(i0 + 1, i1) if i in free_a_set]
        right = [j for j in range(j0 + 1, j1) if j in free_b_set]
        if left and len(left) == len(right):
            for i, j in zip(left, right):
                if dice(bag_of_words(keys_a[i]), bag_of_words(keys_b[j])) >= _SIMILAR_ENOUGH:
                    pairs.append((i, j))
    return pairs


def _pair_lone_kinds(kinds_a: Sequence[str], free_a: set[int], kinds_b: Sequence[str],
                     free_b: set[int]) -> list[tuple[int, int]]:
    """Pair a rewritten headline (byline, caption, …) with its successor: the only one of its kind left."""
    pairs = []
    for kind in _LONE_KINDS:
        left = [i for i in sorted(free_a) if kinds_a[i] == kind]
        right = [j for j in sorted(free_b) if kinds_b[j] == kind]
        if len(left) == 1 and len(right) == 1:
            pairs.append((left[0], right[0]))
    return pairs


def _align_middle(keys_a: Sequence[BlockKey], keys_b: Sequence[BlockKey], kinds_a: Sequence[str],
                  kinds_b: Sequence[str], overlap: Overlap | None
                  ) -> tuple[Alignment, list[tuple[int, int, bool]]]:
    """Steps 1-4 of the module docstring: the alignment without its pairs, and the candidate pairs
    ``(a, b, identical)``."""
    alignment = Alignment()
    if len(keys_a) == 1 and len(keys_b) == 1 and keys_a[0] != keys_b[0]:
        # One block edited between shared ones (the commonest edit): steps 1-3 find nothing, and step 4
        # pairs the two blocks exactly when they are similar enough or both the only one of their kind.
        if (dice(bag_of_words(keys_a[0]), bag_of_words(keys_b[0])) >= _SIMILAR_ENOUGH
                or (kinds_a and kinds_b and kinds_a[0] == kinds_b[0] and kinds_a[0] in _LONE_KINDS)):
            return alignment, [(0, 0, False)]
        alignment.removed, alignment.added = [0], [0]
        return alignment, []
    candidates: list[tuple[int, int, bool]] = [(i, j, True) for i, j in matched_pairs(keys_a, keys_b)]
    in_order = list(candidates)
    paired_a = {i for i, _, _ in candidates}
    paired_b = {j for _, j, _ in candidates}

    unpaired_b_by_key: dict[BlockKey, list[int]] = defaultdict(list)
    for j in range(len(keys_b)):
        if j not in paired_b:
            unpaired_b_by_key[keys_b[j]].append(j)
    for i in range(len(keys_a)):
        if i not in paired_a and unpaired_b_by_key.get(keys_a[i]):
            j = unpaired_b_by_key[keys_a[i]].pop(0)
            candidates.append((i, j, True))
            paired_a.add(i)
            paired_b.add(j)

    free_a = [i for i in range(len(keys_a)) if i not in paired_a]
    free_b_set = {j for j in range(len(keys_b)) if j not in paired_b}
    alignment.splits = _find_joins(keys_a, free_a, keys_b, free_b_set)
    split_a = {i for i, _ in alignment.splits}
    free_a_set = {i for i in free_a if i not in split_a}
    free_b = sorted(free_b_set)
    alignment.merges = [(run, j) for j, run in _find_joins(keys_b, free_b, keys_a, free_a_set)]
    merged_b = {j for _, j in alignment.merges}
    free_a = sorted(free_a_set)
    free_b = [j for j in free_b if j not in merged_b]

    def take(pairs: Iterable[tuple[int, int]]) -> None:
        for i, j in pairs:
            candidates.append((i, j, False))
            free_a_set.discard(i)
            merged_b.add(j)

    take(_gap_pairs(keys_a, free_a, keys_b, free_b, in_order))
    free_a = sorted(free_a_set)
    free_b = [j for j in free_b if j not in merged_b]
    take(_similar_pairs(keys_a, free_a, keys_b, free_b, overlap))
    if kinds_a and kinds_b:
        take(_pair_lone_kinds(kinds_a, free_a_set, kinds_b, {j for j in free_b if j not in merged_b}))
    alignment.removed = sorted(free_a_set)
    alignment.added = [j for j in free_b if j not in merged_b]

    return alignment, candidates


def _in_order(found: list[tuple[int, int, bool]], middle: Alignment) -> bool:
    """True when the candidate pairs, splits and merges of the middle are in order on both sides."""
    points = sorted([(i, j) for i, j, _ in found] + [(whole, pieces[0]) for whole, pieces in middle.splits]
                    + [(run[0], whole) for run, whole in middle.merges])
    return all(j < next_j and i < next_i for (i, j), (next_i, next_j) in pairwise(points))


def align_blocks(keys_a: Sequence[BlockKey], keys_b: Sequence[BlockKey],
                 kinds_a: Sequence[str] = (), kinds_b: Sequence[str] = (), overlap: Overlap | None = None) -> Alignment:
    """Align two versions given each block's folded text and kind (see the module docstring for the method).

    Kinds (headline, byline, …) are optional; with them, a rewritten headline still pairs with the old one.
    ``overlap`` (optional) counts the words two block keys share, memoized by a caller aligning many versions.
    The blocks the versions share at their start and at their end are paired before any other step, which
    then works on the blocks between: every step would pair them so, and leave the rest as it does.
    """
    prefix = 0
    limit = min(len(keys_a), len(keys_b))
    while prefix < limit and keys_a[prefix] == keys_b[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and keys_a[len(keys_a) - 1 - suffix] == keys_b[len(keys_b) - 1 - suffix]:
        suffix += 1
    stop_a, stop_b = len(keys_a) - suffix, len(keys_b) - suffix
    middle, found = _align_middle(keys_a[prefix:stop_a], keys_b[prefix:stop_b], kinds_a[prefix:stop_a] if kinds_a else (),
                                  kinds_b[prefix:stop_b] if kinds_b else (), overlap)
    alignment = Alignment(
        splits=[(whole + prefix, [piece + prefix for piece in pieces]) for whole, pieces in middle.splits],
        merges=[([piece + prefix for piece in run], whole + prefix) for run, whole in middle.merges],
        removed=[index + prefix for index in middle.removed],
        added=[index + prefix for index in middle.added],
    )
    candidates = [(k, k, True) for k in range(prefix)]
    candidates += [(i + prefix, j + prefix, identical) for i, j, identical in found]
    candidates += [(stop_a + k, stop_b + k, True) for k in range(suffix)]
    candidates.sort()
    # Keep as many blocks in place as possible; among equal counts, the larger ones. Splits and merges stay
    # in place whatever it costs (the engine can report a moved block, not a moved split): a block out of
    # order with one of them moved. The shared start and end come before and after everything else on both
    # sides, so when the pairs between are in order, every pair is.
    all_in_place = _in_order(found, middle)
    in_place: set[int] = set()
    if not all_in_place:
        ordered = sorted([(i, j, 1_000_000 + len(keys_a[i]), index) for index, (i, j, _) in enumerate(candidates)]
                         + [(whole, pieces[0], _JOINED_WEIGHT, -1) for whole, pieces in alignment.splits]
                         + [(run[0], whole, _JOINED_WEIGHT, -1) for run, whole in alignment.merges])
        kept = longest_increasing([(i, j) for i, j, _, _ in ordered], [weight for _, _, weight, _ in ordered])
        in_place = {ordered[k][3] for k in kept}
    alignment.pairs = [
        Pair(i, j, identical, all_in_place or index in in_place) for index, (i, j, identical) in enumerate(candidates)
    ]
    if alignment.added or alignment.removed:
        _edited_joins(alignment, keys_a, keys_b, kinds_a, kinds_b)
    return alignment


_SHARED_SENTENCE_CHARS = 20  # a sentence that tells a split is no boilerplate ("Read more.")


def _sentence_keys(key: BlockKey) -> set[str]:
    """The sentences of a block's folded text long enough to tell where a paragraph went."""
    return {key[start:end] for start, end in sentence_spans(key) if end - start >= _SHARED_SENTENCE_CHARS}


def _edited_joins(alignment: Alignment, keys_a: Sequence[BlockKey], keys_b: Sequence[BlockKey],
                  kinds_a: Sequence[str], kinds_b: Sequence[str]) -> None:
    """Splits and merges with edits (step 6): an edited pair in place whose neighbour on one side was added
    (or removed on the other) while holding a sentence of the pair's other block that its partner lacks
    was split (merged) there, with edits — not rewritten beside a new paragraph. The pair and the neighbours
    become one edited split (merge), diffed as one text (the engine reports the paragraph break apart)."""
    # Front matter (a headline, a byline, …) is compared as a whole block, never joined.
    added = {j for j in alignment.added if not kinds_b or kinds_b[j] not in _LONE_KINDS}
    removed = {i for i in alignment.removed if not kinds_a or kinds_a[i] not in _LONE_KINDS}
    kept: list[Pair] = []
    for pair in alignment.pairs:
        if (pair.identical or not pair.in_place or (kinds_a and kinds_a[pair.a] in _LONE_KINDS)
                or (kinds_b and kinds_b[pair.b] in _LONE_KINDS)):
            kept.append(pair)
            continue
        pieces = _neighbours_holding(pair.b, _sentence_keys(keys_a[pair.a]), keys_b, added, kinds_b)
        if len(pieces) > 1 and _steps_clear(keys_a[pair.a], pieces, keys_b):
            alignment.edited_splits.append((pair.a, pieces))
            continue
        added.update(j for j in pieces if j != pair.b)  # not a split: its neighbours are free again
        parts = _neighbours_holding(pair.a, _sentence_keys(keys_b[pair.b]), keys_a, removed, kinds_a)
        if len(parts) > 1 and _steps_clear(keys_b[pair.b], parts, keys_a):
            alignment.edited_merges.append((parts, pair.b))
            continue
        removed.update(i for i in parts if i != pair.a)
        kept.append(pair)
    if alignment.edited_splits or alignment.edited_merges:
        joined_b = {j for _, pieces in alignment.edited_splits for j in pieces}
        joined_a = {i for run, _ in alignment.edited_merges for i in run}
        alignment.pairs = kept
        alignment.added = [j for j in alignment.added if j not in joined_b]
        alignment.removed = [i for i in alignment.removed if i not in joined_a]


def _neighbours_holding(index: int, sentences: set[str], keys: Sequence[BlockKey], free: set[int],
                        kinds: Sequence[str] = ()) -> list[int]:
    """``index`` and the free blocks beside it that hold a sentence of ``sentences`` which block ``index``
    (and the blocks taken before) do not, or are similar to those sentences (an edited piece: the last one
    taken on its side); the blocks taken leave ``free``. An aside between two pieces — a short line that is
    no sentence (a teaser, a label) or a caption (``kinds``), free or paired with a block of the other
    version — is stepped over and left as it was."""
    run = [index]
    missing = sentences - _sentence_keys(keys[index])
    for step in (1, -1):
        neighbour = index + step
        while missing and 0 <= neighbour < len(keys):
            held = _sentence_keys(keys[neighbour]) if neighbour in free else set()
            shared = missing & held
            if not shared and neighbour + step in free and _is_aside(keys[neighbour], kinds[neighbour] if kinds else ""):
                beyond = _sentence_keys(keys[neighbour + step])
                if missing & beyond:
                    neighbour, held, shared = neighbour + step, beyond, missing & beyond
            if neighbour not in free:
                break
            if not shared and dice(bag_of_words(" ".join(sorted(missing))), bag_of_words(keys[neighbour])) < _SIMILAR_ENOUGH:
                break
            missing -= held
            free.discard(neighbour)
            run.append(neighbour)
            if not shared:
                break
            neighbour += step
    return sorted(run)


def _steps_clear(whole: BlockKey, pieces: list[int], keys: Sequence[BlockKey]) -> bool:
    """True when no run of sentences that differs between ``whole`` and its ``pieces`` reaches across a
    block stepped over between two pieces (such a run would read the block's text as the article's)."""
    gaps: list[int] = []
    piece_sentences: list[str] = []
    for number, index in enumerate(pieces):
        if number and index != pieces[number - 1] + 1:
            gaps.append(len(piece_sentences))
        piece_sentences += [keys[index][start:end] for start, end in sentence_spans(keys[index])]
    if not gaps:
        return True
    whole_sentences = [whole[start:end] for start, end in sentence_spans(whole)]
    return not any(t1 < gap < t2 for tag, _, _, t1, t2 in opcodes(whole_sentences, piece_sentences) if tag != "equal"
                   for gap in gaps)


_ASIDE_WORDS = 16  # a teaser or a box's heading is a headline's length, not a paragraph's


def _is_aside(key: BlockKey, kind: str = "") -> bool:
    """True for a block that may stand between two pieces of a paragraph: a caption (an image set between
    them), or a short line that is no sentence (a teaser or a label)."""
    return kind == "caption" or (len(key.split(None, _ASIDE_WORDS)) <= _ASIDE_WORDS and not ends_sentence(key))
