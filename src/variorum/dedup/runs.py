"""Runs of equal values in a sorted array, and the pairs of positions inside the runs, for all runs at once.

LSH buckets (:func:`variorum.dedup.lsh.bucket_pairs`) and the posting lists of the index of sampled
shingles (:func:`variorum.dedup.containment.posting_pairs`) are both runs of a sorted array, and both pair
the documents of every short run in full: here, with no Python loop over runs.

>>> keys = np.array([3, 3, 3, 5, 7, 7])
>>> starts, lengths = runs(keys)
>>> starts.tolist(), lengths.tolist()
([0, 3, 4], [3, 1, 2])
>>> first, second = pairs_within(starts, lengths, longest=3)
>>> list(zip(first.tolist(), second.tolist()))
[(0, 1), (1, 2), (4, 5), (0, 2)]
"""

from __future__ import annotations

import numpy as np


def runs(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each run of equal values of the sorted ``keys`` starts, and its length."""
    if len(keys) == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    return starts, np.diff(np.append(starts, len(keys)))


def pairs_within(starts: np.ndarray, lengths: np.ndarray, longest: int) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of positions ``(p, q)``, ``p < q``, of one run of 2 to ``longest`` positions, given the
    ``starts`` and ``lengths`` of all the runs of an array (see :func:`runs`).

    The ``k``-th step pairs each position with the one ``k`` places after it in its run, for all runs at
    once; a run of ``n`` positions takes part in ``n - 1`` steps.
    """
    short = np.repeat((lengths > 1) & (lengths <= longest), lengths)
    positions = np.flatnonzero(short)
    ends = np.repeat(starts + lengths, lengths)[positions]
    firsts: list[np.ndarray] = [np.empty(0, np.int64)]
    seconds: list[np.ndarray] = [np.empty(0, np.int64)]
    step = 1
    while len(positions):
        reaching = positions + step < ends
        positions, ends = positions[reaching], ends[reaching]
        firsts.append(positions)
        seconds.append(positions + step)
        step += 1
    return np.concatenate(firsts), np.concatenate(seconds)
