"""Containment candidates from sampled shingles: trimmed and padded copies found at any size ratio.

MinHash LSH estimates Jaccard similarity, and a copy three times shorter than the story it was cut from has a
Jaccard similarity of a third at most: to catch it, LSH must be tuned to a tiny threshold, and every
document then meets thousands of others that merely share a sentence. Here each document instead posts a
fixed *sample* of its shingles (those whose 32-bit value has its low :data:`SAMPLE_BITS` bits zero; the
values are random, so about one in ``2**SAMPLE_BITS``). A document inside another has its sample inside
the other's sample, whatever the two sizes, so the share of the shorter document's sample found in the
longer one estimates containment directly (Broder's shingle sampling, as plagiarism detectors use it).

The sampled shingles make an inverted index: every pair of documents posting the same shingle is counted
once per shingle they share (:func:`posting_pairs`). A shingle posted by more than :data:`MAX_POSTINGS`
documents is text many documents share (furniture, a filler sentence, a much-syndicated block): its
documents are paired with the first of them only, so its cost is linear, not quadratic. Pairs are then
ranked by the estimated containment and at most :data:`MAX_CANDIDATES` kept per document
(:func:`ranked_candidates`), and those are verified exactly on the documents' shingle sets (:func:`verify`).

Postings are independent per shingle, so they can be cut into shards by shingle value and counted
anywhere (on Dask workers); :func:`merge_counts` adds the shards' counts into what one shard would give.

>>> from variorum.dedup.shingle import shingle_sets, token_hashes
>>> story = " ".join(f"w{i}" for i in range(400))
>>> sets = compact(shingle_sets(token_hashes([story, " ".join(story.split()[100:300]), "other words"]), 5, 1))
>>> counted = posting_pairs(postings(sets, np.arange(3)), MAX_POSTINGS)
>>> pairs = ranked_candidates(*counted, sample_sizes(sets), 0.6)
>>> pairs.tolist(), verify(sets, pairs, 0.6)
([[0, 1]], ([(0, 1, 1.0)], ['trimmed']))
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from variorum.dedup.cluster import Edge, level_of
from variorum.dedup.runs import pairs_within, runs
from variorum.dedup.shingle import HASH_BITS, ShingleSets, mix

SAMPLE_BITS = 2
"""One shingle in ``2**SAMPLE_BITS`` is posted: one in 4 leaves a 30-word brief about 6 posted shingles."""

MAX_POSTINGS = 20
"""A sampled shingle posted by more documents than this pairs each of them with the first only."""

MAX_CANDIDATES = 20
"""Candidate pairs kept per document, the best estimated first."""

SLACK = 0.5
"""A pair is verified when its estimated containment reaches this share of the threshold (the estimate from
a sample of a short document is rough; the exact check decides)."""

_LOW = np.uint64(0xFFFFFFFF)
_SHIFT = np.uint64(32)
_SPREAD = np.uint64(0x9E3779B97F4A7C15)  # documents times this (odd) number, then mixed: a list's key sums them


def compact(sets: ShingleSets) -> ShingleSets:
    """``sets`` with each shingle's top 32 bits only (half the memory), still sorted and distinct per document.

    Two shingles of one document share their top 32 bits with a chance of about ``size / 2**33``, so an
    exact similarity computed on compact sets is the exact one but for such rare coincidences.
    """
    values = (sets.values >> np.uint64(HASH_BITS - 32)).astype(np.uint32)
    keep = np.ones(len(values), dtype=bool)
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    keep[sets.offsets[:-1][sets.sizes > 0]] = True  # a document's first value, whatever the one before
    if keep.all():
        return ShingleSets(values, sets.offsets)
    offsets = np.concatenate(([0], np.cumsum(keep)))[sets.offsets].astype(np.int64)
    return ShingleSets(values[keep], offsets)


def _sampled(sets: ShingleSets) -> tuple[np.ndarray, np.ndarray]:
    """The positions in ``sets.values`` of the sampled shingles, and how many each document has (counted
    by where its offsets fall among those positions: a cumulative sum over every shingle costs ten times more)."""
    positions = np.flatnonzero((sets.values & np.uint32((1 << SAMPLE_BITS) - 1)) == 0)
    return positions, np.diff(np.searchsorted(positions, sets.offsets))


def sample_sizes(sets: ShingleSets) -> np.ndarray:
    """The number of sampled shingles of each document of compact ``sets``."""
    return np.asarray(_sampled(sets)[1], dtype=np.int64)


def postings(sets: ShingleSets, members: np.ndarray) -> np.ndarray:
    """The sampled shingles of documents ``members`` of compact ``sets`` as sorted ``value << 32 | document``."""
    positions, counts = _sampled(sets)
    owners = np.repeat(np.arange(len(sets), dtype=np.uint64), counts)
    member = np.zeros(len(sets), dtype=bool)
    member[members] = True
    kept = member[owners]
    codes: np.ndarray = (sets.values[positions[kept]].astype(np.uint64) << _SHIFT) | owners[kept]
    codes.sort()
    return codes


def shard(codes: np.ndarray, shards: int) -> list[np.ndarray]:
    """``codes`` (sorted postings) cut into ``shards`` by shingle value, each still sorted."""
    which = (codes >> _SHIFT) % np.uint64(shards)
    return [codes[which == number] for number in range(shards)]


Counted = tuple[np.ndarray, np.ndarray, np.ndarray]
"""Pairs as sorted distinct ``i << 32 | j`` codes (``i < j``); the number of sampled shingles each pair
shares in uncrowded lists plus :data:`CROWDED` times the number in crowded ones (lists of more than
``max_postings``); and the documents of each posting in a crowded list."""

CROWDED = 1 << 32
"""The weight of a shared shingle of a crowded list in a pair's count (both counts in one integer)."""


def posting_pairs(codes: np.ndarray, max_postings: int) -> Counted:
    """The pairs of documents sharing sampled shingles, counted (see :data:`Counted`); ``codes`` are sorted
    postings (see :func:`postings`).

    Lists of the same documents (the sampled shingles of one sentence that the same documents hold, of a
    story and its copies) are paired once, and their pairs counted as many times as there are such lists
    (:func:`_distinct_lists`): at 10,000 documents of the neardup bench, 28,000 small lists are 6,700
    distinct ones, 573,000 pairs of postings where there were 2.08 million.
    """
    if len(codes) == 0:
        return np.empty(0, np.uint64), np.empty(0, np.int64), np.empty(0, np.uint64)
    values, documents = codes >> _SHIFT, codes & _LOW
    starts, lengths = runs(values)
    small = (lengths > 1) & (lengths <= max_postings)
    members, sizes, repeats = _distinct_lists(documents, starts[small], lengths[small])
    list_starts = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.int64)
    first, second = pairs_within(list_starts, sizes, max_postings)  # small lists: every pair
    in_small = _tally((members[first] << _SHIFT) | members[second], np.repeat(repeats, sizes)[first])
    # Crowded lists: each posting with the list's first.
    heads = np.repeat(np.where(lengths > max_postings, starts, -1), lengths)
    crowded = heads >= 0
    tails = np.flatnonzero(crowded & (np.arange(len(codes)) != heads))
    with_first = _tally((documents[heads[tails]] << _SHIFT) | documents[tails])
    return (*_added(in_small, (with_first[0], with_first[1] * CROWDED)), documents[crowded])


def _distinct_lists(documents: np.ndarray, starts: np.ndarray, lengths: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct lists among the posting lists ``documents[start:start + length]``: their documents one
    after another, their lengths, and how many of the lists hold exactly those documents.

    Lists are grouped by a 64-bit sum of their documents' mixed numbers and their length, and each is compared
    in full with the first of its group: a list that differs (the sums collided) stays a list of its own.
    """
    offsets = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    members = documents[np.repeat(starts - offsets[:-1], lengths) + np.arange(offsets[-1])]
    if len(lengths) < 2:
        return members, lengths, np.ones(len(lengths), dtype=np.int64)
    with np.errstate(over="ignore"):
        keys = np.add.reduceat(mix(members * _SPREAD), offsets[:-1]) ^ mix(lengths.astype(np.uint64))
    order = np.argsort(keys, kind="stable")
    group_starts = runs(keys[order])[0]
    head = np.empty(len(keys), dtype=np.int64)  # the first list of each list's group
    head[order] = np.repeat(order[group_starts], np.diff(np.append(group_starts, len(keys))))
    others = np.flatnonzero((head != np.arange(len(keys))) & (lengths == lengths[head]))
    if len(others):
        sizes = lengths[others]
        places = np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        differs = (members[np.repeat(offsets[others], sizes) + places]
                   != members[np.repeat(offsets[head[others]], sizes) + places])
        alike = ~np.logical_or.reduceat(differs, np.cumsum(sizes) - sizes)
        head[others[~alike]] = others[~alike]
    unlike = lengths != lengths[head]
    head[unlike] = np.flatnonzero(unlike)
    repeats = np.bincount(head, minlength=len(keys))
    kept = np.flatnonzero(repeats)
    sizes = lengths[kept]
    taken = np.repeat(offsets[kept] - (np.cumsum(sizes) - sizes), sizes) + np.arange(int(sizes.sum()))
    return members[taken], sizes, repeats[kept]


def _tally(codes: np.ndarray, weights: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Distinct ``codes``, sorted, and how often each occurs (the sum of its ``weights``, when given)."""
    if weights is None:
        codes = np.sort(codes)
        starts, lengths = runs(codes)
        return codes[starts], lengths.astype(np.int64)
    order = np.argsort(codes)
    codes = codes[order]
    starts = runs(codes)[0]
    if len(starts) == 0:
        return codes, np.empty(0, np.int64)
    return codes[starts], np.add.reduceat(weights[order].astype(np.int64), starts)


def _added(first: tuple[np.ndarray, np.ndarray], second: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Two sets of distinct sorted codes with counts, as one (the counts of a code in both added)."""
    codes = np.sort(np.concatenate([first[0], second[0]]))  # not np.union1d: its hashing is far slower here
    codes = codes[runs(codes)[0]]
    counts = np.zeros(len(codes), dtype=np.int64)
    for part_codes, part_counts in (first, second):
        counts[np.searchsorted(codes, part_codes)] += part_counts
    return codes, counts


def _counted(codes: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct ``codes``, sorted, each with the sum of its ``counts``."""
    if len(codes) == 0:
        return np.empty(0, np.uint64), np.empty(0, np.int64)
    order = np.argsort(codes, kind="stable")
    codes, counts = codes[order], counts[order]
    starts = runs(codes)[0]
    return codes[starts], np.add.reduceat(counts, starts)


def merge_counts(parts: Sequence[Counted]) -> Counted:
    """The counts of several shards of postings added up: what :func:`posting_pairs` gives for all."""
    if not parts:
        return np.empty(0, np.uint64), np.empty(0, np.int64), np.empty(0, np.uint64)
    if len(parts) == 1:
        return parts[0]
    codes, counts = _counted(np.concatenate([part[0] for part in parts]), np.concatenate([part[1] for part in parts]))
    return codes, counts, np.concatenate([part[2] for part in parts])


def ranked_candidates(
    codes: np.ndarray, counts: np.ndarray, crowded: np.ndarray, samples: np.ndarray, threshold: float,
    max_candidates: int = MAX_CANDIDATES,
) -> np.ndarray:
    """The pairs worth verifying, sorted: estimated containment at least ``SLACK * threshold``, and among the
    ``max_candidates`` best of one of its documents.

    The estimate is the number of sampled shingles a pair shares over the smaller of the two documents'
    samples, taken two ways, the higher kept: counting the uncrowded lists only (a crowded list pairs its
    documents with its first only, so what two other documents of it share is not counted, and must not
    count against them either), and counting every list (right for a pair with the first of each crowded
    list it shares: the copies of a story syndicated everywhere).
    """
    first, second = (codes >> _SHIFT).astype(np.int64), (codes & _LOW).astype(np.int64)
    uncrowded, in_crowded = counts % CROWDED, counts // CROWDED
    informative = samples - np.bincount(crowded.astype(np.int64), minlength=len(samples))
    scores = np.maximum(
        uncrowded / np.maximum(np.minimum(informative[first], informative[second]), 1),
        (uncrowded + in_crowded) / np.maximum(np.minimum(samples[first], samples[second]), 1),
    )
    keep = scores >= SLACK * threshold
    first, second, scores = first[keep], second[keep], scores[keep]
    if len(first) == 0:
        return np.empty((0, 2), dtype=np.int64)
    # Each pair seen from both its documents; a pair stays when it ranks high enough for either.
    owners = np.concatenate([first, second])
    ranked = np.concatenate([scores, scores])
    pair = np.concatenate([np.arange(len(first))] * 2)
    order = np.lexsort((pair, -ranked, owners))
    owners = owners[order]
    starts, lengths = runs(owners)
    rank = np.arange(len(owners)) - np.repeat(starts, lengths)
    chosen = np.zeros(len(first), dtype=bool)
    chosen[pair[order][rank < max_candidates]] = True
    return np.stack([first[chosen], second[chosen]], axis=1)


def shared_counts(sets: ShingleSets, pairs: np.ndarray) -> np.ndarray:
    """How many shingles the two documents of each pair share (their sets are sorted and distinct).

    Per pair, the two sets are joined and sorted, and a shingle in both is a value equal to the one before
    it: three NumPy calls a pair, where ``np.intersect1d`` makes a dozen (0.14 s against 0.19 s for the
    35,070 candidate pairs of the neardup bench at 10,000 documents).
    """
    values, offsets = sets.values, sets.offsets.tolist()
    join, count = np.concatenate, np.count_nonzero
    counts = np.empty(len(pairs), dtype=np.int64)
    for n, (i, j) in enumerate(pairs.tolist()):
        both = join((values[offsets[i]:offsets[i + 1]], values[offsets[j]:offsets[j + 1]]))
        both.sort()
        counts[n] = count(both[1:] == both[:-1])
    return counts


def verify(sets: ShingleSets, pairs: np.ndarray, threshold: float) -> tuple[list[Edge], list[str]]:
    """The pairs whose exact containment (the shorter document's share inside the longer) reaches
    ``threshold``, with that containment rounded to 4 places, and the level of each (copy, trimmed, block)."""
    if len(pairs) == 0:
        return [], []
    common = shared_counts(sets, pairs)
    sizes = sets.sizes[pairs]
    shorter, longer = sizes.min(axis=1), sizes.max(axis=1)
    kept = np.flatnonzero((shorter > 0) & (common / np.maximum(shorter, 1) >= threshold))
    edges: list[Edge] = []
    levels: list[str] = []
    for (i, j), shared, small, large in zip(pairs[kept].tolist(), common[kept].tolist(), shorter[kept].tolist(),
                                            longer[kept].tolist()):
        edges.append((i, j, round(shared / small, 4)))
        levels.append(level_of(shared / small, shared / large))
    return edges, levels
