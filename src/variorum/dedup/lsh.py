"""Locality-sensitive hashing: bands of MinHash rows, chosen from a threshold, and the candidate pairs they give.

Two documents with Jaccard similarity ``s`` share at least one of ``b`` bands of ``r`` rows with probability
``1 - (1 - s**r)**b``. :func:`optimal_params` picks ``(b, r)`` with ``b * r <= num_perm`` minimizing the
weighted area of false positives below the threshold plus false negatives above it (the criterion datasketch
uses). :func:`bucket_pairs` turns ``(band, key, document)`` triples into candidate pairs; it is a pure
function of the triples it is given, so triples can be split into shards by key and processed anywhere.

>>> optimal_params(0.5, 128)
(25, 5)
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from variorum.dedup.runs import pairs_within, runs

_GRID = 1001
_BAND_SPREAD = np.uint64(0x9E3779B97F4A7C15)  # a bucket is a band key XOR its band times this (odd) number


def _band_probability(similarity: np.ndarray, bands: int, rows: int) -> np.ndarray:
    return 1.0 - (1.0 - similarity**rows) ** bands


def _error(threshold: float, bands: int, rows: int, false_positive_weight: float, false_negative_weight: float) -> float:
    """The weighted false-positive plus false-negative probability mass of ``(bands, rows)`` (trapezoids over
    :data:`_GRID` points each side of the threshold)."""
    below = np.linspace(0.0, threshold, _GRID)
    above = np.linspace(threshold, 1.0, _GRID)
    false_positive = np.trapezoid(_band_probability(below, bands, rows), below)
    false_negative = np.trapezoid(1.0 - _band_probability(above, bands, rows), above)
    return float(false_positive_weight * false_positive + false_negative_weight * false_negative)


def _trapezoid_weights(points: np.ndarray) -> np.ndarray:
    """``w`` such that ``w @ y`` is the trapezoid rule's integral of ``y`` over ``points``."""
    weights = np.zeros(len(points))
    half_steps = np.diff(points) / 2.0
    weights[:-1] += half_steps
    weights[1:] += half_steps
    return weights


_NEAR = 1e-9
"""How close to the least a quickly computed error must be for its ``(b, r)`` to be computed again exactly
(the two ways differ by rounding only, some 1e-15)."""


@lru_cache(maxsize=64)
def optimal_params(
    threshold: float, num_perm: int, false_positive_weight: float = 0.5, false_negative_weight: float = 0.5
) -> tuple[int, int]:
    """The ``(bands, rows)`` minimizing weighted false-positive plus false-negative probability mass: of
    those with the least (:func:`_error`), the one with the fewest bands, then rows.

    Computing :func:`_error` for each of the 695 pairs of 128 permutations took 12-16 ms of every run (the
    JSON report names them, whatever the measure). Here, for each ``r``, the powers ``(1 - s**r)**b`` of
    successive ``b`` are one multiplication apart and the integrals are dot products (2 ms); the pairs within
    :data:`_NEAR` of the least are computed again by :func:`_error`, which decides.
    """
    if not 0.0 < threshold < 1.0:
        raise ValueError(f"threshold must be between 0 and 1 (exclusive), not {threshold}")
    below = np.linspace(0.0, threshold, _GRID)
    above = np.linspace(threshold, 1.0, _GRID)
    below_weights, above_weights = _trapezoid_weights(below), _trapezoid_weights(above)
    below_area = float(below_weights.sum())
    errors: dict[tuple[int, int], float] = {}
    for rows in range(1, num_perm + 1):
        missed_below, missed_above = 1.0 - below**rows, 1.0 - above**rows  # one band misses
        all_below, all_above = missed_below.copy(), missed_above.copy()  # all bands miss
        for bands in range(1, num_perm // rows + 1):
            if bands > 1:
                all_below *= missed_below
                all_above *= missed_above
            errors[bands, rows] = (false_positive_weight * (below_area - float(below_weights @ all_below))
                                   + false_negative_weight * float(above_weights @ all_above))
    least = min(errors.values())
    near = [pair for pair, error in errors.items() if error <= least + _NEAR]
    return min(near, key=lambda pair: (
        _error(threshold, pair[0], pair[1], false_positive_weight, false_negative_weight), pair))


def band_keys(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """A ``(documents × bands)`` uint64 array: each band's rows mixed into one 64-bit key."""
    keys = np.zeros((len(signatures), bands), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for row in range(rows):
            column = signatures[:, row:bands * rows:rows].astype(np.uint64)
            keys = (keys ^ column) * np.uint64(0x9E3779B97F4A7C15)
            keys ^= keys >> np.uint64(29)
    return keys


def band_triples(signatures: np.ndarray, documents: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """The ``(band, key, document)`` rows (as a ``(n × 3)`` uint64 array) for documents ``documents``."""
    keys = band_keys(signatures, bands, rows)
    band_ids = np.broadcast_to(np.arange(bands, dtype=np.uint64), keys.shape)
    owners = np.broadcast_to(documents.astype(np.uint64)[:, None], keys.shape)
    return np.stack([band_ids.ravel(), keys.ravel(), owners.ravel()], axis=1)


def bucket_pairs(triples: np.ndarray, max_bucket: int) -> np.ndarray:
    """Candidate pairs ``(i, j)``, ``i < j``, sorted and distinct, from documents sharing a band key.

    A bucket of up to ``max_bucket`` documents gives all its pairs; a larger one (boilerplate that many
    documents share) gives its members, in document order, each paired with the first and with the next, so a
    bucket of a million documents costs two million pairs, not half a trillion. Pairs of the small buckets
    are made for all of them at once (:func:`variorum.dedup.runs.pairs_within`).
    """
    if len(triples) == 0:
        return np.empty((0, 2), dtype=np.int64)
    with np.errstate(over="ignore"):
        buckets = triples[:, 1] ^ (triples[:, 0] * _BAND_SPREAD)
    order = np.argsort(buckets)
    buckets = buckets[order]
    documents = triples[order, 2].astype(np.int64)
    starts, lengths = runs(buckets)
    first, second = pairs_within(starts, lengths, max_bucket)
    found = [np.stack([documents[first], documents[second]], axis=1)]
    for start, length in zip(starts[lengths > max_bucket].tolist(), lengths[lengths > max_bucket].tolist()):
        members = np.unique(documents[start:start + length])
        found.append(np.stack([np.full(len(members) - 1, members[0]), members[1:]], axis=1))
        found.append(np.stack([members[1:-1], members[2:]], axis=1))
    pairs = np.concatenate(found)
    pairs = np.sort(pairs[pairs[:, 0] != pairs[:, 1]], axis=1)
    return unique_pairs(pairs)


def unique_pairs(pairs: np.ndarray) -> np.ndarray:
    """The distinct rows of an ``(n × 2)`` array of document pairs, sorted (faster than ``np.unique(axis=0)``)."""
    if len(pairs) == 0:
        return np.empty((0, 2), dtype=np.int64)
    width = int(pairs.max()) + 1
    codes = np.sort(pairs[:, 0].astype(np.int64) * width + pairs[:, 1])
    # Sorted, then each code that differs from the one before: np.unique hashes since NumPy 2.3, about 80
    # times slower than this on millions of integers.
    codes = codes[runs(codes)[0]]
    return np.stack([codes // width, codes % width], axis=1)
