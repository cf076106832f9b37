"""MinHash signatures of shingle sets, computed for many documents at once in NumPy.

Each of the ``num_perm`` hash functions is a strongly universal multiply-add-shift hash of the shingle hash
folded to 32 bits: ``h_i(x) = ((a_i * x + b_i) mod 2**64) >> 32`` with random 64-bit ``a_i``, ``b_i``
(Dietzfelbinger, 1996). All permutations are applied to all shingles of a chunk of documents as one
``(num_perm × shingles)`` array operation, and each document's minimum per permutation is taken with
``np.minimum.reduceat`` — no Python loop per permutation or per shingle. (Shifting after the minimum gives
the same result as shifting before it, and saves a pass over the array.)

>>> from variorum.dedup.shingle import WordHasher, shingle_sets, words
>>> sets = shingle_sets([words(t) for t in ("a b c d e", "a b c d f", "")], 2, WordHasher())
>>> sigs = signatures(sets, num_perm=64, seed=1)
>>> sigs.shape, sigs.dtype.name
((3, 64), 'uint32')
>>> 0.5 < float(estimate_jaccard(sigs[0], sigs[1])) < 1.0
True
"""

from __future__ import annotations

import numpy as np

from variorum.dedup.shingle import ShingleSets

EMPTY = np.uint32(0xFFFFFFFF)
"""The signature value of a document without shingles (such documents never enter LSH)."""

_CHUNK_CELLS = 1 << 21  # permutation × shingle cells per step: a 16 MiB temporary, fast in practice


def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``(a, b)`` coefficients of ``num_perm`` hash functions, reproducible from ``seed``."""
    if num_perm < 2:
        raise ValueError(f"num_perm must be at least 2, not {num_perm}")
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 2**64, size=num_perm, dtype=np.uint64) | np.uint64(1)
    b = rng.integers(0, 2**64, size=num_perm, dtype=np.uint64)
    return a, b


def _chunk_signatures(values: np.ndarray, starts: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    folded = (values ^ (values >> np.uint64(32))) & np.uint64(0xFFFFFFFF)
    cells = np.multiply(a[:, None], folded[None, :])
    cells += b[:, None]
    minima = np.minimum.reduceat(cells, starts, axis=1)
    minima >>= np.uint64(32)
    return minima.T.astype(np.uint32)


def signatures(sets: ShingleSets, num_perm: int, seed: int) -> np.ndarray:
    """A ``(documents × num_perm)`` uint32 array of MinHash signatures; rows of :data:`EMPTY` for empty sets."""
    a, b = permutations(num_perm, seed)
    result = np.full((len(sets), num_perm), EMPTY, dtype=np.uint32)
    sizes = sets.sizes
    filled = np.flatnonzero(sizes)
    if len(filled) == 0:
        return result
    budget = max(1, _CHUNK_CELLS // num_perm)
    # Cut the filled documents into chunks of about ``budget`` shingles (a large document is a chunk alone).
    ends = np.cumsum(sizes[filled])
    cuts = np.unique(np.searchsorted(ends, np.arange(budget, int(ends[-1]), budget), side="right"))
    bounds = [0, *[int(c) for c in cuts if 0 < c < len(filled)], len(filled)]
    with np.errstate(over="ignore"):
        for start, stop in zip(bounds[:-1], bounds[1:]):
            chunk = filled[start:stop]
            low, high = sets.offsets[chunk[0]], sets.offsets[chunk[-1] + 1]
            starts = sets.offsets[chunk] - low
            result[chunk] = _chunk_signatures(sets.values[low:high], starts, a, b)
    return result


def estimate_jaccard(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """The fraction of equal signature positions: estimated Jaccard, row by row for 2-D arrays."""
    return np.mean(first == second, axis=-1)
