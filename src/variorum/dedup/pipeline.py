"""The near-duplicate pipeline, in steps that run the same locally and per partition under Dask.

``sketch`` (texts → word hashes → exact keys, shingle sets, MinHash signatures) runs per batch of texts;
``lsh_members`` picks one document per exact-duplicate group (so a million identical documents enter LSH once);
``band_triples``/``bucket_pairs`` (in :mod:`variorum.dedup.lsh`) give candidate pairs; ``verified_edges``
keeps the pairs at or above the threshold; :func:`variorum.dedup.cluster.build_clusters` joins them.
:class:`Deduper` strings these together over a stream of documents, keeping per document only its sketch
(a signature of ``num_perm`` 32-bit values and a few counters), never its text.

>>> deduper = Deduper(DedupConfig(threshold=0.5, ngram=2))
>>> deduper.add([Document("a", "The cat sat on the mat today."), Document("b", "The cat sat on the mat today!"),
...              Document("c", "Something else entirely, about dogs.")])
>>> [[deduper.ids[i] for i in c.members] for c in deduper.clusters()]
[['a', 'b'], ['c']]
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Iterable, Sequence

import numpy as np

from variorum.dedup.cluster import (
    KEEP, MEASURES, Cluster, build_clusters, estimated_similarity, exact_similarity, lsh_threshold,
)
from variorum.dedup.lsh import band_triples, bucket_pairs, optimal_params, unique_pairs
from variorum.dedup.minhash import signatures
from variorum.dedup.shingle import ShingleSets, exact_keys, shingle_sets, token_hashes


@dataclass(frozen=True)
class DedupConfig:
    """Parameters of a run. Defaults were chosen on ``bench/dedup.py`` (see docs/dedup.md)."""

    threshold: float = 0.6
    ngram: int = 5
    num_perm: int = 128
    measure: str = "containment"
    keep: str = "first"
    verify: bool = False
    seed: int = 1
    max_bucket: int = 50

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold < 1.0:
            raise ValueError(f"threshold must be between 0 and 1 (exclusive), not {self.threshold}")
        if self.ngram < 1:
            raise ValueError(f"ngram must be at least 1, not {self.ngram}")
        if self.num_perm < 2:
            raise ValueError(f"num_perm must be at least 2, not {self.num_perm}")
        if self.measure not in MEASURES:
            raise ValueError(f"measure must be one of {', '.join(MEASURES)}, not {self.measure!r}")
        if self.keep not in KEEP:
            raise ValueError(f"keep must be one of {', '.join(KEEP)}, not {self.keep!r}")

    @property
    def bands_rows(self) -> tuple[int, int]:
        """The LSH ``(bands, rows)`` for this measure and threshold."""
        return optimal_params(lsh_threshold(self.measure, self.threshold), self.num_perm)


@dataclass(frozen=True)
class Document:
    """One input document: its id, its text and its publication date (ISO 8601) when known."""

    id: str
    text: str
    published: str | None = None


@dataclass(frozen=True)
class Sketch:
    """What the pipeline keeps of a batch of documents (arrays aligned by document)."""

    keys: np.ndarray  # uint64 exact-duplicate keys
    word_counts: np.ndarray  # int64
    sizes: np.ndarray  # int64 distinct shingles
    lengths: np.ndarray  # int64 characters
    signatures: np.ndarray  # uint32 (documents × num_perm)
    sets: ShingleSets | None = None  # kept only when verifying exactly


def sketch(texts: Sequence[str], config: DedupConfig) -> Sketch:
    """The sketch of a batch of texts.

    Exact duplicates within the batch (same words) are shingled and signed once, and share the result.
    """
    tokens = token_hashes(texts)
    keys = exact_keys(tokens)
    _, firsts, copies = np.unique(keys, return_index=True, return_inverse=True)
    if len(firsts) < len(texts):
        distinct = shingle_sets(tokens.take(firsts), config.ngram, config.seed)
        sets, signed = distinct.take(copies), signatures(distinct, config.num_perm)[copies]
    else:
        sets = shingle_sets(tokens, config.ngram, config.seed)
        signed = signatures(sets, config.num_perm)
    return Sketch(
        keys=keys,
        word_counts=tokens.sizes,
        sizes=sets.sizes,
        lengths=np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)),
        signatures=signed,
        sets=sets if config.verify else None,
    )


def _encoded(texts: Sequence[str]) -> tuple[bytes, np.ndarray]:
    """``texts`` as one UTF-8 buffer and the length of each, to send to another process. (Pickling a
    non-ASCII string would leave a cached UTF-8 copy of it on the string, as large as its text, for as
    long as the caller keeps it; lone surrogates pass through, so every text comes back exactly.)"""
    encoded = [text.encode("utf-8", "surrogatepass") for text in texts]
    return b"".join(encoded), np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))


def _sketch_encoded(buffer: bytes, lengths: np.ndarray, config: DedupConfig) -> Sketch:
    """The sketch of the texts packed by :func:`_encoded`."""
    ends = np.cumsum(lengths).tolist()
    return sketch([buffer[start:end].decode("utf-8", "surrogatepass") for start, end in zip([0, *ends], ends)],
                  config)


def concat_sketches(parts: Sequence[Sketch], num_perm: int) -> Sketch:
    """One sketch of the documents of ``parts``, in order."""
    sets: ShingleSets | None = None
    if parts and all(part.sets is not None for part in parts):
        offsets = [np.zeros(1, dtype=np.int64)]
        base = 0
        for part in parts:
            assert part.sets is not None
            offsets.append(part.sets.offsets[1:] + base)
            base += int(part.sets.offsets[-1])
        sets = ShingleSets(
            np.concatenate([p.sets.values for p in parts if p.sets is not None] or [np.empty(0, np.uint64)]),
            np.concatenate(offsets),
        )

    def joined(name: str, dtype: type, width: int = 0) -> np.ndarray:
        arrays = [getattr(part, name) for part in parts]
        if arrays:
            return np.concatenate(arrays)
        return np.empty((0, width) if width else 0, dtype=dtype)

    return Sketch(
        keys=joined("keys", np.uint64),
        word_counts=joined("word_counts", np.int64),
        sizes=joined("sizes", np.int64),
        lengths=joined("lengths", np.int64),
        signatures=joined("signatures", np.uint32, num_perm),
        sets=sets,
    )


def exact_edges(keys: np.ndarray, word_counts: np.ndarray) -> tuple[list[tuple[int, int, float]], np.ndarray]:
    """Edges joining exact duplicates to their group's first document, and whether each document is first.

    Empty documents (no words) are never duplicates of anything: each stays alone.
    """
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    first = np.ones(len(keys), dtype=bool)
    if len(keys):
        first_in_order = np.ones(len(keys), dtype=bool)
        first_in_order[1:] = ordered[1:] != ordered[:-1]
        group_start = order[np.maximum.accumulate(np.where(first_in_order, np.arange(len(keys)), 0))]
        first[order] = first_in_order
        duplicates = np.flatnonzero(~first_in_order)
        edges = [
            (int(group_start[i]), int(order[i]), 1.0) for i in duplicates if word_counts[order[i]] > 0
        ]
        first |= word_counts == 0
    else:
        edges = []
    return edges, first


def lsh_members(sketch_: Sketch, first: np.ndarray) -> np.ndarray:
    """The documents that enter LSH: the first of each exact group, with at least one shingle."""
    return np.flatnonzero(first & (sketch_.sizes > 0))


def candidate_pairs(sketch_: Sketch, members: np.ndarray, config: DedupConfig) -> np.ndarray:
    """Candidate pairs among ``members`` from LSH banding of their signatures (the local, one-shard form).

    Buckets never span bands, so the bands are banded one at a time: the same pairs as all at once, in a
    fraction of the memory (a million documents × 37 bands of triples would take 900 MB).
    """
    bands, rows = config.bands_rows
    signatures = sketch_.signatures[members]
    found = [bucket_pairs(band_triples(signatures[:, band * rows:(band + 1) * rows], members, 1, rows),
                          config.max_bucket) for band in range(bands)]
    found = [pairs for pairs in found if len(pairs)]
    return unique_pairs(np.concatenate(found)) if found else np.empty((0, 2), dtype=np.int64)


def verified_edges(sketch_: Sketch, pairs: np.ndarray, config: DedupConfig) -> list[tuple[int, int, float]]:
    """The candidate pairs whose similarity reaches the threshold, with that similarity (rounded to 4 places)."""
    if len(pairs) == 0:
        return []
    if config.verify and sketch_.sets is not None:
        sets = sketch_.sets
        scores = np.array([exact_similarity(config.measure, sets[int(i)], sets[int(j)]) for i, j in pairs])
    else:
        scores = estimated_similarity(config.measure, sketch_.signatures, sketch_.sizes, pairs)
    keep = scores >= config.threshold
    return [(int(i), int(j), round(float(s), 4)) for (i, j), s in zip(pairs[keep], scores[keep])]


@dataclass
class Deduper:
    """Near-duplicate clusters over a stream of documents, added in batches."""

    config: DedupConfig = field(default_factory=DedupConfig)
    ids: list[str] = field(default_factory=list)
    published: list[str | None] = field(default_factory=list)
    _parts: list[Sketch] = field(default_factory=list)

    def add(self, documents: Iterable[Document]) -> None:
        """Sketch a batch of documents and remember their ids and dates."""
        batch = list(documents)
        if batch:
            self.add_sketch([d.id for d in batch], [d.published for d in batch],
                            sketch([d.text for d in batch], self.config))

    def add_all(self, batches: Iterable[Sequence[Document]], processes: int = 1) -> None:
        """Sketch batches of documents in order, on ``processes`` worker processes when more than one.

        At most two batches per process are in flight, so the texts never pile up; the result is the same
        as adding the batches one by one. Workers start from a fork server, so a script that calls this
        needs the usual ``if __name__ == "__main__":`` guard.
        """
        if processes < 2:
            for batch in batches:
                self.add(batch)
            return
        pending: deque[tuple[Sequence[Document], Future[Sketch]]] = deque()
        with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("forkserver")) as pool:
            for batch in batches:
                if batch:
                    buffer, lengths = _encoded([d.text for d in batch])
                    pending.append((batch, pool.submit(_sketch_encoded, buffer, lengths, self.config)))
                while len(pending) > 2 * processes or (pending and pending[0][1].done()):
                    done, future = pending.popleft()
                    self.add_sketch([d.id for d in done], [d.published for d in done], future.result())
            for done, future in pending:
                self.add_sketch([d.id for d in done], [d.published for d in done], future.result())

    def add_sketch(self, ids: Sequence[str], published: Sequence[str | None], part: Sketch) -> None:
        """Add documents already sketched elsewhere (e.g. on a Dask worker)."""
        self.ids.extend(ids)
        self.published.extend(published)
        self._parts.append(part)

    def sketch(self) -> Sketch:
        """The sketch of every document added so far."""
        if len(self._parts) > 1:
            self._parts = [concat_sketches(self._parts, self.config.num_perm)]
        return self._parts[0] if self._parts else concat_sketches([], self.config.num_perm)

    def clusters(self, candidates: np.ndarray | None = None) -> list[Cluster]:
        """The clusters, every document in exactly one; ``candidates`` replaces the local LSH step."""
        whole = self.sketch()
        edges, first = exact_edges(whole.keys, whole.word_counts)
        if candidates is None:
            candidates = candidate_pairs(whole, lsh_members(whole, first), self.config)
        edges.extend(verified_edges(whole, candidates, self.config))
        return build_clusters(len(self.ids), edges, self.config.keep, whole.lengths.tolist(), self.published)
