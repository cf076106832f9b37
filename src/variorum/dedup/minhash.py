"""MinHash signatures of shingle sets by one-permutation hashing with densification, for a whole batch in NumPy.

Classic MinHash applies ``num_perm`` hash functions to every shingle: ``num_perm × shingles`` work, which
dominates the cost of a document. One-permutation hashing (Li, Owen and Zhang, 2012) hashes each shingle once:
the shingle hashes (already random, see :mod:`variorum.dedup.shingle`) are cut into ``num_perm`` equal ranges,
*bins*, and position ``i`` of the signature is the smallest hash in bin ``i`` — its low 32 bits. Shingle sets
are sorted, so each bin's smallest hash is simply its first, and a batch's signatures take a few array
operations over its shingles. An empty bin (short documents) copies the value of the first non-empty bin
along a fixed random sequence of bins for that position (optimal densification, Shrivastava, 2017). Two
documents then agree at each position with probability equal to their Jaccard similarity, as with classic
MinHash, and the estimate is as good when documents have a few times ``num_perm`` shingles or more.

>>> from variorum.dedup.shingle import shingle_sets, token_hashes
>>> sets = shingle_sets(token_hashes(["a b c d e", "a b c d f", ""]), ngram=2, seed=1)
>>> sigs = signatures(sets, num_perm=64)
>>> sigs.shape, sigs.dtype.name
((3, 64), 'uint32')
>>> 0.5 < float(estimate_jaccard(sigs[0], sigs[1])) < 1.0
True
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from variorum.dedup.shingle import HASH_BITS, ShingleSets

EMPTY = np.uint32(0xFFFFFFFF)
"""The signature value of a document without shingles (such documents never enter LSH)."""

MAX_PERM = 1 << (64 - HASH_BITS)
"""The largest ``num_perm``: a shingle hash times ``num_perm`` must fit in 64 bits."""


@lru_cache(maxsize=8)
def _densification_order(num_perm: int) -> np.ndarray:
    """Row ``i``: bin ``i``, then every other bin in a fixed random order (the same for every document)."""
    rng = np.random.default_rng(num_perm)
    order = np.empty((num_perm, num_perm), dtype=np.int64)
    for position in range(num_perm):
        others = rng.permutation(np.delete(np.arange(num_perm), position))
        order[position] = np.concatenate(([position], others))
    return order


def signatures(sets: ShingleSets, num_perm: int) -> np.ndarray:
    """A ``(documents × num_perm)`` uint32 array of signatures; rows of :data:`EMPTY` for empty sets."""
    if not 2 <= num_perm <= MAX_PERM:
        raise ValueError(f"num_perm must be between 2 and {MAX_PERM:,}, not {num_perm}")
    result = np.full((len(sets), num_perm), EMPTY, dtype=np.uint32)
    values = sets.values
    if len(values) == 0:
        return result
    # Each shingle's cell, its document's row times num_perm plus its bin, computed in place.
    cells = values * np.uint64(num_perm)
    cells >>= np.uint64(HASH_BITS)
    cells += np.repeat(np.arange(len(sets), dtype=np.uint64) * np.uint64(num_perm), sets.sizes)
    cells = cells.view(np.int64)
    first = np.ones(len(cells), dtype=bool)
    np.not_equal(cells[1:], cells[:-1], out=first[1:])
    first = np.flatnonzero(first)
    bins = cells[first]
    filled = np.zeros(result.size, dtype=bool)
    filled[bins] = True
    result.reshape(-1)[bins] = values[first].astype(np.uint32)  # the low 32 bits
    filled = filled.reshape(result.shape)
    # Empty bins of documents with shingles copy the first filled bin along their densification order.
    rows, columns = np.nonzero(~filled & (sets.sizes > 0)[:, None])
    order = _densification_order(num_perm)
    step = 1
    while len(rows):
        source = order[columns, step]
        found = filled[rows, source]
        result[rows[found], columns[found]] = result[rows[found], source[found]]
        rows, columns = rows[~found], columns[~found]
        step += 1
    return result


def estimate_jaccard(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """The fraction of equal signature positions: estimated Jaccard, row by row for 2-D arrays."""
    return np.asarray(np.mean(first == second, axis=-1), dtype=np.float64)
